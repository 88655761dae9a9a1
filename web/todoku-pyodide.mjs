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
// The restore overlaps the snapshot's download (overlappedSnapshot below): the runtime is fetched, compiled
// and linked while the heap is still on its way.

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

// loadPyodide's options for a restore that overlaps the download. Pyodide 314 (pinned) waits for the whole
// snapshot before it even starts compiling the runtime (pyodide.ts: prepareSnapshot, then createPyodideModule),
// yet all it reads of the snapshot before the restore is its length, for the initial memory. So loadPyodide gets
// a zeroed placeholder of the snapshot's `size` (the manifest's snapshotBytes) and the runtime's own module
// factory (pyodide.asm.mjs's default export, `createPyodideModule`), wrapped: once the module is compiled and
// linked, the wrapper waits for `bytes` (a promise of the real snapshot) and hands them to API.restoreSnapshot
// in place of the placeholder; the restore checks the magic number and build id as before. A rejected `bytes`
// rejects loadPyodide (the caller then boots the normal way). Shared with tests/pyodide_golden.mjs, so that the
// build's verification and the parity tests restore exactly as the page does.
export function overlappedSnapshot(createPyodideModule, bytes, size) {
  return {
    _loadSnapshot: new Uint8Array(size),
    createPyodideModule: async (settings) => {
      const module = await createPyodideModule(settings);
      const heap = new Uint8Array(await bytes);
      if (heap.byteLength !== size) throw new LoadError("snapshot", `${heap.byteLength} bytes, ${size} expected`);
      const restore = module.API.restoreSnapshot;
      module.API.restoreSnapshot = () => restore(heap);
      return module;
    },
  };
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

// Resolves to {pyodide, root, snapshot, manifest, manifestURL, sitePackages} (root: the site root, against
// which the checker's "/en/findings/#typo" links resolve) or rejects with a LoadError. hooks.stage(name) is
// called when a stage starts ("manifest", "runtime", "install"), hooks.mark(name) when a step is done (for the
// benchmark). extras: names of other pure-Python archives listed in the manifest's "extras" (e.g. "dnspython",
// which the sender page's worker needs), fetched in parallel with the runtime and unpacked in site-packages.
export async function loadChecker(hooks = {}, extras = []) {
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
  const extraBufs = extras.map((name) => {
    const rel = (manifest.extras || {})[name];
    const p = rel ? fetchOk(new URL(rel, manifestURL)).then((r) => r.arrayBuffer())
      : Promise.reject(new LoadError("fetch", `no ${name} in the manifest`));
    p.catch(() => {});
    return p;
  });
  // (a cut-off file would restore a broken heap: overlappedSnapshot refuses any other size than the manifest's)
  const snapshot = manifest.snapshot && !hooks.noSnapshot
    ? fetchOk(new URL(manifest.snapshot, manifestURL)).then((r) => r.arrayBuffer()) : null;
  snapshot?.catch(() => {});
  stage("runtime");
  // with a snapshot of known size, the runtime's module factory too (overlappedSnapshot; the same module
  // loadPyodide would import itself, fetched once). Not awaited here: loadPyodide starts fetching the wasm as soon
  // as it is called, while this import is still on its way.
  const asm = snapshot && manifest.snapshotBytes ? import(new URL("pyodide.asm.mjs", indexURL).href) : null;
  asm?.catch(() => {});
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
      pyodide = await boot(loadPyodide, {
        ...options,
        ...(asm ? overlappedSnapshot((settings) => asm.then((m) => m.default(settings)), snapshot,
                                     manifest.snapshotBytes)
          : { _loadSnapshot: snapshot }),
      });
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
  // sys is loaded already (sysconfig would import a dozen modules for the same answer)
  const sitePackages = pyodide.runPython("import sys; [p for p in sys.path if p.endswith('site-packages')][0]");
  if (extraBufs.length) {
    pyodide.FS.mkdirTree(sitePackages);
    for (const extra of extraBufs) {
      pyodide.unpackArchive(new Uint8Array(await extra), "zip", { extractDir: sitePackages });
    }
    pyodide.runPython("import importlib; importlib.invalidate_caches()");
  }
  return { pyodide, root, snapshot: how, manifest, manifestURL: manifestURL.href, sitePackages };
}

async function sha256Hex(buf) {
  const digest = await crypto.subtle.digest("SHA-256", buf);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

// Installs the pure wheels the page audit needs for Excel workbooks (openpyxl and its et_xmlfile), listed in
// manifest.xlsxWheels: fetched from our own origin only, each checked against its sha256 when the browser can
// hash (crypto.subtle), unpacked like ours. `loaded` is what loadChecker() resolved to. Once per worker.
let xlsxInstalled = null;
export function installXlsx(loaded) {
  if (!xlsxInstalled) {
    xlsxInstalled = (async () => {
      const entries = loaded.manifest.xlsxWheels || [];
      const bufs = await Promise.all(entries.map(async (w) => {
        const buf = await (await fetchOk(new URL(w.url, loaded.manifestURL))).arrayBuffer();
        if (globalThis.crypto && crypto.subtle && w.sha256 && (await sha256Hex(buf)) !== w.sha256) {
          throw new LoadError("fetch", `${w.url}: sha256 mismatch`);
        }
        return buf;
      }));
      loaded.pyodide.FS.mkdirTree(loaded.sitePackages);
      for (const buf of bufs) {
        loaded.pyodide.unpackArchive(new Uint8Array(buf), "wheel", { extractDir: loaded.sitePackages });
      }
      loaded.pyodide.runPython("import importlib; importlib.invalidate_caches()");
    })();
    xlsxInstalled.catch(() => { xlsxInstalled = null; }); // a failed download may be retried
  }
  return xlsxInstalled;
}
