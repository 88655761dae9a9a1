// The page audit's module Web Worker: runs checker.lists (the same Python as the command line)
// through the self-hosted Pyodide on the bytes of a dropped file. The file never leaves the browser:
// this worker fetches only the site's own files (manifest.json, the Pyodide runtime, our wheel), loaded by
// todoku-pyodide.mjs; started and wired by todoku-boot.mjs (shared with the other workers).
//
// in:  {type: "warm"}                                   load Pyodide now (the form came into view), then, while
//                                                       no file comes, warm the audit up (warmUp below)
//      {type: "audit", bytes: ArrayBuffer, name, options: {lang, level, links, attachments, allowlisted,
//                                                          column, sheet, format}}
// out: {type: "loading"} | {type: "ready", ms}
//      {type: "warmed", rows}                            the idle warm-up is over (rows: made-up rows audited)
//      {type: "progress", rows, bytes, total}
//      {type: "done", summary, report: ArrayBuffer, reportName, reportType, rows, ms}
//      (an Excel workbook, or options.format "xlsx", first installs openpyxl's wheels from our own site)
//      {type: "failed", reason?, detail}                 Pyodide, the wheel or openpyxl could not load
import { bootOnce, serve } from "./todoku-boot.mjs";
import { installXlsx } from "./todoku-pyodide.mjs";

const STEP_ROWS = 1000; // rows between two progress messages

async function audit(msg, { api, loaded }) {
  const t0 = performance.now();
  const options = JSON.stringify(msg.options || {});
  const bytes = new Uint8Array(msg.bytes);
  if (api.needs_xlsx(bytes.subarray(0, 8), options)) {
    // an Excel workbook (or an Excel report asked for): openpyxl's pure wheels, from our own site (an error:
    // {type: "failed"}, posted by serve)
    await installXlsx(loaded);
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

// The page's idle time after the start, while no file has been chosen: made-up lists audited the same way
// (checker.web.audit.warm_up), so that V8 has optimized the audit's code before the reader's list comes (a
// 1,000-row list then takes about a third of the time: web/README.md). Rounds of WARM_ROWS rows, each its own
// task, at most WARM_ROUNDS; the reader's request stops them (it waits at most for the round that is running).
// A manifest with "warmUp": false switches it off (scripts/bench_web.py measures both).
const WARM_ROWS = 100;
const WARM_ROUNDS = 30;

async function warmUp({ api, loaded }, asked) {
  if (loaded.manifest.warmUp === false) return;
  let rows = 0;
  for (let i = 0; i < WARM_ROUNDS; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0)); // a message that came meanwhile is handled first
    if (asked()) break;
    rows += api.warm_up(WARM_ROWS);
  }
  postMessage({ type: "warmed", rows });
}

serve(bootOnce("checker.web.audit"), { audit }, warmUp);
