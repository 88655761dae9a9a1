#!/usr/bin/env python3
"""Shows that the guide also builds with Zensical (Material for MkDocs' successor), and how fast.

Installs requirements-zensical.txt into build/.venv-zensical (once), builds both languages from the same
mkdocs.yml / mkdocs.en.yml with Zensical into build/zensical-site/, builds them with MkDocs into
build/mkdocs-site/, prints both build times side by side (best of --rounds), and compares the two outputs:
the same pages, the same <h1> and the same heading anchors. site/ is left alone.

Usage: .venv/bin/python scripts/zensical_check.py [--rounds 3] [--no-install]
Exit status: 0 same pages and anchors, 1 differences, 2 Zensical cannot be installed or fails to build.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "build" / ".venv-zensical"
ZBIN = VENV / "bin" / "zensical"
PY = ROOT / ".venv" / "bin" / "python"
ZSITE = ROOT / "build" / "zensical-site"
MSITE = ROOT / "build" / "mkdocs-site"


def install() -> bool:
    if ZBIN.exists():
        return True
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    r = subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "-r", str(ROOT / "requirements-zensical.txt")],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print("zensical_check: Zensical does not install here:\n" + r.stderr[-2000:], file=sys.stderr)
        return False
    return ZBIN.exists()


def configs(site: Path) -> tuple[Path, Path]:
    """Copies of mkdocs.yml / mkdocs.en.yml that differ only in site_dir (beside them: paths stay relative)."""
    ja = ROOT / ".zensical-check.yml"
    en = ROOT / ".zensical-check.en.yml"
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    ja.write_text(re.sub(r"(?m)^site_dir: .*$", f"site_dir: {site.relative_to(ROOT)}", text), encoding="utf-8")
    text = (ROOT / "mkdocs.en.yml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^site_dir: .*$", f"site_dir: {(site / 'en').relative_to(ROOT)}", text)
    en.write_text(re.sub(r"(?m)^INHERIT: .*$", f"INHERIT: {ja.name}", text), encoding="utf-8")
    return ja, en


def timed(cmd: list[str], env: dict[str, str]) -> float:
    t = time.monotonic()
    r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{r.stdout[-1500:]}{r.stderr[-1500:]}")
    return time.monotonic() - t


def pages(site: Path) -> dict[str, tuple[str, frozenset[str]]]:
    """{page path: (h1 text, heading anchors)} of a built site."""
    out = {}
    for f in sorted(site.rglob("index.html")):
        rel = f.parent.relative_to(site).as_posix()
        if rel.startswith(("assets", "search")):
            continue
        html = f.read_text(encoding="utf-8")
        m = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
        h1 = re.sub(r"<[^>]+>|\s+", " ", m.group(1)).replace("¶", "").strip() if m else ""
        ids = frozenset(re.findall(r'<h[2-6][^>]*\bid="([^"]+)"', html))
        out[rel] = (h1, ids)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-install", action="store_true")
    args = ap.parse_args(argv)
    if not PY.exists():
        print("zensical_check: .venv missing: run scripts/setup first", file=sys.stderr)
        return 2
    if not (ZBIN.exists() or (not args.no_install and install())):
        print("zensical_check: Zensical is not installed (see requirements-zensical.txt)", file=sys.stderr)
        return 2
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.setdefault("TODOKU_SITE_URL", "http://127.0.0.1:8000/")
    env.setdefault("TODOKU_SITE_URL_EN", env["TODOKU_SITE_URL"] + "en/")
    subprocess.run([str(PY), "scripts/gen_docs.py"], cwd=ROOT, env=env, check=True, capture_output=True)
    version = subprocess.run([str(ZBIN), "--version"], capture_output=True, text=True).stdout.strip()
    best = {"zensical": float("inf"), "mkdocs": float("inf")}
    try:
        zja, zen = configs(ZSITE)
        mja, men = ROOT / ".mkdocs-check.yml", ROOT / ".mkdocs-check.en.yml"
        shutil.copy(zja, mja)
        men.write_text(zen.read_text(encoding="utf-8").replace(zja.name, mja.name).replace(
            str(ZSITE.relative_to(ROOT)), str(MSITE.relative_to(ROOT))), encoding="utf-8")
        mja.write_text(mja.read_text(encoding="utf-8").replace(
            str(ZSITE.relative_to(ROOT)), str(MSITE.relative_to(ROOT))), encoding="utf-8")
        for _ in range(args.rounds):
            for d in (ZSITE, MSITE):
                shutil.rmtree(d, ignore_errors=True)
            t = (timed([str(ZBIN), "build", "-c", "-f", zja.name], env)
                 + timed([str(ZBIN), "build", "-f", zen.name], env))
            best["zensical"] = min(best["zensical"], t)
            t = timed([str(PY), "-m", "mkdocs", "build", "--strict", "--quiet", "-f", mja.name], env) + \
                timed([str(PY), "-m", "mkdocs", "build", "--strict", "--quiet", "-f", men.name], env)
            best["mkdocs"] = min(best["mkdocs"], t)
    except RuntimeError as e:
        print(f"zensical_check: {e}", file=sys.stderr)
        return 2
    finally:
        for f in (ROOT / ".zensical-check.yml", ROOT / ".zensical-check.en.yml",
                  ROOT / ".mkdocs-check.yml", ROOT / ".mkdocs-check.en.yml"):
            f.unlink(missing_ok=True)

    z, m = pages(ZSITE), pages(MSITE)
    print(f"zensical_check: {version} vs mkdocs (best of {args.rounds}, both languages, from the same mkdocs.yml)")
    print(f"  build time    zensical {best['zensical']:.2f} s    mkdocs {best['mkdocs']:.2f} s")
    print(f"  pages         zensical {len(z)}    mkdocs {len(m)}")
    problems = []
    for path in sorted(set(m) | set(z)):
        if path not in z:
            problems.append(f"missing in Zensical's build: /{path}/")
        elif path not in m:
            problems.append(f"only in Zensical's build: /{path}/")
        else:
            if z[path][0] != m[path][0]:
                problems.append(f"/{path}/: <h1> {z[path][0]!r} != {m[path][0]!r}")
            lost = m[path][1] - z[path][1]
            if lost:
                problems.append(f"/{path}/: anchors missing in Zensical's build: {sorted(lost)}")
    for p in problems:
        print("  " + p)
    print("  same pages, titles and anchors" if not problems else f"  {len(problems)} difference(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
