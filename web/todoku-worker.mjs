// Todoku: the in-page checker's module Web Worker. It loads the self-hosted Pyodide runtime and our wheel,
// then answers check requests with checker.web.check.handle (JSON text in, JSON text out). Loading, paths and
// failures: todoku-pyodide.mjs; the message plumbing: todoku-boot.mjs (both shared with the page workers). Unlike
// theirs, this worker starts at once (the widget creates it only when a check is near).
//
// Messages in:  {type: "check", id, request}   (request: the JSON object checker.web.check.handle takes)
// Messages out: {type: "progress", stage} | {type: "ready", root, ms} | {type: "error", reason, detail}
//               {type: "answer", id, answer}  (answer: the decoded JSON of handle())

import { detail, serve } from "./todoku-boot.mjs";
import { loadChecker } from "./todoku-pyodide.mjs";

const started = performance.now();
const stages = {}; // milliseconds since the worker started, per loading stage (the benchmark prints them)
const mark = (name) => { stages[name] = Math.round(performance.now() - started); };

async function load() {
  const { pyodide, root, snapshot } = await loadChecker({
    stage: (stage) => postMessage({ type: "progress", stage }), mark,
  });
  stages.snapshot = snapshot; // "restored", or why the normal start was used (the benchmark prints it)
  const handle = pyodide.pyimport("checker.web.check").handle;
  mark("wheel installed, checker imported");
  // the first check reads the data files: do it now so the reader's first check is fast
  handle(JSON.stringify({ op: "check", address: "taro@docomo.ne.jp", lang: "ja" }));
  mark("first check (data loaded)");
  return { handle, root };
}

const ready = load();

ready.then(
  ({ root }) => postMessage({ type: "ready", root, ms: performance.now() - started, stages }),
  (e) => postMessage({ type: "error", reason: e.reason || "crash", detail: detail(e) }),
);

serve(() => ready, { // a failed start was already reported
  check(msg, checker) {
    let answer;
    const t0 = performance.now();
    try {
      answer = JSON.parse(checker.handle(JSON.stringify(msg.request)));
    } catch (e) {
      answer = { ok: false, error: "crash", detail: String(e) };
    }
    postMessage({ type: "answer", id: msg.id, answer, ms: performance.now() - t0 });
  },
});
