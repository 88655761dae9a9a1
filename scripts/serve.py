#!/usr/bin/env python3
"""Serves the built guide (site/) on http://127.0.0.1:8000/ (scripts/serve sets up and builds it first).

Static files only, with the right types for the in-page checker (.wasm application/wasm, .mjs text/javascript)
and each language's own not-found page (/en/... -> site/en/404.html, else site/404.html). As the static-host
recipe in web/README.md asks of a host:
  - the precompressed sibling the build wrote (``x.zst`` where it is the smallest: the memory snapshot; else
    ``x.br``, else ``x.gz``) when the request's Accept-Encoding allows it, with ``Content-Encoding``, the
    original file's ``Content-Type`` and ``Vary: Accept-Encoding``
    (the Pyodide runtime is 13.5 MB as files, 5.5 MB with brotli);
  - ``Cache-Control: public, max-age=31536000, immutable`` for files named by their content hash (the memory
    snapshot ``checker-<sha12>.snapshot``, the trimmed standard library), ``no-cache`` for everything else:
    the browser keeps the files and asks again with ``If-None-Match`` or ``If-Modified-Since``, answered
    ``304 Not Modified`` while the file is unchanged.
Usage: scripts/serve [--port N] [--bind ADDR]      (set up, build, serve)
       scripts/serve.py [--port N] [--bind ADDR]   (serve the site/ already built)
       scripts/serve.py --check-port [--port N] [--bind ADDR]
           only tries the address: prints the site's URL and exits 0 when it is free, exits 1 with the reason
           when it is not (scripts/serve runs this before the set-up and the build). Standard library only.
"""
from __future__ import annotations

import argparse
import email.utils
import functools
import http.server
import os
import re
import socketserver
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SITE = Path(__file__).resolve().parent.parent / "site"
#: file names that carry a hash of their content (scripts/build_web.py names them so): cached for good
IMMUTABLE = re.compile(r"-[0-9a-f]{12}\.[a-z.]+$")
#: precompressed siblings, in order of preference
ENCODINGS = (("zstd", ".zst"), ("br", ".br"), ("gzip", ".gz"))


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
                      ".json": "application/json", ".zip": "application/zip", ".svg": "image/svg+xml",
                      ".xml": "application/xml", ".html": "text/html; charset=utf-8",
                      ".css": "text/css; charset=utf-8"}

    def end_headers(self) -> None:
        if not getattr(self, "_cache_sent", False) and self.command in ("GET", "HEAD"):
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def send_head(self):  # type: ignore[no-untyped-def]
        """Files: the best precompressed sibling the client accepts, ETag/Last-Modified, 304 when unchanged;
        directories and missing files: SimpleHTTPRequestHandler (index.html, redirects, our 404 pages)."""
        self._cache_sent = False
        path = self.translate_path(self.path)
        if not os.path.isfile(path) or path.endswith(tuple(suffix for _, suffix in ENCODINGS)):
            return super().send_head()
        accepted = {t.split(";")[0].strip().lower() for t in self.headers.get("Accept-Encoding", "").split(",")}
        encoding, served = None, path
        has_siblings = False
        for name, suffix in ENCODINGS:
            if os.path.isfile(path + suffix):
                has_siblings = True
                if encoding is None and name in accepted:
                    encoding, served = name, path + suffix
        try:
            f = open(served, "rb")  # noqa: SIM115 (returned to the caller, which copies and closes it)
        except OSError:
            self.send_error(404, "File not found")
            return None
        st = os.fstat(f.fileno())
        etag = f'"{st.st_size:x}-{st.st_mtime_ns:x}{"-" + encoding if encoding else ""}"'
        if self._not_modified(etag, st.st_mtime):
            f.close()
            self.send_response(304)
            self._cache_headers(path, has_siblings, etag)
            self.end_headers()
            return None
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(st.st_size))
        self.send_header("Last-Modified", email.utils.formatdate(st.st_mtime, usegmt=True))
        self._cache_headers(path, has_siblings, etag)
        self.end_headers()
        return f

    def _not_modified(self, etag: str, mtime: float) -> bool:
        """RFC 9110 13.1: If-None-Match when the request has it, else If-Modified-Since (Chromium revalidates
        a ``no-cache`` file with If-Modified-Since alone: measured, scripts/bench_web.py)."""
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            tags = [t.strip() for t in inm.split(",")]
            return "*" in tags or etag in tags or f"W/{etag}" in tags
        ims = self.headers.get("If-Modified-Since")
        if not ims:
            return False
        try:
            since = email.utils.parsedate_to_datetime(ims).timestamp()
        except (TypeError, ValueError, OverflowError):
            return False  # an unreadable date is ignored, as RFC 9110 says
        return int(mtime) <= since

    def _cache_headers(self, path: str, has_siblings: bool, etag: str) -> None:
        self.send_header("ETag", etag)
        if has_siblings:
            self.send_header("Vary", "Accept-Encoding")
        immutable = IMMUTABLE.search(os.path.basename(path))
        self.send_header("Cache-Control", "public, max-age=31536000, immutable" if immutable else "no-cache")
        self._cache_sent = True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != 404:
            return super().send_error(code, message, explain)
        page = SITE / ("en/404.html" if self.path.startswith("/en/") else "404.html")
        body = page.read_bytes() if page.is_file() else b"404 Not Found"
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None


class QuietHandler(Handler):
    """``Handler`` without the request log (tests and benchmarks)."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def served(directory: Path, handler: type[http.server.SimpleHTTPRequestHandler] = QuietHandler) -> Iterator[str]:
    """Serves ``directory`` on 127.0.0.1 (an ephemeral port) in a background thread while the block runs;
    yields the base URL (``http://127.0.0.1:PORT``, no trailing slash)."""
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    bound = functools.partial(handler, directory=str(directory))
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), bound) as httpd:
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{httpd.server_address[1]}"
        finally:
            httpd.shutdown()


def _listen(bind: str, port: int) -> http.server.ThreadingHTTPServer | None:
    """The server bound to ``bind:port``, or None after printing why it cannot listen there."""
    handler = functools.partial(Handler, directory=str(SITE))
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    try:
        return http.server.ThreadingHTTPServer((bind, port), handler)
    except OSError as e:
        print(f"serve: cannot listen on {bind}:{port}: {e.strerror} (another server running? "
              f"try another port: scripts/serve --port {port + 1})", file=sys.stderr)
        return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="scripts/serve", description="Sets up, builds and serves the guide with the live checker.",
        epilog="scripts/serve.py takes the same options and serves the site/ already built, without the set-up "
               "and the build.")
    ap.add_argument("--port", type=int, default=8000, help="the port to listen on (default 8000)")
    ap.add_argument("--bind", default="127.0.0.1",
                    help="the address to listen on (default 127.0.0.1; 0.0.0.0 for the whole network)")
    ap.add_argument("--check-port", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if not 0 < args.port < 65536:
        ap.error(f"--port must be between 1 and 65535 (got {args.port})")
    if args.check_port:
        probe = _listen(args.bind, args.port)
        if probe is None:
            return 1
        probe.server_close()
        print(f"http://{args.bind}:{args.port}/")
        return 0
    if not (SITE / "index.html").is_file():
        print("serve: site/ is not built: run scripts/build", file=sys.stderr)
        return 2
    httpd = _listen(args.bind, args.port)
    if httpd is None:
        return 1
    with httpd:
        print(f"serve: Todoku guide on http://{args.bind}:{args.port}/ (English: /en/). Ctrl+C stops.", flush=True)
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
