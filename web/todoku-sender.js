// The sender page (/sender/, /en/sender/): checks a sender's domain the way receivers judge it.
// The core (checker.sender, the same Python as `python -m checker domain`) runs in a module Web Worker
// (todoku-sender-worker.mjs, self-hosted Pyodide). It asks DNS questions in batches; THIS script answers them
// over DNS-over-HTTPS (RFC 8484: GET ?dns=<base64url>, accept: application/dns-message) from the public
// resolver the reader chose, and only after the reader pressed the button. The requests are made here, on the
// page's main thread, so that the page's Content-Security-Policy (which allows exactly those resolvers, on this
// page only) governs them. A shared link (#domain=...) fills the form in and sends nothing.
// Loaded only on the page that holds form[data-todoku="sender"], after todoku-page.js (what the page scripts
// share). Every string comes from checker/data/messages
// (embedded in the form by scripts/widget.py as JSON): none is written here.
(function () {
  "use strict";

  var TIMEOUT_MS = 5000; // per DoH request; no answer in time = the core's TIMEOUT (a temporary error)
  var P = window.TodokuPage; // todoku-page.js, loaded before this script
  var el = P.el;

  function toBase64(buf) {
    var bytes = new Uint8Array(buf);
    var s = "";
    for (var i = 0; i < bytes.length; i += 0x8000) {
      s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(s);
  }

  // One DoH GET. Resolves to {wire: base64} | {error: "timeout" | "unreachable" | "http"}; never rejects.
  function ask(endpoint, q) {
    var ctrl = typeof AbortController === "function" ? new AbortController() : null;
    var timedOut = false;
    var timer = setTimeout(function () { timedOut = true; if (ctrl) ctrl.abort(); }, TIMEOUT_MS);
    var url = endpoint + (endpoint.indexOf("?") < 0 ? "?" : "&") + "dns=" + q.dns;
    return fetch(url, {
      method: "GET", headers: { accept: "application/dns-message" }, credentials: "omit",
      referrerPolicy: "no-referrer", mode: "cors", signal: ctrl ? ctrl.signal : undefined,
    }).then(function (res) {
      if (!res.ok) return { error: "http" };
      return res.arrayBuffer().then(function (b) { return { wire: toBase64(b) }; });
    }).catch(function () {
      return { error: timedOut ? "timeout" : "unreachable" };
    }).then(function (r) {
      clearTimeout(timer);
      if (timedOut && !r.error) return { error: "timeout" };
      return r;
    });
  }

  function parseHash() {
    var h = location.hash.replace(/^#/, "");
    var out = {};
    h.split("&").forEach(function (part) {
      var i = part.indexOf("=");
      if (i <= 0) return;
      try {
        out[decodeURIComponent(part.slice(0, i))] = decodeURIComponent(part.slice(i + 1).replace(/\+/g, " "));
      } catch (e) { /* a broken escape: ignore that part */ }
    });
    return out;
  }

  P.enhance("sender", function (form, page) {
    var endpointsNode = form.querySelector("script.todoku-sender-endpoints");
    if (!endpointsNode) return false;
    var endpoints = JSON.parse(endpointsNode.textContent);
    var lang = page.lang;
    var t = page.t;
    var input = form.querySelector('input[name="domain"]');
    var ipInput = form.querySelector('input[name="ip"]');
    var selInput = form.querySelector('input[name="selectors"]');
    var button = form.querySelector('button[type="submit"]');
    var what = form.querySelector(".todoku-sender-what");
    var output = form.querySelector("output.todoku-sender-status");
    var result = form.querySelector(".todoku-sender-result");
    var busy = false;
    var run = null; // the check in progress: {resolver, asked, failures}

    function resolver() {
      var checked = form.querySelector('input[name="resolver"]:checked');
      var id = checked ? checked.value : endpoints[0].id;
      for (var i = 0; i < endpoints.length; i++) if (endpoints[i].id === id) return endpoints[i];
      return endpoints[0];
    }

    function describe() {
      var r = resolver();
      what.textContent = t("what-sent", { resolver: r.name });
      button.textContent = t("submit", { resolver: r.name });
    }

    function status(text, kind) {
      output.textContent = text;
      if (kind) output.setAttribute("data-kind", kind); else output.removeAttribute("data-kind");
    }

    function finish(state) {
      busy = false;
      run = null;
      button.disabled = false;
      form.setAttribute("data-state", state);
    }

    function loadFailed() {
      status(t("failed"), "error");
      finish("failed");
    }

    var getWorker = P.lazyWorker(form, "todoku-sender-worker.mjs", {
      loading: function () { if (busy) status(t("loading")); },
      failed: loadFailed,
      step: function (m) { if (run) onStep(m.step); },
    });

    function onStep(step) {
      if (!step || step.error) {
        var code = step ? step.error : "crash";
        if (code === "empty") status(t("empty"), "error");
        else if (code === "bad-domain") status(t("bad-domain", { domain: input.value.trim() }), "error");
        else status(t("crash"), "error");
        finish("error");
        return;
      }
      if (step.done) {
        share(step.done.result.domain);
        render(step.done, run.resolver);
        finish("done");
        return;
      }
      var r = run.resolver;
      run.asked += step.batch.length;
      status(t("asking", { resolver: r.name, count: run.asked }, run.asked));
      Promise.all(step.batch.map(function (q) { return ask(r.url, q); })).then(function (replies) {
        if (!run) return;
        var unreachable = replies.filter(function (x) { return x.error === "unreachable"; }).length;
        if (unreachable === replies.length) {
          // not one answer: the resolver cannot be reached from here (network, proxy, filter): stop, judge nothing
          status(t("unreachable", { resolver: r.name }), "error");
          finish("unreachable");
          return;
        }
        run.timeouts += replies.filter(function (x) { return x.error === "timeout"; }).length;
        getWorker().postMessage({ type: "feed", replies: replies });
      });
    }

    function start() {
      if (busy) return;
      var domain = input.value.trim();
      result.textContent = "";
      if (!domain) {
        status(t("empty"), "error");
        return;
      }
      var w = getWorker();
      if (!w) return;
      busy = true;
      button.disabled = true;
      form.setAttribute("data-state", "running");
      run = { resolver: resolver(), asked: 0, timeouts: 0 };
      status(form.hasAttribute("data-ready") ? t("asking", { resolver: run.resolver.name, count: 0 }, 0) : t("loading"));
      var selectors = (selInput && selInput.value.trim()) ? selInput.value.trim().split(/[\s,]+/) : [];
      var ip = ipInput ? ipInput.value.trim() : "";
      w.postMessage({ type: "start", request: { domain: domain, lang: lang, ip: ip || null, selectors: selectors } });
      run.ip = ip;
      run.selectors = selectors;
    }

    // the shareable link: the domain as the core read it (typing an address keeps only its domain), never more
    function share(domain) {
      var frag = "domain=" + encodeURIComponent(domain) + "&resolver=" + encodeURIComponent(run.resolver.id);
      if (run.ip) frag += "&ip=" + encodeURIComponent(run.ip);
      if (run.selectors.length) frag += "&selectors=" + encodeURIComponent(run.selectors.join(" "));
      if (history.replaceState) history.replaceState(null, "", "#" + frag);
    }

    // ---- rendering ------------------------------------------------------------------------------------------
    function verdictLabel(v) { return t("verdict-" + v); }

    // the core's links are site-root-relative ("/sender/#spf-none", "/en/sender/#spf-none"); this script sits in
    // <root>/assets/todoku/ (ja) or <root>/en/assets/todoku/ (en), so the site works under any base path
    function link(url, text) {
      var href = url;
      try { href = new URL(url.replace(/^\//, ""), new URL(lang === "en" ? "../../../" : "../../", P.base())).href; }
      catch (e) { /* keep the URL as it is */ }
      return el("a", { href: href, text: text });
    }

    function findingItem(f) {
      return el("li", { "class": "todoku-sender-finding", "data-severity": f.severity, "data-code": f.code }, [
        el("span", { "class": "todoku-sender-severity", text: t("severity-" + f.severity) }), " ",
        f.message, " ", link(f.url, t("more")),
      ]);
    }

    function copyButton(text) {
      var b = el("button", { type: "button", "class": "todoku-sender-copy", text: t("copy") });
      b.addEventListener("click", function () {
        var done = function () { b.textContent = t("copied"); setTimeout(function () { b.textContent = t("copy"); }, 2000); };
        if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(done, function () {});
      });
      return b;
    }

    function receiverName(done, id) {
      var names = (done.view && done.view.receivers) || {};
      return names[id] || id;
    }

    function receiversTable(done) {
      var res = done.result;
      var rows = (res.receivers || []).map(function (r) {
        var why = r.findings.length ? el("ul", null, r.findings.map(findingItem)) : el("span", { text: "—" });
        return el("tr", { "data-receiver": r.id, "data-verdict": r.verdict }, [
          el("th", { scope: "row", text: receiverName(done, r.id) }),
          el("td", { "class": "todoku-sender-verdict", text: verdictLabel(r.verdict) }),
          el("td", null, [why]),
        ]);
      });
      return el("table", { "class": "todoku-sender-receivers" }, [
        el("thead", null, [el("tr", null, [
          el("th", { scope: "col", text: t("col-receiver") }), el("th", { scope: "col", text: t("col-verdict") }),
          el("th", { scope: "col", text: t("col-why") })])]),
        el("tbody", null, rows),
      ]);
    }

    function recordsList(res) {
      var items = [];
      var mx = res.mx || {};
      items.push([t("mx"), mx["null"] ? "null MX" : (mx.hosts && mx.hosts.length ? mx.hosts.join(", ") : t("none"))]);
      var spf = res.spf || {};
      items.push([t("spf"), spf.record === null || spf.record === undefined ? t("not-found") : spf.record,
                  t("lookups", { lookups: spf.lookups, void: spf.void_lookups })]);
      var dm = res.dmarc || {};
      items.push([t("dmarc"), dm.record === null || dm.record === undefined ? t("not-found") : dm.record,
                  dm.policy ? t("dmarc-policy", { policy: dm.policy, location: dm.location }) : null]);
      (res.dkim || []).forEach(function (k) {
        items.push([t("dkim") + " " + k.selector, k.found ? (k.valid ? t("found") : t("invalid")) : t("not-found")]);
      });
      return el("dl", { "class": "todoku-sender-records" }, [].concat.apply([], items.map(function (it) {
        return [el("dt", { text: it[0] }), el("dd", null, [el("code", { text: String(it[1]) }),
          it[2] ? el("div", { "class": "todoku-sender-note", text: it[2] }) : null])];
      })));
    }

    // node: checker.sender.spf.Node.to_dict() + "costly" (checker.web.sender marks the includes that push it over 10)
    function spfTree(node, depth) {
      if (!node) return null;
      var label = node.term || (node.via === "top" ? node.domain : node.via + ":" + node.domain);
      var li = el("li", { "data-costly": node.costly ? "" : null, "data-domain": node.domain }, [
        el("code", { text: label }), " ",
        el("span", { "class": "todoku-sender-count", text: String(node.total_lookups) }),
        node.costly ? el("strong", { "class": "todoku-sender-costly", text: " " + t("costly") }) : null,
        node.problem ? el("span", { "class": "todoku-sender-problem", text: " (" + node.problem + ")" }) : null,
      ]);
      if (node.children && node.children.length && depth < 12) {
        li.appendChild(el("ul", null, node.children.map(function (c) { return spfTree(c, depth + 1); })));
      }
      return li;
    }

    function fixesTable(fixes) {
      return el("table", { "class": "todoku-sender-fixes" }, [
        el("thead", null, [el("tr", null, [el("th", { text: t("fix-name") }), el("th", { text: t("fix-type") }),
          el("th", { text: t("fix-value") }), el("th", null, [])])]),
        el("tbody", null, fixes.map(function (f) {
          return el("tr", null, [el("td", null, [el("code", { text: f.name })]), el("td", { text: f.type }),
            el("td", null, [el("code", { "class": "todoku-sender-fix-value", text: f.value })]),
            el("td", null, [copyButton(f.value)])]);
        })),
      ]);
    }

    function render(done, r) {
      var res = done.result;
      result.textContent = "";
      var parts = [];
      parts.push(el("p", { "class": "todoku-sender-overall", "data-verdict": res.verdict },
        [el("strong", { text: t("overall", { domain: res.domain, verdict: verdictLabel(res.verdict) }) })]));
      if (run && run.timeouts) {
        parts.push(el("p", { "class": "todoku-sender-warning", text: t("timeouts", { count: run.timeouts, seconds: TIMEOUT_MS / 1000 }, run.timeouts) }));
      }
      parts.push(el("h3", { text: t("receivers") }), receiversTable(done));
      var detail = done.detail || {};
      if (detail.spf_tree) {
        parts.push(el("h3", { text: t("spf-tree") }), el("p", { "class": "todoku-sender-note", text: t("spf-tree-note") }),
                   el("ul", { "class": "todoku-sender-spf-tree" }, [spfTree(detail.spf_tree, 0)]));
      }
      if (detail.fixes && detail.fixes.length) {
        parts.push(el("h3", { text: t("fixes") }), fixesTable(detail.fixes));
        if (detail.fixes.some(function (f) { return /rua=/.test(f.value); })) {
          parts.push(el("p", { "class": "todoku-sender-note", text: t("fixes-note") }));
        }
      }
      parts.push(el("h3", { text: t("findings") }),
        res.findings.length ? el("ul", { "class": "todoku-sender-findings" }, res.findings.map(findingItem))
          : el("p", { text: t("no-findings") }));
      parts.push(el("h3", { text: t("records") }), recordsList(res));
      var sentList = el("ol", { "class": "todoku-sender-sent" }, (done.sent || []).map(function (q) {
        return el("li", null, [el("code", { text: q.name }), " " + q.type]);
      }));
      parts.push(el("details", null, [el("summary", { text: t("sent", { resolver: r.name, count: (done.sent || []).length }, (done.sent || []).length) }), sentList]));
      var pre = el("pre", { "class": "todoku-sender-json" }, [el("code", { text: done.line })]);
      parts.push(el("details", null, [el("summary", { text: t("json") }), pre, copyButton(done.line)]));
      parts.push(el("p", { "class": "todoku-sender-share", text: t("share") }));
      parts.forEach(function (p) { result.appendChild(p); });
      status("");
    }

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      start();
    });
    form.addEventListener("change", function (ev) {
      if (ev.target && ev.target.name === "resolver") describe();
    });
    // load Pyodide early (site files only; nothing goes to a resolver before the button)
    P.warmUp(form, getWorker, null, [[form, "focusin"]]);

    // a shared link: fill the form in, send nothing
    var shared = parseHash();
    if (shared.domain) {
      input.value = shared.domain;
      if (shared.resolver) {
        var radio = form.querySelector('input[name="resolver"][value="' + shared.resolver.replace(/[^a-z0-9-]/g, "") + '"]');
        if (radio) radio.checked = true;
      }
      if (shared.ip && ipInput) ipInput.value = shared.ip;
      if (shared.selectors && selInput) selInput.value = shared.selectors;
      if ((shared.ip || shared.selectors) && form.querySelector("details.todoku-sender-advanced")) {
        form.querySelector("details.todoku-sender-advanced").open = true;
      }
      status(t("shared", { domain: shared.domain }), "notice");
      form.setAttribute("data-state", "shared");
    }
    describe();
  });
})();
