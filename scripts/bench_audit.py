#!/usr/bin/env python3
"""Speed of the list audit, side by side with email-validator, in one run.

On a deterministic list of realistic Japanese addresses and errors (scripts/gen_audit_list.py:
carriers, free and provider mail, company domains, legacy dots, full-width, typos, invalid cells,
blanks, duplicates; CP932 CSV with a メールアドレス column, as Japanese Excel saves it), in a
temporary directory:

1. whole-process time of ``python -m checker audit LIST`` (summary only) and ``... -o report.csv``,
   against a whole-process loop of email-validator's ``validate_email(addr,
   check_deliverability=False)`` over the same file (read with the csv module, its encoding and
   column given). Runs are interleaved and repeated; the median wall time and CPU time (user +
   system of the child, from wait4) are printed, with the ratio peer / ours (>= 1.0: we are at least
   as fast while doing more: classification, typo and full-width detection, verdicts, a report);
2. peak RSS of a 1,000,000-row audit with a CSV report (the child's ru_maxrss; must stay < 200 MB);
3. rows per second of the same audit in Pyodide in Node (node_modules/pyodide; the checker wheel
   installed with unpackArchive, no micropip), through checker.web.audit, the page's entry.

Usage: .venv/bin/python scripts/bench_audit.py [--rows N] [--big N] [--repeat N] [--no-big] [--no-pyodide]
Exits 1 when a target is missed (ratio < 1.0 on CPU time, or peak RSS >= 200 MB).
"""
from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import gen_audit_list  # noqa: E402
from build_web import build_wheel  # noqa: E402

PY = sys.executable
PEER_VERSION = importlib.metadata.version("email-validator")
RSS_LIMIT_MB = 200

PEER = r'''
import csv, sys
from email_validator import EmailNotValidError, validate_email
ok = bad = 0
with open(sys.argv[1], encoding="cp932", newline="") as f:
    for row in csv.DictReader(f):
        try:
            validate_email(row["メールアドレス"], check_deliverability=False)
            ok += 1
        except EmailNotValidError:
            bad += 1
print(ok, bad)
'''

NODE = r'''
import { loadPyodide } from "PYODIDE_MJS";
import { readFileSync } from "node:fs";
const [wheel, list] = process.argv.slice(2);
const t0 = performance.now();
const py = await loadPyodide({ indexURL: "PYODIDE_DIR/" });
const t1 = performance.now();
const site = py.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
py.unpackArchive(new Uint8Array(readFileSync(wheel)), "wheel", { extractDir: site });
const wa = py.pyimport("checker.web.audit");
const t2 = performance.now();
const bytes = new Uint8Array(readFileSync(list));
const job = wa.start(bytes, JSON.stringify({ lang: "ja" }));
let p;
do { p = JSON.parse(wa.step(job, 2000)); } while (!p.done);
const summary = JSON.parse(wa.summary(job));
const report = wa.report(job).toJs();
const t3 = performance.now();
console.log(JSON.stringify({ load_ms: t1 - t0, install_ms: t2 - t1, audit_ms: t3 - t2, rows: summary.rows,
                             report_bytes: report.length }));
'''


def run(cmd: list[str], *, env: dict[str, str], cwd: Path) -> dict[str, float]:
    """Run a child; wall time, CPU time (user + system) and peak RSS of that child alone."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    err = p.stderr.read().decode("utf-8", "replace") if p.stderr else ""
    if p.returncode not in (0, 1):
        raise SystemExit(f"{cmd[:4]} failed ({p.returncode}): {err[-2000:]}")
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_mb": ru.ru_maxrss / 1024}


def fmt_row(name: str, wall: float, cpu: float, rows: int, note: str = "") -> str:
    return f"  {name:<44} {wall:7.2f} s {cpu:7.2f} s {rows / cpu:>9,.0f}/s  {note}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--big", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-big", action="store_true")
    ap.add_argument("--no-pyodide", action="store_true")
    args = ap.parse_args()
    ok = True
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory(prefix="todoku-bench-") as tmp_:
        tmp = Path(tmp_)
        lst = tmp / "customers.csv"
        gen_audit_list.write(lst, args.rows)
        (tmp / "peer.py").write_text(PEER, encoding="utf-8")
        print(f"list: {args.rows:,} rows, {lst.stat().st_size / 1e6:.1f} MB CP932 CSV "
              f"(scripts/gen_audit_list.py, seed {gen_audit_list.SEED}); Python {sys.version.split()[0]}, "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
        cmds = {
            "ours": [PY, "-m", "checker", "audit", str(lst)],
            "ours -o": [PY, "-m", "checker", "audit", str(lst), "-o", str(tmp / "report.csv")],
            "peer": [PY, str(tmp / "peer.py"), str(lst)],
        }
        res: dict[str, list[dict[str, float]]] = {k: [] for k in cmds}
        for _ in range(args.repeat):  # interleaved, so that a busy moment hits every command alike
            for k, cmd in cmds.items():
                res[k].append(run(cmd, env=env, cwd=ROOT))
        med = {k: {m: statistics.median(r[m] for r in v) for m in ("wall", "cpu")} for k, v in res.items()}
        n = args.rows
        print(f"\nwhole process, {args.repeat} interleaved runs, median:   {'wall':>9} {'CPU':>9} {'rows/s CPU':>11}")
        print(fmt_row("python -m checker audit (summary)", med["ours"]["wall"], med["ours"]["cpu"], n))
        print(fmt_row("python -m checker audit -o report.csv", med["ours -o"]["wall"], med["ours -o"]["cpu"], n))
        print(fmt_row(f"email-validator {PEER_VERSION} validate_email loop", med["peer"]["wall"],
                      med["peer"]["cpu"], n))
        print("\nratio email-validator / ours (>= 1.0: at least as fast):")
        for k in ("ours", "ours -o"):
            rc = med["peer"]["cpu"] / med[k]["cpu"]
            rw = med["peer"]["wall"] / med[k]["wall"]
            print(f"  {k:<10} CPU {rc:5.2f}   wall {rw:5.2f}   {'ok' if rc >= 1.0 else 'MISSED'}")
            ok &= rc >= 1.0

        if not args.no_big:
            big = tmp / "big.csv"
            gen_audit_list.write(big, args.big)
            r = run([PY, "-m", "checker", "audit", str(big), "-o", str(tmp / "big-report.csv")], env=env, cwd=ROOT)
            size = big.stat().st_size / 1e6
            big.unlink()
            (tmp / "big-report.csv").unlink()
            verdict = "ok" if r["rss_mb"] < RSS_LIMIT_MB else "MISSED"
            print(f"\n{args.big:,} rows ({size:.0f} MB), audit -o report.csv: {r['wall']:.1f} s wall, "
                  f"{r['cpu']:.1f} s CPU ({args.big / r['cpu']:,.0f} rows/s), peak RSS {r['rss_mb']:.0f} MB "
                  f"(limit {RSS_LIMIT_MB} MB: {verdict}); the 100,000-row run peaked at "
                  f"{max(x['rss_mb'] for x in res['ours -o']):.0f} MB")
            ok &= r["rss_mb"] < RSS_LIMIT_MB

        if not args.no_pyodide:
            ok &= pyodide(tmp, lst, n)
    return 0 if ok else 1


def pyodide(tmp: Path, lst: Path, n: int) -> bool:
    pdir = ROOT / "node_modules" / "pyodide"
    node = shutil.which("node")
    if not (pdir / "pyodide.mjs").is_file() or node is None:
        print("\nPyodide: skipped (node_modules/pyodide or node missing: run scripts/setup)")
        return True
    wheel = build_wheel(tmp / "wheel")  # the site's own wheel, built the same way
    script = tmp / "bench.mjs"
    script.write_text(NODE.replace("PYODIDE_MJS", (pdir / "pyodide.mjs").as_uri())
                      .replace("PYODIDE_DIR", str(pdir)), encoding="utf-8")
    out = subprocess.run([node, str(script), str(wheel), str(lst)], capture_output=True, text=True)
    if out.returncode:
        print(f"\nPyodide: FAILED\n{out.stderr[-2000:]}")
        return False
    r = json.loads(out.stdout.strip().splitlines()[-1])
    version = json.loads((pdir / "package.json").read_text())["version"]
    node_version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"\nPyodide {version} in Node {node_version}: "
          f"loadPyodide {r['load_ms'] / 1000:.2f} s, wheel install + import {r['install_ms']:.0f} ms, "
          f"audit of {r['rows']:,} rows with the report {r['audit_ms'] / 1000:.2f} s = "
          f"{r['rows'] / (r['audit_ms'] / 1000):,.0f} rows/s (checker.web.audit, the page's entry)")
    return bool(r["rows"] == n)


if __name__ == "__main__":
    sys.exit(main())
