// Todoku: enhances the static checker form(s) of scripts/widget.py (form[data-todoku="check"]) with the
// checker running in the page (Pyodide in a module Web Worker, todoku-worker.mjs beside this file).
// Loaded as an async module on every page; does nothing on pages without such a form. A shared link
// (#check=...) starts the worker at once, while the page is still loading; otherwise it starts lazily.
//
// Contract (browser tests, benchmark): form[data-state] = idle | loading | ready | error;
// output.todoku-result[data-verdict][data-reply][data-address] (the address as typed); each finding [data-code];
// output[data-stale] while the inputs differ from the result shown (a re-check is on its way).
// The form's markup (scripts/widget.py) never submits by itself (method="dialog", button disabled): this
// script enables the button; without it nothing typed leaves the page.
// Every user-facing string comes from the page (data-strings, from messages/web.toml) or from the checker
// (checker/web/check.py); user data is only ever set as text, never as HTML.

let forms = []; // filled when the document is parsed (boot)
const LOAD_TIMEOUT_MS = 60000;
const HASH_KEY = "check";

let worker = null;
let state = "idle"; // shared by every form of the page: one worker
let root = null;
let failure = null;
let nextId = 1;
const pending = new Map(); // id -> {form, request, typed}
const queued = new Map(); // form -> request waiting for "ready"
let loadTimer = null;
const RECHECK_MS = 400; // typing pause before a changed address is checked again

function strings(form) {
  if (!form._todokuStrings) {
    try {
      form._todokuStrings = JSON.parse(form.dataset.strings || "{}");
    } catch {
      form._todokuStrings = {};
    }
  }
  return form._todokuStrings;
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("data-") || k.startsWith("aria-") || k === "role" || k === "type" || k === "href")
      node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

function statusOf(form) {
  let s = form.querySelector(".todoku-status");
  if (!s) {
    s = el("p", { class: "todoku-status", role: "status" });
    form.querySelector("output.todoku-result").before(s);
  }
  return s;
}

function setState(next) {
  state = next;
  for (const form of forms) {
    form.dataset.state = next;
    form.setAttribute("aria-busy", next === "loading" ? "true" : "false");
    const s = statusOf(form);
    const t = strings(form);
    s.replaceChildren();
    if (next === "loading") {
      s.append(el("progress", { "aria-label": t.loading || "" }),
               el("span", { text: queued.has(form) ? t.queued : t.loading }));
    } else if (next === "error") {
      const reason = t[`reason-${failure}`] || t["reason-crash"] || failure;
      s.append(el("span", { text: (t["error-load"] || "{reason}").replace("{reason}", reason) }), " ");
      s.append(el("a", { href: new URL("../../checker/#cli", import.meta.url).href, text: t["cli-link"] }));
      s.classList.add("todoku-status--error");
    }
  }
}

function fail(reason, detail) {
  if (state === "error") return;
  failure = reason;
  clearTimeout(loadTimer);
  if (detail) console.warn(`todoku: checker unavailable (${reason}): ${detail}`);
  if (worker) worker.terminate();
  worker = null;
  setState("error");
  pending.clear();
  queued.clear();
}

function start() {
  if (state !== "idle") return;
  if (typeof WebAssembly !== "object") return fail("no-wasm");
  if (typeof Worker !== "function") return fail("no-worker");
  setState("loading");
  loadTimer = setTimeout(() => fail("timeout", `not ready after ${LOAD_TIMEOUT_MS} ms`), LOAD_TIMEOUT_MS);
  try {
    worker = new Worker(new URL("todoku-worker.mjs", import.meta.url), { type: "module", name: "todoku" });
  } catch (e) {
    return fail("no-worker", String(e));
  }
  worker.onerror = (e) => fail("fetch", e.message || "worker script failed");
  worker.onmessage = (event) => {
    const msg = event.data || {};
    if (msg.type === "ready") {
      clearTimeout(loadTimer);
      root = msg.root;
      setState("ready");
      document.dispatchEvent(new CustomEvent("todoku:ready", { detail: { ms: msg.ms, stages: msg.stages } }));
      for (const form of queued.keys()) send(form, readForm(form)); // what is typed now
      queued.clear();
    } else if (msg.type === "error") {
      fail(msg.reason, msg.detail);
    } else if (msg.type === "answer") {
      const job = pending.get(msg.id);
      pending.delete(msg.id);
      if (job) render(job.form, job.request, msg.answer, msg.ms);
    }
  };
}

function readForm(form) {
  const f = form.elements;
  return {
    op: "check",
    lang: form.dataset.lang === "en" ? "en" : "ja",
    address: f.address.value,
    level: Number(f.level.value) || 7,
    links: f.links.checked,
    attachments: f.attachments.checked,
    allowlisted: f.allowlisted.checked,
  };
}

function send(form, request) {
  const id = nextId++;
  pending.set(id, { form, request });
  form.dispatchEvent(new CustomEvent("todoku:sent", { detail: { id } }));
  worker.postMessage({ type: "check", id, request });
}

function submit(form) {
  const request = readForm(form);
  const t = strings(form);
  clearTimeout(form._todokuRecheck);
  if (!request.address.trim()) {
    const out = form.querySelector("output.todoku-result");
    out.replaceChildren(el("p", { class: "todoku-empty", text: t.empty }));
    out.removeAttribute("data-verdict");
    out.removeAttribute("data-reply");
    out.removeAttribute("data-address");
    out.removeAttribute("data-stale");
    form._todokuShown = null;
    unshare(form);
    return;
  }
  if (state === "ready") return send(form, request);
  if (state === "error") return;
  queued.set(form, request); // the latest inputs win; the check runs as soon as the checker is ready
  if (state === "idle") start();
  else setState("loading");
}

function findingURL(url) {
  // the checker's links are site-root-relative ("/en/findings/#typo"): resolve them against the site root
  return new URL(url.replace(/^\//, ""), root || new URL("../../", import.meta.url)).href;
}

function render(form, request, answer, workerMs) {
  const out = form.querySelector("output.todoku-result");
  if (!answer || !answer.ok) {
    out.replaceChildren(el("p", { class: "todoku-status--error", text: strings(form)["reason-crash"] }));
    return;
  }
  if (!form.elements.address.value.trim()) return; // emptied while this was being checked
  const r = answer.result;
  const v = answer.view;
  const parts = [];
  // two answers: your mail to them, and (when the address is valid) their reply to you
  parts.push(el("p", { class: `todoku-verdict todoku-verdict--${r.verdict}`, "data-answer": "mail" },
                el("span", { class: "todoku-label", text: v.verdictLabel || v.heading }), " ",
                el("strong", { text: v.verdict })));
  if (v.reply && r.reply) {
    parts.push(el("p", { class: `todoku-verdict todoku-verdict--reply todoku-verdict--${r.reply}`, "data-answer": "reply" },
                  el("span", { class: "todoku-label", text: v.replyLabel }), " ",
                  el("strong", { text: v.reply })));
  }
  if (v.kind) {
    const kind = el("p", { class: "todoku-kind" }, el("span", { text: v.kind }));
    if (v.providerPage) {
      kind.append(v.separator || " · ",
                  el("a", { class: "todoku-steps", href: findingURL(v.providerPage.url), text: v.providerPage.text }));
    }
    parts.push(kind);
  }
  if (r.suggestion && v.suggestion) {
    const btn = el("button", { type: "button", class: "todoku-apply md-button", text: v.suggestion.apply });
    btn.addEventListener("click", () => {
      form.elements.address.value = r.suggestion;
      form.elements.address.focus();
      submit(form);
    });
    parts.push(el("p", { class: "todoku-suggestion" },
                  el("span", { text: v.suggestion.label }), " ",
                  el("code", { class: "todoku-suggested", text: r.suggestion }), " ", btn));
  }
  if (r.findings.length) {
    const list = el("ul", { class: "todoku-findings", "aria-label": v.findingsHeading });
    r.findings.forEach((f, i) => {
      list.append(el("li", { class: `todoku-finding todoku-finding--${f.severity}`, "data-code": f.code },
                     el("span", { class: "todoku-severity", text: v.severity[i] }), " ",
                     el("span", { class: "todoku-message", text: f.message }), " ",
                     el("a", { href: findingURL(f.url), text: v.more })));
    });
    parts.push(list);
  }
  parts.push(el("p", { class: "todoku-share", text: v.share }));
  out.dataset.verdict = r.verdict;
  if (r.reply) out.dataset.reply = r.reply;
  else out.removeAttribute("data-reply");
  out.dataset.address = request.address;
  out.replaceChildren(...parts);
  form._todokuShown = request;
  form._todokuLive = true;
  if (sameRequest(request, readForm(form))) out.removeAttribute("data-stale");
  else out.dataset.stale = ""; // the reader changed something while this was checked: its re-check follows
  share(form, request);
  if (form._todokuReveal) {
    form._todokuReveal = false;
    reveal(out);
  }
  form.dispatchEvent(new CustomEvent("todoku:result", { bubbles: true, detail: { ...answer, workerMs } }));
}

function sameRequest(a, b) {
  return ["address", "level", "links", "attachments", "allowlisted"].every((k) => a[k] === b[k]);
}

// A result opened from a shared link: bring the verdict into view (below Material's fixed header), and as
// much of the result as fits. Measured when an IntersectionObserver reports, that is once the browser has laid
// out the new result in its own rendering step: reading the geometry here, right after the result was
// written, would force a layout of the whole page inside this task (30 to 130 ms on a long provider page,
// measured with scripts/bench_web.py's long-animation-frame attribution).
function reveal(out) {
  const io = new IntersectionObserver((entries) => {
    io.disconnect();
    const header = document.querySelector(".md-header");
    const top = (header ? header.getBoundingClientRect().bottom : 0) + 8;
    const r = entries[entries.length - 1].boundingClientRect;
    const by = Math.min(r.bottom - window.innerHeight + 16, r.top - top);
    if (by > 0 || r.top < top) window.scrollBy({ top: by, behavior: "instant" });
  });
  io.observe(out);
}

// Any change of the inputs after a result is shown: the result is marked old at once and checked again
// after a pause (typing), or at once (a box or the level); an emptied address clears it.
function edited(form, event) {
  if (!form._todokuLive) return; // live once a first result was shown
  const out = form.querySelector("output.todoku-result");
  if (form._todokuShown && sameRequest(readForm(form), form._todokuShown)) {
    out.removeAttribute("data-stale");
    clearTimeout(form._todokuRecheck);
    return;
  }
  clearTimeout(form._todokuRecheck);
  if (!form.elements.address.value.trim()) { // emptied: no result, no shared link, no message yet
    out.replaceChildren();
    for (const a of ["data-verdict", "data-reply", "data-address", "data-stale"]) out.removeAttribute(a);
    form._todokuShown = null;
    unshare(form);
    return;
  }
  if (form._todokuShown) out.dataset.stale = "";
  const typing = event.type === "input" && event.target.name === "address";
  form._todokuRecheck = setTimeout(() => submit(form), typing ? RECHECK_MS : 0);
}

// ---------------------------------------------------------------- sharing through the URL fragment
function unshare(form) {
  if (form !== forms[0] || !location.hash.startsWith(`#${HASH_KEY}=`)) return;
  history.replaceState(history.state, "", location.pathname + location.search);
}

function share(form, request) {
  if (form !== forms[0]) return;
  const p = new URLSearchParams();
  p.set(HASH_KEY, request.address);
  if (request.level !== 7) p.set("level", String(request.level));
  for (const k of ["links", "attachments", "allowlisted"]) if (request[k]) p.set(k, "1");
  history.replaceState(history.state, "", `#${p.toString()}`);
}

function fromHash() {
  const h = location.hash.slice(1);
  if (!h.startsWith(`${HASH_KEY}=`)) return false;
  const p = new URLSearchParams(h);
  const form = forms[0];
  const f = form.elements;
  f.address.value = p.get(HASH_KEY) || "";
  const level = p.get("level") || "7";
  if ([...f.level.options].some((o) => o.value === level)) f.level.value = level;
  for (const k of ["links", "attachments", "allowlisted"]) f[k].checked = p.get(k) === "1";
  form._todokuReveal = true; // scrolled into view with its result (reveal)
  submit(form);
  return true;
}

// ---------------------------------------------------------------- lazy start
function init() {
  for (const form of forms) {
    form.dataset.state = state;
    form.noValidate = true;
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      submit(form);
    });
    form.addEventListener("input", (e) => edited(form, e));
    form.addEventListener("change", (e) => edited(form, e));
    const button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = false;
    form.addEventListener("focusin", start, { once: true });
  }
  if ("IntersectionObserver" in window) {
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        io.disconnect();
        start();
      }
    }, { rootMargin: "200px" });
    forms.forEach((f) => io.observe(f));
  }
  if ("requestIdleCallback" in window) requestIdleCallback(start, { timeout: 5000 });
  else setTimeout(start, 2000);
  fromHash();
  window.addEventListener("hashchange", fromHash);
}

function boot() {
  forms = Array.from(document.querySelectorAll('form[data-todoku="check"]'));
  if (forms.length) {
    init();
    if (state !== "idle") setState(state); // started early by a shared link: show the progress
  } else if (worker) {
    clearTimeout(loadTimer); // a #check= fragment on a page without a checker
    worker.terminate();
    worker = null;
    state = "idle";
  }
}

// a page with a checker (its <head> says so) starts the worker early: a shared link at once, before the
// article is parsed and Material's script has run; otherwise right after the first paint (two animation
// frames), so that the article paints first and the worker's downloads overlap the rest of the page's loading
if (document.querySelector('meta[name="todoku"][content~="check"]')) {
  if (location.hash.startsWith(`#${HASH_KEY}=`)) start();
  else requestAnimationFrame(() => requestAnimationFrame(start));
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot, { once: true });
else boot();
