"""The RFC 7208 test suite (openspf.org, via pyspf), read in place from ../shared/corpora/, as data.

The suite's zone notation (pyspf's test harness): ``SPF`` entries are served as TXT records too unless the
name has TXT entries of its own (``TXT: NONE`` meaning none); ``TIMEOUT`` makes every query for a type the
name has no records of time out.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from checker.sender.dns import Zone

#: ../shared/corpora beside the repository (as tests/conftest.py), or $TODOKU_CORPORA (e.g. from a worktree)
SUITE = Path(os.environ.get("TODOKU_CORPORA", Path(__file__).resolve().parents[2] / "shared" / "corpora")) \
    / "spf-rfc7208-tests" / "rfc7208-tests.json"


def suite_zone(zonedata: dict[str, list[Any]]) -> Zone:
    raw: dict[str, Any] = {}
    for name, entries in zonedata.items():
        types: dict[str, Any] = {}
        spf: list[Any] = []
        has_txt = timeout = False
        for e in entries:
            if e == "TIMEOUT":
                timeout = True
                continue
            ((t, v),) = e.items()
            if t == "SPF":
                spf.append(v if isinstance(v, list) else [v])
            elif t == "TXT":
                has_txt = True
                if v != "NONE":
                    types.setdefault("TXT", []).append(v if isinstance(v, list) else [v])
            elif t == "CNAME":
                types["CNAME"] = v
            else:
                types.setdefault(t, []).append(v)
        if spf and not has_txt:
            types["TXT"] = spf
        if timeout:
            for t in ("A", "AAAA", "MX", "TXT", "PTR"):
                types.setdefault(t, "TIMEOUT")
        raw[name] = types
    return Zone.from_json(raw)


def cases() -> list[tuple[str, str, dict[str, Any], Zone]]:
    data = json.loads(SUITE.read_text(encoding="utf-8"))
    out = []
    for section in data["sections"]:
        zone = suite_zone(section["zonedata"])
        for name, test in section["tests"].items():
            out.append((section["description"], name, test, zone))
    return out
