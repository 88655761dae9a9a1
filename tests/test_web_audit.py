"""checker.web.audit, the page audit's Python side (the Web Worker calls it through Pyodide): the same
rows, summary and report as the command line, strings for the page from the data, never a traceback."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers_core import workbook

from checker._data import default_data
from checker.cli import audit as audit_cli
from checker.web import audit as web_audit

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "tests" / "fixtures" / "audit"


def run_page(raw: bytes, **options) -> tuple[dict, bytes, list[dict]]:
    job = web_audit.start(raw, json.dumps(options))
    progress = []
    while True:
        p = json.loads(web_audit.step(job, 2))
        progress.append(p)
        if p["done"]:
            break
    return json.loads(web_audit.summary(job)), web_audit.report(job), progress


def run_cli(path: Path, tmp_path: Path, *args: str) -> bytes:
    out = tmp_path / "report.csv"
    import io
    audit_cli.main([str(path), "-o", str(out), *args], stdout=io.StringIO(), stderr=io.StringIO())
    return out.read_bytes()


@pytest.mark.parametrize("name", ["excel_cp932.csv", "malformed.csv", "utf8_bom.csv", "crlf.tsv",
                                  "excel_unicode.txt", "bad_bytes.csv", "mac_cr.csv"])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_page_report_is_the_command_lines_report(name, lang, tmp_path):
    summary, report, progress = run_page((FIX / name).read_bytes(), lang=lang)
    assert report.startswith(b"\xef\xbb\xbf")
    assert report == run_cli(FIX / name, tmp_path, "--lang", lang)
    assert progress[-1]["rows"] == summary["rows"]
    assert [p["rows"] for p in progress] == sorted(p["rows"] for p in progress)
    assert progress[-1]["bytes"] == progress[-1]["total"] == (FIX / name).stat().st_size


def test_summary_counts_and_problem_lines():
    summary, _, _ = run_page((FIX / "malformed.csv").read_bytes(), lang="en")
    assert sum(v["count"] for v in summary["by_verdict"]) == summary["rows"]
    assert sum(c["count"] for c in summary["by_category"]) == summary["rows"]
    assert summary["problem_count"] >= 2
    lines = [p["line"] for p in summary["problems"]]
    assert lines == sorted(lines) and 3 in lines and 8 in lines
    assert all(p["reason"] for p in summary["problems"])
    assert any(t.get("url", "").startswith("/en/findings/#") for t in summary["top"])


def test_unreadable_files_give_a_message_not_an_exception():
    for raw, word in (((FIX / "workbook.xlsx").read_bytes(), "Excel workbook"), (b"", "empty"),
                      ((FIX / "binary.bin").read_bytes(), "text")):
        job = web_audit.start(raw, {"lang": "en"})
        assert json.loads(web_audit.step(job))["done"]
        s = json.loads(web_audit.summary(job))
        assert word in s["error"]


def test_options_are_checked():
    raw = b"email\ntaro@docomo.ne.jp\n"
    s, _, _ = run_page(raw, lang="en", level=99, links=True)
    assert s["by_verdict"] == [{"verdict": "at-risk", "label": "at risk", "count": 1}]
    assert "carrier-links" in {t["code"] for t in s["top"]}  # the links option reached the checker
    s, _, _ = run_page(raw, lang="en", level=4, reply_allowlisted=False)
    assert s["reply_blocked"] == 1 and s["arriving"] == 0
    s, _, _ = run_page(raw, lang="fr", allowlisted=True)
    assert s["by_verdict"][0]["label"] == default_data().ui["audit.verdict-deliver"].ja


def test_report_name():
    assert web_audit.report_name("顧客.csv", "ja") == "顧客_判定結果.csv"
    assert web_audit.report_name("C:\\data\\list.tsv", "en") == "list-report.csv"
    assert web_audit.report_name("", "en") == "list-report.csv"
    assert web_audit.report_name(".csv", "en") == ".csv-report.csv"


def test_page_strings_exist_in_both_languages_and_cover_the_script():
    ja, en = web_audit.page_strings("ja"), web_audit.page_strings("en")
    assert ja.keys() == en.keys()
    assert all(ja[k] and en[k] and ja[k] != en[k] for k in ja)
    used = set(re.findall(r'\bt\("([\w-]+)"', (ROOT / "web" / "todoku-audit.js").read_text(encoding="utf-8")))
    assert used and used <= ja.keys(), used - ja.keys()
    for k in used:  # the placeholders the script fills are the ones the strings have
        assert set(re.findall(r"\{(\w+)\}", ja[k])) == set(re.findall(r"\{(\w+)\}", en[k])), k


def test_no_text_is_hard_coded_in_the_page_script():
    js = (ROOT / "web" / "todoku-audit.js").read_text(encoding="utf-8")
    code = re.sub(r"//[^\n]*", "", js)
    assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", code)
    for literal in re.findall(r'"([^"\\]*)"', code):
        assert not re.search(r"[A-Za-z]+ [a-z]+ [a-z]+", literal), literal  # no English sentence


def test_the_form_carries_its_strings():
    import sys
    sys.path.insert(0, str(ROOT / "scripts"))
    from widget import audit_html

    html = audit_html("en", default_data())
    m = re.search(r'<script type="application/json" class="todoku-audit-strings">(.*?)</script>', html)
    assert m and json.loads(m.group(1)) == web_audit.page_strings("en")
    assert "<" not in m.group(1)


# ------------------------------------------------------------------ what the page needs (issue 13)

def _xlsx(rows: list[list[object]], **sheets: list[list[object]]) -> bytes:
    """A customer list as a workbook: its first sheet "顧客" holds ``rows``, then ``sheets`` by title."""
    return workbook(("顧客", rows), *sheets.items())


def test_the_page_reads_a_workbook_and_gives_back_a_workbook(tmp_path):
    """The page's audit of an .xlsx is the command line's: same cells, same summary; the report is a
    workbook with its MIME type and name, unless the page asks for CSV."""
    import io

    import openpyxl

    raw = _xlsx([["氏名", "メール"], ["山田", "taro@docomo.ne.jp"], ["佐藤", "ｈａｎａ＠gmail.com"]])
    assert web_audit.needs_xlsx(raw[:8]) and not web_audit.needs_xlsx(b"email\n")
    assert web_audit.needs_xlsx(b"email\n", {"format": "xlsx"})
    summary, report, progress = run_page(raw, lang="ja")
    assert summary["input"] == {"kind": "xlsx", "sheet": "顧客", "sheets": ["顧客"]}
    assert summary["rows"] == 2 and progress[-1]["done"]
    job = web_audit.start(raw, {"lang": "ja"})
    while not json.loads(web_audit.step(job))["done"]:
        pass
    assert web_audit.report(job) and web_audit.report_format(job) == "xlsx"
    assert web_audit.report_type(job) == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert web_audit.report_name("顧客.xlsx", "ja", "xlsx") == "顧客_判定結果.xlsx"
    page_rows = list(openpyxl.load_workbook(io.BytesIO(report)).active.iter_rows(values_only=True))
    src = tmp_path / "顧客.xlsx"
    src.write_bytes(raw)
    out = tmp_path / "cli.xlsx"
    audit_cli.main([str(src), "-o", str(out)], stdout=io.StringIO(), stderr=io.StringIO())
    assert page_rows == list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert page_rows[1][2:6] == ("届かないおそれ", "届く", "キャリアメール", "ドコモメール（NTTドコモ）")
    # the page may still ask for CSV
    _, csv_report, _ = run_page(raw, lang="en", format="csv")
    assert csv_report.startswith(b"\xef\xbb\xbf") and b"at risk,arrives,Carrier mail" in csv_report


def test_error_answers_carry_what_the_page_offers_instead():
    """No address column: the columns to choose from (then options.column), in words that do not point to
    a command-line option; a header-only file says so; a missing sheet lists the sheets."""
    job = web_audit.start(b"name,tel,contact\nA,1,x\nB,2,y\n", {"lang": "ja"})
    s = json.loads(web_audit.summary(job))
    assert s["error_code"] == "no-column" and s["columns"] == ["name", "tel", "contact"]
    assert "--column" not in s["error"] and "列を選んで" in s["error"]
    chosen, _, _ = run_page(b"name,tel,contact\nA,1,x\nB,2,y\n", column="contact")  # a name from "columns"
    assert chosen["column"] == "「contact」（3 列目）" and chosen["rows"] == 2
    s = json.loads(web_audit.summary(web_audit.start(b"email\n", {"lang": "en"})))
    assert s["error_code"] == "header-only" and s["columns"] == ["email"] and "only a header" in s["error"]
    raw = _xlsx([["mail"], ["a@au.com"]], 退会=[["mail"], ["b@au.com"]])
    s = json.loads(web_audit.summary(web_audit.start(raw, {"sheet": "3"})))
    assert s["error_code"] == "xlsx-sheet" and s["sheets"] == ["顧客", "退会"]
    by_name, _, _ = run_page(raw, sheet="退会")
    assert by_name["input"]["sheet"] == "退会" and by_name["rows"] == 1


def test_groups_counted_over_every_row_and_column_note():
    rows = ["氏名,E-mail,連絡先"] + [f"客{i},090-{i:04d},u{i}@docomo.ne.jp" for i in range(120)]
    k = web_audit.MAX_LISTED + 30  # more full-width rows than a group lists
    rows += [f"客X{i},090,ｘ{i}＠gmail.com" for i in range(k)] + ["客Y,090,a@@b.jp"]
    s, _, _ = run_page("\n".join(rows).encode("cp932"), lang="ja")
    assert s["column_note"] and "「E-mail」" in s["column_note"] and "「連絡先」" in s["column_note"]
    groups = s["groups"]
    assert [(g["verdict"], g["codes"], g["count"]) for g in groups] == [
        ("invalid", ["fullwidth"], k), ("invalid", ["multiple-at"], 1), ("at-risk", ["carrier-filter"], 120)]
    assert sum(g["count"] for g in groups) == s["action_count"] == k + 121
    assert len(groups[0]["rows"]) == web_audit.MAX_LISTED and groups[0]["more"] == k - web_audit.MAX_LISTED
    assert groups[2]["reasons"][0]["count"] == 120 and groups[2]["url"] == "/findings/#carrier-filter"
    assert all(set(g) >= {"verdict", "verdict_label", "codes", "title", "count", "reasons", "rows", "more"}
               for g in groups)


def test_the_warm_up_list_is_a_real_list_audited_like_any_other():
    """checker.web.audit.warm_list/warm_up (the worker's idle warm-up): a CP932 list on the data's own domains,
    with the usual mistakes, read and audited in full; warming up changes no later answer."""
    raw = (FIX / "excel_cp932.csv").read_bytes()
    before = run_page(raw, lang="en")
    assert web_audit.warm_up(100) == 100
    summary, report, _ = run_page(web_audit.warm_list(100), lang="ja")
    assert summary["rows"] == 100 and summary["encoding"].startswith("CP932")
    verdicts = {v["verdict"] for v in summary["by_verdict"]}
    assert {"invalid", "at-risk"} <= verdicts and verdicts - {"invalid", "at-risk"}
    codes = {t["code"] for t in summary["top"]}
    assert {"typo", "fullwidth", "display-name"} <= codes
    assert report.count(b"\r\n") == 101
    assert run_page(raw, lang="en") == before


def test_a_count_of_one_reads_singular_in_english():
    """Strings that count rows have a singular sibling ``<key>-one`` (messages/web.toml, audit.toml), with the
    same placeholders; ``text(..., count)`` and the page's ``t(key, params, count)`` take it for 1."""
    from checker.lists.audit import Audit
    from checker.lists.errors import text
    from checker.lists.report import summary_text

    d = default_data()
    singular = [k for k in d.ui if k.endswith("-one")]
    assert len(singular) >= 10
    for key in singular:
        base = key[: -len("-one")]
        assert base in d.ui, key
        for lang in ("ja", "en"):
            assert set(re.findall(r"{(\w+)}", d.ui[key].get(lang))) == set(re.findall(r"{(\w+)}", d.ui[base].get(lang)))
        assert d.ui[key].get("ja") == d.ui[base].get("ja")  # Japanese has one form
        assert " rows" not in d.ui[key].get("en") or "every row" in d.ui[key].get("en")
    assert text(d, "summary-group", "en", 1, verdict="at risk", title="x", n="1").endswith("(1 row)")
    assert text(d, "summary-group", "en", 2, verdict="at risk", title="x", n="2").endswith("(2 rows)")
    a = Audit([b"name,email\r\nA,taro@docomo.ne.jp\r\n"], lang="en")
    for _ in a:
        pass
    out = summary_text(a, "one.csv")
    assert "1 row checked" in out and "1 rows" not in out
    strings = web_audit.page_strings("en")
    assert strings["rows-count-one"] == "{n} row" and strings["summary-reply-blocked-one"].startswith("{n} row:")
