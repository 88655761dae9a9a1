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
    assert rows[0] == ["name", "email", "memo", "verdict", "reply", "category", "provider",
                       "findings", "suggestion", "reason"]
    assert [r[0] for r in rows[1:]] == ["Taro", "Hanako", "Jiro", "", "Saburo", "Shiro", "Goro", "Rokuro", "Nanako"]
    assert rows[5][2] == "two\nlines"
    assert rows[6][7].split()[0] == "unterminated-quote"
    assert rows[8][-1] == "x"                 # the surplus cell is kept, after our columns
    assert "9 rows checked" in stdout and "line 8" in stdout and "Report:" in stdout


def test_jsonl_report_parses_back(tmp_path):
    out = tmp_path / "report.jsonl"
    code, stdout, _ = cli(str(FIX / "excel_cp932.csv"), "-o", str(out))
    assert code == 1
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in recs] == [2, 3, 4, 5, 6]
    assert recs[0]["fields"] == ["山田 太郎", "taro.yamada@docomo.ne.jp", "090-1111-2222"]
    assert recs[0]["verdict"] == "at-risk" and recs[0]["category"] == "carrier"
    assert all(set(r) == {"line", "fields", "address", "verdict", "reply", "category", "provider",
                          "findings", "suggestion", "reason"} for r in recs)
    assert "5 行を確認しました" in stdout


def test_report_to_stdout_moves_the_summary_to_stderr():
    code, stdout, stderr = cli(str(FIX / "crlf.tsv"), "-o", "-", "--lang", "en")
    assert code == 0
    rows = list(csv.reader(io.StringIO(stdout)))
    assert len(rows) == 4 and [r[3] for r in rows[1:]] == ["deliver", "deliver", "spam-folder"]
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
    ([], "入力ファイルを指定", "Give an input file"),
    (["a.csv", "b.csv"], "1 つだけ", "Only one input"),
    (["a.csv", "--level", "11"], "1 から 10", "1 to 10"),
    (["a.csv", "--level"], "値が必要", "needs a value"),
    (["a.csv", "--bogus"], "知らないオプション", "Unknown option"),
    (["a.csv", "--format", "xml"], "csv か jsonl", "csv or jsonl"),
])
def test_usage_errors_are_localized(argv, ja, en):
    for lang, word in (("ja", ja), ("en", en)):
        code, stdout, stderr = cli("--lang", lang, *argv)
        assert code == 2 and word in stderr and ("使い方" in stderr if lang == "ja" else "usage" in stderr)


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
        assert rec["verdict"] == check(rec["address"], situation=sit).verdict


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
