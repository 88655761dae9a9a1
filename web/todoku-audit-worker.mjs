// The page audit's module Web Worker: runs checker.lists (the same Python as the command line)
// through the self-hosted Pyodide on the bytes of a dropped file. The file never leaves the browser:
// this worker fetches only the site's own files (manifest.json, the Pyodide runtime, our wheel), loaded by
// todoku-pyodide.mjs (shared with the checker's worker).
//
// in:  {type: "warm"}                                   load Pyodide now (the form came into view)
//      {type: "audit", bytes: ArrayBuffer, name, options: {lang, level, links, attachments, allowlisted,
//                                                          column, sheet, format}}
// out: {type: "loading"} | {type: "ready", ms}
//      {type: "progress", rows, bytes, total}
//      {type: "done", summary, report: ArrayBuffer, reportName, reportType, rows, ms}
//      (an Excel workbook, or options.format "xlsx", first installs openpyxl's wheels from our own site)
//      {type: "failed", detail}                          Pyodide or the wheel could not load
import { installXlsx, loadChecker } from "./todoku-pyodide.mjs";

const STEP_ROWS = 1000; // rows between two progress messages

let booting = null;
let loaded = null; // what loadChecker() resolved to (installXlsx needs it)

function boot() {
  if (!booting) {
    booting = (async () => {
      const t0 = performance.now();
      postMessage({ type: "loading" });
      loaded = await loadChecker();
      const api = loaded.pyodide.pyimport("checker.web.audit");
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
  const bytes = new Uint8Array(msg.bytes);
  if (api.needs_xlsx(bytes.subarray(0, 8), options)) {
    // an Excel workbook (or an Excel report asked for): openpyxl's pure wheels, from our own site
    try {
      await installXlsx(loaded);
    } catch (e) {
      postMessage({ type: "failed", detail: String(e && e.message || e) });
      return;
    }
  }
  const job = api.start(bytes, options);
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
    const reportName = api.report_name(msg.name || "", (msg.options || {}).lang || "ja", api.report_format(job));
    const reportType = api.report_type(job);
    const buf = report.buffer.slice(report.byteOffset, report.byteOffset + report.byteLength);
    postMessage({ type: "done", summary, report: buf, reportName, reportType, rows: p.rows,
                  ms: performance.now() - t0 }, [buf]);
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
