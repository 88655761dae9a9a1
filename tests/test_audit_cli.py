"""``python -m checker audit``: the shell. Outputs parsed back, exit codes, localized errors,
the progress bar on a terminal (pty) and its absence otherwise."""
from __future__ import annotations

import csv
import io
import json
import os
import pty
import select
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from checker.cli.audit import main

FIX = Path(__file__).parent / "fixtures" / "audit"
ROOT = Path(__file__).parent.parent


def cli(*argv: str, stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdin=io.BytesIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def proc(*argv: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "checker", "audit", *argv], capture_output=True,
                          cwd=ROOT, timeout=120, **kw)


def test_csv_report_has_every_row_in_order_with_a_bom(tmp_path):
    out = tmp_path / "report.csv"
    code, stdout, stderr = cli(str(FIX / "malformed.csv"), "-o", str(out), "--lang", "en")
    assert code == 1 and stderr == ""
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["name", "email", "memo", "verdict", "reply", "category", "provider", "findings",
                       "suggestion", "reason", "extra cells"]
    assert [r[0] for r in rows[1:]] == ["Taro", "Hanako", "Jiro", "", "Saburo", "Shiro", "Goro", "Rokuro", "Nanako"]
    assert rows[5][2] == "two\nlines"
    assert rows[6][7].split()[0] == "unterminated-quote"
    assert rows[8][-1] == "x" and len(rows[8]) == len(rows[0])  # the surplus cell is kept, under a header
    assert "9 rows checked" in stdout and "line 8" in stdout and "Report:" in stdout


def test_jsonl_report_parses_back(tmp_path):
    out = tmp_path / "report.jsonl"
    code, stdout, _ = cli(str(FIX / "excel_cp932.csv"), "-o", str(out))
    assert code == 1
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in recs] == [2, 3, 4, 5, 6]
    assert recs[0]["fields"] == ["山田 太郎", "taro.yamada@docomo.ne.jp", "090-1111-2222"]
    assert recs[0]["verdict"] == "at-risk" and recs[0]["category"] == "carrier"
    assert all(list(r) == ["line", "fields", "input", "address", "valid", "category", "provider", "level",
                           "verdict", "reply", "codes", "suggestion", "reason"] for r in recs)
    assert "5 行を確認しました" in stdout


def test_report_to_stdout_moves_the_summary_to_stderr():
    code, stdout, stderr = cli(str(FIX / "crlf.tsv"), "-o", "-", "--lang", "en")
    assert code == 0
    rows = list(csv.reader(io.StringIO(stdout)))
    assert len(rows) == 4 and [r[3] for r in rows[1:]] == ["arrives", "arrives", "spam folder"]
    assert "3 rows checked" in stderr and "Every address" in stderr


def test_stdin_input():
    code, stdout, _ = cli("-", "--format", "jsonl", "-o", "-", stdin=b"mail\ntaro@docomo.ne.jp\n")
    assert code == 1 and json.loads(stdout)["provider"] == "docomo"


def test_no_output_prints_only_the_summary(tmp_path):
    code, stdout, stderr = cli(str(FIX / "headerless.csv"), "--lang", "en")
    assert code == 1 and stderr == ""
    assert "column 2 (no header)" in stdout and "line 1" in stdout
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv, ja, en", [
    (["nope.csv"], "ファイルが見つかりません", "No such file"),
    ([str(FIX)], "フォルダです", "folder"),
    ([str(FIX / "binary.bin")], "テキスト", "text (CSV or TSV)"),
    ([str(FIX / "workbook.xlsx")], "Excel", "Excel workbook"),
    ([str(FIX / "empty.csv")], "空", "empty"),
    ([str(FIX / "crlf.tsv"), "--column", "nope"], "列「nope」", 'No column "nope"'),
])
def test_unreadable_input_exits_2_with_a_localized_message(argv, ja, en):
    for lang, word in (("ja", ja), ("en", en)):
        code, stdout, stderr = cli(*argv, "--lang", lang)
        assert code == 2 and stdout == "" and word in stderr, (lang, stderr)
        assert "Traceback" not in stderr and stderr.count("\n") == 1


@pytest.mark.parametrize("argv, ja, en", [
    ([], "入力ファイルがありません", "No input file"),
    (["a.csv", "b.csv"], "1 つだけ", "Only one input"),
    (["a.csv", "--level", "11"], "1〜10", "1 to 10"),
    (["a.csv", "--level"], "値が必要", "needs a value"),
    (["a.csv", "--bogus"], "「--bogus」というオプションはありません", "There is no option “--bogus”"),
    (["a.csv", "--format", "xml"], "csv、xlsx、jsonl", "csv, xlsx or jsonl"),
    (["a.csv", "--links=yes"], "値を付けません", "takes no value"),
])
def test_usage_errors_are_localized(argv, ja, en):
    for lang, word in (("ja", ja), ("en", en)):
        code, stdout, stderr = cli("--lang", lang, *argv)
        first, hint = stderr.splitlines()
        assert code == 2 and word in first and first.startswith("エラー: " if lang == "ja" else "Error: ")
        assert hint == ("使い方は python -m checker audit --help で確認できます。" if lang == "ja"
                        else "See python -m checker audit --help for usage.")


def test_bad_lang_and_help():
    code, _, stderr = cli("a.csv", "--lang", "fr")
    assert code == 2 and "--lang" in stderr
    code, stdout, _ = cli("--help", "--lang", "en")
    assert code == 0 and "Exit status" in stdout and "--column" in stdout


def test_output_over_the_input_is_refused(tmp_path):
    f = tmp_path / "list.csv"
    f.write_bytes((FIX / "utf8_bom.csv").read_bytes())
    code, _, stderr = cli(str(f), "-o", str(f), "--lang", "en")
    assert code == 2 and "input file itself" in stderr
    assert f.read_bytes() == (FIX / "utf8_bom.csv").read_bytes()


def test_unwritable_output(tmp_path):
    code, _, stderr = cli(str(FIX / "utf8_bom.csv"), "-o", str(tmp_path / "no" / "dir.csv"), "--lang", "en")
    assert code == 2 and "Cannot write" in stderr


def test_options_reach_the_checker(tmp_path):
    out = tmp_path / "r.jsonl"
    cli(str(FIX / "excel_cp932.csv"), "-o", str(out), "--level", "3", "--links", "--attachments",
        "--allowlisted", "--column", "2")
    from checker import Situation, check
    sit = Situation(level=3, links=True, attachments=True, allowlisted=True)
    for rec in map(json.loads, out.read_text(encoding="utf-8").splitlines()):
        assert rec["verdict"] == check(rec["input"], situation=sit).verdict


def test_whole_process_exit_codes():
    assert proc(str(FIX / "crlf.tsv")).returncode == 0
    assert proc(str(FIX / "excel_cp932.csv")).returncode == 1
    p = proc("missing.csv", "--lang", "en")
    assert p.returncode == 2 and b"Traceback" not in p.stderr and b"No such file" in p.stderr


def _big_list(tmp_path: Path, n: int = 60_000) -> Path:
    f = tmp_path / "big.csv"
    f.write_text("email\n" + "".join(f"user{i}@example{i % 97}.co.jp\n" for i in range(n)), encoding="utf-8")
    return f


def test_progress_bar_on_a_terminal(tmp_path):
    """stderr is a pty: the bar is drawn (percentage and rows/s) and erased at the end."""
    big = _big_list(tmp_path)
    master, slave = pty.openpty()
    p = subprocess.Popen([sys.executable, "-m", "checker", "audit", str(big), "-o", str(tmp_path / "r.csv"),
                          "--lang", "en"], cwd=ROOT, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    seen = b""
    while True:
        r, _, _ = select.select([master], [], [], 60)
        if not r:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the pty
            break
        if not chunk:
            break
        seen += chunk
    stdout = p.communicate(timeout=60)[0]
    os.close(master)
    assert p.returncode == 0
    assert b"rows/s" in seen and b"%" in seen and b"[###" in seen
    assert seen.endswith(b"\r\x1b[K")          # erased, so the terminal is left clean
    assert b"60,000 rows checked" in stdout


def test_no_progress_bar_when_not_a_terminal(tmp_path):
    big = _big_list(tmp_path)
    p = proc(str(big), "-o", str(tmp_path / "r.csv"), "--lang", "en")
    assert p.returncode == 0 and p.stderr == b""
    assert b"60,000 rows checked" in p.stdout


def test_reply_allowlisted_and_the_blocked_replies_count(tmp_path):
    out = tmp_path / "r.jsonl"
    code4, stdout, _ = cli(str(FIX / "excel_cp932.csv"), "--level", "4", "-o", str(out), "--lang", "en")
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    blocked = sum(r["reply"] == "block" for r in recs)
    assert blocked and f"{blocked} rows: your own server would refuse" in stdout
    code7, _, _ = cli(str(FIX / "excel_cp932.csv"), "--lang", "en")
    assert code4 == code7  # the exit status follows the verdict only
    _, stdout, _ = cli(str(FIX / "excel_cp932.csv"), "--level", "4", "--reply-allowlisted", "--lang", "en")
    assert "your own server would refuse" not in stdout


# ------------------------------------------------------------------ Excel in, Excel out (issue 13)

def _workbook(path: Path, sheets: Mapping[str, Sequence[Sequence[object]]]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


CUSTOMERS = [["会員番号", "氏名", "E-mail", "連絡先"]] + [
    [1000 + i, f"客{i}", f"090-{i:04d}-0000", f"c{i}@docomo.ne.jp" if i % 4 else f"ｃ{i}＠gmail.com"]
    for i in range(40)]


def test_xlsx_in_xlsx_out_round_trip(tmp_path):
    """A client's Excel list in; an Excel report out with every row in order, our columns in Japanese,
    the address column found by its content (the E-mail header is over phone numbers), numbers as Excel
    showed them, a filter on the header."""
    import openpyxl

    src = _workbook(tmp_path / "顧客.xlsx", {"顧客一覧": CUSTOMERS, "退会": [["mail"], ["gone@au.com"]]})
    out = tmp_path / "判定結果.xlsx"
    code, stdout, stderr = cli(str(src), "-o", str(out))
    assert code == 1 and stderr == ""
    assert "Excel のシート「顧客一覧」、アドレスの列 「連絡先」（4 列目）" in stdout
    assert "見出し「E-mail」の列にはアドレスがほとんどありません" in stdout
    assert out.read_bytes()[:4] == b"PK\x03\x04"  # a workbook, never CSV text
    ws = openpyxl.load_workbook(out).active
    rows = [[c if c is not None else "" for c in r] for r in ws.iter_rows(values_only=True)]
    assert rows[0] == ["会員番号", "氏名", "E-mail", "連絡先", "判定", "返信の判定", "メールの種類", "事業者",
                       "検出コード", "修正候補", "理由", "はみ出したセル"]
    assert len(rows) == 41 and [r[0] for r in rows[1:]] == [str(1000 + i) for i in range(40)]
    assert rows[1][3:5] == ["ｃ0＠gmail.com", "アドレスの誤り"] and rows[1][6:9] == ["", "", "fullwidth"]
    assert rows[1][9] == "c0@gmail.com"
    assert rows[2][4:8] == ["届かないおそれ", "届く", "キャリアメール", "ドコモメール（NTTドコモ）"]
    assert ws.auto_filter.ref == "A1:L41" and ws.freeze_panes == "A2"
    # the same list in English, from the second sheet by name and by number
    for sheet in ("退会", "2"):
        out_en = tmp_path / f"report-{sheet}.xlsx"
        code, stdout, _ = cli(str(src), "--sheet", sheet, "-o", str(out_en), "--lang", "en")
        assert 'Excel sheet "退会"' in stdout
        en = [list(r) for r in openpyxl.load_workbook(out_en).active.iter_rows(values_only=True)]
        assert en[0][:5] == ["mail", "verdict", "reply", "category", "provider"]
        assert en[1][:5] == ["gone@au.com", "at risk", "arrives", "Carrier mail", "au mail (KDDI)"]


def test_xlsx_input_to_csv_and_jsonl(tmp_path):
    src = _workbook(tmp_path / "list.xlsx", {"s": CUSTOMERS})
    code, stdout, _ = cli(str(src), "-o", "-", "--lang", "en")
    rows = list(csv.reader(io.StringIO(stdout)))
    assert rows[0][4] == "verdict" and len(rows) == 41
    out = tmp_path / "r.jsonl"
    cli(str(src), "-o", str(out))
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in recs] == list(range(2, 42))  # Excel's row numbers
    assert recs[0]["verdict"] == "invalid" and recs[0]["codes"] == ["fullwidth"]


@pytest.mark.parametrize("argv, ja, en", [
    (["-o", "{tmp}/r.xlsx", "--format", "csv"], "食い違って", "contradicts"),
    (["-o", "{tmp}/r.xlsx", "--format", "jsonl"], "食い違って", "contradicts"),
    (["-o", "{tmp}/r.xls"], ".xls には書き出せません", "Cannot write the old .xls"),
    (["--format", "xlsx"], "標準出力には書き出せません", "cannot go to standard output"),
    (["-o", "-", "--format", "xlsx"], "標準出力には書き出せません", "cannot go to standard output"),
])
def test_never_csv_text_in_an_xlsx(tmp_path, argv, ja, en):
    for lang, word in (("ja", ja), ("en", en)):
        code, stdout, stderr = cli(str(FIX / "crlf.tsv"), *[a.format(tmp=tmp_path) for a in argv], "--lang", lang)
        assert code == 2 and word in stderr and stdout == ""
    assert not any(p.suffix in (".xlsx", ".xls") for p in tmp_path.iterdir())


def test_csv_input_with_an_xlsx_report(tmp_path):
    import openpyxl

    out = tmp_path / "r.xlsx"
    code, _, _ = cli(str(FIX / "excel_cp932.csv"), "-o", str(out))
    assert code == 1
    ws = openpyxl.load_workbook(out).active
    assert ws["D1"].value == "判定" and ws["B2"].value == "taro.yamada@docomo.ne.jp"
    assert ws["D2"].value == "届かないおそれ"


@pytest.mark.parametrize("sheets, key, ja, en", [
    ({"s": [["メールアドレス", "氏名"]]}, None, "見出しの行（「メールアドレス」, 「氏名」）だけ",
     'only a header ("メールアドレス", "氏名")'),
    ({"s": [["氏名", "電話"], ["山田", "090"], ["佐藤", "080"]]}, None, "メールアドレスの列が見つかりません",
     "No e-mail address column"),
    ({"a": [["mail"], ["x@au.com"]]}, "b", "シート「b」がありません。シート: 「a」", 'No sheet "b". Sheets: "a"'),
    ({"a": [["mail"], ["x@au.com"]]}, "0", "シート「0」がありません", 'No sheet "0"'),
])
def test_unusable_workbooks_say_why(tmp_path, sheets, key, ja, en):
    src = _workbook(tmp_path / "w.xlsx", sheets)
    out = tmp_path / "r.xlsx"
    for lang, word in (("ja", ja), ("en", en)):
        argv = [str(src), "-o", str(out), "--lang", lang] + (["--sheet", key] if key else [])
        code, stdout, stderr = cli(*argv)
        assert code == 2 and stdout == "" and word in stderr, stderr
    assert not out.exists()  # no empty report offered


def test_header_only_csv_writes_no_report(tmp_path):
    out = tmp_path / "r.csv"
    code, stdout, stderr = cli(str(FIX / "header_only.csv"), "-o", str(out), "--lang", "en")
    assert code == 2 and "only a header" in stderr and not out.exists()


def test_summary_groups_the_rows_that_need_action(tmp_path):
    lines = (["email"] + [f"u{i}@docomo.ne.jp" for i in range(30)] + ["bad@@x.jp"] * 3
             + [f"v{i}@au.com" for i in range(5)])
    f = tmp_path / "l.csv"
    f.write_text("\n".join(lines), encoding="utf-8")
    code, stdout, _ = cli(str(f), "--lang", "en")
    assert code == 1
    action = stdout.split("Rows that need action (38)\n")[1]
    assert action.index("invalid address:") < action.index("at risk:")
    assert "at risk: " in action and "(35 rows)" in action
    from checker import check
    docomo = " ".join(f.message for f in check("u0@docomo.ne.jp", lang="en").findings)
    au = " ".join(f.message for f in check("v0@au.com", lang="en").findings)
    assert f"  30 rows  {docomo}" in action and f"  5 rows  {au}" in action
    assert action.count(docomo) == 1 and "and 30 more" in action  # 30 identical reasons: said once, counted
