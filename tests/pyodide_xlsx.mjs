// The page audit's Excel path in Pyodide under Node, offline (tests/test_web_audit_pyodide.py):
//
//   node tests/pyodide_xlsx.mjs CASES.json WHEEL [MORE_WHEELS...] > results.jsonl
//
// The wheels are installed as the page installs them (unpackArchive: our wheel, then openpyxl's pure wheels
// that the site serves); each case {"path", "options"} is a file whose bytes go through checker.web.audit
// (start, step, summary, report) exactly as web/todoku-audit-worker.mjs calls it. One JSON line per case:
// {"summary": ..., "report": base64, "type": MIME, "format": "csv"|"xlsx", "needs_xlsx": bool}.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [casesPath, ...wheels] = process.argv.slice(2);
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const indexURL = join(root, "node_modules", "pyodide") + "/";
const { loadPyodide } = await import(pathToFileURL(join(indexURL, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL, stdout: (s) => process.stderr.write(s + "\n") });
const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
for (const w of wheels) {
  pyodide.unpackArchive(new Uint8Array(readFileSync(w)), "wheel", { extractDir: sitePackages });
}
const cases = JSON.parse(readFileSync(casesPath, "utf-8"));
pyodide.FS.mkdirTree("/cases");
cases.forEach((c, i) => pyodide.FS.writeFile(`/cases/${i}`, new Uint8Array(readFileSync(c.path))));
pyodide.FS.writeFile("/cases/options.json", new TextEncoder().encode(JSON.stringify(cases.map((c) => c.options))));
const out = pyodide.runPython(`
import base64, json
from checker.web import audit as w
lines = []
for i, options in enumerate(json.load(open("/cases/options.json", encoding="utf-8"))):
    raw = open(f"/cases/{i}", "rb").read()
    needs = w.needs_xlsx(raw[:8], json.dumps(options))
    job = w.start(raw, json.dumps(options))
    while not json.loads(w.step(job, 3))["done"]:
        pass
    summary = json.loads(w.summary(job))
    report = w.report(job) if "error" not in summary else b""
    lines.append(json.dumps({"summary": summary, "report": base64.b64encode(report).decode("ascii"),
                             "type": w.report_type(job), "format": w.report_format(job), "needs_xlsx": needs},
                            ensure_ascii=True, sort_keys=True))
"\\n".join(lines) + "\\n"
`);
process.stdout.write(out);
