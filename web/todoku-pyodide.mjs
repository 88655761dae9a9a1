// Todoku: loads the self-hosted Pyodide runtime and installs our wheel, inside a Web Worker. Both workers
// (todoku-worker.mjs, the checker; todoku-audit-worker.mjs, the page audit) start with it.
// Every URL comes from this file's own URL (manifest.json sits beside it; the manifest's URLs are relative
// to the manifest), so the site works under /, /en/ and any base path. Nothing is fetched from another host.
// The wheel is not unpacked: it is written as one file into Pyodide's file system and put on sys.path, where
// Python imports from it as from any zip (no micropip, no package index, no unpacking: installWheel below).
//
// Fast path: the manifest names a memory snapshot (scripts/pyodide_snapshot.mjs, made and verified at build
// time): the Python heap of a runtime that has already imported the checker and loaded its data. Restoring
// it replaces booting Python and importing. When it cannot be used (no snapshot in the manifest, the file
// missing, another Pyodide build, a restore error) the worker boots the normal way; the reason is kept in
// `snapshot` of the result ("restored" or "failed: ...") and a warning is logged.

export class LoadError extends Error {
  // reason: "no-wasm" | "fetch" (the messages the widgets show are keyed by it)
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

//: where the wheel lives in Pyodide's file system (on sys.path: zipimport reads the package from it)
export const WHEEL_PATH = "/lib/todoku_checker.whl";

// Puts the wheel's bytes where Python imports from. After a snapshot restore sys.path already holds it (and
// zipimport's table of contents for these exact bytes: the build makes both from the same wheel), so a file
// write is all it takes; a fresh interpreter also gets it on sys.path. Shared with the Node scripts
// (scripts/pyodide_snapshot.mjs, tests/pyodide_golden.mjs) so that they install exactly as the page does.
export function installWheel(pyodide, bytes, restored = false) {
  pyodide.FS.writeFile(WHEEL_PATH, bytes);
  if (!restored) pyodide.runPython(`import sys\nif ${JSON.stringify(WHEEL_PATH)} not in sys.path: sys.path.insert(0, ${JSON.stringify(WHEEL_PATH)})`);
}

async function boot(loadPyodide, options) {
  // Pyodide 314 only logs "wasm instantiation failed!" when the wasm cannot be fetched or compiled, and its
  // promise then never settles; it only logs, too, when the standard library cannot be fetched: turn both
  // into failures instead of an endless wait or a broken interpreter.
  let reject;
  const failed = new Promise((_, r) => { reject = r; });
  const { warn, error } = console;
  console.warn = (...args) => {
    if (String(args[0]).includes("wasm instantiation failed")) reject(new LoadError("fetch", "wasm"));
    warn.apply(console, args);
  };
  console.error = (...args) => {
    if (String(args[0]).includes("installing the standard library")) reject(new LoadError("fetch", "stdlib"));
    error.apply(console, args);
  };
  try {
    return await Promise.race([loadPyodide({ stdout: () => {}, stderr: () => {}, ...options }), failed]);
  } catch (e) {
    throw e instanceof LoadError ? e : new LoadError("fetch", `loadPyodide: ${e}`);
  } finally {
    console.warn = warn;
    console.error = error;
  }
}

// Resolves to {pyodide, root, snapshot} (root: the site root, against which the checker's
// "/en/findings/#typo" links resolve) or rejects with a LoadError. hooks.stage(name) is called when a stage
// starts ("manifest", "runtime", "install"), hooks.mark(name) when a step is done (for the benchmark).
export async function loadChecker(hooks = {}) {
  const stage = hooks.stage || (() => {});
  const mark = hooks.mark || (() => {});
  if (typeof WebAssembly !== "object") throw new LoadError("no-wasm");
  stage("manifest");
  const manifestURL = new URL("manifest.json", import.meta.url);
  const manifest = await (await fetchOk(manifestURL)).json();
  mark("manifest");
  const indexURL = new URL(manifest.pyodide, manifestURL).href;
  const wheelURL = new URL(manifest.wheel, manifestURL).href;
  const root = new URL(manifest.root, manifestURL).href;
  const options = { indexURL };
  if (manifest.stdlib) options.stdLibURL = new URL(manifest.stdlib, manifestURL).href;
  // start the downloads now, in parallel with the runtime
  const wheel = fetchOk(wheelURL).then((r) => r.arrayBuffer());
  wheel.catch(() => {}); // awaited below; avoid an unhandled rejection meanwhile
  const snapshot = manifest.snapshot && !hooks.noSnapshot
    ? fetchOk(new URL(manifest.snapshot, manifestURL)).then((r) => r.arrayBuffer()).then((buf) => {
      // a cut-off file would restore a broken heap: refuse it before instantiating
      if (manifest.snapshotBytes && buf.byteLength !== manifest.snapshotBytes) {
        throw new LoadError("snapshot", `${buf.byteLength} bytes, ${manifest.snapshotBytes} expected`);
      }
      return buf;
    }) : null;
  snapshot?.catch(() => {});
  stage("runtime");
  let loadPyodide;
  try {
    ({ loadPyodide } = await import(new URL("pyodide.mjs", indexURL).href));
    mark("pyodide.mjs");
  } catch (e) {
    throw new LoadError("fetch", `pyodide.mjs: ${e}`);
  }
  let pyodide = null;
  let how = manifest.snapshot ? "not used" : "none";
  if (snapshot) {
    try {
      pyodide = await boot(loadPyodide, { ...options, _loadSnapshot: snapshot });
      how = "restored";
      mark("snapshot restored");
    } catch (e) {
      // the runtime itself cannot load: the normal start would fail the same way
      if (e.reason === "fetch" && ["wasm", "stdlib"].includes(String(e.message))) throw e;
      how = `failed: ${e.message || e}`;
      console.warn(`todoku: memory snapshot not used (${how}); starting Python the normal way`);
    }
  }
  if (!pyodide) {
    pyodide = await boot(loadPyodide, options);
    mark("loadPyodide");
  }
  stage("install");
  // after a restore the heap holds the imported modules but the file system starts empty: the wheel is
  // written again, for the files read later (the table of contents in the heap points into these bytes)
  installWheel(pyodide, new Uint8Array(await wheel), how === "restored");
  return { pyodide, root, snapshot: how };
}
