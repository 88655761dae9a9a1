#!/usr/bin/env python3
"""Worst-case time and memory of reading one message (checker.message.read_message), beside a peer.

The peer is the stdlib parser alone (``email.message_from_bytes`` with ``policy=compat32``, what any Python
bounce reader starts with) on the same bytes, cut to the same limit. Each case runs in a fresh child
process so its peak RSS (ru_maxrss) is its own; wall time is the median of --repeat runs.

Cases: every bounce of the sisimai corpus (../shared/corpora, read in place: the slowest and the mean), and
hostile input: 20 MB of text after bounce headers, 20 MB of binary, 5,000 nested multiparts, a 3 MB header,
200,000 address lines, broken MIME (missing boundary, bad base64, NUL charset), 20 MB of one line.

Usage: .venv/bin/python scripts/bench_message.py [--repeat N] [--corpus DIR]
Exits 1 when a case takes more than 5 s or 300 MB (the page runs this in a Web Worker: it must stay bounded).
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT_S, LIMIT_MB = 5.0, 300

CHILD = r"""
import sys, time
import email, email.policy
from checker.message import read_message
from checker.message.parse import MAX_BYTES
read_message(b"From: a@b.example\n\nwarm up the data\n")
raw = open(sys.argv[2], "rb").read()
t0 = time.perf_counter()
if sys.argv[1] == "ours":
    r = read_message(raw, "ja")
    r.to_dict("x")
else:
    m = email.message_from_bytes(raw[:MAX_BYTES], policy=email.policy.compat32)
    for part in m.walk():
        part.get_payload(decode=True)
dt = time.perf_counter() - t0
# VmHWM: this process's own peak (ru_maxrss would include the parent's, kept across exec)
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]
print(dt, int(hwm) // 1024)
"""


def hostile() -> dict[str, bytes]:
    head = b"From: MAILER-DAEMON@x.example\nSubject: Undelivered Mail Returned to Sender\n"
    nested = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i) for i in range(5000))
    return {
        "20 MB text": head + b"\n" + b"<a@b.example>: host x said: 550 5.1.1 user unknown\n" * 400_000,
        "20 MB binary": bytes(range(256)) * 80_000,
        "20 MB one line": head + b"\n" + b"x" * 20_000_000,
        "5,000 nested multiparts": head + nested + b"Content-Type: text/plain\n\nx\n",
        "3 MB header": head + b"X-Long: " + b"y" * 3_000_000 + b"\n\nbody\n",
        "200,000 address lines": head + b"\n" + b"<a@b.example>\n" * 200_000,
        "missing boundary": head + b'Content-Type: multipart/report; boundary="no"\n\n' + b"<a@b.example> 550\n" * 1000,
        "bad base64 + NUL charset": head + b'Content-Type: text/plain; charset="\x00"\n'
        + b"Content-Transfer-Encoding: base64\n\n" + b"!!@@==" * 100_000,
    }


def run(who: str, path: Path) -> tuple[float, int] | str:
    """(seconds, peak MB), or the exception's name when the child failed (the peer may: it has no guards)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", CHILD, who, str(path)], capture_output=True, text=True, env=env,
                         timeout=120, check=False)
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["crashed"])[-1]
        return last.split(":")[0][:30]
    dt, mb = out.stdout.split()
    return float(dt), int(mb)


def _fmt(results: list[tuple[float, int] | str]) -> tuple[str, str, float, int]:
    ok = [r for r in results if not isinstance(r, str)]
    if not ok:
        return str(results[0]), "-", float("inf"), 0
    t, mb = statistics.median(x[0] for x in ok), max(x[1] for x in ok)
    return f"{t * 1000:.1f}", str(mb), t, mb


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--corpus", default=str(Path(os.environ.get("TODOKU_CORPORA", ROOT.parent / "shared" / "corpora"))
                                           / "sisimai-set-of-emails"))
    args = ap.parse_args()
    failed = False
    print(f"{'case':32} {'ours ms':>9} {'MB':>5}   {'stdlib parse ms':>15} {'MB':>5}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, raw in hostile().items():
            path = Path(tmp) / "case.eml"
            path.write_bytes(raw)
            ours_ms, ours_mb, t, mb = _fmt([run("ours", path) for _ in range(args.repeat)])
            peer_ms, peer_mb, _, _ = _fmt([run("peer", path) for _ in range(args.repeat)])
            flag = "  <-- over limit" if t > LIMIT_S or mb > LIMIT_MB else ""
            failed |= bool(flag)
            print(f"{name:32} {ours_ms:>9} {ours_mb:>5}   {peer_ms:>15} {peer_mb:>5}{flag}")
    corpus = Path(args.corpus)
    if corpus.is_dir():
        sys.path.insert(0, str(ROOT))
        from checker.message import read_message

        times = []
        for f in sorted(corpus.glob("*.eml")):
            raw = f.read_bytes()
            t0 = time.perf_counter()
            read_message(raw, "ja").to_dict(f.name)
            times.append((time.perf_counter() - t0, f.name))
        times.sort()
        print(f"corpus: {len(times)} bounces, mean {statistics.mean(t for t, _ in times) * 1000:.2f} ms, "
              f"median {statistics.median(t for t, _ in times) * 1000:.2f} ms, "
              f"slowest {times[-1][0] * 1000:.2f} ms, peak RSS of this process "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")
    else:
        print(f"corpus not found at {corpus}: skipped")
    print(f"limits: {LIMIT_S} s and {LIMIT_MB} MB per message; " + ("MISSED" if failed else "all within"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
