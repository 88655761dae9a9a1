// The message page's module Web Worker: runs checker.message (the same Python as the command line) through the
// self-hosted Pyodide on the bytes of a pasted or dropped message. The message never leaves the browser: this
// worker fetches only the site's own files (manifest.json, the Pyodide runtime, our wheel) via todoku-pyodide.mjs;
// started and wired by todoku-boot.mjs (shared with the other workers).
//
// in:  {type: "warm"}                                   load Pyodide now (the form came into view)
//      {type: "read", bytes: ArrayBuffer, lang}
// out: {type: "loading"} | {type: "ready", ms}
//      {type: "done", view, ms}                         view: checker.web.message.read's JSON
//      {type: "failed", reason?, detail}                Pyodide or the wheel could not load
import { bootOnce, serve } from "./todoku-boot.mjs";
import "./todoku-pyodide.mjs"; // fetched beside todoku-boot.mjs, not after it: no extra round trip at start

serve(bootOnce("checker.web.message"), {
  read(msg, { api }) {
    const t0 = performance.now();
    const view = JSON.parse(api.read(new Uint8Array(msg.bytes), msg.lang === "en" ? "en" : "ja"));
    postMessage({ type: "done", view, ms: performance.now() - t0 });
  },
});
