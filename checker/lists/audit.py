"""Auditing a whole customer list: the table's rows in, one result per row and an accumulating summary out.

Pure and streaming, like the rest of the core: no ``open``, no printing, no clock. The shells feed
chunks of bytes (the command line from a file, the Web Worker from a dropped file) and write the
rows wherever they like; reading the table is ``read.py``'s, the report's formats ``report.py``'s::

    >>> from checker.lists.audit import Audit
    >>> a = Audit([b"email\\ntaro@docomo.ne.jp\\n"], lang="en")
    >>> [(row.line, row.result.verdict) for row in a]
    [(2, 'at-risk')]
    >>> a.summary.rows
    1

Every record of the table becomes exactly one row; a malformed line (unterminated quote, wrong
number of columns, empty address) is kept with a problem code and its line number. Memory is
bounded whatever the length of the list (a bounded sample, a bounded cache, bounded example lists).
"""
from __future__ import annotations

import dataclasses
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from .._data import Data, default_data
from .._model import Result, Situation
from ..address.check import check
from .errors import text
from .read import Table, looks_like_address

#: rows listed by line in the summary before "and K more"
MAX_LISTED = 20
#: distinct addresses whose result is remembered (duplicates in a list are common)
CACHE_SIZE = 1 << 16


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with the input line itself (not with the address).

    code: ``encoding-error`` | ``unterminated-quote`` | ``column-count``; params fill in its message.
    """

    code: str
    params: tuple[tuple[str, object], ...] = ()

    def message(self, lang: str, data: Data) -> str:
        return text(data, f"problem-{self.code}", lang, **dict(self.params))


@dataclass(frozen=True, slots=True)
class Row:
    """One data row of the input and the checker's answer for its address."""

    line: int                       # first physical line (1-based, the header is line 1 if any)
    last_line: int                  # last physical line (a quoted field may span lines)
    fields: tuple[str, ...]         # the row's cells as read (undecodable bytes shown as \\xNN)
    address: str                    # the cell that was checked
    result: Result
    problems: tuple[Problem, ...]
    end: int                        # byte offset just after the row (for progress)
    #: problem codes then finding codes, in order, without repeats
    codes: tuple[str, ...]
    #: the findings' messages (or what the verdict means) in the audit's language: made the first time a row
    #: of this address needs it, then shared by every row of the same address (a one-item list)
    said: list[str | None] | None = None
    lang: str = ""

    @property
    def arrives(self) -> bool:
        return self.result.arrives

    def reason(self, lang: str, data: Data) -> str:
        """Why, in words: the problems' and findings' messages, or what the verdict means."""
        said = self.said
        if said is not None and not self.problems and lang == self.lang:
            reason = said[0]
            if reason is None:
                reason = said[0] = " ".join(f.message for f in self.result.findings) or text(
                    data, f"reason-{self.result.verdict}", lang)
            return reason
        parts = [p.message(lang, data) for p in self.problems]
        parts += [f.message for f in self.result.findings]
        if not parts:
            parts.append(text(data, f"reason-{self.result.verdict}", lang))
        return " ".join(parts)


# ----------------------------------------------------------------------------------------------
# The summary

#: the verdicts that need action, in the order the summary lists them (the worst first)
ACTION_ORDER = ("invalid", "block", "at-risk")
#: distinct groups (verdict + codes) kept with their rows; rows of further groups are only counted
MAX_GROUPS = 200
#: distinct reasons counted per group (further ones are only counted together)
MAX_REASONS = 20


class Group:
    """The rows that need action for one problem: one verdict and the same codes (e.g. invalid +
    ``fullwidth``). Counted over every row; the first rows are kept (bounded), and each distinct reason
    (the reasons' text names the provider, so one problem can read several ways) with its count."""

    __slots__ = ("verdict", "codes", "count", "rows", "reasons", "other_reasons")

    def __init__(self, verdict: str, codes: tuple[str, ...]) -> None:
        self.verdict = verdict
        self.codes = codes
        self.count = 0
        self.rows: list[Row] = []
        self.reasons: Counter[str] = Counter()
        self.other_reasons = 0


class Summary:
    """Accumulates over the rows of one audit: counts by verdict, category and code, the rows needing
    action grouped by problem (``groups``), and the first rows having input problems (bounded: the
    rest are only counted)."""

    def __init__(self, max_listed: int = MAX_LISTED, *, lang: str = "ja", data: Data | None = None) -> None:
        self.max_listed = max_listed
        self.lang = lang
        self.data = data or default_data()
        self.rows = 0
        self.arriving = 0
        self.by_verdict: Counter[str] = Counter()
        self.by_category: Counter[str] = Counter()
        self.by_code: Counter[str] = Counter()
        #: rows whose customer's reply would be refused by the sender's own server (``reply`` block);
        #: counted apart: they never change ``arriving`` or ``action_count`` (which follow ``verdict``)
        self.reply_blocked = 0
        #: the first rows that would not arrive, in file order
        self.action: list[Row] = []
        self.action_count = 0
        #: the rows that would not arrive, by (verdict, codes)
        self._groups: dict[tuple[str, tuple[str, ...]], Group] = {}
        #: rows needing action beyond MAX_GROUPS distinct problems (counted, not grouped)
        self.ungrouped = 0
        #: rows whose line itself is faulty (encoding, quotes, columns)
        self.problem_rows: list[Row] = []
        self.problem_count = 0

    def add(self, row: Row) -> None:
        r = row.result
        self.rows += 1
        self.by_verdict[r.verdict] += 1
        self.by_category[r.category or "-"] += 1
        self.by_code.update(row.codes)
        if r.reply == "block":
            self.reply_blocked += 1
        if r.arrives:
            self.arriving += 1
        else:
            self.action_count += 1
            if len(self.action) < self.max_listed:
                self.action.append(row)
            key = (r.verdict, row.codes)
            g = self._groups.get(key)
            if g is None and len(self._groups) < MAX_GROUPS:
                g = self._groups[key] = Group(*key)
            if g is None:
                self.ungrouped += 1
            else:
                g.count += 1
                if len(g.rows) < self.max_listed:
                    g.rows.append(row)
                reason = row.reason(self.lang, self.data)  # made once per address (Row.said) unless a problem
                reasons = g.reasons
                if reason in reasons:
                    reasons[reason] += 1
                elif len(reasons) < MAX_REASONS:
                    reasons[reason] = 1
                else:
                    g.other_reasons += 1
        if row.problems:
            self.problem_count += 1
            if len(self.problem_rows) < self.max_listed:
                self.problem_rows.append(row)

    @property
    def groups(self) -> list[Group]:
        """The groups, the rows that need action first: invalid, then refused, then at risk; within a
        verdict the largest group first (ties: by codes)."""
        order = {v: i for i, v in enumerate(ACTION_ORDER)}
        return sorted(self._groups.values(), key=lambda g: (order.get(g.verdict, len(order)), -g.count, g.codes))

    @property
    def all_arrive(self) -> bool:
        return self.arriving == self.rows

    def top(self, n: int = 10) -> list[tuple[str, int]]:
        return sorted(self.by_code.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


# ----------------------------------------------------------------------------------------------
# The audit

class Audit:
    """One audit over a stream of byte chunks, or over a ``read.Table`` (a workbook's sheet). Construction
    reads the table's sample (encoding, delimiter, header, address column) and raises AuditError if the
    input is not a list at all; iterating yields one Row per data row, in order, and fills ``summary``.

    column: the address column's header name, or its 1-based number as a string; None to detect.
    after: applied to each row's result before it is counted (the shell's ``--dns`` answer, for example:
    ``checker.sender.recipient.with_mx``). ahead / window: ``ahead`` sees each result ``window`` rows before
    ``after`` is applied to it (so a shell can start slow work, such as DNS queries, for the rows to come).
    """

    def __init__(self, source: Iterable[bytes] | Table, *, column: str | None = None,
                 situation: Situation | None = None, lang: str = "ja", data: Data | None = None,
                 max_listed: int = MAX_LISTED, after: Callable[[Result], Result] | None = None,
                 ahead: Callable[[Result], None] | None = None, window: int = 0) -> None:
        self.data = data or default_data()
        self.lang = lang
        self.situation = situation or Situation()
        self.summary = Summary(max_listed, lang=lang, data=self.data)
        # byte chunks of a text list, or a Table already read (a workbook's sheet: Table.of_rows)
        self.table = table = source if isinstance(source, Table) else Table(source, column=column)
        self.encoding = table.encoding
        self.delimiter = table.delimiter
        self.header = table.header
        self.column = table.column
        self.column_name = table.column_name
        self.width = table.width
        self._check = _cached_check(self.situation, lang, self.data)
        self._after = after
        self._ahead = ahead
        self._window = max(0, window)

    def __iter__(self) -> Iterator[Row]:
        add, after, ahead = self.summary.add, self._after, self._ahead
        if after is None:
            for row in self._rows():
                add(row)
                yield row
            return
        pending: deque[Row] = deque()
        window = self._window
        for row in self._rows():
            if ahead is not None:
                ahead(row.result)
            pending.append(row)
            if len(pending) > window:
                done = self._apply(pending.popleft(), after)
                add(done)
                yield done
        while pending:
            done = self._apply(pending.popleft(), after)
            add(done)
            yield done

    @staticmethod
    def _apply(row: Row, after: Callable[[Result], Result]) -> Row:
        result = after(row.result)
        if result is row.result:
            return row
        codes = tuple(dict.fromkeys([*row.codes, *(f.code for f in result.findings)]))
        return dataclasses.replace(row, result=result, codes=codes, said=[None])  # the reason is made anew

    def _rows(self) -> Iterator[Row]:
        col, width, check_, lang = self.column, self.width, self._check, self.lang
        for rec in self.table.records:
            fields = rec.fields
            problems: list[Problem] = []
            if rec.bad:
                problems += [Problem("encoding-error", (
                    ("offset", off), ("bytes", " ".join(f"0x{b:02X}" for b in bad)),
                    ("encoding", self.table.encoding_name))) for off, bad in rec.bad]
            if rec.unterminated:
                problems.append(Problem("unterminated-quote"))
            blank = len(fields) == 1 and not fields[0]
            if len(fields) != width and not blank:
                problems.append(Problem("column-count", (("found", len(fields)), ("expected", width))))
            address = fields[col] if col < len(fields) else ""
            if problems and not looks_like_address(address):
                # a stray delimiter shifted the cells: take the one cell that looks like an address
                found = [c for c in fields if looks_like_address(c)]
                if len(found) == 1:
                    address = found[0]
            result, codes, said = check_(address)
            if problems:
                seen = dict.fromkeys(p.code for p in problems)
                seen.update(dict.fromkeys(codes))
                codes = tuple(seen)
            yield Row(line=rec.line, last_line=rec.last_line, fields=tuple(fields), address=address,
                      result=result, problems=tuple(problems), end=rec.end, codes=codes, said=said, lang=lang)


def _cached_check(situation: Situation, lang: str, data: Data
                  ) -> Callable[[str], tuple[Result, tuple[str, ...], list[str | None]]]:
    """``check`` for one situation and language, with the result's finding codes (in order, without
    repeats) and its reason in words, remembering the last CACHE_SIZE distinct inputs (a list repeats
    addresses)."""

    @lru_cache(maxsize=CACHE_SIZE)
    def one(address: str) -> tuple[Result, tuple[str, ...], list[str | None]]:
        result = check(address, situation=situation, lang=lang, data=data)
        return result, tuple(dict.fromkeys(f.code for f in result.findings)), [None]

    return one
