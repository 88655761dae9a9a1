"""Shared fixtures. Browser fixtures drive the real built site (site/) in Debian's Chromium."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers_core import load_script

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
#: beside the repository (../shared/corpora); from a git worktree one level deeper, ../../shared/corpora;
#: TODOKU_CORPORA names another place
CORPORA = Path(os.environ["TODOKU_CORPORA"]) if os.environ.get("TODOKU_CORPORA") else next(
    (p for p in (ROOT.parent / "shared" / "corpora", ROOT.parent.parent / "shared" / "corpora") if p.is_dir()),
    ROOT.parent / "shared" / "corpora")
_chromium = load_script("chromium")
CHROMIUM, CHROMIUM_ARGS = _chromium.CHROMIUM, _chromium.CHROMIUM_ARGS


@pytest.fixture(scope="session")
def corpora() -> Path:
    if not CORPORA.is_dir():
        pytest.skip(f"third-party corpora not found at {CORPORA} (they live beside the repository, never in it)")
    return CORPORA


@pytest.fixture(scope="session")
def site_dir() -> Path:
    if not (SITE / "index.html").is_file():
        pytest.fail("site/ is not built: run scripts/build (scripts/test does it)")
    return SITE


@pytest.fixture(scope="session")
def base_url(site_dir: Path) -> Iterator[str]:
    """The built site served over HTTP on 127.0.0.1 (an ephemeral port), as scripts/serve.py serves it."""
    with load_script("serve").served(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright (never a downloaded browser)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} missing: scripts/setup installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, base_url):
    """A fresh page; every request it makes is recorded in ``page.todoku_requests``."""
    context = browser.new_context(base_url=base_url, locale="ja-JP")
    p = context.new_page()
    requests: list[str] = []
    p.on("request", lambda r: requests.append(r.url))
    p.todoku_requests = requests  # type: ignore[attr-defined]
    yield p
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where browser tests write screenshots for people to look at (git-ignored)."""
    out = ROOT / ".artifacts" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    return out
