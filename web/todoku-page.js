// What the page scripts of /audit/, /message/ and /sender/ share (todoku-audit.js, todoku-message.js,
// todoku-sender.js): window.TodokuPage. Loaded before them, only on pages that hold one of their forms
// (overrides/partials/todoku-page-head.html; deferred scripts run in document order). No string is written here:
// each form carries its own (a JSON data block that scripts/widget.py embeds). The in-page checker
// (todoku-widget.js) does not use this file.
(function () {
  "use strict";
  if (window.TodokuPage) return;

  var scriptURL = (document.currentScript && document.currentScript.src) || "";

  // this script's URL: the page scripts and the workers sit beside it (assets/todoku/ of the page's language)
  function base() {
    if (scriptURL) return scriptURL;
    var s = document.querySelector('script[src*="todoku-page.js"]');
    return s ? s.src : location.href;
  }

  // "{name}" placeholders filled from params; an unknown one is left as it is
  function fmt(template, params) {
    return String(template).replace(/\{(\w+)\}/g, function (m, k) {
      return params && Object.prototype.hasOwnProperty.call(params, k) ? String(params[k]) : m;
    });
  }

  // el("p", {"class": "x", text: "..."}, [child, "text", null]): attributes null, undefined or false are left
  // out; children null, undefined or false are skipped, strings become text (user data is never HTML)
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === "text") e.textContent = attrs[k];
        else if (attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false) e.setAttribute(k, attrs[k]);
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return e;
  }

  // Runs setup(form, page) once for each form[data-todoku=kind] that carries its strings
  // (script.todoku-<kind>-strings), when the document is parsed; page = {lang, t(key, params, count)}. The form is
  // then marked todoku-<kind>--enhanced, unless setup returned false (the form lacks something it needs).
  function enhance(kind, setup) {
    var enhanced = "todoku-" + kind + "--enhanced";
    function init() {
      var forms = document.querySelectorAll('form[data-todoku="' + kind + '"]');
      for (var i = 0; i < forms.length; i++) {
        var form = forms[i];
        var node = form.querySelector("script.todoku-" + kind + "-strings");
        if (!node || form.classList.contains(enhanced)) continue; // set up once
        if (setup(form, page(JSON.parse(node.textContent), form)) !== false) form.classList.add(enhanced);
      }
    }
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
    else init();
  }

  function page(strings, form) {
    return {
      lang: form.getAttribute("data-lang") === "en" ? "en" : "ja",
      // count: the number the string counts; 1 takes the singular sibling "<key>-one" when there is one
      t: function (key, params, count) {
        if (count === 1 && strings[key + "-one"] !== undefined) key += "-one";
        return fmt(strings[key] !== undefined ? strings[key] : key, params);
      },
    };
  }

  // The form's module Web Worker (file: beside this script), made on first use and never before (Pyodide must
  // not delay the first paint). A message {type: X} goes to on[X](message); {type: "ready"} also marks the
  // form data-ready; when the worker cannot be made or fails to run, on.failed(). Returns get(): the worker, or
  // null (after on.failed()).
  function lazyWorker(form, file, on) {
    var worker = null;
    function onMessage(ev) {
      var m = ev.data || {};
      if (m.type === "ready") form.setAttribute("data-ready", "");
      if (typeof m.type === "string" && Object.prototype.hasOwnProperty.call(on, m.type)) on[m.type](m);
    }
    return function get() {
      if (worker) return worker;
      try {
        worker = new Worker(new URL(file, base()), { type: "module" });
      } catch (e) {
        on.failed();
        return null;
      }
      worker.onmessage = onMessage;
      worker.onerror = function () { on.failed(); };
      return worker;
    };
  }

  // Loads Pyodide early (the site's own files only): once the form comes into view (rootMargin: how near), or
  // on the first of the events [[target, type], ...], whichever comes first.
  function warmUp(form, getWorker, rootMargin, events) {
    var warm = function () { var w = getWorker(); if (w) w.postMessage({ type: "warm" }); };
    if ("IntersectionObserver" in window) {
      var io = new IntersectionObserver(function (entries) {
        if (entries.some(function (en) { return en.isIntersecting; })) { io.disconnect(); warm(); }
      }, rootMargin ? { rootMargin: rootMargin } : undefined);
      io.observe(form);
    }
    events.forEach(function (ev) { ev[0].addEventListener(ev[1], warm, { once: true }); });
  }

  // A file dragged over the form marks it (class over) and a dropped one goes to onFile(file).
  function dropFile(form, over, onFile) {
    ["dragenter", "dragover"].forEach(function (type) {
      form.addEventListener(type, function (e) { e.preventDefault(); form.classList.add(over); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      form.addEventListener(type, function () { form.classList.remove(over); });
    });
    form.addEventListener("drop", function (e) {
      e.preventDefault();
      var f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
      if (f) onFile(f);
    });
  }

  window.TodokuPage = { base: base, el: el, enhance: enhance, lazyWorker: lazyWorker, warmUp: warmUp, dropFile: dropFile };
})();
