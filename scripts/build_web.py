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
import io
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
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

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
SNAPSHOT_DIR = "assets/todoku/snapshot"
SNAPSHOT_SCRIPT = ROOT / "scripts" / "pyodide_snapshot.mjs"
GOLDEN_SCRIPT = ROOT / "tests" / "pyodide_golden.mjs"
#: brotli quality for the snapshot: it differs on every build (random seeds, file times in the heap), so the
#: content-hash cache never hits; quality 11 takes about 40 s on the 31 MB heap for 13 % fewer bytes
SNAPSHOT_BROTLI_QUALITY = int(os.environ.get("TODOKU_SNAPSHOT_BROTLI_QUALITY", "9"))


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


#: zstd level of the large start files' ``.zst`` siblings: 19 is the highest whose window (8 MB) every browser
#: decoder accepts for HTTP (RFC 8878); higher "ultra" levels would need a larger window
ZSTD_LEVEL = 19


def compress_siblings(path: Path, quality: int = BROTLI_QUALITY, cache: bool = True, zstd: bool = False) -> None:
    """Write ``path.gz`` and ``path.br``, and with ``zstd`` ``path.zst`` (only if they make the file smaller).

    ``.zst`` is for the large files the start decodes (the wasm, the memory snapshot, the standard library),
    written only where it is smaller than the ``.br`` too (in practice the snapshot: 5.3 MB against 5.7 MB; the
    wasm and the zips come out 1-5 % larger): Chromium decodes the 31.5 MB snapshot from zstd in 100-190 ms
    against 150-320 ms from brotli (measured here). A browser that does not accept zstd gets ``.br``."""
    import brotli  # pinned in requirements-dev.txt
    import zstandard  # pinned in requirements-dev.txt

    data = path.read_bytes()
    def gz(d: bytes) -> bytes:
        return gzip.compress(d, compresslevel=9 if cache else 6, mtime=0)

    def br(d: bytes) -> bytes:
        return bytes(brotli.compress(d, quality=quality))

    def zst(d: bytes) -> bytes:
        return bytes(zstandard.ZstdCompressor(level=ZSTD_LEVEL, threads=-1).compress(d))

    variants = {
        ".gz": _cached(data, "gz9", gz) if cache else gz(data),
        ".br": _cached(data, f"br{quality}", br) if cache else br(data),
    }
    if zstd:  # kept only where it is smaller than the brotli body too (serve.py prefers it): the snapshot
        z = _cached(data, f"zst{ZSTD_LEVEL}", zst) if cache else zst(data)
        variants[".zst"] = z if len(z) < len(variants[".br"]) else data
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
        compress_siblings(dest / name, zstd=True)
    return dest


# ---------------------------------------------------------------- 3. web files + manifest
def rel_url(target: str, manifest_dir: str) -> str:
    """``target`` (site-root-relative path) as a URL relative to a file in ``manifest_dir``."""
    rel = posixpath.relpath(target.rstrip("/") or ".", manifest_dir)
    return rel + ("/" if target.endswith("/") and not rel.endswith("/") else "")


# ---------------------------------------------------------------- 2b. the memory snapshot
def node_path() -> str:
    node = shutil.which("node")
    if node is None:
        raise SystemExit("build_web: node not found: the memory snapshot is made with Node (scripts/setup)")
    return node


def _snapshot_script(wheel: Path, out: str, stdlib: Path | None, extras: Sequence[Path] = ()) -> dict[str, Any]:
    cmd = [node_path(), str(SNAPSHOT_SCRIPT), str(PYODIDE_NPM), str(wheel), out]
    if stdlib is not None:
        cmd.append(str(stdlib))
    for extra in extras:
        cmd += ["--extra", str(extra)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise SystemExit(f"build_web: scripts/pyodide_snapshot.mjs failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


#: standard-library files always kept in the trimmed zip: every codec (a list's encoding is known only when
#: the list is read, and Python imports codecs by name)
STDLIB_KEEP = ("encodings/",)


def trimmed_stdlib(modules: list[str], out_dir: Path) -> tuple[Path, int]:
    """The npm package's python_stdlib.zip with only the traced ``modules`` (a traced package whole: its other
    submodules may be imported lazily, as ``email`` does by charset) and ``STDLIB_KEEP``, stored uncompressed
    (brotli then compresses the whole file better than zip's deflate does file by file, and zipimport reads
    stored members without inflating), named by content hash.
    Returns the path and the number of modules kept."""
    with zipfile.ZipFile(PYODIDE_NPM / "python_stdlib.zip") as src:
        names = set(src.namelist())
        want: set[str] = set()
        keep = set(STDLIB_KEEP)
        for m in modules:
            top = m.split(".")[0]
            if f"{top}/__init__.py" in names:
                keep.add(f"{top}/")
            elif f"{top}.py" in names:
                want.add(f"{top}.py")
        want.update(n for n in names if n.startswith(tuple(keep)) and not n.endswith("/"))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
            for name in sorted(want):
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = 0o644 << 16
                z.writestr(info, src.read(name))
    data = buf.getvalue()
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"python_stdlib-{hashlib.sha256(data).hexdigest()[:12]}.zip"
    path.write_bytes(data)
    return path, len(want)


def make_start(wheel: Path, out_dir: Path, trim: bool = True,
               extras: Sequence[Path] = ()) -> tuple[Path, Path | None, dict[str, Any]]:
    """What the page starts from, into ``out_dir``: the trimmed standard library (the modules a trace run of
    scripts/pyodide_snapshot.mjs loaded with the whole one) and the Pyodide memory snapshot made with it
    after our wheel is installed and every web entry imported and run once (``checker-<sha12>.snapshot``).
    Returns (snapshot, stdlib or None, info: the script's figures, ``traceMs``, ``stdlibFiles``)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stdlib = None
    t0 = time.monotonic()
    info: dict[str, Any] = {}
    if trim:
        trace = _snapshot_script(wheel, "-", None, extras)
        stdlib, info["stdlibFiles"] = trimmed_stdlib(trace["stdlibModules"], out_dir)
    info["traceMs"] = round((time.monotonic() - t0) * 1000)
    tmp = out_dir / "checker.snapshot.tmp"
    info.update(_snapshot_script(wheel, str(tmp), stdlib))
    sha = hashlib.sha256(tmp.read_bytes()).hexdigest()
    path = out_dir / f"checker-{sha[:12]}.snapshot"
    tmp.replace(path)
    return path, stdlib, info


def run_in_pyodide(wheel: Path, cases: dict[str, Any], snapshot: Path | None = None,
                   stdlib: Path | None = None) -> tuple[list[str], str]:
    """tests/pyodide_golden.mjs over ``cases`` ({"vectors": [...], "audits": [...]}), started the way the
    page starts (from ``snapshot`` when given); its output lines and its summary line."""
    with tempfile.TemporaryDirectory(prefix="todoku-verify-") as tmp:
        path = Path(tmp) / "cases.json"
        path.write_text(json.dumps(cases, ensure_ascii=True), encoding="ascii")
        cmd = [node_path(), str(GOLDEN_SCRIPT), str(wheel), str(path)]
        if snapshot is not None:
            cmd += ["--snapshot", str(snapshot)]
        if stdlib is not None:
            cmd += ["--stdlib", str(stdlib)]
        proc = subprocess.run(cmd, capture_output=True, timeout=600, cwd=ROOT)
    err = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        raise SystemExit(f"build_web: running the checker in Pyodide failed:\n{err[-3000:]}")
    lines = proc.stdout.decode("utf-8").split("\n")[:-1]
    return lines, next((ln for ln in err.splitlines() if ln.startswith("pyodide: ")), "")


def verify_snapshot(wheel: Path, snapshot: Path, stdlib: Path | None = None) -> str:
    """The golden vectors and the audit fixtures through the restored snapshot in Node: byte-identical to
    this CPython, or the build fails (the page would answer differently)."""
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    from parity_audit import audit_line

    from checker import Situation, check
    from checker.cli.check import json_line

    golden = json.loads((ROOT / "tests" / "golden" / "vectors.json").read_text(encoding="utf-8"))["vectors"]
    vectors = [{k: v[k] for k in ("input", "situation", "lang")} for v in golden]
    fixtures = sorted(p for p in (ROOT / "tests" / "fixtures" / "audit").iterdir() if p.is_file())
    audits = [{"path": str(p), "lang": lang} for p in fixtures for lang in ("ja", "en")]
    lines, summary = run_in_pyodide(wheel, {"vectors": vectors, "audits": audits}, snapshot, stdlib)
    want = [json_line(check(v["input"], situation=Situation(**v["situation"]), lang=v["lang"])) for v in vectors]
    want += [audit_line(Path(a["path"]).read_bytes(), a["lang"]) for a in audits]
    bad = [i for i, (a, b) in enumerate(zip(want, lines, strict=False)) if a != b]
    if len(lines) != len(want) or bad or "start=snapshot" not in summary:
        first = bad[0] if bad else None
        raise SystemExit(f"build_web: the snapshot answers differently from CPython ({len(bad)} of {len(want)}; "
                         f"{len(lines)} lines; {summary}); first: "
                         f"{(want[first][:300], lines[first][:300]) if first is not None else ''}")
    return f"{len(vectors)} golden vectors and {len(audits)} audits byte-identical through the snapshot"


def copy_web(site: Path, wheel: Path, extra: list[Path] | None = None, extras: dict[str, Path] | None = None,
             snapshot: Path | None = None, stdlib: Path | None = None) -> list[Path]:
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
            # the content hash in the query: a cached wheel of another build is never used (after a snapshot
            # restore zipimport reads these bytes at the offsets the build's wheel had)
            "wheel": rel_url(wheel_rel, d) + f"?v={wheel_sha[:12]}",
            **({"snapshot": rel_url(f"{SNAPSHOT_DIR}/{snapshot.name}", d),
                "snapshotBytes": snapshot.stat().st_size} if snapshot else {}),
            **({"stdlib": rel_url(f"{SNAPSHOT_DIR}/{stdlib.name}", d)} if stdlib else {}),
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
    snapshot = stdlib = None
    if os.environ.get("TODOKU_SNAPSHOT", "1") != "0":
        if (site / SNAPSHOT_DIR).exists():
            shutil.rmtree(site / SNAPSHOT_DIR)
        # the trimmed standard library: what the trace of our code and of the packages the pages install later
        # (the audit's openpyxl, the sender page's dnspython) loaded; TODOKU_TRIM_STDLIB=0 ships the whole one
        trim = os.environ.get("TODOKU_TRIM_STDLIB", "1") == "1"
        snapshot, stdlib, info = make_start(wheel, site / SNAPSHOT_DIR, trim=trim, extras=[*extra, dnspython])
        t_made = time.monotonic()
        verified = verify_snapshot(wheel, snapshot, stdlib)
        t_verified = time.monotonic()
        compress_siblings(snapshot, quality=SNAPSHOT_BROTLI_QUALITY, cache=False, zstd=True)
        br = snapshot.with_name(snapshot.name + ".br")
        if stdlib is not None:
            compress_siblings(stdlib, zstd=True)
            sbr = stdlib.with_name(stdlib.name + ".br")
            log(f"trimmed standard library {stdlib.name}: {info['stdlibFiles']} files, "
                f"{stdlib.stat().st_size / 1e6:.2f} MB, {sbr.stat().st_size / 1e6:.2f} MB brotli "
                f"(whole: 2.49 MB brotli); traced in {info['traceMs'] / 1000:.1f} s")
        log(f"memory snapshot {snapshot.name}: {snapshot.stat().st_size / 1e6:.1f} MB, "
            f"{br.stat().st_size / 1e6:.2f} MB brotli {SNAPSHOT_BROTLI_QUALITY}; entries {', '.join(info['entries'])}; "
            f"made in {t_made - t2:.1f} s (Node boot {info['bootMs']} ms, warm-up {info['warmMs']} ms), "
            f"verified in {t_verified - t_made:.1f} s ({verified}), "
            f"compressed in {time.monotonic() - t_verified:.1f} s")
    t3 = time.monotonic()
    manifests = copy_web(site, wheel, extra, {"dnspython": dnspython}, snapshot, stdlib)
    pages = apply_csp(site)
    t4 = time.monotonic()
    size = sum(f.stat().st_size for f in runtime.iterdir() if f.suffix not in (".gz", ".br", ".zst"))
    size_br = sum(f.stat().st_size for f in runtime.iterdir() if f.suffix == ".br")
    log(f"{wheel.name} ({wheel.stat().st_size} B, {t1 - t0:.1f} s) + {', '.join(w.name for w in extra)}; "
        f"Pyodide runtime {size / 1e6:.1f} MB "
        f"({size_br / 1e6:.1f} MB brotli, {t2 - t1:.1f} s); snapshot {t3 - t2:.1f} s; {len(manifests)} manifests, "
        f"CSP in {pages} pages {t4 - t3:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
