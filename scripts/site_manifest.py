#!/usr/bin/env python3
"""The permanent-URL manifest (urls.json) of the built guide, and the redirect pages made from it.

urls.json (committed):
  {"pages": {"/levels/": ["model", "table", ...], "/en/levels/": [...], ...},   every page URL -> heading anchors
   "redirects": {"/old-path/": "/new-path/", "/levels/#old-anchor": "/levels/#new-anchor"}}

- `update(site, manifest)` adds every page URL and heading anchor of the built site (never removes one:
  tests/test_site_urls.py fails when one disappears without a redirect). scripts/build runs it and says loudly
  what it added and what the site lost (`build_notes`): a local experiment (a provider tried and removed) must
  not leave urls.json changed unnoticed; `git checkout urls.json` undoes it.
- `write_redirects(site, manifest)` (run by scripts/build) makes, for each page redirect, a static page at the
  old path with a meta refresh, a canonical link and a plain link; for each anchor redirect, an empty element
  carrying the old id just before the new anchor, so old links still land on the right heading.

Usage: scripts/site_manifest.py update | redirects   (scripts/gen_docs.py --update-manifest = update)
"""
from __future__ import annotations

import html
import json
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

#: urls.json: {"pages": {url: [anchor, ...]}, "redirects": {old url: new url}}
Manifest = dict[str, Any]

ROOT = Path(__file__).resolve().parent.parent
HEADINGS = {"h2", "h3", "h4", "h5", "h6"}  # h1 is the page itself: its URL is the permanent link
#: Pages that are not part of the permanent URL set
SKIP = {"404.html"}


class _Anchors(HTMLParser):
    """Collects the ids of headings inside the article (`<article class="md-content__inner">`)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.depth = 0  # >0 while inside <article>
        self.redirect = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            self.redirect = True
        if tag == "article":
            self.depth += 1
        elif self.depth and tag in HEADINGS and a.get("id"):
            self.ids.append(a["id"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self.depth:
            self.depth -= 1


def page_url(site: Path, path: Path) -> str:
    rel = path.relative_to(site).as_posix()
    return "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def collect(site: Path) -> dict[str, list[str]]:
    """{url: [heading anchors]} for every HTML page of the built site (redirect pages excluded)."""
    pages: dict[str, list[str]] = {}
    for path in sorted(site.rglob("*.html")):
        if path.name in SKIP:
            continue
        p = _Anchors()
        p.feed(path.read_text(encoding="utf-8"))
        if p.redirect:
            continue
        pages[page_url(site, path)] = sorted(set(p.ids))
    return pages


def load(manifest: Path) -> Manifest:
    if not manifest.exists():
        return {"pages": {}, "redirects": {}}
    doc: Manifest = json.loads(manifest.read_text(encoding="utf-8"))
    doc.setdefault("pages", {})
    doc.setdefault("redirects", {})
    return doc


def dump(manifest: Path, doc: Manifest) -> None:
    doc = {"pages": {k: sorted(set(v)) for k, v in sorted(doc["pages"].items())},
           "redirects": dict(sorted(doc["redirects"].items()))}
    manifest.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def update(site: Path, manifest: Path) -> list[str]:
    """Add the built site's URLs and anchors to the manifest; returns what was added ("/x/" or "/x/#a")."""
    if not (site / "index.html").is_file():
        raise SystemExit("site_manifest: site/ is not built: run scripts/build first")
    doc = load(manifest)
    added: list[str] = []
    for url, anchors in collect(site).items():
        if url not in doc["pages"]:
            doc["pages"][url] = []
            added.append(url)
        known = doc["pages"][url]
        new = [a for a in anchors if a not in known]
        added.extend(f"{url}#{a}" for a in new)
        known.extend(new)
    dump(manifest, doc)
    return added


def build_notes(added: list[str], gone: list[str], show: int = 6) -> list[str]:
    """What scripts/build says about urls.json after ``update``: the entries it added and the listed ones the
    site no longer has, each with what to do. Empty when the manifest and the site agree."""
    def some(items: list[str]) -> str:
        return ", ".join(items[:show]) + (f" and {len(items) - show} more" if len(items) > show else "")
    notes = []
    if added:
        notes.append(f"NOTE: urls.json gained {len(added)} URL(s)/anchor(s): {some(added)}. Commit urls.json "
                     "with pages that are meant to be published; after a local experiment undo it with "
                     "`git checkout urls.json`, or it will demand a redirect once the experiment is gone.")
    if gone:
        notes.append(f"WARNING: {len(gone)} URL(s)/anchor(s) of urls.json are no longer built: {some(gone)}. "
                     "A published one needs a redirect in urls.json (tests/test_site_urls.py fails until then); "
                     "one added by a local experiment goes with `git checkout urls.json`.")
    return notes


def lost(doc: Manifest, pages: dict[str, list[str]]) -> list[str]:
    """Manifest entries ("/x/" or "/x/#a") missing from ``pages`` (see collect) and not redirected."""
    redirects = doc.get("redirects", {})
    out = []
    for url, anchors in sorted(doc.get("pages", {}).items()):
        if url not in pages:
            if url not in redirects:
                out.append(url)
            continue
        for a in anchors:
            if a not in pages[url] and f"{url}#{a}" not in redirects:
                out.append(f"{url}#{a}")
    return out


def _refresh_page(target: str) -> str:
    t = html.escape(target, quote=True)
    return ("<!doctype html>\n<html><head><meta charset=\"utf-8\">\n"
            f"<title>Redirecting / 移動しました</title>\n<link rel=\"canonical\" href=\"{t}\">\n"
            f"<meta http-equiv=\"refresh\" content=\"0; url={t}\">\n<meta name=\"robots\" content=\"noindex\">\n"
            f"</head><body><p><a href=\"{t}\">{t}</a></p></body></html>\n")


def write_redirects(site: Path, manifest: Path) -> int:
    """Materialise the manifest's redirects in the built site; returns how many were written."""
    doc = load(manifest)
    n = 0
    for old, new in doc["redirects"].items():
        old_path, _, old_anchor = old.partition("#")
        new_path, _, new_anchor = new.partition("#")
        if old_anchor:
            # anchor redirect: an empty element with the old id just before the element with the new id
            page = site / old_path.lstrip("/") / "index.html"
            if not page.is_file():
                raise SystemExit(f"site_manifest: redirect {old} -> {new}: {page} does not exist")
            text = page.read_text(encoding="utf-8")
            if f'id="{old_anchor}"' in text:
                continue
            marker = f'id="{new_anchor}"'
            at = text.find(marker)
            if at < 0 or new_path != old_path:
                raise SystemExit(f"site_manifest: anchor redirect {old} -> {new} needs #{new_anchor} on the same page")
            start = text.rfind("<", 0, at)
            text = text[:start] + f'<span id="{html.escape(old_anchor)}"></span>' + text[start:]
            page.write_text(text, encoding="utf-8")
        else:
            page = site / old_path.lstrip("/") / "index.html"
            if page.exists():
                raise SystemExit(f"site_manifest: redirect {old} -> {new}: a real page exists at {old}")
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(_refresh_page(new), encoding="utf-8")
        n += 1
    return n


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else ""
    site, manifest = ROOT / "site", ROOT / "urls.json"
    if cmd == "update":
        added = update(site, manifest)
        notes = build_notes(added, lost(load(manifest), collect(site)))
        print(f"site_manifest: {len(added)} URL(s)/anchor(s) added to urls.json")
        for note in notes:
            print(f"site_manifest: {note}", file=sys.stderr)
    elif cmd == "redirects":
        print(f"site_manifest: {write_redirects(site, manifest)} redirect(s) written")
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
