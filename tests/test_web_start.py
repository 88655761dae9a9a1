"""How the workers start in the page (web/todoku-pyodide.mjs), in Debian's Chromium on the built site:
from the memory snapshot the build made and verified, and, when the snapshot cannot be used (missing, damaged,
made by another Pyodide build), by booting Python the normal way, with the same answers. A runtime file that
cannot be fetched (the trimmed standard library here; the wasm and the manifest in test_web.py) ends in the
error message with the command-line link, never an endless spinner."""
from __future__ import annotations

import json
import re

import pytest

from checker import check, default_data
from checker.lists.audit import Audit

pytestmark = pytest.mark.browser

DATA = default_data()
FORM = 'form[data-todoku="check"]'
OUT = f"{FORM} output.todoku-result"
AUDIT = 'form[data-todoku="audit"]'
READY_MS = 120_000
RECORD = """document.addEventListener('todoku:ready', (e) => { window.__stages = e.detail.stages; });"""


def verdict_via_shared_link(page, address: str = "taro@gmial.com") -> dict:
    page.add_init_script(RECORD)
    page.goto(f"/en/checker/#check={address.replace('@', '%40')}")
    page.wait_for_selector(f"{OUT}[data-verdict]", timeout=READY_MS)
    want = check(address, lang="en", data=DATA)
    out = page.locator(OUT)
    assert out.get_attribute("data-verdict") == want.verdict
    codes = out.locator("[data-code]").evaluate_all("els => els.map(e => e.dataset.code)")
    assert codes == [f.code for f in want.findings]
    stages: dict = page.evaluate("window.__stages")
    return stages


def manifest(site_dir) -> dict:
    found: dict = json.loads((site_dir / "assets" / "todoku" / "manifest.json").read_text(encoding="utf-8"))
    return found


def test_the_page_starts_from_the_snapshot(page, site_dir):
    """The page restores the build's memory snapshot (never boots Python the normal way). The standard library
    is the trimmed one by default (scripts/build_web.py, traced with openpyxl and dnspython too); with
    TODOKU_TRIM_STDLIB=0 the build ships the whole one and the page fetches Pyodide's own zip."""
    doc = manifest(site_dir)
    assert doc.get("snapshot"), doc
    stages = verdict_via_shared_link(page)
    assert stages["snapshot"] == "restored", stages
    assert "snapshot restored" in stages and "loadPyodide" not in stages
    names = [u.rsplit("/", 1)[-1] for u in page.todoku_requests]
    assert doc["snapshot"].rsplit("/", 1)[-1] in names
    if doc.get("stdlib"):
        assert doc["stdlib"].rsplit("/", 1)[-1] in names
        assert "python_stdlib.zip" not in names  # the whole standard library is not fetched
    else:
        assert "python_stdlib.zip" in names


@pytest.mark.parametrize("damage", ["missing", "garbage", "truncated", "other-build"])
def test_a_snapshot_that_cannot_load_falls_back_to_the_normal_start(page, site_dir, tmp_path, damage):
    """Through the page audit (same loader, no 60 s load limit: the normal boot after a failed restore can
    take longer than that on a busy 2-core machine): the audit's answer is the command line's."""
    path = site_dir / "assets" / "todoku" / "snapshot" / manifest(site_dir)["snapshot"].rsplit("/", 1)[-1]
    if damage == "other-build":
        # the runtime of another Pyodide build than the snapshot's (a pin moved, a stale cache): Pyodide's
        # own check refuses the heap
        js = (site_dir / "assets" / "todoku" / "pyodide" / "pyodide.mjs").read_text(encoding="utf-8")
        build_id = re.search(r'BUILD_ID:"([0-9a-f]{64})"', js)
        assert build_id, "pyodide.mjs names its BUILD_ID"
        other = js.replace(build_id.group(1), "0" * 64)
        page.route("**/pyodide/pyodide.mjs", lambda route: route.fulfill(
            status=200, body=other, content_type="text/javascript"))
    elif damage == "missing":
        page.route("**/*.snapshot", lambda route: route.fulfill(status=404, body="missing"))
    else:
        # small bodies: Playwright's route carries every byte through its protocol
        body = bytes(64 * 1024) if damage == "garbage" else path.read_bytes()[: 4 * 1024 * 1024]
        page.route("**/*.snapshot", lambda route: route.fulfill(
            status=200, body=body, content_type="application/octet-stream"))
    warnings: list[str] = []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    raw = "名前,メール\r\nA,taro@docomo.ne.jp\r\nB,x@gmial.com\r\nC,a..b@ezweb.ne.jp\r\n".encode("cp932")
    (tmp_path / "list.csv").write_bytes(raw)
    page.goto("/en/audit/")
    page.set_input_files(f"{AUDIT} input[type=file]", str(tmp_path / "list.csv"))
    page.wait_for_selector(f'{AUDIT}[data-state="done"], {AUDIT}[data-state="error"], {AUDIT}[data-state="failed"]',
                           timeout=240_000)
    assert page.get_attribute(AUDIT, "data-state") == "done", page.inner_text(AUDIT)
    a = Audit([raw], lang="en")
    for _ in a:
        pass
    summary = f"{AUDIT} .todoku-audit-summary"
    assert int(page.get_attribute(summary, "data-rows")) == a.summary.rows == 3
    assert int(page.get_attribute(summary, "data-arriving")) == a.summary.arriving
    fallback = [w for w in warnings if "snapshot not used" in w]
    assert fallback, warnings
    if damage == "other-build":
        assert "build id" in fallback[0], fallback


def test_a_missing_standard_library_ends_in_the_error_message(page):
    # the trimmed standard library (python_stdlib-<sha>.zip) or the whole one, whichever the build ships
    page.route("**/python_stdlib*.zip", lambda route: route.fulfill(status=404, body="missing"))
    page.goto("/en/checker/#check=taro%40docomo.ne.jp")
    page.wait_for_selector(f'{FORM}[data-state="error"]', timeout=READY_MS)
    status = page.locator(f"{FORM} .todoku-status").inner_text()
    assert DATA.ui["web.reason-fetch"].get("en") in status
    assert page.locator(f"{FORM} .todoku-status a").count() == 1  # the command-line link
    assert page.locator(f"{FORM} .todoku-status progress").count() == 0  # no endless spinner
