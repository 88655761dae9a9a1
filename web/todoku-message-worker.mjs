// The message page's module Web Worker: runs checker.message (the same Python as the command line) through the
// self-hosted Pyodide on the bytes of a pasted or dropped message. The message never leaves the browser: this
// worker fetches only the site's own files (manifest.json, the Pyodide runtime, our wheel) via todoku-pyodide.mjs.
//
// in:  {type: "warm"}                                   load Pyodide now (the form came into view)
//      {type: "read", bytes: ArrayBuffer, lang}
// out: {type: "loading"} | {type: "ready", ms}
//      {type: "done", view, ms}                         view: checker.web.message.read's JSON
//      {type: "failed", detail}                         Pyodide or the wheel could not load
import { loadChecker } from "./todoku-pyodide.mjs";

let booting = null;

function boot() {
  if (!booting) {
    booting = (async () => {
      const t0 = performance.now();
      postMessage({ type: "loading" });
      const { pyodide } = await loadChecker();
      const api = pyodide.pyimport("checker.web.message");
      postMessage({ type: "ready", ms: performance.now() - t0 });
      return api;
    })();
    booting.catch((e) => postMessage({ type: "failed", detail: String(e && e.message || e) }));
  }
  return booting;
}

async function read(msg) {
  let api;
  try {
    api = await boot();
  } catch (e) {
    return; // "failed" was posted by boot()
  }
  const t0 = performance.now();
  const view = JSON.parse(api.read(new Uint8Array(msg.bytes), msg.lang === "en" ? "en" : "ja"));
  postMessage({ type: "done", view, ms: performance.now() - t0 });
}

self.onmessage = (ev) => {
  const msg = ev.data || {};
  if (msg.type === "warm") {
    boot().catch(() => {});
  } else if (msg.type === "read") {
    read(msg).catch((e) => postMessage({ type: "failed", detail: String(e && e.message || e) }));
  }
};
