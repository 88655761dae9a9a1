"""The built guide (site/, made by scripts/build): parity, links, providers, no other hosts, metadata."""
from __future__ import annotations

import re
import sys
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import site_manifest  # noqa: E402

from checker._data import default_data  # noqa: E402

#: the deployed root the build used (scripts/build's default); absolute links to it are internal links
SITE_URLS = ("http://127.0.0.1:8000/",)
#: attributes that make the browser fetch something (as opposed to <a href>, which the reader follows)
FETCHING = {("link", "href"), ("script", "src"), ("img", "src"), ("img", "srcset"), ("source", "src"),
            ("source", "srcset"), ("iframe", "src"), ("video", "src"), ("audio", "src"), ("embed", "src"),
            ("object", "data"), ("input", "src"), ("track", "src"), ("image", "href"), ("use", "href")}


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str, str, dict]] = []  # (tag, attr, value, attrs)
        self.headings: list[tuple[str, str]] = []  # (tag, id) of h2..h6 inside <article>
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_title = False
        self._article = 0
        self.lang = ""

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        if "id" in a:
            self.ids.add(a["id"])
        if "name" in a and tag == "a":
            self.ids.add(a["name"])
        if tag == "article":
            self._article += 1
        if self._article and tag in ("h2", "h3", "h4", "h5", "h6"):
            self.headings.append((tag, a.get("id", "")))
        if tag == "meta":
            key = a.get("name") or a.get("property") or a.get("http-equiv")
            if key:
                self.meta[key.lower()] = a.get("content", "")
        if tag == "title":
            self._in_title = True
        for attr in ("href", "src", "srcset", "data", "action", "xlink:href"):
            if attr in a:
                self.refs.append((tag, attr, a[attr], a))

    def handle_endtag(self, tag):
        if tag == "article":
            self._article -= 1
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


@cache
def parse(path: Path) -> Page:
    p = Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def is_redirect(path: Path) -> bool:
    return "http-equiv" in parse(path).meta or "refresh" in parse(path).meta


def content_pages(site: Path, english: bool) -> dict[str, Path]:
    """{path relative to the language root: file} for the real pages of one language."""
    root = site / "en" if english else site
    out = {}
    for f in html_files(root):
        rel = f.relative_to(root).as_posix()
        if not english and rel.startswith("en/"):
            continue
        if f.name == "404.html" or is_redirect(f):
            continue
        out[rel] = f
    return out


def target_file(site: Path, path: str) -> Path | None:
    p = site / unquote(path).lstrip("/")
    for cand in (p, p / "index.html"):
        if cand.is_file():
            return cand
    return None


def test_both_languages_have_the_same_pages(site_dir):
    ja, en = content_pages(site_dir, False), content_pages(site_dir, True)
    assert len(ja) > 20
    assert sorted(ja) == sorted(en)


def test_both_languages_have_the_same_heading_anchors(site_dir):
    ja, en = content_pages(site_dir, False), content_pages(site_dir, True)
    diffs = {}
    for rel in sorted(set(ja) & set(en)):
        a = [i for _, i in parse(ja[rel]).headings]
        b = [i for _, i in parse(en[rel]).headings]
        if a != b:
            diffs[rel] = (sorted(set(a) - set(b)), sorted(set(b) - set(a)), "order" if set(a) == set(b) else "")
    assert not diffs, f"ja/en heading anchors differ (only in ja, only in en): {diffs}"


def test_every_heading_has_an_explicit_english_anchor(site_dir):
    bad = []
    for english in (False, True):
        for rel, f in content_pages(site_dir, english).items():
            for tag, i in parse(f).headings:
                if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", i):
                    bad.append(f"{'en/' if english else ''}{rel} <{tag} id={i!r}>")
    assert not bad, "headings need `{ #english-anchor }`: " + ", ".join(bad)


def test_every_internal_link_and_anchor_resolves(site_dir):
    broken = []
    checked = 0
    for f in html_files(site_dir):
        page_url = "/" + f.relative_to(site_dir).as_posix()
        for tag, attr, value, _ in parse(f).refs:
            if attr == "srcset":
                values = [v.strip().split(" ")[0] for v in value.split(",") if v.strip()]
            else:
                values = [value]
            for v in values:
                for base in SITE_URLS:
                    if v.startswith(base):
                        v = "/" + v[len(base):]
                parts = urlsplit(v)
                if parts.scheme or parts.netloc or v.startswith(("mailto:", "tel:", "javascript:", "data:")):
                    continue
                url = urljoin(page_url, v)
                path, _, frag = url.partition("#")
                target = target_file(site_dir, path.split("?")[0]) if path else f
                checked += 1
                if target is None:
                    broken.append(f"{page_url}: <{tag} {attr}={value!r}> -> missing {path}")
                elif frag and target.suffix == ".html" and unquote(frag) not in parse(target).ids:
                    broken.append(f"{page_url}: <{tag} {attr}={value!r}> -> no #{frag} in {path}")
    assert checked > 1000
    assert not broken, "\n".join(broken[:50])


def test_nothing_is_fetched_from_another_host(site_dir):
    """External URLs appear only as plain <a href> links (official help pages) or the deployed root."""
    bad = []
    for f in html_files(site_dir):
        for tag, attr, value, a in parse(f).refs:
            if (tag, attr) in FETCHING or (tag == "link" and attr == "href"):
                if value.startswith(SITE_URLS):
                    if a.get("rel") not in ("canonical", "alternate", "prev", "next"):
                        bad.append(f"{f}: <{tag} {attr}={value}> (absolute)")
                    continue
                if re.match(r"^(https?:)?//", value):
                    bad.append(f"{f}: <{tag} {attr}={value}>")
    # stylesheets: no url()/@import of another host (no web fonts from Google or a CDN)
    for css in site_dir.rglob("*.css"):
        for m in re.finditer(r"(?:url\(\s*['\"]?|@import\s+['\"])((?:https?:)?//[^'\")\s]+)", css.read_text("utf-8")):
            bad.append(f"{css}: {m.group(1)}")
    # scripts and pages: none of the usual third-party hosts
    hosts = re.compile(r"fonts\.googleapis|fonts\.gstatic|googletagmanager|google-analytics|cdn\.jsdelivr|unpkg\.com|"
                       r"cdnjs|cloudflare|gravatar")
    # Material's bundle has two loaders that never run here: a ResizeObserver polyfill (every browser we
    # support has ResizeObserver) and mermaid (only for `class="mermaid"` diagrams, which the guide has none of)
    dormant = ("https://unpkg.com/resize-observer-polyfill", "https://unpkg.com/mermaid@11/dist/mermaid.min.js")
    for f in [*site_dir.rglob("*.js"), *site_dir.rglob("*.mjs"), *html_files(site_dir)]:
        if "/pyodide/" in f.as_posix():
            continue
        text = f.read_text("utf-8", errors="replace")
        if f.suffix == ".html" and 'class="mermaid"' in text:
            bad.append(f"{f}: a mermaid diagram would load mermaid from unpkg.com")
        if f.name.startswith("bundle."):
            for url in dormant:
                text = text.replace(url, "")
        if f.suffix == ".html" and 'data-todoku="sender"' in text:
            # the sender page alone names its DNS-over-HTTPS resolvers (checker/data/doh.toml): their endpoints,
            # origins (its CSP), documentation links and names; it asks them only when the reader presses the
            # button (tests/test_sender_page.py)
            from checker._data import doh_resolvers
            for r in doh_resolvers():
                for known in (r.url, r.origin, r.source, r.cors, r.name.ja, r.name.en, f'"{r.id}"'):
                    text = text.replace(known, "")
        hit = hosts.search(text)
        if hit:
            bad.append(f"{f}: {hit.group(0)}")
    assert not bad, "\n".join(bad[:30])


def test_every_provider_has_a_page_and_every_provider_page_a_provider(site_dir):
    ids = {p.id for p in default_data().providers}
    assert ids
    for root in (site_dir / "providers", site_dir / "en" / "providers"):
        pages = {d.name for d in root.iterdir() if d.is_dir() and (d / "index.html").is_file()}
        pages = {p for p in pages if not is_redirect(root / p / "index.html")}
        assert pages == ids, root
        directory = (root / "index.html").read_text("utf-8")
        for pid in ids:
            assert f'href="{pid}/"' in directory, (root, pid)


def test_provider_pages_show_the_carriers_own_setting_names(site_dir):
    for p in default_data().providers:
        for root in (site_dir, site_dir / "en"):
            text = (root / "providers" / p.id / "index.html").read_text("utf-8")
            for s in p.settings:
                assert s.name in text
                assert f'href="{s.source}"'.replace("&", "&amp;") in text
            assert 'data-todoku="check"' in text  # the "test your customer's address" widget


def test_every_finding_code_has_its_anchor(site_dir):
    codes = list(default_data().messages)
    assert codes
    for root in (site_dir, site_dir / "en"):
        ids = parse(root / "findings" / "index.html").ids
        assert [c for c in codes if c not in ids] == []


def test_pages_have_titles_descriptions_and_link_previews(site_dir):
    problems = []
    for english in (False, True):
        for rel, f in content_pages(site_dir, english).items():
            p = parse(f)
            if p.lang != ("en" if english else "ja"):
                problems.append(f"{rel}: html lang {p.lang!r}")
            if not p.title.strip():
                problems.append(f"{rel}: no <title>")
            desc = p.meta.get("description", "")
            if len(desc) < 20:
                problems.append(f"{rel}: description {desc!r}")
            for key in ("og:title", "og:description", "og:url", "og:locale", "twitter:card"):
                if not p.meta.get(key):
                    problems.append(f"{rel}: no {key}")
            if p.meta.get("og:description") != desc:
                problems.append(f"{rel}: og:description differs from description")
    assert not problems, "\n".join(problems[:40])


def test_home_description_is_the_pages_own(site_dir):
    ja = parse(site_dir / "index.html").meta["description"]
    en = parse(site_dir / "en" / "index.html").meta["description"]
    assert ja != en


def test_language_selector_links_each_page_to_the_same_page(site_dir):
    for english in (False, True):
        for rel, f in content_pages(site_dir, english).items():
            path = "/" + rel[: -len("index.html")] if rel.endswith("index.html") else "/" + rel
            links = {a.get("hreflang"): v for tag, attr, v, a in parse(f).refs
                     if tag == "a" and "md-select__link" in a.get("class", "")}
            assert links == {"ja": path, "en": "/en" + path}, rel


def test_404_pages_sitemaps_and_search_indexes(site_dir):
    for root, base in ((site_dir, "http://127.0.0.1:8000/"), (site_dir / "en", "http://127.0.0.1:8000/en/")):
        assert "404" in (root / "404.html").read_text("utf-8") or parse(root / "404.html").title
        sitemap = (root / "sitemap.xml").read_text("utf-8")
        locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
        assert locs and all(u.startswith(base) for u in locs)
        assert (root / "search" / "search_index.json").is_file()
    # each language's 404 page speaks that language and loads assets from its own root
    assert "ページが見つかりません" in (site_dir / "404.html").read_text("utf-8")
    en404 = (site_dir / "en" / "404.html").read_text("utf-8")
    assert "Page not found" in en404 and 'href="/en/assets/' in en404


def test_redirects_in_the_manifest_exist_in_the_site(site_dir):
    doc = site_manifest.load(ROOT / "urls.json")
    for old, new in doc["redirects"].items():
        path, _, anchor = old.partition("#")
        f = target_file(site_dir, path)
        assert f is not None, old
        if anchor:
            assert anchor in parse(f).ids, old
        else:
            assert is_redirect(f) and new in f.read_text("utf-8"), old


@pytest.mark.parametrize("rel", ["levels/index.html", "providers/docomo/index.html", "index.html"])
def test_readable_without_javascript(site_dir, rel):
    """The article is in the HTML itself (no client-side rendering): headings and text are there."""
    for root in (site_dir, site_dir / "en"):
        text = (root / rel).read_text("utf-8")
        body = re.sub(r"<script.*?</script>", "", text, flags=re.S)
        assert re.search(r"<h1[^>]*>", body)
        assert len(re.sub(r"<[^>]+>", "", body.split('<article', 1)[1])) > 300


def test_no_merge_conflict_marker_in_templates_or_pages(site_dir):
    """A merge left `<<<<<<< HEAD` in overrides/main.html once: the text showed above every page's header."""
    marker = re.compile(r"^(<{7}|={7}|>{7})( |$)", re.M)
    templates = [p for p in (ROOT / "overrides").rglob("*") if p.is_file() and p.suffix in (".html", ".css", ".js")]
    for f in [*templates, *html_files(site_dir)]:
        assert not marker.search(f.read_text("utf-8")), f


class _LangText(HTMLParser):
    """Japanese text inside <article> that no lang="ja" ancestor marks (code and scripts aside)."""
    VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col", "area", "base", "embed", "track"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.unmarked: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        tags = [t for t, _ in self.stack]
        if "article" not in tags or {"code", "script", "style"} & set(tags):
            return
        langs = [lang for _, lang in self.stack if lang]
        if re.search(r"[\u3040-\u30ff\u3400-\u9fff]", data) and (not langs or langs[-1] != "ja"):
            self.unmarked.append(data.strip()[:50])


def test_japanese_words_in_the_english_guide_are_marked_japanese(site_dir):
    """Screen readers read them in Japanese and the browser picks Japanese glyphs (the carriers' own words)."""
    problems = []
    for f in sorted((site_dir / "en").rglob("*.html")):
        if f.relative_to(site_dir / "en").parts[0] in ("assets", "search"):
            continue
        parser = _LangText()
        parser.feed(f.read_text(encoding="utf-8"))
        problems += [f"{f.relative_to(site_dir)}: {t!r}" for t in parser.unmarked]
    assert not problems, problems[:20]
