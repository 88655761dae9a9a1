// The message page (/message/, /en/message/): paste a bounce or a message source, or choose / drop an .eml;
// checker.message runs on it in a module Web Worker (todoku-message-worker.mjs, self-hosted Pyodide) and one
// card per recipient shows the reason, the plain explanation and the fix. No byte of the message is sent
// anywhere. Loaded only where there is a form[data-todoku="message"], after todoku-page.js (what the page
// scripts share). Every string comes from checker/data/messages (embedded in the form by scripts/widget.py as
// JSON, or returned by the worker).
(function () {
  "use strict";

  var P = window.TodokuPage; // todoku-page.js, loaded before this script
  var el = P.el;

  P.enhance("message", function (form, page) {
    var lang = page.lang;
    var t = page.t;
    var area = form.querySelector("textarea");
    var input = form.querySelector('input[type="file"]');
    var output = form.querySelector("output.todoku-message-status");
    var result = form.querySelector(".todoku-message-result");
    var busy = false;

    function status(text) { output.textContent = text; }

    function fail() {
      busy = false;
      form.setAttribute("data-state", "failed");
      status(t("failed"));
    }

    var getWorker = P.lazyWorker(form, "todoku-message-worker.mjs", {
      loading: function () { if (busy) status(t("loading")); },
      ready: function () { if (busy) status(t("reading")); },
      done: function (m) {
        busy = false;
        render(m.view);
      },
      failed: fail,
    });

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
    P.dropFile(form, "todoku-message--over", startFile);
    P.warmUp(form, getWorker, "200px", [[area, "focus"]]);
  });
})();
