"""Benchmark of ``audit --dns`` (issue 11): a 100,000-row list with 2,000 distinct recipient domains, against a
local authoritative DNS server (tests/dns_server.py, dnslib on 127.0.0.1), beside the same audit without --dns.

    .venv/bin/python scripts/bench_dns.py [--rows 100000] [--domains 2000]

Prints the wall time of each, the MX queries the server received (one per domain is the target) and the
verdict counts. Of the domains, 1 in 20 does not exist and 1 in 50 publishes the null MX. The server runs in its
own process (as a real one would), so it does not share this process's interpreter lock.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from checker.cli.audit import main as audit_main  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--domains", type=int, default=2_000)
    a = ap.parse_args()
    domains = [f"company{i:04d}.example" for i in range(a.domains)]
    zone: dict[str, object] = {}
    for i, d in enumerate(domains):
        if i % 20 == 7:
            continue  # NXDOMAIN
        zone[d] = {"MX": [[0, ""]]} if i % 50 == 3 else {"MX": [[10, "mx." + d]]}
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "list.csv"
        with src.open("w", encoding="utf-8") as f:
            f.write("id,name,email\n")
            for i in range(a.rows):
                f.write(f"{i},顧客{i},user{i}@{domains[(i * 7919) % a.domains]}\n")
        figures = {}
        zone_file = Path(tmp) / "zone.json"
        zone_file.write_text(json.dumps(zone), encoding="utf-8")
        server = subprocess.Popen([sys.executable, str(ROOT / "tests" / "dns_server.py"), str(zone_file)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert server.stdout is not None
            address = server.stdout.readline().strip()
            for label, extra in (("audit", []), ("audit --dns", ["--dns", "--nameserver", address])):
                out = Path(tmp) / "out.jsonl"
                t, cpu = time.perf_counter(), time.process_time()
                code = audit_main([str(src), "-o", str(out), *extra], stdout=io.StringIO(), stderr=io.StringIO())
                elapsed, cpu = time.perf_counter() - t, time.process_time() - cpu
                verdicts = Counter(json.loads(line)["verdict"] for line in out.open(encoding="utf-8"))
                figures[label] = (elapsed, cpu, code, verdicts)
        finally:
            assert server.stdin is not None
            server.stdin.close()
            counts = json.loads(server.stdout.readline() or "{}")  # type: ignore[union-attr]
            server.wait(timeout=30)
    print(f"{a.rows:,} rows, {a.domains:,} distinct domains, local DNS server on 127.0.0.1")
    print(f"  (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs: wall time depends on it, CPU time less)")
    for label, (elapsed, cpu, code, verdicts) in figures.items():
        print(f"  {label:<12} {elapsed:6.2f} s wall, {cpu:6.2f} s CPU  {a.rows / elapsed:>9,.0f} rows/s  exit {code}  "
              + ", ".join(f"{k} {v:,}" for k, v in sorted(verdicts.items())))
    print(f"  MX queries the server received: {counts.get('MX', '?'):,} for {a.domains:,} distinct domains")
    return 0


if __name__ == "__main__":
    sys.exit(main())
