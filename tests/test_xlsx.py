"""checker.lists.xlsx: a sheet's rows in (as the text a CSV export shows), a text-only report workbook out."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from helpers_core import workbook
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.lists import xlsx


def test_first_sheet_by_default_then_by_name_or_number():
    data = workbook(("顧客", [["メールアドレス"], ["a@docomo.ne.jp"]]), ("退会", [["mail"], ["b@au.com"]]))
    sheet = xlsx.read_sheet(data)
    assert (sheet.name, sheet.names, sheet.size) == ("顧客", ["顧客", "退会"], 2)
    assert list(sheet.rows) == [(1, ["メールアドレス"]), (2, ["a@docomo.ne.jp"])]
    assert list(xlsx.read_sheet(data, "退会").rows)[1] == (2, ["b@au.com"])
    assert xlsx.read_sheet(data, "2").name == "退会"
    with pytest.raises(xlsx.XlsxError) as e:
        xlsx.read_sheet(data, "3")
    assert e.value.key == "xlsx-sheet" and e.value.params["sheets"] == ["顧客", "退会"]
    assert e.value.detail == {"sheets": ["顧客", "退会"]}


def test_cells_read_as_a_csv_export_shows_them_and_rows_keep_excel_numbers():
    data = workbook(("s", [["id", "tel", "when", "ok", "mail"],
                           [1, 9012345678, dt.datetime(2026, 11, 29), True, "x@gmail.com"],
                           [2.5, 3.0, dt.datetime(2026, 11, 29, 9, 30), False, None],
                           [],
                           ["", None, None, None, "last@au.com"]]))
    rows = list(xlsx.read_sheet(data).rows)
    assert rows[1] == (2, ["1", "9012345678", "2026-11-29", "TRUE", "x@gmail.com"])
    assert rows[2] == (3, ["2.5", "3", "2026-11-29 09:30:00", "FALSE"])  # trailing empty cells left out
    assert rows[3] == (4, [])  # an empty row keeps its place: line numbers are Excel's row numbers
    assert rows[4] == (5, ["", "", "", "", "last@au.com"])


def test_not_a_workbook():
    for junk in (b"PK\x03\x04 not really a zip", b"", b"a,b\n"):
        with pytest.raises(xlsx.XlsxError) as e:
            xlsx.read_sheet(junk)
        assert e.value.key == "xlsx-unreadable"


def test_report_cells_are_text_never_formulas_and_fit_excel():
    w = xlsx.XlsxWriter("判定結果")
    w.row(["メールアドレス", "判定"])
    w.row(['=HYPERLINK("http://evil.example/","x")', "+1"])
    w.row(["a\x00b\x1fc", "x" * 40000])
    w.row(["=1+1", "012"])
    data = w.finish()
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    assert ws.title == "判定結果" and ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:B4"
    assert ws["A1"].font.b
    assert ws["A2"].value.startswith("=HYPERLINK") and ws["A2"].data_type == "s"
    assert ws["A4"].value == "=1+1" and ws["A4"].data_type == "s" and ws["B4"].value == "012"
    assert ws["A3"].value == "a\\x00b\\x1fc"
    assert len(ws["B3"].value) == xlsx.MAX_CELL and ws["B3"].value.endswith("…")


def test_sheet_title_is_made_legal():
    w = xlsx.XlsxWriter("a/b:c*d?e[f]g\\h and more than thirty-one characters")
    w.row(["x"])
    title = openpyxl.load_workbook(io.BytesIO(w.finish())).active.title
    assert len(title) <= 31 and not set(title) & set("[]:*?/\\")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.text(max_size=30), min_size=1, max_size=5), min_size=1, max_size=8))
def test_round_trip_keeps_every_cell(rows):
    """What the report writes, read back, is the same text (control characters shown as \\xNN, line ends as LF)."""
    w = xlsx.XlsxWriter("r")
    for r in rows:
        w.row(r)
    back = [cells for _, cells in xlsx.read_sheet(w.finish()).rows]
    expected = []
    for r in rows:
        cells = [xlsx.safe_cell(c) for c in r]
        while cells and not cells[-1]:
            cells.pop()
        expected.append(cells)
    assert back == expected
