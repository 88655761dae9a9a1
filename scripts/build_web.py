#!/usr/bin/env python3
"""Builds the in-page checker into the built site (scripts/build runs it after mkdocs).

1. The pure ``py3-none-any`` wheel of ``checker`` (``python -m build --wheel --no-isolation`` from a clean
   copy of the sources: no host ``.pyc`` inside, reproducible timestamps). ``pyodide build`` would make the
   same wheel for a pure package, and it needs a cross-build environment download this machine cannot reach.
   Beside it, the pure wheels of ``requirements-web.txt`` (openpyxl, et_xmlfile: the page audit's Excel
   workbooks), from ``.venv/web-wheels/`` where scripts/setup downloaded them, hashes checked again.
2. The Pyodide runtime from the npm package (pinned in package-lock.json), only the files a page needs,
   into ``site/assets/todoku/pyodide/``, each with ``.gz`` and ``.br`` siblings for static hosts that serve
   precompressed files (recipe in web/README.md). Brotli at quality 11 is slow (about a minute for the wasm),
   so compressed files are cached in ``build/web-cache/`` by content hash.
3. Every file of ``web/`` (but its README) into ``site/assets/todoku/`` and ``site/en/assets/todoku/``, with
   ``manifest.json`` beside them. Its URLs are RELATIVE to the manifest's own URL (the worker resolves them
   with ``new URL(value, manifestURL)``), so the site works under any base path:
   ``pyodide`` (runtime directory, ends with ``/``), ``wheel`` (our wheel), ``root`` (the site root, to
   resolve the site-root-relative finding links such as ``/en/findings/#typo``), ``xlsxWheels`` (the wheels
   a page installs only when it reads or writes a workbook: ``[{name, url, sha256}]``).
4. A Content-Security-Policy ``<meta>`` in every built HTML page: only the site itself, ``wasm-unsafe-eval``,
   and the sha256 hashes of the inline scripts that page carries (Material's), never ``unsafe-inline`` for
   scripts. The page holding the sender check (``/sender/``) alone may also connect to the DNS-over-HTTPS
   resolvers of ``checker/data/doh.toml``; its script makes those requests on the main thread, where the
   page's policy applies (a ``<meta>`` policy does not govern a worker's own fetches).
5. dnspython's ``dns`` package as a zip beside the wheel (``extras`` in the manifest), for the sender worker.

Usage: scripts/build_web.py [--site DIR]
"""
from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
PYODIDE_NPM = ROOT / "node_modules" / "pyodide"
CACHE = ROOT / "build" / "web-cache"
#: The runtime files loadPyodide() fetches (nothing else of the npm package is served).
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
#: Web files that get precompressed siblings too (the runtime always does).
COMPRESS_SUFFIXES = (".mjs", ".js", ".css", ".json", ".wasm", ".zip", ".whl")
BROTLI_QUALITY = int(os.environ.get("TODOKU_BROTLI_QUALITY", "11"))
#: Languages and where their copy of the web files lives, relative to the site root.
LANG_DIRS = {"ja": "assets/todoku", "en": "en/assets/todoku"}
RUNTIME_DIR = "assets/todoku/pyodide"
WHEEL_DIR = "assets/todoku/wheels"
#: The pure wheels of requirements-web.txt (openpyxl for the page audit's Excel files), downloaded and
#: hash-checked by scripts/setup; served beside ours, installed by the page only when it needs them.
WEB_REQUIREMENTS = ROOT / "requirements-web.txt"
WEB_WHEELS = ROOT / ".venv" / "web-wheels"


def log(msg: str) -> None:
    print(f"build_web: {msg}", flush=True)


# ---------------------------------------------------------------- 1. the wheel
def build_wheel(out_dir: Path) -> Path:
    """The checker's pure wheel, built from a clean copy of the sources into ``out_dir``."""
    with tempfile.TemporaryDirectory(prefix="todoku-wheel-") as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        for name in ("pyproject.toml", "README.md", "LICENSE"):
            shutil.copy2(ROOT / name, src / name)
        shutil.copytree(ROOT / "checker", src / "checker",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo"))
        env = {**os.environ, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "315532800")}
        dist = Path(tmp) / "dist"
        proc = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist),
                               str(src)], env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.stderr.write(proc.stdout + proc.stderr)
            raise SystemExit("build_web: building the checker wheel failed (is `build` installed? scripts/setup)")
        wheels = list(dist.glob("*.whl"))
        if len(wheels) != 1 or not wheels[0].name.endswith("-py3-none-any.whl"):
            raise SystemExit(f"build_web: expected one py3-none-any wheel, got {[w.name for w in wheels]}")
        with zipfile.ZipFile(wheels[0]) as z:
            names = z.namelist()
        compiled = [n for n in names if n.endswith((".pyc", ".pyo")) or "__pycache__" in n]
        if compiled or "checker/__init__.py" not in names or "checker/data/providers.toml" not in names:
            raise SystemExit(f"build_web: unexpected wheel content (compiled files: {compiled})")
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / wheels[0].name
        shutil.copyfile(wheels[0], target)
        return target


def web_requirements(path: Path = WEB_REQUIREMENTS) -> dict[str, str]:
    """{normalized project name: sha256} of requirements-web.txt."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        m = re.match(r"([A-Za-z0-9_.-]+)==\S+\s+--hash=sha256:([0-9a-f]{64})$", line)
        if line and m is None:
            raise SystemExit(f"build_web: {path.name}: expected 'name==version --hash=sha256:...', got {line!r}")
        if m:
            out[re.sub(r"[-_.]+", "_", m.group(1)).lower()] = m.group(2)
    return out


def copy_web_wheels(out_dir: Path) -> list[Path]:
    """The wheels of requirements-web.txt, from .venv/web-wheels/ (their hashes checked again), into ``out_dir``."""
    wanted = web_requirements()
    copied = []
    for name, sha in sorted(wanted.items()):
        found = [w for w in WEB_WHEELS.glob("*.whl") if w.name.split("-")[0].lower() == name] \
            if WEB_WHEELS.is_dir() else []
        if len(found) != 1 or not found[0].name.endswith("-none-any.whl"):
            raise SystemExit(f"build_web: the pure wheel of {name} is missing from {WEB_WHEELS}: run scripts/setup")
        if hashlib.sha256(found[0].read_bytes()).hexdigest() != sha:
            raise SystemExit(f"build_web: {found[0].name} does not match requirements-web.txt's hash: "
                             "run scripts/setup")
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / found[0].name
        shutil.copyfile(found[0], target)
        copied.append(target)
    return copied


def build_dnspython(out_dir: Path) -> Path:
    """dnspython (pinned in requirements-dev.txt, pure Python) as a zip of its ``dns`` package, for the sender
    page's worker (it writes and reads the DNS messages sent over DNS-over-HTTPS). Made from the installed
    package: no .pyc, sorted entries, fixed timestamps (the same bytes on every build)."""
    import importlib.metadata
    import importlib.util

    spec = importlib.util.find_spec("dns")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("build_web: dnspython is not installed (scripts/setup installs requirements-dev.txt)")
    pkg = Path(list(spec.submodule_search_locations)[0])
    version = importlib.metadata.version("dnspython")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"dnspython-{version}.zip"
    files = sorted(p for p in pkg.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                   and p.suffix not in (".pyc", ".pyo"))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for f in files:
            info = zipfile.ZipInfo("dns/" + f.relative_to(pkg).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, f.read_bytes())
    return target


# ---------------------------------------------------------------- 2. compression
def _cached(data: bytes, kind: str, make: Callable[[bytes], bytes]) -> bytes:
    key = hashlib.sha256(data).hexdigest()
    path = CACHE / f"{key}.{kind}"
    if path.is_file():
        return path.read_bytes()
    out = make(data)
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(out)
    tmp.replace(path)
    return out


def compress_siblings(path: Path) -> None:
    """Write ``path.gz`` and ``path.br`` (only if they make the file smaller)."""
    import brotli  # pinned in requirements-dev.txt

    data = path.read_bytes()
    variants = {
        ".gz": _cached(data, "gz9", lambda d: gzip.compress(d, compresslevel=9, mtime=0)),
        ".br": _cached(data, f"br{BROTLI_QUALITY}", lambda d: brotli.compress(d, quality=BROTLI_QUALITY)),
    }
    for suffix, blob in variants.items():
        sib = path.with_name(path.name + suffix)
        if len(blob) < len(data):
            sib.write_bytes(blob)
        elif sib.exists():
            sib.unlink()


def copy_runtime(site: Path) -> Path:
    if not PYODIDE_NPM.is_dir():
        raise SystemExit("build_web: node_modules/pyodide missing: run scripts/setup (npm ci)")
    dest = site / RUNTIME_DIR
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in PYODIDE_FILES:
        shutil.copyfile(PYODIDE_NPM / name, dest / name)
        compress_siblings(dest / name)
    return dest


# ---------------------------------------------------------------- 3. web files + manifest
def rel_url(target: str, manifest_dir: str) -> str:
    """``target`` (site-root-relative path) as a URL relative to a file in ``manifest_dir``."""
    rel = posixpath.relpath(target.rstrip("/") or ".", manifest_dir)
    return rel + ("/" if target.endswith("/") and not rel.endswith("/") else "")


def copy_web(site: Path, wheel: Path, extra: list[Path] | None = None,
             extras: dict[str, Path] | None = None) -> list[Path]:
    files = sorted(p for p in WEB.iterdir() if p.is_file() and p.name != "README.md") if WEB.is_dir() else []
    wheel_rel = f"{WHEEL_DIR}/{wheel.name}"
    wheel_sha = hashlib.sha256(wheel.read_bytes()).hexdigest()
    extra_info = [(w.name.split("-")[0].lower(), f"{WHEEL_DIR}/{w.name}", hashlib.sha256(w.read_bytes()).hexdigest())
                  for w in extra or []]
    pyodide_version = json.loads((PYODIDE_NPM / "package.json").read_text(encoding="utf-8"))["version"]
    manifests = []
    for lang, d in LANG_DIRS.items():
        dest = site / d
        if (dest / "manifest.json").exists():  # a rebuild: drop our previous copies (mkdocs keeps site/)
            for old in dest.iterdir():
                if old.is_file():
                    old.unlink()
        dest.mkdir(parents=True, exist_ok=True)
        for f in files:
            shutil.copyfile(f, dest / f.name)
            if f.suffix in COMPRESS_SUFFIXES:
                compress_siblings(dest / f.name)
        manifest = {
            "pyodide": rel_url(RUNTIME_DIR + "/", d),
            "wheel": rel_url(wheel_rel, d),
            "extras": {name: rel_url(f"{WHEEL_DIR}/{path.name}", d) for name, path in (extras or {}).items()},
            "root": posixpath.relpath(".", d) + "/",
            "lang": lang,
            "pyodideVersion": pyodide_version,
            "wheelSha256": wheel_sha,
            # the pure wheels installed only when a page needs them (the audit, for Excel workbooks)
            "xlsxWheels": [{"name": n, "url": rel_url(rel, d), "sha256": sha} for n, rel, sha in extra_info],
        }
        path = dest / "manifest.json"
        path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        manifests.append(path)
    return manifests


# ---------------------------------------------------------------- 4. Content-Security-Policy
_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script>", re.S | re.I)
_SRC = re.compile(r"\ssrc\s*=", re.I)
_TYPE = re.compile(r"""\stype\s*=\s*["']?([^"'\s>]+)""", re.I)
_CSP_META = re.compile(r'\s*<meta http-equiv="Content-Security-Policy"[^>]*>', re.I)
_EXECUTABLE_TYPES = {"", "text/javascript", "application/javascript", "module"}


def inline_script_hashes(html: str) -> list[str]:
    """sha256 sources of the executable inline scripts of ``html`` (JSON data blocks are not executed)."""
    out = []
    for m in _INLINE_SCRIPT.finditer(html):
        attrs = m.group("attrs") or ""
        if _SRC.search(attrs):
            continue
        t = _TYPE.search(attrs)
        if (t.group(1).lower() if t else "") not in _EXECUTABLE_TYPES:
            continue
        digest = base64.b64encode(hashlib.sha256(m.group("body").encode("utf-8")).digest()).decode("ascii")
        src = f"'sha256-{digest}'"
        if src not in out:
            out.append(src)
    return out


#: the marker of the page holding the sender check (scripts/widget.py sender_html): the only page whose policy
#: lets it connect to the DNS-over-HTTPS resolvers of checker/data/doh.toml
SENDER_FORM = 'data-todoku="sender"'


def doh_origins() -> list[str]:
    sys.path.insert(0, str(ROOT))
    from checker._data import doh_resolvers

    return sorted({r.origin for r in doh_resolvers()})


def csp_for(html: str) -> str:
    scripts = " ".join(["'self'", "'wasm-unsafe-eval'", *inline_script_hashes(html)])
    connect = " ".join(["'self'", *(doh_origins() if SENDER_FORM in html else [])])
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        "worker-src 'self'",
        f"connect-src {connect}",
        "img-src 'self' data:",
        "style-src 'self' 'unsafe-inline'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ])


def add_csp(html: str) -> str:
    """``html`` with its CSP meta (replacing an earlier one) right after ``<meta charset>``: before any script."""
    html = _CSP_META.sub("", html)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{csp_for(html)}">'
    m = re.search(r"<meta charset=[^>]*>", html, re.I)
    if m is None:
        m = re.search(r"<head[^>]*>", html, re.I)
        if m is None:
            return html
    return html[:m.end()] + "\n  " + meta + html[m.end():]


def apply_csp(site: Path) -> int:
    n = 0
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        new = add_csp(html)
        if new != html:
            page.write_text(new, encoding="utf-8")
            n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--site", type=Path, default=ROOT / "site")
    args = ap.parse_args(argv)
    site: Path = args.site
    if not (site / "index.html").is_file():
        print("build_web: site/ is not built (scripts/build runs mkdocs first)", file=sys.stderr)
        return 2
    t0 = time.monotonic()
    if (site / WHEEL_DIR).exists():
        shutil.rmtree(site / WHEEL_DIR)
    wheel = build_wheel(site / WHEEL_DIR)
    extra = copy_web_wheels(site / WHEEL_DIR)
    dnspython = build_dnspython(site / WHEEL_DIR)
    t1 = time.monotonic()
    runtime = copy_runtime(site)
    t2 = time.monotonic()
    manifests = copy_web(site, wheel, extra, {"dnspython": dnspython})
    pages = apply_csp(site)
    size = sum(f.stat().st_size for f in runtime.iterdir() if f.suffix not in (".gz", ".br"))
    size_br = sum(f.stat().st_size for f in runtime.iterdir() if f.suffix == ".br")
    log(f"{wheel.name} ({wheel.stat().st_size} B, {t1 - t0:.1f} s) + {', '.join(w.name for w in extra)}; "
        f"Pyodide runtime {size / 1e6:.1f} MB "
        f"({size_br / 1e6:.1f} MB brotli, {t2 - t1:.1f} s); {len(manifests)} manifests; CSP in {pages} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
