// Runs the checker in Pyodide under Node, fully offline, for the parity test (tests/test_pyodide_parity.py).
//
//   node tests/pyodide_golden.mjs WHEEL CASES.json [--snapshot FILE] [--stdlib ZIP] > results.jsonl
//
// --snapshot: start the way the page starts, by restoring the memory snapshot the build made
// (scripts/pyodide_snapshot.mjs) through web/todoku-pyodide.mjs overlappedSnapshot and installing the wheel
// again; --stdlib: the standard library zip the page serves (stdLibURL) instead of the npm package's.
// WHEEL: the pure py3-none-any wheel of `checker` (put unchanged on sys.path as the page does, web/todoku-pyodide.mjs installWheel; no micropip).
// CASES.json: {"vectors": [{"input", "situation", "lang"}, ...]} (tests/golden/vectors.json has this shape),
// optionally with "audits": [{"path": "/abs/list.csv", "lang": "ja"}, ...] (whole-list audits).
// Output: one line per case, in order: exactly what `python -m checker check --json` prints for it
// (checker.cli.check.json_line of the Result), or {"exception": "..."} when the checker raised; then one line
// per audit, made by tests/parity_audit.py (the same file the CPython side imports); then one line per
// message ("messages": [{"path", "name", "lang"}]): exactly what `python -m checker message --json` prints;
// then, when the file has "sender": {"zone", "cases": [{"domain", "ip", "selectors", "lang"}]}, one line per
// sender-domain check driven from that recorded zone: exactly what `python -m checker domain --json` prints.
// A summary line goes to standard error:
// "pyodide: python=3.14.2 unicodedata=16.0.0 cases=... start=snapshot|boot load_ms=...".
//
// No string crosses the JavaScript/Python boundary: the cases file is written into Pyodide's file system
// as bytes and parsed by Python's json module (so \udXXX lone surrogates arrive unchanged), and the results
// are read back as bytes. Pyodide comes from node_modules/pyodide (npm, pinned in package-lock.json).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args.splice(i, 2)[1];
};
const snapshotPath = option("--snapshot");
const stdlibPath = option("--stdlib");
const [wheelPath, casesPath] = args;
if (!wheelPath || !casesPath) {
  process.stderr.write("usage: node tests/pyodide_golden.mjs WHEEL CASES.json [--snapshot FILE] [--stdlib ZIP]\n");
  process.exit(2);
}
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const indexURL = join(root, "node_modules", "pyodide") + "/";
const { loadPyodide } = await import(pathToFileURL(join(indexURL, "pyodide.mjs")).href);
const { installWheel, overlappedSnapshot } = await import(pathToFileURL(join(root, "web", "todoku-pyodide.mjs")).href);

const t0 = performance.now();
// the snapshot restored as the page restores it (overlappedSnapshot: the runtime made first, the bytes handed
// to the restore)
let restore = {};
if (snapshotPath) {
  const { default: createPyodideModule } = await import(pathToFileURL(join(indexURL, "pyodide.asm.mjs")).href);
  const bytes = new Uint8Array(readFileSync(snapshotPath));
  restore = overlappedSnapshot(createPyodideModule, Promise.resolve(bytes), bytes.byteLength);
}
// stdout is ours: Python's own prints (there should be none) go to standard error
const pyodide = await loadPyodide({
  indexURL, stdout: (s) => process.stderr.write(s + "\n"),
  ...(stdlibPath ? { stdLibURL: stdlibPath } : {}),
  ...restore,
});
const loadMs = performance.now() - t0;

// exactly as the page installs it (web/todoku-pyodide.mjs)
installWheel(pyodide, new Uint8Array(readFileSync(wheelPath)), Boolean(snapshotPath));
pyodide.FS.mkdirTree("/parity/audit");
const casesBytes = readFileSync(casesPath);
pyodide.FS.writeFile("/parity/cases.json", new Uint8Array(casesBytes));
pyodide.FS.writeFile("/parity/parity_audit.py", new Uint8Array(readFileSync(join(root, "tests", "parity_audit.py"))));
const parsedCases = JSON.parse(casesBytes.toString("ascii"));
const audits = parsedCases.audits ?? [];
audits.forEach((a, i) => pyodide.FS.writeFile(`/parity/audit/${i}`, new Uint8Array(readFileSync(a.path))));
const messages = parsedCases.messages ?? [];
pyodide.FS.mkdirTree("/parity/message");
messages.forEach((m, i) => pyodide.FS.writeFile(`/parity/message/${i}`, new Uint8Array(readFileSync(m.path))));

const summary = pyodide.runPython(`
import json, sys, traceback, unicodedata
from checker import Situation, check
from checker.cli.check import json_line

with open("/parity/cases.json", encoding="utf-8") as f:
    doc = json.load(f)
cases = doc["vectors"] if isinstance(doc, dict) else doc
with open("/parity/out.jsonl", "w", encoding="utf-8") as out:
    for v in cases:
        try:
            line = json_line(check(v["input"], situation=Situation(**v["situation"]), lang=v["lang"]))
        except Exception:
            line = json.dumps({"exception": traceback.format_exc()})
        out.write(line + "\\n")
    sys.path.insert(0, "/parity")
    from parity_audit import audit_line
    for i, a in enumerate(doc.get("audits", []) if isinstance(doc, dict) else []):
        with open(f"/parity/audit/{i}", "rb") as f:
            out.write(audit_line(f.read(), a["lang"]) + "\\n")
    if isinstance(doc, dict) and doc.get("messages"):
        from checker.cli.message import json_line as message_line
        from checker.message import read_message
        for i, m in enumerate(doc["messages"]):
            with open(f"/parity/message/{i}", "rb") as f:
                raw = f.read()
            try:
                line = message_line(read_message(raw, m["lang"]), m["name"])
            except Exception:
                line = json.dumps({"exception": traceback.format_exc()})
            out.write(line + "\\n")
    sender = doc.get("sender") if isinstance(doc, dict) else None
    if sender:  # the sender-domain check from recorded DNS answers (issue 11)
        from checker.sender.dns import Zone, drive
        from checker.sender.domain import check_domain
        zone = Zone.from_json(sender["zone"])
        for c in sender["cases"]:
            try:
                r = drive(check_domain(c["domain"], ip=c["ip"], selectors=tuple(c["selectors"]), lang=c["lang"]),
                          zone.resolve_batch)
                line = json.dumps(r.to_dict(), ensure_ascii=False)
            except Exception:
                line = json.dumps({"exception": traceback.format_exc()})
            out.write(line + "\\n")
v = sys.version_info
f"python={v.major}.{v.minor}.{v.micro} unicodedata={unicodedata.unidata_version} cases={len(cases)}"
`);
process.stdout.write(pyodide.FS.readFile("/parity/out.jsonl"));
process.stderr.write(`pyodide: ${summary} start=${snapshotPath ? "snapshot" : "boot"} load_ms=${Math.round(loadMs)}\n`);
