"""Command-line shell: ``python -m checker check ADDRESS... [options]`` and ``python -m checker audit``.

Exit codes: 0 every address would arrive, 1 any would not, 2 usage error.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from ._check import check
from ._model import Situation


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m checker")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check")
    c.add_argument("addresses", nargs="+")
    c.add_argument("--level", type=int, default=7, choices=range(1, 11))
    c.add_argument("--links", action="store_true")
    c.add_argument("--attachments", action="store_true")
    c.add_argument("--allowlisted", action="store_true")
    c.add_argument("--lang", choices=("ja", "en"), default="ja")
    c.add_argument("--json", action="store_true")
    return p


def main(argv: list[str], stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    situation = Situation(level=args.level, links=args.links, attachments=args.attachments,
                          allowlisted=args.allowlisted)
    addresses = []
    for a in args.addresses:
        addresses.extend(line.rstrip("\r\n") for line in stdin) if a == "-" else addresses.append(a)
    worst = 0
    for a in addresses:
        r = check(a, situation=situation, lang=args.lang)
        if not r.arrives:
            worst = 1
        if args.json:
            stdout.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
        else:
            stdout.write(f"{r.input}: {r.verdict}\n")
    return worst
