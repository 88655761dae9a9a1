// The sender page's module Web Worker (/sender/): runs checker.web.sender (the same core as
// `python -m checker domain`) in the self-hosted Pyodide, with dnspython beside it to write and read DNS
// messages. It fetches only the site's own files (manifest.json, the runtime, our wheel, dnspython), loaded by
// todoku-pyodide.mjs. It never talks to a DNS resolver: the page's main thread does the DNS-over-HTTPS requests
// (so that the page's Content-Security-Policy governs them) and passes the replies in.
//
// in:  {type: "warm"}                                  load now (the form came into view or got focus)
//      {type: "start", request}                        request: {domain, lang, ip?, selectors?}
//      {type: "feed", replies}                         replies to the last batch: [{wire: base64} | {error}]
// out: {type: "loading"} | {type: "ready", ms} | {type: "failed", reason, detail}
//      {type: "step", step}                            step: {batch: [{name, type, dns}]} | {done: {...}} | {error}
import { loadChecker } from "./todoku-pyodide.mjs";

let booting = null;

function boot() {
  if (!booting) {
    booting = (async () => {
      const t0 = performance.now();
      postMessage({ type: "loading" });
      const { pyodide } = await loadChecker({}, ["dnspython"]);
      const api = pyodide.pyimport("checker.web.sender");
      postMessage({ type: "ready", ms: performance.now() - t0 });
      return api;
    })();
    booting.catch((e) => postMessage({ type: "failed", reason: (e && e.reason) || "crash",
                                       detail: String((e && e.message) || e) }));
  }
  return booting;
}

async function call(fn, arg) {
  let api;
  try {
    api = await boot();
  } catch {
    return; // "failed" was posted by boot()
  }
  let step;
  try {
    step = JSON.parse(api[fn](JSON.stringify(arg)));
  } catch (e) {
    step = { error: "crash", detail: String((e && e.message) || e) };
  }
  postMessage({ type: "step", step });
}

self.onmessage = (ev) => {
  const msg = ev.data || {};
  if (msg.type === "warm") boot().catch(() => {});
  else if (msg.type === "start") call("start", msg.request);
  else if (msg.type === "feed") call("feed", msg.replies);
};
