"""The pure list audit (checker.lists): encodings, delimiters, header and column detection,
malformed lines, every row accounted for, streaming, the in-page Job."""
from __future__ import annotations

import ast
import codecs
import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker import Situation, check, default_data
from checker.lists import report
from checker.lists.audit import Audit
from checker.lists.decode import detect_encoding
from checker.lists.errors import AuditError
from checker.lists.job import Job
from checker.lists.report import CsvWriter

FIX = Path(__file__).parent / "fixtures" / "audit"


def run(name_or_bytes: str | bytes, chunk: int = 1 << 20, **kw):
    raw = (FIX / name_or_bytes).read_bytes() if isinstance(name_or_bytes, str) else name_or_bytes
    a = Audit((raw[i:i + chunk] for i in range(0, len(raw), chunk)), **kw)
    return a, list(a)


@pytest.mark.parametrize("name, encoding, delimiter, header, column, lines", [
    ("excel_cp932.csv", "cp932", ",", True, 1, [2, 3, 4, 5, 6]),
    ("utf8_bom.csv", "utf-8-sig", ",", True, 0, [2, 3, 4]),
    ("crlf.tsv", "utf-8", "\t", True, 2, [2, 3, 4]),
    ("excel_unicode.txt", "utf-16-le", "\t", True, 0, [2, 3]),
    ("semicolon.csv", "utf-8", ";", True, 1, [2, 3, 4]),
    ("headerless.csv", "utf-8", ",", False, 1, [1, 2, 3]),
    ("mac_cr.csv", "utf-8", ",", True, 0, [2, 3]),
])
def test_fixture_is_read_as_people_have_it(name, encoding, delimiter, header, column, lines):
    a, rows = run(name)
    assert a.encoding == encoding
    assert a.delimiter == delimiter
    assert (a.header is not None) is header
    assert a.column == column
    assert [r.line for r in rows] == lines
    assert all(not r.problems for r in rows)
    assert a.summary.rows == len(lines)


def test_a_header_only_file_says_so_instead_of_an_empty_report():
    with pytest.raises(AuditError) as e:
        run("header_only.csv")
    assert e.value.key == "header-only" and e.value.detail == {"columns": ["メールアドレス", "氏名"]}
    assert e.value.message("ja") == "見出しの行（「メールアドレス」, 「氏名」）だけで、調べるデータの行がありません。"
    assert e.value.message("en") == 'There is only a header ("メールアドレス", "氏名"): no rows to check.'
    for raw in (b"email\n", b"email\r\n\r\n\r\n", "名前,メール\n".encode("cp932")):
        with pytest.raises(AuditError) as e:
            run(raw)
        assert e.value.key == "header-only"
    # one line that is an address is a row, not a header
    a, rows = run(b"taro@docomo.ne.jp\n")
    assert a.header is None and [r.line for r in rows] == [1]


def test_the_address_column_is_chosen_by_content_as_well_as_by_header():
    """A header "E-mail" over phone numbers loses to the column where the addresses are, with a note;
    an address header over (some) addresses keeps its column; --column is never overruled."""
    lines = ["氏名,E-mail,連絡先"] + [f"客{i},090-{i:04d}-0000,c{i}@docomo.ne.jp" for i in range(300)]
    raw = "\n".join(lines).encode("cp932")
    a, rows = run(raw)
    assert a.column == 2 and a.column_name == "連絡先" and rows[0].address == "c0@docomo.ne.jp"
    assert a.table.column_note is not None
    note = report.column_note(a)
    assert note is not None and "「E-mail」" in note and "「連絡先」" in note and "3 列目" in note
    assert note in report.summary_text(a, "x.csv") and report.summary_dict(a)["column_note"] == note
    assert not any(r.result.findings and r.result.findings[0].code == "no-at" for r in rows)
    a, _ = run(raw, column="E-mail")  # asked for: obeyed
    assert a.column == 1 and a.table.column_note is None
    # the header's column has addresses (even a few blanks): it stays
    half = ["email,連絡先"] + [f"{f'u{i}@gmail.com' if i % 2 else ''},c{i}@docomo.ne.jp" for i in range(40)]
    a, _ = run("\n".join(half).encode())
    assert a.column == 0 and a.table.column_note is None
    # one stray address elsewhere does not move the column
    a, _ = run(b"email,note\n,see a@b.jp\n,\n")
    assert a.column == 0 and a.table.column_note is None
    en = Audit([raw], lang="en")
    list(en)
    assert report.column_note(en).startswith('The column "E-mail" holds almost no addresses (0 of the first 49 rows)')


def test_cp932_text_is_decoded_not_mangled():
    a, rows = run("excel_cp932.csv")
    assert a.header == ("氏名", "メールアドレス", "電話番号")
    assert rows[0].fields == ("山田 太郎", "taro.yamada@docomo.ne.jp", "090-1111-2222")
    assert rows[3].address == "ｊｉｒｏ＠ｅｚｗｅｂ．ｎｅ．ｊｐ"


def test_small_chunks_give_the_same_rows():
    """Chunk boundaries (inside a CRLF, inside a multibyte character) change nothing."""
    for name in ("excel_cp932.csv", "excel_unicode.txt", "malformed.csv", "mac_cr.csv", "bad_bytes.csv"):
        _, whole = run(name)
        for size in (1, 2, 3, 7):
            _, parts = run(name, chunk=size)
            got = [(r.line, r.fields, r.codes) for r in parts]
            assert got == [(r.line, r.fields, r.codes) for r in whole], (name, size)


def test_malformed_lines_are_kept_with_their_line_numbers():
    a, rows = run("malformed.csv")
    by_line = {r.line: r for r in rows}
    assert sorted(by_line) == [2, 3, 4, 5, 6, 8, 9, 10, 11]
    assert by_line[3].codes[0] == "column-count" and by_line[3].address == "hanako@gmail.com"
    assert "empty" in by_line[4].codes and by_line[4].result.verdict == "invalid"
    assert "empty" in by_line[5].codes and not by_line[5].problems          # a blank line
    assert by_line[6].last_line == 7 and by_line[6].fields[2] == "two\nlines" and not by_line[6].problems
    assert by_line[8].codes[0] == "unterminated-quote"
    assert by_line[8].fields == ("Shiro", "shiro@ybb.ne.jp", "unterminated")
    assert by_line[9].fields == ("Goro", "goro@au.com", "fine")              # not swallowed by line 8
    assert by_line[10].address == "rokuro@nifty.com"                           # shifted by a stray cell
    assert by_line[11].fields == ("Nanako", "nanako@example.jp", "last")     # no final newline
    assert a.summary.problem_count == 3
    assert [r.line for r in a.summary.action] == [r.line for r in rows if not r.arrives]
    assert {2, 4, 5} <= {r.line for r in a.summary.action}  # a carrier at level 7, two empty addresses


def test_every_physical_line_is_accounted_for():
    for name in FIX.iterdir():
        if name.suffix in (".bin", ".xlsx") or name.stat().st_size == 0 or name.name == "header_only.csv":
            continue
        a, rows = run(name.name)
        raw = name.read_bytes()
        text_ = raw.decode(a.encoding, errors="replace")
        physical = len(text_.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n").split("\n"))
        covered = [n for r in rows for n in range(r.line, r.last_line + 1)]
        if a.header is not None:
            covered.insert(0, 1)
        assert covered == list(range(1, physical + 1)), name


def test_undecodable_bytes_are_reported_with_line_and_offset_never_replaced():
    a, rows = run("bad_bytes.csv")
    raw = (FIX / "bad_bytes.csv").read_bytes()
    assert a.encoding == "cp932"
    r2, r3, r4 = rows
    assert r2.line == 2 and r2.codes[0] == "encoding-error"
    (p,) = r2.problems
    offset = dict(p.params)["offset"]
    assert raw[offset:offset + 2] == b"\x81 "
    assert r2.fields[1] == "\\x81 Taro"                  # kept visibly, not replaced by U+FFFD
    assert not r3.problems and r3.fields[1] == "花子"
    assert dict(r4.problems[0].params)["offset"] == raw.index(b"\xff")
    assert "\\xff" in r4.address
    assert "0xFF" in r4.reason("en", a.data)


def test_utf8_file_with_a_later_cp932_line_reports_that_line():
    body = "email,name\n" + "".join(f"u{i}@example.jp,名前{i}\n" for i in range(3000))
    raw = body.encode("utf-8") + "late@example.jp,山田\n".encode("cp932")
    a, rows = run(raw)
    assert a.encoding == "utf-8"
    assert [r.line for r in rows if r.problems] == [3002]


@pytest.mark.parametrize("raw, key", [
    (b"", "empty"), (b"\r\n \n", "empty"), ((FIX / "binary.bin").read_bytes(), "binary"),
    ((FIX / "workbook.xlsx").read_bytes(), "excel"),
    (b"name,phone\nTaro,090\nHanako,080\n", "no-column"),
])
def test_not_a_list_raises_a_localized_error(raw, key):
    with pytest.raises(AuditError) as e:
        Audit([raw])
    assert e.value.key == key
    ja, en = e.value.message("ja"), e.value.message("en")
    assert ja and en and ja != en and "{" not in ja + en


def test_encoding_detection():
    assert detect_encoding(codecs.BOM_UTF8 + b"a") == "utf-8-sig"
    assert detect_encoding(codecs.BOM_UTF16_BE + b"\x00a") == "utf-16-be"
    assert detect_encoding("メール".encode()[:-1]) == "utf-8"   # cut inside a character
    assert detect_encoding("メール".encode("cp932")) == "cp932"


def test_utf16_big_endian():
    raw = codecs.BOM_UTF16_BE + "mail\tname\r\ntaro@docomo.ne.jp\t太郎\r\n".encode("utf-16-be")
    a, rows = run(raw, chunk=3)
    assert a.encoding == "utf-16-be" and [r.fields for r in rows] == [("taro@docomo.ne.jp", "太郎")]


@pytest.mark.parametrize("header, expected", [
    ("E-Mail", 1), ("ｅｍａｉｌ", 1), ("メールアドレス", 1), ("ﾒｰﾙｱﾄﾞﾚｽ", 1), ("Ｅメール", 1),
    ("メール", 1), ("アドレス", 1), ("mail", 1), ("連絡先メールアドレス", 1), ("E-mail Address", 1),
])
def test_header_names(header, expected):
    a, rows = run(f"name,{header},tel\nTaro,taro@docomo.ne.jp,090\n".encode())
    assert a.header is not None and a.column == expected and rows[0].address == "taro@docomo.ne.jp"


def test_the_address_header_wins_over_a_weaker_name():
    a, _ = run("アドレス,Eメール\nx@example.jp,y@example.jp\n".encode())
    assert a.column == 1


def test_unknown_header_and_column_by_content():
    a, rows = run(b"Name,Contact\nTaro,taro@docomo.ne.jp\nHanako,hanako@gmail.com\n")
    assert a.header == ("Name", "Contact") and a.column == 1 and len(rows) == 2


def test_column_option_by_name_and_number():
    raw = b"pc,mobile\na@example.jp,b@docomo.ne.jp\n"
    assert run(raw, column="mobile")[1][0].address == "b@docomo.ne.jp"
    assert run(raw, column="ＭＯＢＩＬＥ")[1][0].address == "b@docomo.ne.jp"
    a, rows = run(raw, column="2")
    assert a.header is not None and rows[0].address == "b@docomo.ne.jp"
    a, rows = run(b"a@example.jp,b@docomo.ne.jp\n", column="2")
    assert a.header is None and rows[0].line == 1 and rows[0].address == "b@docomo.ne.jp"
    with pytest.raises(AuditError) as e:
        run(raw, column="携帯")
    assert e.value.key == "column-not-found" and "mobile" in e.value.message("en")
    with pytest.raises(AuditError) as e:
        run(raw, column="3")
    assert e.value.key == "column-range"


def test_results_are_the_checkers_results():
    from checker import Situation
    sit = Situation(level=5, links=True)
    a, rows = run("excel_cp932.csv", situation=sit, lang="en")
    for r in rows:
        assert r.result == check(r.address, situation=sit, lang="en")


def test_output_cells_line_up_and_keep_everything():
    a, rows = run("malformed.csv", lang="en")
    header = report.header(a)
    assert header[:3] == ["name", "email", "memo"]
    assert header[3:] == ["verdict", "reply", "category", "provider", "findings", "suggestion", "reason", "extra cells"]
    labels = {v: default_data().ui[f"audit.verdict-{v}"].en for v in ("deliver", "spam-folder", "at-risk", "block",
                                                                     "invalid")}
    assert labels["at-risk"] == "at risk"  # words, not codes
    for r in rows:
        cells = report.cells(a, r)
        assert len(cells) == len(header)  # every cell has a header, an over-long row's surplus too
        assert cells[3] == labels[r.result.verdict] and cells[4] == labels[r.result.reply]
        assert cells[7] == " ".join(r.codes)
        surplus = cells[10].split(",") if cells[10] else []
        assert [c for c in cells[:3] + surplus if c] == [f for f in r.fields if f]  # nothing dropped
    long = [r for r in rows if len(r.fields) > 3]
    assert long and report.cells(a, long[0])[10] == ",".join(long[0].fields[3:])
    ja = Audit([(FIX / "malformed.csv").read_bytes()], lang="ja")
    assert report.header(ja)[3:] == ["判定", "返信の判定", "メールの種類", "事業者", "検出コード", "修正候補",
                                     "理由", "はみ出したセル"]


def test_a_japanese_report_is_japanese_and_json_lines_keep_the_codes():
    """判定, メールの種類, 事業者 in words of the report's language; JSON Lines keep codes under check --json's keys."""
    raw = "名前,メール\n太郎,taro@docomo.ne.jp\n花子,hanako@gmail.com\n次郎,ｊｉｒｏ@example.co.jp\n".encode("cp932")
    for lang in ("ja", "en"):
        a, rows = run(raw, lang=lang)
        data = default_data()
        for r in rows:
            cells = report.cells(a, r)
            res = r.result
            assert cells[2] == data.ui[f"audit.verdict-{res.verdict}"].get(lang)
            assert cells[3] == data.ui[f"audit.verdict-{res.reply}"].get(lang)
            assert cells[4] == (data.categories[res.category].name.get(lang) if res.category else "")
            assert cells[5] == (data.provider(res.provider).name.get(lang) if res.provider else "")
            rec = report.json_record(a, r)
            expected = check(r.address, lang=lang).to_dict()
            for key in ("input", "address", "valid", "category", "provider", "level", "verdict", "reply", "suggestion"):
                assert rec[key] == expected[key], key
            assert rec["codes"] == [f["code"] for f in expected["findings"]]
    a, rows = run(raw, lang="ja")
    assert [report.cells(a, r)[2:6] for r in rows][:2] == [
        ["届かないおそれ", "届く", "キャリアメール", "ドコモメール（NTTドコモ）"],
        [default_data().ui["audit.verdict-spam-folder"].ja, "届く", "フリーメール", "Gmail（Google）"]]


def test_csv_writer_round_trips():
    w = CsvWriter()
    cells = ["a,b", 'say "hi"', "two\nlines", "メール", ""]
    assert next(csv.reader(io.StringIO(w.line(cells)))) == cells


def test_summary_counts_add_up_and_lists_are_bounded():
    lines = ["email"] + [f"user{i}@docomo.ne.jp" if i % 3 else "" for i in range(300)]
    a, rows = run("\n".join(lines).encode(), max_listed=5)
    s = a.summary
    assert s.rows == 300 == sum(s.by_verdict.values()) == sum(s.by_category.values())
    assert s.action_count == 300 - s.arriving and len(s.action) == 5
    assert [r.line for r in s.action] == [2, 3, 4, 5, 6]
    d = report.summary_dict(a)
    assert d["action_count"] == s.action_count and len(d["action"]) == 5
    assert {e["code"] for e in d["top"]} >= {"empty"}
    # grouped by problem over EVERY row, the worst first; each group's rows bounded
    groups = d["groups"]
    assert sum(g["count"] for g in groups) == s.action_count == 300
    assert [(g["verdict"], g["codes"], g["count"]) for g in groups] == [
        ("invalid", ["empty"], 100), ("at-risk", ["carrier-filter"], 200)]
    assert all(len(g["rows"]) == 5 and g["more"] == g["count"] - 5 for g in groups)
    assert groups[1]["reasons"] == [{"reason": rows[1].reason("ja", a.data), "count": 200}]
    txt = report.summary_text(a, "x.csv")
    invalid = a.data.ui["audit.verdict-invalid"].ja
    assert f"{invalid}: アドレスが空です（100 行）" in txt and "ほか 195 行" in txt
    assert txt.index(f"{invalid}:") < txt.index("届かないおそれ:")
    assert txt.count(rows[1].reason("ja", a.data)) == 1  # 200 identical reasons, said once
    assert s.reply_blocked == 0


def test_blocked_replies_are_counted_apart_from_what_would_not_arrive():
    """At level 4 every reply is refused unless allowlisted: counted and said, never as "would not arrive"."""
    lines = b"email\nb@gmail.com\nc@gmail.com\ntaro@docomo.ne.jp\nnot-an-address\n"
    for sit, blocked in ((Situation(level=4), 3), (Situation(level=4, reply_allowlisted=True), 0)):
        a, rows = run(lines, situation=sit, lang="en")
        s, alone = a.summary, run(lines, lang="en")[0].summary
        assert [r.result.reply for r in rows].count("block") == s.reply_blocked == blocked
        assert (s.arriving, s.action_count, s.by_verdict) == (alone.arriving, alone.action_count, alone.by_verdict)
        assert report.summary_dict(a)["reply_blocked"] == blocked
        assert (f"{blocked} rows: your own server would refuse" in report.summary_text(a)) == bool(blocked)


def test_streaming_reads_only_what_it_needs():
    """Rows come out before the whole input is read: memory stays bounded for any length."""
    pulled = 0

    def chunks():
        nonlocal pulled
        yield b"email\n"
        for i in range(10_000):
            pulled += 1
            yield b"".join(b"u%d_%d@example.jp\n" % (i, j) for j in range(100))

    a = Audit(chunks())
    it = iter(a)
    for _ in range(5000):
        next(it)
    assert pulled < 200  # 5,000 rows read from about 50 chunks of 100, plus the sample


def test_duplicates_are_computed_once():
    a, rows = run(("email\n" + "taro@docomo.ne.jp\n" * 1000).encode())
    assert len(rows) == 1000 and len({id(r.result) for r in rows}) == 1


def test_job_for_the_page():
    raw = (FIX / "excel_cp932.csv").read_bytes()
    job = Job(raw, lang="en", level=7)
    progress = [job.step(2) for _ in range(4)]
    assert [p["rows"] for p in progress] == [2, 4, 5, 5]
    assert progress[-1]["done"] and progress[-1]["bytes"] == len(raw)
    assert progress[0]["bytes"] < progress[1]["bytes"] < len(raw)
    report = job.report()
    assert report.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(report.decode("utf-8-sig"))))
    assert len(rows) == 6 and rows[0][3] == "verdict" and rows[1][1] == "taro.yamada@docomo.ne.jp"
    summary = job.summary()
    assert summary is not None and summary["rows"] == 5


def test_job_error_is_a_message_not_an_exception():
    job = Job(b"\x00\x01\x02", lang="ja")
    assert job.step()["done"] and job.error is not None and "テキスト" in job.error
    assert job.summary() is None


cell = st.text(alphabet='ab@.あメ ,"\n', max_size=8)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(rows=st.lists(st.lists(cell, min_size=3, max_size=3), min_size=1, max_size=30),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp932", "utf-16"]),
       eol=st.sampled_from(["\n", "\r\n"]), chunk=st.integers(1, 64))
def test_any_csv_reads_back_exactly(rows, encoding, eol, chunk):
    """What Python's csv module writes, the audit reads back cell for cell, row for row."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=eol)
    w.writerow(["name", "email", "note"])
    w.writerows(rows)
    raw = buf.getvalue().encode(encoding)
    a, out = run(raw, chunk=chunk, column="email")  # (the column's choice by content has its own tests)
    assert a.header == ("name", "email", "note") and a.column == 1
    expected = [tuple(r) if r != ["", "", ""] else ("", "", "") for r in rows]
    assert [r.fields for r in out] == expected
    assert all(not r.problems for r in out)


@pytest.mark.parametrize("path", sorted((Path(__file__).parent.parent / "checker" / "lists").glob("*.py")),
                         ids=lambda p: p.name)
def test_core_module_does_no_io(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
                for a in n.names} | {n.module.split(".")[0] for n in ast.walk(tree)
                                      if isinstance(n, ast.ImportFrom) and n.module}
    assert not names & {"open", "print", "input"}
    assert not imported & {"os", "sys", "time", "random", "socket", "pathlib", "datetime"}
    assert default_data().ui["audit.col-verdict"].en == "verdict"


def _reference_lines(raw: bytes, encoding: str) -> list[tuple]:
    """Line by line, the slow and obvious way: what the bulk-decoding reader must give."""
    from checker.lists.decode import decode as _decode

    enc = "utf-8" if encoding == "utf-8-sig" else encoding
    out, offset = [], 0
    for n, piece in enumerate(raw.splitlines(keepends=True), 1):
        offset += len(piece)
        txt, bad = _decode(piece.rstrip(b"\r\n"), enc)
        out.append((n, txt, tuple((offset - len(piece) + o, b) for o, b in bad), offset))
    return out


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(st.sampled_from([b"a", b"\r", b"\n", b"\r\n", "日".encode("cp932"), "日".encode(),
                                       b"\x80", b"\xff", b'"', b",", "\ufeff".encode("utf-8")]), max_size=60),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp932"]), chunk=st.integers(1, 9),
       sample=st.sampled_from([1, 4, 16, 1 << 16]))
def test_bulk_line_reader_equals_line_by_line(parts, encoding, chunk, sample):
    """Whole buffers are decoded at once when they can be; line numbers, text, undecodable bytes and
    byte offsets are the same as decoding each line alone, whatever the chunks and buffer sizes
    (CRLF split across chunks, lone CRs, bad bytes, a U+FEFF inside the file)."""
    import checker.lists.decode as audit_mod

    raw = b"".join(parts)
    old = audit_mod.SAMPLE_BYTES
    audit_mod.SAMPLE_BYTES = sample
    try:
        it = iter([raw[i:i + chunk] for i in range(0, len(raw), chunk)])
        got = list(audit_mod.lines_8bit(it, b"", encoding, 0))
    finally:
        audit_mod.SAMPLE_BYTES = old
    assert got == _reference_lines(raw, encoding)


def test_a_cr_only_file_is_streamed_not_buffered_whole():
    """Old Mac line ends (CR only) are still read a buffer at a time."""
    import checker.lists.decode as audit_mod

    raw = b"email\r" + b"taro@docomo.ne.jp\r" * 50_000
    seen = []

    def chunks():
        for i in range(0, len(raw), 4096):
            seen.append(i)
            yield raw[i:i + 4096]

    lines = audit_mod.lines_8bit(chunks(), b"", "utf-8", 0)
    for n, ln in enumerate(lines, 1):  # noqa: B007 (the last line read is checked below)
        if n == 20_000:
            break
    assert ln[1] == "taro@docomo.ne.jp" and ln[3] == 6 + 18 * 19_999
    assert len(seen) * 4096 < len(raw) // 2


def test_summary_counts_unknown_company_domains_as_unknown():
    data = default_data()
    a, rows = run(b"email\ntaro@example.co.jp\nhanako@shop.example\njiro@docomo.ne.jp\n", lang="en")
    assert [r.result.category for r in rows] == ["unknown", "unknown", "carrier"]
    d = report.summary_dict(a)
    by = {e["category"]: e for e in d["by_category"]}
    assert by["unknown"]["count"] == 2 and by["unknown"]["label"] == data.categories["unknown"].name.en
    assert "domain" not in by
    assert data.categories["unknown"].name.en in report.summary_text(a, "x.csv")
