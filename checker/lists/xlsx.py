"""Excel workbooks (.xlsx) as lists: a sheet's rows in, a report's rows out.

The one module of ``checker`` that needs a package outside the standard library: openpyxl (pinned in
requirements-dev.txt; in the page its pure wheels are served by the site and installed from there). It is
imported inside the functions, only when a workbook is read or written, so the rest of the package, and
the audit itself, stay stdlib-only (tests/test_purity.py allows openpyxl here only, only inside functions).
Bytes in, bytes out: no file is opened here, the shells do that::

    >>> sheet = read_sheet(workbook_bytes)        # the first sheet (or by name or 1-based number: "2")
    >>> sheet.name, sheet.names, sheet.size      # its name, every sheet's name, its last row's number
    >>> for number, cells in sheet.rows: ...     # every row, numbered as Excel numbers it
    >>> w = XlsxWriter("判定結果"); w.row(["メールアドレス", "判定"]); data = w.finish()

Cells are read as the text Excel shows for plain values (numbers without a trailing ``.0``, dates as
``2026-11-29``, ``TRUE``/``FALSE``); formulas give their last computed value. Every cell of a report is
written as text, never as a formula (a cell ``=HYPERLINK(...)`` stays text), with the characters Excel
refuses shown as ``\\xNN`` and cells cut at Excel's limit of 32,767 characters.
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

#: what an .xlsx file (a zip archive) starts with
ZIP_MAGIC = b"PK\x03\x04"
#: Excel's limit on the characters in one cell
MAX_CELL = 32767
#: the characters an .xlsx cell cannot hold (XML 1.0 forbids them)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: what safe_cell changes
_NEEDS_CARE = re.compile(r"[\x00-\x08\x0b\x0c\x0d\x0e-\x1f]")


class XlsxError(Exception):
    """A workbook that cannot be read as a list. ``key`` names the message ``error-<key>`` in
    ``messages/audit.toml`` (``xlsx-unreadable``, ``xlsx-sheet``, ``xlsx-missing``); ``params`` fill it in;
    ``detail`` is plain data for a way out (``sheets``: every sheet's name)."""

    def __init__(self, key: str, *, detail: dict[str, object] | None = None, **params: object) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params
        self.detail = detail or {}


@dataclass
class Sheet:
    """One sheet of a workbook: its name, the names of every sheet, the number of its last row (None when
    the workbook does not say) and its rows, ``(row number, cells)``, read as they are iterated."""

    name: str
    names: list[str]
    size: int | None
    rows: Iterator[tuple[int, list[str]]] = field(repr=False)


def available() -> bool:
    """Whether openpyxl can be imported here."""
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        return False
    return True


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - pinned in requirements-dev.txt and served to the page
        raise XlsxError("xlsx-missing") from None
    return openpyxl


def cell_text(value: object) -> str:
    """A cell's value as the text of a CSV export."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    # dates and times (duck-typed: this module imports no clock module): a datetime at midnight is a date
    if hasattr(value, "hour") and hasattr(value, "date"):
        v: Any = value
        if (v.hour, v.minute, v.second, v.microsecond) == (0, 0, 0, 0):
            return str(v.date().isoformat())
        return str(v.isoformat(sep=" "))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())  # a date or a time
    return str(value)  # a duration (timedelta) and anything else


def read_sheet(content: bytes, sheet: str | None = None) -> Sheet:
    """The sheet ``sheet`` (a name, or a 1-based number as a string; None: the first) of a workbook.

    Its rows come as ``(row number, cells)``, every row from the first to the last used one (empty rows as
    ``[]``), trailing empty cells left out. Raises XlsxError."""
    openpyxl = _openpyxl()
    try:
        wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds (zip, XML, KeyError) for a bad file
        raise XlsxError("xlsx-unreadable") from None
    names = list(wb.sheetnames)
    if not names:
        wb.close()
        raise XlsxError("xlsx-unreadable")
    if sheet is None:
        index = 0
    else:
        wanted = sheet.strip()
        if wanted in names:
            index = names.index(wanted)
        elif wanted.isdigit() and 1 <= int(wanted) <= len(names):
            index = int(wanted) - 1
        else:
            wb.close()
            raise XlsxError("xlsx-sheet", detail={"sheets": names}, sheet=wanted, sheets=list(names))
    ws = wb[names[index]]

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            number = ws.min_row or 1
            for values in ws.iter_rows(values_only=True):
                cells = [cell_text(v) for v in values]
                while cells and not cells[-1]:
                    cells.pop()
                yield number, cells
                number += 1
        except XlsxError:
            raise
        except Exception:  # noqa: BLE001 - a workbook damaged after its first rows
            raise XlsxError("xlsx-unreadable") from None
        finally:
            wb.close()

    size = ws.max_row if isinstance(ws.max_row, int) else None
    return Sheet(names[index], names, size, rows())


def safe_cell(text: str) -> str:
    """``text`` as an .xlsx cell can hold it: line ends as Excel writes them in a cell (LF: an XML reader
    turns CR into LF anyway), forbidden control characters as ``\\xNN``, at most MAX_CELL characters (the
    end replaced by an ellipsis)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    if len(text) > MAX_CELL:
        text = text[:MAX_CELL - 1] + "…"
    return text


class XlsxWriter:
    """A one-sheet workbook written row by row (openpyxl's write-only mode: memory stays small), every
    cell as text. The first row is the header: bold, frozen, with Excel's filter buttons."""

    def __init__(self, title: str) -> None:
        openpyxl = _openpyxl()
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        self._cell = WriteOnlyCell
        self._bold = Font(bold=True)
        self._wb = openpyxl.Workbook(write_only=True)
        # a sheet name: at most 31 characters, none of []:*?/\
        self._ws = self._wb.create_sheet(re.sub(r"[\[\]:*?/\\]", "_", title)[:31] or "Sheet1")
        self._ws.freeze_panes = "A2"
        self._rows = 0
        self._width = 0

    def _text_cell(self, text: str, bold: bool = False) -> Any:
        c = self._cell(self._ws, value=safe_cell(text))
        c.data_type = "s"  # text even when it starts with "=" (never a formula)
        if bold:
            c.font = self._bold
        return c

    def row(self, cells: Sequence[str]) -> None:
        if self._rows == 0:
            self._ws.append([self._text_cell(c, bold=True) for c in cells])
        else:
            # a plain string is written as text already; one that openpyxl would take for a formula ("=...")
            # or that Excel cannot hold goes through a text cell
            self._ws.append([c if not c.startswith("=") and len(c) <= MAX_CELL and not _NEEDS_CARE.search(c)
                             else self._text_cell(c) for c in cells])
        self._rows += 1
        if len(cells) > self._width:
            self._width = len(cells)

    def finish(self) -> bytes:
        """The workbook's bytes (the writer cannot be used afterwards)."""
        if self._rows and self._width:
            from openpyxl.utils import get_column_letter

            self._ws.auto_filter.ref = f"A1:{get_column_letter(self._width)}{self._rows}"
        buf = io.BytesIO()
        self._wb.save(buf)
        return buf.getvalue()
