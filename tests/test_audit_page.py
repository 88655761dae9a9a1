"""The page audit (/audit/, /en/audit/) in Debian Chromium: a file in, the summary on the page, the
report out; the same counts and the same rows as the command line; no request leaves 127.0.0.1."""
from __future__ import annotations

import csv
import io
import sys
import time
from pathlib import Path

import pytest

from checker.cli import audit as audit_cli
from checker.lists.audit import Audit

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "tests" / "fixtures" / "audit"
sys.path.insert(0, str(ROOT / "scripts"))

import gen_audit_list  # noqa: E402

pytestmark = pytest.mark.browser
FORM = 'form[data-todoku="audit"]'
TIMEOUT = 240_000  # a cold Pyodide start on a busy 2-core machine can take tens of seconds


def cli(path: Path, tmp_path: Path, lang: str) -> tuple[Audit, bytes]:
    out = tmp_path / f"cli-{lang}.csv"
    rc = audit_cli.main([str(path), "-o", str(out), "--lang", lang], stdout=io.StringIO(), stderr=io.StringIO())
    assert rc in (0, 1)
    raw = path.read_bytes()
    a = Audit([raw], lang=lang)
    for _ in a:
        pass
    return a, out.read_bytes()


def audit_in_page(page, path: Path) -> float:
    page.set_input_files(f"{FORM} input[type=file]", str(path))
    t = time.perf_counter()
    page.wait_for_selector(f'{FORM}[data-state="done"], {FORM}[data-state="error"], {FORM}[data-state="failed"]',
                           timeout=TIMEOUT)
    assert page.get_attribute(FORM, "data-state") == "done", page.inner_text(FORM)
    elapsed = time.perf_counter() - t
    # the rows behind "and N more" are written in slices after the result (no long task): wait for them
    page.wait_for_selector(f'{FORM}[data-listed="all"]', timeout=TIMEOUT)
    return elapsed


def page_counts(page, kind: str) -> dict[str, int]:
    rows = page.locator(f"{FORM} table.todoku-audit-{kind} tbody tr")
    attr = "data-verdict" if kind == "verdicts" else "data-category"
    return {rows.nth(i).get_attribute(attr): int(rows.nth(i).get_attribute("data-count"))
            for i in range(rows.count())}


def shoot(page, path: Path) -> None:
    """The form and its summary, scrolled under Material's fixed header."""
    page.set_viewport_size({"width": 1280, "height": 1500})
    page.locator(FORM).evaluate("e => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 70)")
    page.screenshot(path=str(path))


def download(page) -> bytes:
    with page.expect_download() as d:
        page.click(f"{FORM} a.todoku-audit-download")
    return Path(d.value.path()).read_bytes()


def assert_same_as_cli(page, path: Path, tmp_path: Path, lang: str) -> None:
    a, report = cli(path, tmp_path, lang)
    s = a.summary
    assert int(page.get_attribute(f"{FORM} .todoku-audit-summary", "data-rows")) == s.rows
    assert int(page.get_attribute(f"{FORM} .todoku-audit-summary", "data-arriving")) == s.arriving
    assert page_counts(page, "verdicts") == {v: n for v, n in s.by_verdict.items() if n}
    assert page_counts(page, "categories") == dict(s.by_category)
    got = download(page)
    assert got.startswith(b"\xef\xbb\xbf")
    page_rows = list(csv.reader(io.StringIO(got.decode("utf-8-sig"))))
    cli_rows = list(csv.reader(io.StringIO(report.decode("utf-8-sig"))))
    assert len(page_rows) == s.rows + 1
    assert page_rows == cli_rows  # the same rows, in the same order, cell for cell
    assert got == report


def assert_local(page, base_url: str) -> None:
    assert page.todoku_requests
    outside = [u for u in page.todoku_requests if not u.startswith((base_url + "/", "blob:"))]
    assert not outside, outside


@pytest.mark.parametrize("lang, path", [("ja", "/audit/"), ("en", "/en/audit/")])
def test_excel_cp932_file_in_report_out(page, base_url, tmp_path, screenshots, lang, path):
    page.goto(path)
    audit_in_page(page, FIX / "excel_cp932.csv")
    assert_same_as_cli(page, FIX / "excel_cp932.csv", tmp_path, lang)
    action = page.locator(f"{FORM} .todoku-audit-action [data-line]")
    assert sorted(action.nth(i).get_attribute("data-line") for i in range(action.count())) == ["2", "5"]
    assert "ｊｉｒｏ＠ｅｚｗｅｂ．ｎｅ．ｊｐ" in page.inner_text(f"{FORM} .todoku-audit-action")
    counts = page.locator(f"{FORM} .todoku-audit-count").all_inner_texts()
    assert counts and all(c == ("1 行" if lang == "ja" else "1 row") for c in counts), counts  # one row each
    shoot(page, screenshots / f"audit-{lang}.png")
    assert_local(page, base_url)


def test_ten_thousand_rows_cold_and_warm(page, base_url, tmp_path, screenshots, capsys):
    path = tmp_path / "customers-10000.csv"
    path.write_bytes(gen_audit_list.generate(10_000))
    page.goto("/audit/")
    cold = audit_in_page(page, path)
    worker_ms = int(page.get_attribute(f"{FORM} .todoku-audit-summary", "data-ms"))
    assert_same_as_cli(page, path, tmp_path, "ja")
    shoot(page, screenshots / "audit-10000-ja.png")
    # again with Pyodide ready (the same file under another name: a new audit, nothing cached)
    again = tmp_path / "customers-10000-again.csv"
    again.write_bytes(path.read_bytes())
    warm = audit_in_page(page, again)
    warm_ms = int(page.get_attribute(f"{FORM} .todoku-audit-summary", "data-ms"))
    assert_same_as_cli(page, again, tmp_path, "ja")
    assert_local(page, base_url)
    with capsys.disabled():
        print(f"\n  page audit of 10,000 rows: cold {cold:.1f} s (Pyodide load included), "
              f"with Pyodide ready {warm:.1f} s "
              f"(worker: {worker_ms / 1000:.1f} s cold run, {warm_ms / 1000:.1f} s warm)")
    out = ROOT / ".artifacts" / "audit-page-timing.txt"
    out.write_text(f"10000 rows: cold {cold:.2f} s, warm {warm:.2f} s, worker {worker_ms} ms / {warm_ms} ms\n")


# the audit worker's messages the page does not show: "warmed" (the idle warm-up is over)
WATCH_WORKERS = """
window.__warmed = [];
const W = window.Worker;
window.Worker = class extends W {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', (e) => {
      if (e.data && e.data.type === 'warmed') window.__warmed.push(e.data.rows);
    });
  }
};
"""


def test_the_idle_warm_up_runs_while_no_list_is_chosen(page, base_url, tmp_path):
    """With the checker ready and no list chosen, the worker audits made-up lists (checker.web.audit.warm_up:
    30 rounds of 100 rows, web/todoku-audit-worker.mjs); the list chosen afterwards is audited exactly as the
    command line audits it."""
    page.add_init_script(WATCH_WORKERS)
    page.goto("/en/audit/")
    page.wait_for_selector(f"{FORM}[data-ready]", timeout=TIMEOUT)
    page.wait_for_function("() => window.__warmed.length > 0", timeout=TIMEOUT)
    assert page.evaluate("window.__warmed") == [3000]
    audit_in_page(page, FIX / "excel_cp932.csv")
    assert_same_as_cli(page, FIX / "excel_cp932.csv", tmp_path, "en")
    assert_local(page, base_url)


def test_a_list_chosen_during_the_start_skips_the_warm_up(page, tmp_path):
    """A list chosen before the checker is ready is audited at once: the warm-up never runs (the idle time it
    would use is not there)."""
    page.add_init_script(WATCH_WORKERS)
    page.goto("/en/audit/")
    page.wait_for_selector(f"{FORM}.todoku-audit--enhanced")
    assert page.get_attribute(FORM, "data-ready") is None  # still starting
    audit_in_page(page, FIX / "excel_cp932.csv")
    assert_same_as_cli(page, FIX / "excel_cp932.csv", tmp_path, "en")
    page.wait_for_timeout(1000)
    assert page.evaluate("window.__warmed") == []


def test_malformed_file_reports_its_line_numbers(page, base_url, tmp_path):
    page.goto("/en/audit/")
    audit_in_page(page, FIX / "malformed.csv")
    rows = page.locator(f"{FORM} .todoku-audit-problems [data-line]")
    lines = sorted(int(rows.nth(i).get_attribute("data-line")) for i in range(rows.count()))
    a, _ = cli(FIX / "malformed.csv", tmp_path, "en")
    assert lines == sorted(r.line for r in a.summary.problem_rows) and 3 in lines and 8 in lines
    page.locator(f"{FORM} .todoku-audit-problems details").evaluate_all("ds => ds.forEach(d => d.open = true)")
    text = page.inner_text(f"{FORM} .todoku-audit-problems")
    assert "line 3" in text and "columns" in text.lower() and "quote" in text
    assert_same_as_cli(page, FIX / "malformed.csv", tmp_path, "en")
    assert_local(page, base_url)


def test_a_workbook_gets_a_message_and_nothing_to_download(page, base_url):
    page.goto("/en/audit/")
    page.set_input_files(f"{FORM} input[type=file]", str(FIX / "workbook.xlsx"))
    page.wait_for_selector(f'{FORM}[data-state="error"]', timeout=TIMEOUT)
    assert "Excel" in page.inner_text(f"{FORM} output")
    assert page.locator(f"{FORM} a.todoku-audit-download").count() == 0
    assert_local(page, base_url)


def test_pages_without_the_form_load_no_worker(page, base_url):
    page.goto("/")
    page.wait_for_load_state("networkidle")
    assert not [u for u in page.todoku_requests if "pyodide" in u or "todoku-audit-worker" in u]


# ---------------------------------------------------------------- issue 13: the audit page's presentation

URGENCY = {"invalid": 0, "block": 1, "at-risk": 2}


def _groups(page) -> list[dict]:
    selector = f"{FORM} .todoku-audit-action .todoku-audit-group"
    groups: list[dict] = page.eval_on_selector_all(selector, """gs => gs.map(g => ({
        verdict: g.dataset.verdict, count: Number(g.dataset.count),
        reasons: [...g.querySelectorAll('.todoku-audit-reason')].map(r => r.textContent),
        rowReasons: [...g.querySelectorAll('.todoku-audit-row-reason')].map(r => r.textContent),
        lines: [...g.querySelectorAll('[data-line]')].map(li => Number(li.dataset.line))}))""")
    return groups


def test_rows_needing_action_are_grouped_by_problem_most_urgent_first(page, tmp_path, screenshots):
    """One card per problem (verdict + reason) with its count: invalid first, then refused, then at risk;
    the same reason is shown once however many rows have it; the counts add up to the CLI's."""
    path = tmp_path / "customers-400.csv"
    path.write_bytes(gen_audit_list.generate(400))
    page.goto("/audit/")
    audit_in_page(page, path)
    a, _ = cli(path, tmp_path, "ja")
    groups = _groups(page)
    assert groups
    ranks = [URGENCY[g["verdict"]] for g in groups]
    assert ranks == sorted(ranks), [g["verdict"] for g in groups]
    for v in URGENCY:  # within one verdict, the most frequent problem first
        counts = [g["count"] for g in groups if g["verdict"] == v]
        assert counts == sorted(counts, reverse=True), (v, counts)
    reasons = [(g["verdict"], r) for g in groups for r in g["reasons"]]
    assert len(reasons) == len(set(reasons)), "a reason shown twice"
    assert sum(g["count"] for g in groups) == a.summary.action_count  # every row counted once
    assert len(groups) < a.summary.action_count / 3  # repeated reasons really collapse on this list
    lines = [line for g in groups for line in g["lines"]]
    assert len(lines) == len(set(lines))
    # a row's card holds the reason the CLI gives that row
    reason_of = {r.line: r.reason("ja", a.data) for r in a.summary.action}
    for g in groups:
        for line in g["lines"]:
            if line in reason_of:
                assert reason_of[line] in g["reasons"] + g["rowReasons"], line
    shoot(page, screenshots / "audit-groups-ja.png")


@pytest.mark.parametrize("lang, path", [("ja", "/audit/"), ("en", "/en/audit/")])
def test_audit_results_read_as_cards_on_a_phone(browser, base_url, screenshots, lang, path):
    """390 px: nothing scrolls sideways; each card fits the screen's width."""
    context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(path)
        audit_in_page(page, FIX / "excel_cp932.csv")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
        for box in page.locator(f"{FORM} .todoku-audit-group").all():
            b = box.bounding_box()
            assert b["x"] >= 0 and b["x"] + b["width"] <= 390, b
        assert page.locator(f"{FORM} .todoku-audit-action table").count() == 0
        page.locator(f"{FORM} .todoku-audit-action").scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots / f"audit-phone-{lang}.png"), full_page=True)
    finally:
        context.close()


def test_a_header_only_file_says_so(page, tmp_path):
    path = tmp_path / "header-only.csv"
    path.write_bytes("メールアドレス,氏名\r\n".encode("cp932"))
    page.goto("/audit/")
    page.set_input_files(f"{FORM} input[type=file]", str(path))
    page.wait_for_selector(f'{FORM}[data-state="empty"], {FORM}[data-state="done"], {FORM}[data-state="error"]',
                           timeout=TIMEOUT)
    assert page.get_attribute(FORM, "data-state") in ("empty", "error")  # said by the page, or by the core
    text = page.inner_text(f"{FORM} output")
    assert "見出し" in text, text
    assert page.locator(f"{FORM} a.todoku-audit-download").count() == 0
    assert page.locator(f"{FORM} table, {FORM} .todoku-audit-group").count() == 0


def test_the_reader_picks_the_column_when_detection_fails(page, tmp_path):
    path = tmp_path / "no-column.csv"
    path.write_bytes("氏名,連絡先,備考\r\n山田,taro (docomo),\r\n佐藤,hanako,\r\n".encode())
    page.goto("/audit/")
    page.set_input_files(f"{FORM} input[type=file]", str(path))
    page.wait_for_selector(f'{FORM}[data-state="error"]', timeout=TIMEOUT)
    select = page.locator(f'{FORM} select[name="column"]')
    assert select.count() == 1
    select.select_option("2")
    page.wait_for_selector(f'{FORM}[data-state="done"]', timeout=TIMEOUT)
    # the picked column was audited (whether its first cell counts as a header is the core's call)
    assert int(page.locator(f"{FORM} .todoku-audit-summary").get_attribute("data-rows")) >= 2
    assert page.locator(f"{FORM} .todoku-audit-group").count() >= 1
