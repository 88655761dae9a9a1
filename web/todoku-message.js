// The message page (/message/, /en/message/): paste a bounce or a message source, or choose / drop an .eml;
// checker.message runs on it in a module Web Worker (todoku-message-worker.mjs, self-hosted Pyodide) and one
// card per recipient shows the reason, the plain explanation and the fix. No byte of the message is sent
// anywhere. A no-op where there is no form[data-todoku="message"]. Every string comes from
// checker/data/messages (embedded in the form by scripts/widget.py as JSON, or returned by the worker).
(function () {
  "use strict";

  var scriptURL = (document.currentScript && document.currentScript.src) || "";

  function base() {
    if (scriptURL) return scriptURL;
    var s = document.querySelector('script[src*="todoku-message.js"]');
    return s ? s.src : location.href;
  }

  function fmt(template, params) {
    return String(template).replace(/\{(\w+)\}/g, function (m, k) {
      return params && Object.prototype.hasOwnProperty.call(params, k) ? String(params[k]) : m;
    });
  }

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === "text") e.textContent = attrs[k];
        else if (attrs[k] !== null && attrs[k] !== undefined) e.setAttribute(k, attrs[k]);
      });
    }
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }

  function setup(form) {
    var stringsNode = form.querySelector("script.todoku-message-strings");
    if (!stringsNode || form.classList.contains("todoku-message--enhanced")) return;  // set up once
    var S = JSON.parse(stringsNode.textContent);
    var lang = form.getAttribute("data-lang") === "en" ? "en" : "ja";
    var t = function (key, params) { return fmt(S[key] !== undefined ? S[key] : key, params); };
    var area = form.querySelector("textarea");
    var input = form.querySelector('input[type="file"]');
    var output = form.querySelector("output.todoku-message-status");
    var result = form.querySelector(".todoku-message-result");
    var worker = null;
    var busy = false;

    form.classList.add("todoku-message--enhanced");

    function status(text) { output.textContent = text; }

    function getWorker() {
      if (worker) return worker;
      try {
        worker = new Worker(new URL("todoku-message-worker.mjs", base()), { type: "module" });
      } catch (e) {
        fail();
        return null;
      }
      worker.onmessage = onMessage;
      worker.onerror = function () { fail(); };
      return worker;
    }

    function fail() {
      busy = false;
      form.setAttribute("data-state", "failed");
      status(t("failed"));
    }

    function onMessage(ev) {
      var m = ev.data || {};
      if (m.type === "loading" && busy) {
        status(t("loading"));
      } else if (m.type === "ready") {
        form.setAttribute("data-ready", "");
        if (busy) status(t("reading"));
      } else if (m.type === "done") {
        busy = false;
        render(m.view);
      } else if (m.type === "failed") {
        fail();
      }
    }

    function start(bytes) {
      if (busy) return;
      if (!bytes.byteLength) { form.setAttribute("data-state", "error"); status(t("empty")); return; }
      var w = getWorker();
      if (!w) return;
      busy = true;
      form.setAttribute("data-state", "running");
      result.hidden = true;
      result.textContent = "";
      status(form.hasAttribute("data-ready") ? t("reading") : t("loading"));
      w.postMessage({ type: "read", bytes: bytes, lang: lang }, [bytes]);
    }

    function startFile(file) {
      if (!file) return;
      file.arrayBuffer().then(function (buf) { start(buf); }, function () { fail(); });
    }

    function row(label, value, cls) {
      return el("div", { "class": "todoku-message-row" + (cls ? " " + cls : "") },
                [el("dt", { text: label }), el("dd", null, [value])]);
    }

    function card(r) {
      var codes = [r.status, r.reply_code, r.command].filter(function (x) { return x; }).join(" / ");
      var head = el("h3", { "class": "todoku-message-title" }, [
        el("span", { "class": "todoku-message-mark", "aria-hidden": "true", text: r.failed ? "✖" : "✔" }),
        el("span", { "class": "todoku-message-address", text: r.address || "?" })]);
      var dl = el("dl", null, [
        row(t("reason"), el("span", null, [el("strong", { text: r.title }), document.createTextNode(" "),
                                            el("code", { text: r.reason })])),
        r.failed ? row("", el("span", { "class": "todoku-message-hard", text: r.hard ? t("hard") : r.unsure ? t("unsure") : t("soft") })) : null,
        row(t("explain"), document.createTextNode(r.explain)),
        row(t("fix"), el("strong", { text: r.fix }), "todoku-message-fix"),
        codes ? row(t("codes"), el("code", { text: codes })) : null,
        r.diagnostic ? row(t("diagnostic"), el("code", { "class": "todoku-message-diag", text: r.diagnostic })) : null]);
      var more = el("p", null, [el("a", { href: r.url, text: t("more") })]);
      return el("article", { "class": "todoku-message-card", "data-reason": r.reason,
                             "data-failed": r.failed ? "true" : "false", "data-hard": r.hard ? "true" : "false" },
                [head, dl, more]);
    }

    function render(v) {
      result.textContent = "";
      form.setAttribute("data-state", "done");
      form.setAttribute("data-kind", v.kind);
      var failed = v.recipients.filter(function (r) { return r.failed; }).length;
      var lead = v.kind === "bounce" ? (failed ? t("summary-failed", { n: failed }) : t("summary-ok"))
        : v.kind === "message" ? t("summary-message") : "";
      status(t("kind-" + v.kind) + (lead ? " — " + lead : ""));
      v.recipients.forEach(function (r) { result.appendChild(card(r)); });
      if (v.authentication) {
        var a = v.authentication;
        var val = function (x) { return x === null || x === undefined ? t("none") : String(x); };
        var aligned = a.aligned === null ? t("none") : a.aligned ? t("yes") : t("no");
        result.appendChild(el("article", { "class": "todoku-message-card todoku-message-auth" }, [
          el("h3", { "class": "todoku-message-title", text: t("auth") + (a.from_domain ? " — " + a.from_domain : "") }),
          el("dl", null, [row("SPF", el("code", { text: val(a.spf) })), row("DKIM", el("code", { text: val(a.dkim) })),
                          row("DMARC", el("code", { text: val(a.dmarc) })), row(t("aligned"), el("span", { text: aligned }))])]));
      }
      if (v.findings.length) {
        result.appendChild(el("h3", { text: t("notes") }));
        result.appendChild(el("ul", { "class": "todoku-message-findings" }, v.findings.map(function (f) {
          return el("li", { "data-code": f.code, "data-severity": f.severity }, [
            el("span", { "class": "todoku-message-sev", text: "[" + t("severity-" + f.severity) + "] " }),
            document.createTextNode(f.message + " "), el("a", { href: f.url, text: t("more") })]);
        })));
      }
      result.hidden = false;
    }

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      start(new TextEncoder().encode(area.value).buffer);
    });
    input.addEventListener("change", function () { if (input.files && input.files[0]) startFile(input.files[0]); });
    ["dragenter", "dragover"].forEach(function (type) {
      form.addEventListener(type, function (e) { e.preventDefault(); form.classList.add("todoku-message--over"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      form.addEventListener(type, function () { form.classList.remove("todoku-message--over"); });
    });
    form.addEventListener("drop", function (e) {
      e.preventDefault();
      var f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
      if (f) startFile(f);
    });
    var warm = function () { var w = getWorker(); if (w) w.postMessage({ type: "warm" }); };
    if ("IntersectionObserver" in window) {
      var io = new IntersectionObserver(function (entries) {
        if (entries.some(function (en) { return en.isIntersecting; })) { io.disconnect(); warm(); }
      }, { rootMargin: "200px" });
      io.observe(form);
    }
    area.addEventListener("focus", warm, { once: true });
  }

  function init() {
    var forms = document.querySelectorAll('form[data-todoku="message"]');
    for (var i = 0; i < forms.length; i++) setup(forms[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
