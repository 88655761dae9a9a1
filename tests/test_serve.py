"""scripts/serve.py serves what the static-host recipe (web/README.md) asks of a host: the precompressed
sibling the client accepts with the original type, ``Vary``, revalidation with ``ETag`` (304), immutable
caching for content-hashed names, and each language's 404 page."""
from __future__ import annotations

import gzip
import http.client
from pathlib import Path
from urllib.parse import urlsplit

import brotli
import pytest
import zstandard
from helpers_core import load_script

serve = load_script("serve")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    d = tmp_path / "assets" / "todoku"
    d.mkdir(parents=True)
    wasm = bytes(range(256)) * 400
    (d / "x.wasm").write_bytes(wasm)
    (d / "x.wasm.br").write_bytes(brotli.compress(wasm))
    (d / "x.wasm.gz").write_bytes(gzip.compress(wasm))
    snapshot = bytes(range(256)) * 800
    (d / "big.snapshot").write_bytes(snapshot)
    (d / "big.snapshot.zst").write_bytes(zstandard.ZstdCompressor(level=19).compress(snapshot))
    (d / "big.snapshot.br").write_bytes(brotli.compress(snapshot))
    (d / "only-gz.mjs").write_bytes(b"export const a = 1;\n" * 50)
    (d / "only-gz.mjs.gz").write_bytes(gzip.compress(b"export const a = 1;\n" * 50))
    (d / "checker-0123456789ab.snapshot").write_bytes(b"\0" * 1000)
    (d / "plain.json").write_text("{}", encoding="utf-8")
    (tmp_path / "index.html").write_text("<p>home</p>", encoding="utf-8")
    (tmp_path / "404.html").write_text("<p>無い</p>", encoding="utf-8")
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "404.html").write_text("<p>not here</p>", encoding="utf-8")
    return tmp_path


def get(base: str, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    u = urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname or "127.0.0.1", u.port, timeout=10)
    conn.request("GET", path, headers=headers)
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, body


def test_brotli_then_gzip_then_identity_with_the_original_type(site, monkeypatch):
    monkeypatch.setattr(serve, "SITE", site)
    wasm = (site / "assets/todoku/x.wasm").read_bytes()
    with serve.served(site) as base:
        st, h, body = get(base, "/assets/todoku/x.wasm", **{"Accept-Encoding": "gzip, deflate, br, zstd"})
        assert st == 200 and h["content-encoding"] == "br" and h["content-type"] == "application/wasm"
        assert brotli.decompress(body) == wasm and int(h["content-length"]) == len(body) < len(wasm)
        assert h["vary"] == "Accept-Encoding"
        st, h, body = get(base, "/assets/todoku/x.wasm", **{"Accept-Encoding": "gzip"})
        assert h["content-encoding"] == "gzip" and gzip.decompress(body) == wasm
        st, h, body = get(base, "/assets/todoku/x.wasm", **{"Accept-Encoding": "identity"})
        assert "content-encoding" not in h and body == wasm and h["vary"] == "Accept-Encoding"
        # br accepted but only a .gz sibling exists: gzip
        st, h, body = get(base, "/assets/todoku/only-gz.mjs", **{"Accept-Encoding": "br, gzip"})
        assert h["content-encoding"] == "gzip" and h["content-type"] == "text/javascript"
        # no sibling: as it is, no Vary
        st, h, body = get(base, "/assets/todoku/plain.json", **{"Accept-Encoding": "br"})
        assert body == b"{}" and "content-encoding" not in h and "vary" not in h


def test_zstd_first_where_the_build_wrote_it_and_the_client_accepts_it(site, monkeypatch):
    """The large start files have a .zst sibling (scripts/build_web.py): Chromium, which accepts zstd, gets it;
    a client without zstd gets brotli; a file without .zst is unchanged (x.wasm here)."""
    monkeypatch.setattr(serve, "SITE", site)
    snapshot = (site / "assets/todoku/big.snapshot").read_bytes()
    with serve.served(site) as base:
        st, h, body = get(base, "/assets/todoku/big.snapshot", **{"Accept-Encoding": "gzip, deflate, br, zstd"})
        assert st == 200 and h["content-encoding"] == "zstd" and h["vary"] == "Accept-Encoding"
        assert zstandard.ZstdDecompressor().decompress(body) == snapshot
        st, h, body = get(base, "/assets/todoku/big.snapshot", **{"Accept-Encoding": "gzip, br"})
        assert h["content-encoding"] == "br" and brotli.decompress(body) == snapshot
        st, h, _ = get(base, "/assets/todoku/x.wasm", **{"Accept-Encoding": "gzip, deflate, br, zstd"})
        assert h["content-encoding"] == "br"


def test_revalidation_and_immutable_names(site, monkeypatch):
    monkeypatch.setattr(serve, "SITE", site)
    with serve.served(site) as base:
        st, h, _ = get(base, "/assets/todoku/x.wasm", **{"Accept-Encoding": "br"})
        assert h["cache-control"] == "no-cache" and h["etag"]
        st2, h2, body2 = get(base, "/assets/todoku/x.wasm", **{"Accept-Encoding": "br", "If-None-Match": h["etag"]})
        assert st2 == 304 and body2 == b"" and h2["etag"] == h["etag"] and h2["vary"] == "Accept-Encoding"
        # the ETag names the encoding: a gzip client does not get a 304 for the brotli body
        st3, _, _ = get(base, "/assets/todoku/x.wasm", **{"Accept-Encoding": "gzip", "If-None-Match": h["etag"]})
        assert st3 == 200
        _, h, _ = get(base, "/assets/todoku/checker-0123456789ab.snapshot")
        assert h["cache-control"] == "public, max-age=31536000, immutable"
        _, h, _ = get(base, "/")
        assert h["cache-control"] == "no-cache"


def test_revalidation_by_date_as_chromium_asks(site, monkeypatch):
    """Chromium revalidates a no-cache file with If-Modified-Since alone (measured in scripts/bench_web.py's
    warm runs): unchanged files answer 304, and If-None-Match, when sent, decides instead."""
    monkeypatch.setattr(serve, "SITE", site)
    with serve.served(site) as base:
        st, h, _ = get(base, "/assets/todoku/x.wasm", **{"Accept-Encoding": "br"})
        assert st == 200 and h["last-modified"]
        st, h2, body = get(base, "/assets/todoku/x.wasm",
                           **{"Accept-Encoding": "br", "If-Modified-Since": h["last-modified"]})
        assert st == 304 and body == b"" and h2["etag"] == h["etag"] and h2["cache-control"] == "no-cache"
        st, _, _ = get(base, "/assets/todoku/x.wasm",
                       **{"Accept-Encoding": "br", "If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"})
        assert st == 200  # changed since that date
        st, _, _ = get(base, "/assets/todoku/x.wasm", **{"Accept-Encoding": "br", "If-Modified-Since": "yesterday"})
        assert st == 200  # an unreadable date is ignored
        st, _, _ = get(base, "/assets/todoku/x.wasm", **{"Accept-Encoding": "br", "If-None-Match": '"other"',
                                                         "If-Modified-Since": h["last-modified"]})
        assert st == 200  # If-None-Match decides when present


def test_each_language_has_its_404_page(site, monkeypatch):
    monkeypatch.setattr(serve, "SITE", site)
    with serve.served(site) as base:
        st, _, body = get(base, "/en/nothing/")
        assert st == 404 and "not here" in body.decode()
        st, _, body = get(base, "/nothing.wasm", **{"Accept-Encoding": "br"})
        assert st == 404 and "無い" in body.decode()
