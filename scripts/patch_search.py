#!/usr/bin/env python3
"""Improves Material's search worker in the built site (run by scripts/build after both mkdocs builds).

Two changes to site/assets/javascripts/workers/search.*.min.js and its /en/ copy, each checked to apply
exactly once (a Material upgrade that changes the code fails the build here instead of silently searching
worse):

1. Material's query segmentation for Han runs (``segment()``, "Experimental Chinese segmentation") never
   tries the whole run as a word (its inner loop stops one short: ``j < query.length``), so 迷惑 is searched
   as 迷 and 返信 as 返. Fixed to ``j <= query.length``.
2. scripts/search_prelude.js is put in front of the worker: it cuts Japanese queries the way the index is
   cut (TinySegmenter), drops particles, respells a few kana words and requires every word (see the file).

scripts/search_recall.py measures the result (and Material's untouched worker beside it).
Usage: scripts/patch_search.py [SITE]   (default: site/)
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRELUDE = ROOT / "scripts" / "search_prelude.js"
MARK = "/* todoku search prelude */"
#: Material 9.x segment(): the loop that looks up every substring of a Han run in the index
SEGMENT_OLD = "for(let o=s+1;o<t.length;o++)t.slice(s,o)in e"
SEGMENT_NEW = "for(let o=s+1;o<=t.length;o++)t.slice(s,o)in e"


def patch_text(code: str, prelude: str) -> str:
    if code.startswith(MARK):
        return code  # already patched (a second run over the same site)
    if code.count(SEGMENT_OLD) != 1:
        raise SystemExit("patch_search: Material's search worker changed (segment loop not found once): "
                         "review scripts/patch_search.py against the new version")
    return f"{MARK}\n{prelude}\n{code.replace(SEGMENT_OLD, SEGMENT_NEW)}"


def patch(site: Path) -> int:
    prelude = PRELUDE.read_text(encoding="utf-8")
    workers = sorted(site.glob("assets/javascripts/workers/search.*.min.js")) + \
        sorted(site.glob("en/assets/javascripts/workers/search.*.min.js"))
    if not workers:
        raise SystemExit(f"patch_search: no Material search worker under {site}")
    for w in workers:
        w.write_text(patch_text(w.read_text(encoding="utf-8"), prelude), encoding="utf-8")
        stale_map = w.with_name(w.name + ".map")  # the map describes Material's file, not ours
        if stale_map.exists():
            stale_map.unlink()
    return len(workers)


if __name__ == "__main__":
    site = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "site"
    print(f"patch_search: {patch(site)} search worker(s) patched")
