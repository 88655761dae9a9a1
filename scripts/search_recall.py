#!/usr/bin/env python3
"""Measures how well the guide's search finds what readers type, with Material's own search in Chromium.

The built index (site/search/search_index.json, or site/en/... with --lang en) is loaded into Material's real
search worker (the same minified JavaScript, lunr, lunr.ja and TinySegmenter the site ships), in Debian's
Chromium through Playwright, and every query of tests/search_queries_<lang>.toml is run through it exactly as
the search box does. A query is found when one of its expected pages is among the first --top result groups
(Material groups results by page and shows the best pages first).

Three runs over the same index (only the client side uses its `separator`):
- "Material as shipped": the separator Material uses by default for the language (read from the installed
  theme) and Material's own worker, untouched (served from the installed package);
- "+ separator": the separator of mkdocs.yml, Material's untouched worker;
- "built site": the separator of mkdocs.yml and the worker as scripts/build leaves it (scripts/patch_search.py:
  the segmentation fix and scripts/search_prelude.js).
Extra candidates (built worker): --separator NAME=REGEX (repeatable).

Usage: .venv/bin/python scripts/search_recall.py [--lang ja|en] [--top 10] [--verbose] [--separator N=RE]
Exit status 0; figures on stdout. Needs a built site (scripts/build).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from serve import served  # noqa: E402

# Runs in the page: Material's worker, set up with an index, answering queries (message types 0..3 are
# Material's SearchMessageType SETUP, READY, QUERY, RESULT).
_RUN = """
async ({workerUrl, index, queries}) => {
  const worker = new Worker(workerUrl);
  const call = (message) => new Promise((resolve, reject) => {
    worker.onmessage = (ev) => resolve(ev.data);
    worker.onerror = (ev) => reject(new Error(ev.message));
    worker.postMessage(message);
  });
  const ready = await call({type: 0, data: {...index, options: {suggest: false}}});
  if (ready.type !== 1) throw new Error("search worker not ready: " + JSON.stringify(ready));
  const out = [];
  for (const q of queries) {
    const result = await call({type: 2, data: q});
    out.push(result.data.items.map((group) => group[0].location.split("#")[0]));
  }
  worker.terminate();
  return out;
}
"""


def material_default_separator(lang: str) -> str:
    """The separator Material uses for `lang` when mkdocs.yml sets none (from the installed theme)."""
    import material  # type: ignore[import-untyped]

    path = Path(material.__file__).parent / "templates" / "partials" / "languages" / f"{lang}.html"
    m = re.search(r'"search\.config\.separator":\s*"((?:[^"\\]|\\.)*)"', path.read_text(encoding="utf-8"))
    if not m:
        raise SystemExit(f"search_recall: no default separator in {path}")
    return str(json.loads(f'"{m.group(1)}"'))


def material_worker(worker_path: str) -> Path:
    """Material's search worker as the installed theme ships it (the built site's copy is patched)."""
    import material

    path = Path(material.__file__).parent / "templates" / worker_path
    if not path.is_file():
        raise SystemExit(f"search_recall: {path} missing (the installed Material is not the one that built the site)")
    return path


def run_queries(site: Path, prefix: str, index: dict[str, Any], queries: list[str],
                runs: dict[str, tuple[str, bool]], browser: Browser | None = None) -> dict[str, list[list[str]]]:
    """{run name: [[page, ...] per query]} for each (separator, Material's untouched worker?) in runs
    (in `browser`, else a new Chromium)."""
    from playwright.sync_api import sync_playwright

    home = (site / prefix / "index.html").read_text(encoding="utf-8")
    m = re.search(r'"search":\s*"([^"]+)"', home)
    if not m:
        raise SystemExit("search_recall: the built page names no search worker (is the search plugin on?)")
    worker_path = m.group(1)
    with served(site) as url:
        base = f"{url}/{prefix}"
        pristine = worker_path.rsplit("/", 1)[0] + "/material-as-shipped.js"  # beside it: same ../lunr

        def run(b: Browser) -> dict[str, list[list[str]]]:
            page = b.new_page()
            page.route(f"**/{pristine}", lambda route: route.fulfill(
                path=str(material_worker(worker_path)), content_type="text/javascript"))
            page.goto(base)
            out: dict[str, list[list[str]]] = {}
            for name, (separator, untouched) in runs.items():
                idx = {**index, "config": {**index["config"], "separator": separator}}
                url = base + (pristine if untouched else worker_path)
                out[name] = page.evaluate(_RUN, {"workerUrl": url, "index": idx, "queries": queries})
            page.close()
            return out

        if browser is not None:
            results = run(browser)
        else:
            with sync_playwright() as pw:
                b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                results = run(b)
                b.close()
    return results


SHIPPED = "Material as shipped"
SEPARATOR = "+ separator"
BUILT = "built site"


def rank(pages: list[str], expected: list[str]) -> int | None:
    for i, p in enumerate(pages):
        if p in expected:
            return i + 1
    return None


def measure(lang: str = "ja", site: Path = ROOT / "site", queries: Path | None = None, top: int = 10,
            extra: dict[str, str] | None = None, browser: Browser | None = None,
            ) -> tuple[list[dict[str, Any]], dict[str, tuple[str, bool]], dict[str, list[int | None]]]:
    """(query entries, {run: separator}, {run: [rank of the first expected page or None, per query]})."""
    prefix = "" if lang == "ja" else "en/"
    index_path = site / prefix / "search" / "search_index.json"
    if not index_path.is_file():
        raise FileNotFoundError(f"{index_path} missing: run scripts/build first")
    index = json.loads(index_path.read_text(encoding="utf-8"))
    qfile = queries or ROOT / "tests" / f"search_queries_{lang}.toml"
    entries = tomllib.loads(qfile.read_text(encoding="utf-8"))["query"]
    runs = {SHIPPED: (material_default_separator(lang), True),
            SEPARATOR: (index["config"]["separator"], True),
            BUILT: (index["config"]["separator"], False),
            **{name: (regex, False) for name, regex in (extra or {}).items()}}
    results = run_queries(site, prefix, index, [e["q"] for e in entries], runs, browser)
    ranks = {name: [rank(pages, e["pages"]) for pages, e in zip(results[name], entries, strict=True)] for name in runs}
    for name in runs:
        for e, pages in zip(entries, results[name], strict=True):
            e.setdefault("results", {})[name] = len(pages)
    return entries, runs, ranks


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lang", choices=["ja", "en"], default="ja")
    ap.add_argument("--site", type=Path, default=ROOT / "site")
    ap.add_argument("--queries", type=Path)
    ap.add_argument("--top", type=int, default=10, help="a query counts as found in the first N pages")
    ap.add_argument("--separator", action="append", default=[], metavar="NAME=REGEX")
    ap.add_argument("--verbose", "-v", action="store_true", help="one line per query")
    args = ap.parse_args(argv)
    extra = {}
    for item in args.separator:
        name, _, regex = item.partition("=")
        extra[name] = regex
    try:
        entries, runs, all_ranks = measure(args.lang, args.site, args.queries, args.top, extra)
    except FileNotFoundError as exc:
        print(f"search_recall: {exc}", file=sys.stderr)
        return 2
    qfile = args.queries or ROOT / "tests" / f"search_queries_{args.lang}.toml"
    print(f"search recall, {args.lang}: {len(entries)} queries from {qfile.name}, "
          f"found = an expected page among the first {args.top} result pages")
    for name, (separator, untouched) in runs.items():
        worker = "Material's worker" if untouched else "patched worker"
        print(f"  {name:28} {worker}, separator {separator!r}")
    kinds = sorted({e.get("kind", "-") for e in entries})
    head = f"{'':28} {'recall@1':>9} {'recall@' + str(args.top):>10} {'any rank':>9} {'MRR':>6}  " + \
        "  ".join(f"{k}" for k in kinds)
    print(head)
    for name in runs:
        ranks = all_ranks[name]
        n = len(ranks)
        at1 = sum(1 for r in ranks if r == 1)
        attop = sum(1 for r in ranks if r is not None and r <= args.top)
        anyr = sum(1 for r in ranks if r is not None)
        mrr = sum(1 / r for r in ranks if r is not None) / n
        per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for r, e in zip(ranks, entries, strict=True):
            k = per_kind[e.get("kind", "-")]
            k[1] += 1
            if r is not None and r <= args.top:
                k[0] += 1
        kinds_txt = "  ".join(f"{per_kind[k][0]}/{per_kind[k][1]}".rjust(len(k)) for k in kinds)
        print(f"{name:28} {at1:>4}/{n:<4} {attop:>5}/{n:<4} {anyr:>4}/{n:<4} {mrr:6.3f}  {kinds_txt}")
    if args.verbose:
        print("rank of the expected page / number of result pages, per run:")
        for i, e in enumerate(entries):
            cells = []
            for name in runs:
                r = all_ranks[name][i]
                cells.append(f"{'-' if r is None else r:>3} of {e['results'][name]:<3}")
            print(f"  {e['q']:<24} {' | '.join(cells)}   expects {e['pages'][0] or '(home)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
