// The page audit's module Web Worker: runs checker.audit (the same Python as the command line)
// through the self-hosted Pyodide on the bytes of a dropped file. The file never leaves the browser:
// this worker fetches only the site's own files (manifest.json, the Pyodide runtime, our wheel).
//
// in:  {type: "warm"}                                   load Pyodide now (the form came into view)
//      {type: "audit", bytes: ArrayBuffer, name, options: {lang, level, links, attachments, allowlisted}}
// out: {type: "loading"} | {type: "ready", ms}
//      {type: "progress", rows, bytes, total}
//      {type: "done", summary, report: ArrayBuffer, reportName, rows, ms}
//      {type: "failed", detail}                          Pyodide or the wheel could not load
"use strict";

const STEP_ROWS = 1000; // rows between two progress messages

let booting = null;

function boot() {
  if (!booting) {
    booting = (async () => {
      const t0 = performance.now();
      postMessage({ type: "loading" });
      const manifestURL = new URL("manifest.json", import.meta.url);
      const res = await fetch(manifestURL);
      if (!res.ok) throw new Error(`manifest.json: HTTP ${res.status}`);
      const manifest = await res.json();
      let dir = new URL(manifest.pyodide, manifestURL).href;
      if (!dir.endsWith("/")) dir += "/";
      const { loadPyodide } = await import(new URL("pyodide.mjs", dir).href);
      const [pyodide, wheel] = await Promise.all([
        loadPyodide({ indexURL: dir }),
        fetch(new URL(manifest.wheel, manifestURL)).then((r) => {
          if (!r.ok) throw new Error(`wheel: HTTP ${r.status}`);
          return r.arrayBuffer();
        }),
      ]);
      // site-packages from sys.path (importing sysconfig only for this would cost a few hundred ms)
      const site = pyodide.runPython("import sys; [p for p in sys.path if p.endswith('site-packages')][0]");
      pyodide.unpackArchive(new Uint8Array(wheel), "wheel", { extractDir: site });
      const api = pyodide.pyimport("checker.web_audit");
      postMessage({ type: "ready", ms: performance.now() - t0 });
      return api;
    })();
    booting.catch((e) => postMessage({ type: "failed", detail: String(e && e.message || e) }));
  }
  return booting;
}

async function audit(msg) {
  let api;
  try {
    api = await boot();
  } catch (e) {
    return; // "failed" was posted by boot()
  }
  const t0 = performance.now();
  const options = JSON.stringify(msg.options || {});
  const job = api.start(new Uint8Array(msg.bytes), options);
  try {
    let p;
    do {
      p = JSON.parse(api.step(job, STEP_ROWS));
      postMessage({ type: "progress", rows: p.rows, bytes: p.bytes, total: p.total });
    } while (!p.done);
    const summary = JSON.parse(api.summary(job));
    const proxy = api.report(job);
    const report = proxy.toJs();
    proxy.destroy();
    const reportName = api.report_name(msg.name || "", (msg.options || {}).lang || "ja");
    const buf = report.buffer.slice(report.byteOffset, report.byteOffset + report.byteLength);
    postMessage({ type: "done", summary, report: buf, reportName, rows: p.rows, ms: performance.now() - t0 },
                [buf]);
  } finally {
    job.destroy();
  }
}

self.onmessage = (ev) => {
  const msg = ev.data || {};
  if (msg.type === "warm") {
    boot().catch(() => {});
  } else if (msg.type === "audit") {
    audit(msg).catch((e) => postMessage({ type: "failed", detail: String(e && e.message || e) }));
  }
};
