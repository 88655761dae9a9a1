"""The in-page audit job: the Web Worker feeds the whole file and steps through it, posting progress
between steps; the CSV report is built as it goes. Pure (``checker.web.audit`` is its shell)."""
from __future__ import annotations

from typing import TypedDict

from .._data import Data
from .._model import Situation
from .audit import MAX_LISTED, Audit
from .errors import AuditError
from .report import CsvWriter, SummaryDict, cells, header, summary_dict, summary_text


class Progress(TypedDict):
    """What ``Job.step`` reports (the worker posts it to the page)."""

    done: bool
    rows: int
    bytes: int
    total: int
    error: str | None


class Job:
    """An audit the Web Worker runs in steps (so it can post progress between them).

    ``Job(data_bytes, column=..., level=..., lang=...)``; ``step(n)`` audits up to n rows and
    returns ``{"done", "rows", "bytes", "total"}``; then ``summary()`` and ``report()`` (the CSV
    report as UTF-8 bytes with a BOM). An unreadable input raises AuditError at construction:
    ``error`` is then set instead (a localized message) and ``step`` reports done.
    """

    def __init__(self, content: bytes, *, column: str | None = None, level: int = 7,
                 links: bool = False, attachments: bool = False, allowlisted: bool = False,
                 reply_allowlisted: bool = False, lang: str = "ja", data: Data | None = None,
                 max_listed: int = MAX_LISTED) -> None:
        self.total = len(content)
        self.lang = lang
        self.error: str | None = None
        self._parts: list[str] = []
        self._done = False
        self._rows = 0
        self._bytes = 0
        try:
            chunk = 1 << 20
            self.audit: Audit | None = Audit(
                (bytes(content[i:i + chunk]) for i in range(0, len(content), chunk)), column=column,
                situation=Situation(level=level, links=links, attachments=attachments,
                                    allowlisted=allowlisted, reply_allowlisted=reply_allowlisted),
                lang=lang, data=data, max_listed=max_listed)
        except AuditError as e:
            self.audit = None
            self.error = e.message(lang, data)
            self._done = True
            return
        self._writer = CsvWriter()
        self._parts.append(self._writer.line(header(self.audit)))
        self._it = iter(self.audit)

    def step(self, n: int = 1000) -> Progress:
        if not self._done:
            assert self.audit is not None
            line, audit = self._writer.line, self.audit
            for _ in range(n):
                row = next(self._it, None)
                if row is None:
                    self._done = True
                    self._bytes = self.total
                    break
                self._parts.append(line(cells(audit, row)))
                self._rows += 1
                self._bytes = row.end
        return {"done": self._done, "rows": self._rows, "bytes": self._bytes, "total": self.total,
                "error": self.error}

    def summary(self) -> SummaryDict | None:
        return summary_dict(self.audit) if self.audit is not None else None

    def summary_text(self, name: str = "") -> str:
        return summary_text(self.audit, name) if self.audit is not None else (self.error or "")

    def report(self) -> bytes:
        return b"\xef\xbb\xbf" + "".join(self._parts).encode("utf-8")
