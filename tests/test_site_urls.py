"""Permanent URLs: every URL and heading anchor in urls.json still exists in the built site, or is redirected."""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import site_manifest  # noqa: E402

from checker._data import default_data  # noqa: E402

MANIFEST = ROOT / "urls.json"


def test_no_listed_url_or_anchor_disappeared(site_dir):
    doc = site_manifest.load(MANIFEST)
    assert len(doc["pages"]) > 40
    lost = site_manifest.lost(doc, site_manifest.collect(site_dir))
    assert not lost, (
        "these published URLs/anchors no longer exist: restore them, or add a redirect to urls.json "
        "(\"redirects\": {\"/old/\": \"/new/\", \"/page/#old\": \"/page/#new\"}): " + ", ".join(lost))


def test_manifest_lists_both_languages_and_every_provider():
    doc = site_manifest.load(MANIFEST)
    pages = doc["pages"]
    for p in default_data().providers:
        assert f"/providers/{p.id}/" in pages and f"/en/providers/{p.id}/" in pages, p.id
    for path in ("/", "/levels/", "/carrier-mail/", "/findings/", "/troubleshooting/", "/glossary/"):
        assert path in pages and "/en" + path in pages
    for code in default_data().messages:
        assert code in pages["/findings/"] and code in pages["/en/findings/"]


def test_lost_reports_pages_and_anchors_and_honours_redirects():
    doc = {"pages": {"/a/": ["x", "y"], "/b/": [], "/c/": ["z"]},
           "redirects": {"/b/": "/a/", "/a/#y": "/a/#x"}}
    assert site_manifest.lost(doc, {"/a/": ["x", "y"], "/b/": [], "/c/": ["z"]}) == []
    assert site_manifest.lost(doc, {"/a/": ["x"], "/c/": []}) == ["/c/#z"]
    assert site_manifest.lost(doc, {"/a/": []}) == ["/a/#x", "/c/"]


def test_a_provider_removed_from_the_data_is_caught(site_dir):
    """What happens when someone deletes a provider: its page goes, and the manifest check names its URLs."""
    doc = site_manifest.load(MANIFEST)
    pages = site_manifest.collect(site_dir)
    gone = default_data().providers[0].id
    pages = {u: a for u, a in pages.items() if f"/providers/{gone}/" not in u}
    assert f"/providers/{gone}/" in site_manifest.lost(doc, pages)
    assert f"/en/providers/{gone}/" in site_manifest.lost(doc, pages)


def test_update_only_adds_and_redirect_pages_are_written(tmp_path):
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "index.html").write_text('<html><article><h1 id="t">T</h1><h2 id="one">1</h2></article></html>')
    (site / "a" / "index.html").write_text('<article><h2 id="new">N</h2></article>')
    manifest = tmp_path / "urls.json"
    manifest.write_text(json.dumps({"pages": {"/gone/": ["k"]},
                                    "redirects": {"/gone/": "/a/", "/a/#old": "/a/#new"}}))
    assert sorted(site_manifest.update(site, manifest)) == ["/", "/#one", "/a/", "/a/#new"]  # h1 is the page
    doc = site_manifest.load(manifest)
    assert doc["pages"] == {"/": ["one"], "/a/": ["new"], "/gone/": ["k"]}  # h1 is the page, not an anchor
    assert site_manifest.write_redirects(site, manifest) == 2
    refresh = (site / "gone" / "index.html").read_text()
    assert 'http-equiv="refresh" content="0; url=/a/"' in refresh and 'rel="canonical" href="/a/"' in refresh
    assert '<span id="old"></span><h2 id="new">' in (site / "a" / "index.html").read_text()
    assert site_manifest.lost(site_manifest.load(manifest), site_manifest.collect(site)) == []


def test_build_says_when_urls_json_changed_and_what_the_site_lost(tmp_path):
    """A provider tried locally then removed: the build names what it added to urls.json, then what is gone,
    with the way out (`git checkout urls.json`) each time; nothing to say when manifest and site agree."""
    site = tmp_path / "site"
    (site / "providers" / "tried").mkdir(parents=True)
    (site / "index.html").write_text('<article><h2 id="one">1</h2></article>')
    (site / "providers" / "tried" / "index.html").write_text('<article><h2 id="steps">S</h2></article>')
    manifest = tmp_path / "urls.json"
    manifest.write_text(json.dumps({"pages": {"/": ["one"]}, "redirects": {}}))
    added = site_manifest.update(site, manifest)
    notes = site_manifest.build_notes(added, site_manifest.lost(site_manifest.load(manifest),
                                                                site_manifest.collect(site)))
    assert len(notes) == 1 and "urls.json gained 2" in notes[0] and "/providers/tried/#steps" in notes[0]
    assert "git checkout urls.json" in notes[0]
    # the experiment is removed from the data: the next build still has the entries, and says so
    (site / "providers" / "tried" / "index.html").unlink()
    added = site_manifest.update(site, manifest)
    notes = site_manifest.build_notes(added, site_manifest.lost(site_manifest.load(manifest),
                                                                site_manifest.collect(site)))
    assert added == [] and len(notes) == 1 and notes[0].startswith("WARNING: 1 URL(s)")
    assert "/providers/tried/" in notes[0] and "git checkout urls.json" in notes[0]
    # the manifest restored: silence
    manifest.write_text(json.dumps({"pages": {"/": ["one"]}, "redirects": {}}))
    assert site_manifest.build_notes(site_manifest.update(site, manifest), []) == []
    many = site_manifest.build_notes([f"/p{i}/" for i in range(9)], [])
    assert "/p5/" in many[0] and "/p6/" not in many[0] and "and 3 more" in many[0]
