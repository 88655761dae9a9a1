// Todoku: loads the self-hosted Pyodide runtime and installs our wheel, inside a Web Worker. Both workers
// (todoku-worker.mjs, the checker; todoku-audit-worker.mjs, the page audit) start with it.
// Every URL comes from this file's own URL (manifest.json sits beside it; the manifest's URLs are relative
// to the manifest), so the site works under /, /en/ and any base path. Nothing is fetched from another host.
// The wheel is installed with unpackArchive (no micropip, no package index).

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

// Resolves to {pyodide, root} (root: the site root, against which the checker's "/en/findings/#typo"
// links resolve) or rejects with a LoadError. hooks.stage(name) is called when a stage starts
// ("manifest", "runtime", "install"), hooks.mark(name) when a step is done (for the benchmark).
// extras: names of other pure-Python archives listed in the manifest's "extras" (e.g. "dnspython", which the
// sender page's worker needs), fetched in parallel with the runtime and unpacked beside our wheel.
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
  // start the wheel download now, in parallel with the runtime
  const wheel = fetchOk(wheelURL).then((r) => r.arrayBuffer());
  wheel.catch(() => {}); // awaited below; avoid an unhandled rejection meanwhile
  const extraBufs = extras.map((name) => {
    const rel = (manifest.extras || {})[name];
    const p = rel ? fetchOk(new URL(rel, manifestURL)).then((r) => r.arrayBuffer())
      : Promise.reject(new LoadError("fetch", `no ${name} in the manifest`));
    p.catch(() => {});
    return p;
  });
  stage("runtime");
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
  stage("install");
  const buf = await wheel;
  // sys is loaded already (sysconfig would import a dozen modules for the same answer)
  const sitePackages = pyodide.runPython("import sys; [p for p in sys.path if p.endswith('site-packages')][0]");
  pyodide.unpackArchive(new Uint8Array(buf), "wheel", { extractDir: sitePackages });
  for (const extra of extraBufs) {
    pyodide.unpackArchive(new Uint8Array(await extra), "zip", { extractDir: sitePackages });
  }
  return { pyodide, root, manifest, manifestURL: manifestURL.href, sitePackages };
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
      for (const buf of bufs) {
        loaded.pyodide.unpackArchive(new Uint8Array(buf), "wheel", { extractDir: loaded.sitePackages });
      }
    })();
    xlsxInstalled.catch(() => { xlsxInstalled = null; }); // a failed download may be retried
  }
  return xlsxInstalled;
}
