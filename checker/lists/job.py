"""The in-page audit job: the Web Worker feeds the whole file and steps through it, posting progress
between steps; the report is built as it goes, as CSV or as an Excel workbook. Pure (``checker.web.audit``
is its shell); a workbook, in or out, goes through ``xlsx`` (openpyxl, imported only then)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypedDict

from .._data import Data
from .._model import Situation
from . import xlsx
from .audit import MAX_LISTED, Audit, Row
from .errors import AuditError
from .read import Table
from .report import CsvWriter, cells, header, summary_dict, summary_text


class Progress(TypedDict):
    """What ``Job.step`` reports (the worker posts it to the page)."""

    done: bool
    rows: int
    bytes: int
    total: int
    error: str | None

#: the report's formats and their MIME types
REPORT_TYPES = {"csv": "text/csv;charset=utf-8",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
#: old Excel (.xls, an OLE compound file): not read, the message says how to save it
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def is_workbook(head: bytes) -> bool:
    """Whether a file starting with ``head`` is an .xlsx workbook (a zip archive)."""
    return bytes(head[:4]) == xlsx.ZIP_MAGIC


def open_audit(content: bytes | Iterator[bytes], *, head: bytes = b"", column: str | None = None,
               sheet: str | None = None, situation: Situation | None = None, lang: str = "ja",
               data: Data | None = None, max_listed: int = MAX_LISTED, **hooks: Any) -> Audit:
    """An Audit of a text list (byte chunks) or of a workbook's sheet. ``content`` is the whole file (bytes)
    or its chunks; for chunks, ``head`` is the first one, already read (a workbook needs all its bytes:
    the chunks are joined). ``hooks``: Audit's ``after``, ``ahead``, ``window`` (the shell's --dns).
    Raises AuditError (an XlsxError is turned into one)."""
    first = content[:8] if isinstance(content, (bytes, bytearray)) else head[:8]
    if is_workbook(first):
        whole = bytes(content) if isinstance(content, (bytes, bytearray)) else head + b"".join(content)
        try:
            book = xlsx.read_sheet(whole, sheet)
            table = Table.of_rows(book.rows, column=column, sheet=book.name, sheets=book.names, size=book.size)
        except xlsx.XlsxError as e:
            raise AuditError(e.key, detail=e.detail, **e.params) from None
        return Audit(table, situation=situation, lang=lang, data=data, max_listed=max_listed, **hooks)
    chunks = [bytes(content)] if isinstance(content, (bytes, bytearray)) else _prepend(head, content)
    return Audit(chunks, column=column, situation=situation, lang=lang, data=data, max_listed=max_listed, **hooks)


def _prepend(head: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if head:
        yield head
    yield from rest


class ReportWriter:
    """The report, row by row, in ``fmt``: "csv" (UTF-8 with a BOM, CRLF: Excel opens it as is) or
    "xlsx" (a workbook, every cell text). ``finish()`` gives the bytes."""

    def __init__(self, audit: Audit, fmt: str) -> None:
        if fmt not in REPORT_TYPES:
            raise ValueError(f"report format must be one of {sorted(REPORT_TYPES)}, not {fmt!r}")
        self.audit, self.fmt = audit, fmt
        if fmt == "xlsx":
            self._book = xlsx.XlsxWriter(audit.data.ui["audit.report-sheet"].get(audit.lang))
            self._book.row(header(audit))
        else:
            self._csv = CsvWriter()
            self._csv.write(header(audit))

    def row(self, row: Row) -> None:
        if self.fmt == "xlsx":
            self._book.row(cells(self.audit, row))
        else:
            self._csv.write(cells(self.audit, row))

    def finish(self) -> bytes:
        if self.fmt == "xlsx":
            return self._book.finish()
        return b"\xef\xbb\xbf" + self._csv.text().encode("utf-8")


class Job:
    """An audit the Web Worker runs in steps (so it can post progress between them).

    ``Job(data_bytes, column=..., sheet=..., level=..., lang=..., fmt=...)``; ``step(n)`` audits up to n
    rows and returns ``{"done", "rows", "bytes", "total"}``; then ``summary()`` and ``report()`` (the
    report's bytes: ``fmt`` "csv", or "xlsx"; None: "xlsx" for a workbook, else "csv"). An unreadable
    input raises AuditError at construction: ``error`` (a localized message), ``error_code`` and
    ``error_detail`` (``columns`` to choose from, ``sheets``) are then set instead and ``step`` reports done.
    """

    def __init__(self, content: bytes, *, column: str | None = None, sheet: str | None = None, level: int = 7,
                 links: bool = False, attachments: bool = False, allowlisted: bool = False,
                 reply_allowlisted: bool = False, lang: str = "ja", data: Data | None = None,
                 max_listed: int = MAX_LISTED, fmt: str | None = None) -> None:
        self.total = len(content)
        self.lang = lang
        self.error: str | None = None
        self.error_code: str | None = None
        self.error_detail: dict[str, object] = {}
        self.fmt = fmt or ("xlsx" if is_workbook(content[:4]) else "csv")
        self._done = False
        self._rows = 0
        self._bytes = 0
        self._report: bytes | None = None
        self.audit: Audit | None = None
        try:
            self.audit = open_audit(content, column=column, sheet=sheet, lang=lang, data=data,
                                    max_listed=max_listed,
                                    situation=Situation(level=level, links=links, attachments=attachments,
                                                        allowlisted=allowlisted,
                                                        reply_allowlisted=reply_allowlisted))
            self._writer = ReportWriter(self.audit, self.fmt)
        except (AuditError, xlsx.XlsxError) as e:
            self.audit = None
            self.error = AuditError(e.key, **e.params).message(lang, data)  # type: ignore[arg-type]
            self.error_code = e.key
            self.error_detail = dict(e.detail)
            self._done = True
            return
        self._it = iter(self.audit)
        table = self.audit.table
        if table.encoding == "xlsx":  # a sheet's progress goes by row numbers, not bytes
            self.total = table.size or 0

    def step(self, n: int = 1000) -> Progress:
        if not self._done:
            assert self.audit is not None
            row_out = self._writer.row
            for _ in range(n):
                row = next(self._it, None)
                if row is None:
                    self._done = True
                    self._bytes = self.total
                    break
                row_out(row)
                self._rows += 1
                self._bytes = row.end
        return {"done": self._done, "rows": self._rows, "bytes": self._bytes, "total": self.total,
                "error": self.error}

    def summary(self) -> dict[str, Any] | None:
        return summary_dict(self.audit) if self.audit is not None else None

    def summary_text(self, name: str = "") -> str:
        return summary_text(self.audit, name) if self.audit is not None else (self.error or "")

    def report(self) -> bytes:
        if self._report is None:
            self._report = self._writer.finish() if self.audit is not None else b""
        return self._report

    @property
    def report_type(self) -> str:
        return REPORT_TYPES[self.fmt]
