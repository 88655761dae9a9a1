// The sender page's module Web Worker (/sender/): runs checker.web.sender (the same core as
// `python -m checker domain`) in the self-hosted Pyodide, with dnspython beside it to write and read DNS
// messages. It fetches only the site's own files (manifest.json, the runtime, our wheel, dnspython), loaded by
// todoku-pyodide.mjs, started and wired by todoku-boot.mjs (shared with the other workers). It never talks to a
// DNS resolver: the page's main thread does the DNS-over-HTTPS requests (so that the page's
// Content-Security-Policy governs them) and passes the replies in.
//
// in:  {type: "warm"}                                  load now (the form came into view or got focus)
//      {type: "start", request}                        request: {domain, lang, ip?, selectors?}
//      {type: "feed", replies}                         replies to the last batch: [{wire: base64} | {error}]
// out: {type: "loading"} | {type: "ready", ms} | {type: "failed", reason, detail}
//      {type: "step", step}                            step: {batch: [{name, type, dns}]} | {done: {...}} | {error}
import { bootOnce, detail, serve } from "./todoku-boot.mjs";
import "./todoku-pyodide.mjs"; // fetched beside todoku-boot.mjs, not after it: no extra round trip at start

// one step of the core's check: api.start(request) or api.feed(replies), JSON in and out; never throws
function call(api, fn, arg) {
  let step;
  try {
    step = JSON.parse(api[fn](JSON.stringify(arg)));
  } catch (e) {
    step = { error: "crash", detail: detail(e) };
  }
  postMessage({ type: "step", step });
}

serve(bootOnce("checker.web.sender", ["dnspython"]), {
  start: (msg, { api }) => call(api, "start", msg.request),
  feed: (msg, { api }) => call(api, "feed", msg.replies),
});
