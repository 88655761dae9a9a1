// Todoku: the in-page checker's module Web Worker. It loads the self-hosted Pyodide runtime and our wheel,
// then answers check requests with checker.web.handle (JSON text in, JSON text out).
// Every URL comes from this file's own URL (manifest.json sits beside it; the manifest's URLs are relative
// to the manifest), so the site works under /, /en/ and any base path. Nothing is fetched from another host.
//
// Messages in:  {type: "check", id, request}   (request: the JSON object checker.web.handle takes)
// Messages out: {type: "progress", stage} | {type: "ready", root, ms} | {type: "error", reason, detail}
//               {type: "answer", id, answer}  (answer: the decoded JSON of handle())

const manifestURL = new URL("manifest.json", import.meta.url);
const started = performance.now();
const stages = {}; // milliseconds since the worker started, per loading stage (the benchmark prints them)
const mark = (name) => { stages[name] = Math.round(performance.now() - started); };

class LoadError extends Error {
  constructor(reason, detail) {
    super(detail || reason);
    this.reason = reason;
  }
}

async function fetchOk(url) {
  let res;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new LoadError("fetch", `${url}: ${e}`);
  }
  if (!res.ok) throw new LoadError("fetch", `${url}: HTTP ${res.status}`);
  return res;
}

async function load() {
  if (typeof WebAssembly !== "object") throw new LoadError("no-wasm");
  postMessage({ type: "progress", stage: "manifest" });
  const manifest = await (await fetchOk(manifestURL)).json();
  mark("manifest");
  const indexURL = new URL(manifest.pyodide, manifestURL).href;
  const wheelURL = new URL(manifest.wheel, manifestURL).href;
  const root = new URL(manifest.root, manifestURL).href;
  // start the wheel download now, in parallel with the runtime
  const wheel = fetchOk(wheelURL).then((r) => r.arrayBuffer());
  wheel.catch(() => {}); // awaited below; avoid an unhandled rejection meanwhile
  postMessage({ type: "progress", stage: "runtime" });
  let loadPyodide;
  try {
    ({ loadPyodide } = await import(new URL("pyodide.mjs", indexURL).href));
    mark("pyodide.mjs");
  } catch (e) {
    throw new LoadError("fetch", `pyodide.mjs: ${e}`);
  }
  // Pyodide 314 only logs "wasm instantiation failed!" when the wasm cannot be fetched or compiled, and its
  // promise then never settles: turn that warning into a failure instead of an endless wait.
  let instantiationFailed;
  const failed = new Promise((_, reject) => { instantiationFailed = reject; });
  const warn = console.warn;
  console.warn = (...args) => {
    if (String(args[0]).includes("wasm instantiation failed")) instantiationFailed(new LoadError("fetch", "wasm"));
    warn.apply(console, args);
  };
  let pyodide;
  try {
    pyodide = await Promise.race([loadPyodide({ indexURL, stdout: () => {}, stderr: () => {} }), failed]);
  } catch (e) {
    throw e instanceof LoadError ? e : new LoadError("fetch", `loadPyodide: ${e}`);
  } finally {
    console.warn = warn;
  }
  mark("loadPyodide");
  postMessage({ type: "progress", stage: "install" });
  const buf = await wheel;
  // sys is loaded already (sysconfig would import a dozen modules for the same answer)
  const sitePackages = pyodide.runPython("import sys; [p for p in sys.path if p.endswith('site-packages')][0]");
  pyodide.unpackArchive(new Uint8Array(buf), "wheel", { extractDir: sitePackages });
  const handle = pyodide.pyimport("checker.web").handle;
  mark("wheel installed, checker imported");
  // the first check reads the data files: do it now so the reader's first check is fast
  handle(JSON.stringify({ op: "check", address: "taro@docomo.ne.jp", lang: "ja" }));
  mark("first check (data loaded)");
  return { handle, root };
}

const ready = load();

ready.then(
  ({ root }) => postMessage({ type: "ready", root, ms: performance.now() - started, stages }),
  (e) => postMessage({ type: "error", reason: e.reason || "crash", detail: String(e && e.message || e) }),
);

self.onmessage = async (event) => {
  const msg = event.data || {};
  if (msg.type !== "check") return;
  let checker;
  try {
    checker = await ready;
  } catch {
    return; // the error was already reported
  }
  let answer;
  const t0 = performance.now();
  try {
    answer = JSON.parse(checker.handle(JSON.stringify(msg.request)));
  } catch (e) {
    answer = { ok: false, error: "crash", detail: String(e) };
  }
  postMessage({ type: "answer", id: msg.id, answer, ms: performance.now() - t0 });
};
