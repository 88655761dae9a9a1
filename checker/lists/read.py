"""Reading a customer list: byte chunks in, records out, with the encoding, the delimiter, the header
and the address column chosen from a bounded sample. Pure and streaming: no ``open``, no printing.

Nothing is lost: every physical line of the input ends up in exactly one record (or in the header);
a quoted field may span lines, but an unterminated quote may not eat the file (``MAX_SPAN``); a byte
that decodes in no encoding is reported with its byte offset and shown as ``\\xNN``, never silently
replaced. Memory is bounded whatever the length of the list.
"""
from __future__ import annotations

import csv
import unicodedata
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from .decode import ENCODING_NAMES, SAMPLE_BYTES, Line, detect_encoding, lines_8bit, lines_16
from .errors import AuditError

#: records looked at to find the header and the address column
SAMPLE_RECORDS = 50
#: physical lines one quoted field may span before its opening quote counts as unterminated
MAX_SPAN = 20

DELIMITERS = (",", "\t", ";")

# Header names that mean "the e-mail address", compared after _norm(); earlier is stronger.
_HEADER_NAMES = (
    "email", "emailaddress", "eメール", "eメールアドレス", "メールアドレス", "mail", "mailaddress",
    "メール", "電子メール", "電子メールアドレス", "メアド", "アドレス",
)
_NORM_DROP = str.maketrans("", "", " -_.・:")

# ----------------------------------------------------------------------------------------------
# Physical lines -> records (a quoted field may span lines; an unterminated quote may not eat the file)

@dataclass(slots=True)
class Record:
    line: int
    last_line: int
    fields: list[str]
    bad: tuple[tuple[int, bytes], ...]
    unterminated: bool
    end: int


def _parse(text_: str, delimiter: str) -> list[str]:
    return next(csv.reader([text_], delimiter=delimiter, strict=False), [""])


def _records(lines: Iterator[Line], delimiter: str, expected: list[int]) -> Iterator[Record]:
    """Group physical lines into records. ``expected[0]`` (0 = unknown) is the number of columns a
    multi-line record must have to be accepted; otherwise its first line is an unterminated quote."""
    back: deque[Line] = deque()

    def pull() -> Line | None:
        return back.popleft() if back else next(lines, None)

    while True:
        ln = back.popleft() if back else next(lines, None)
        if ln is None:
            return
        lineno, txt, bad, end = ln
        if '"' not in txt:
            yield Record(lineno, lineno, txt.split(delimiter), bad, False, end)
            continue
        quotes = txt.count('"')
        if not quotes % 2:
            yield Record(lineno, lineno, _parse(txt, delimiter), bad, False, end)
            continue
        group = [ln]
        while len(group) < MAX_SPAN:
            more = pull()
            if more is None:
                break
            group.append(more)
            quotes += more[1].count('"')
            if not quotes % 2:
                break
        if not quotes % 2:
            fields = _parse("\n".join(g[1] for g in group), delimiter)
            if not expected[0] or len(fields) == expected[0]:
                yield Record(lineno, group[-1][0], fields, tuple(b for g in group for b in g[2]),
                              False, group[-1][3])
                continue
        back.extendleft(reversed(group[1:]))
        fields = [c.replace('"', "") for c in txt.split(delimiter)]
        yield Record(lineno, lineno, fields, bad, True, end)


def _sniff_delimiter(lines: list[str]) -> str:
    """The delimiter whose count is the same (and not zero) on the most sample lines."""
    best, best_score = ",", 0
    for d in DELIMITERS:
        counts = Counter(ln.count(d) for ln in lines if ln)
        if not counts:
            continue
        mode, n = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        if mode and n > best_score:
            best, best_score = d, n
    return best


def _norm(cell: str) -> str:
    return unicodedata.normalize("NFKC", cell).casefold().strip().translate(_NORM_DROP)


def looks_like_address(cell: str) -> bool:
    return "@" in cell or "＠" in cell


def _header_match(cells: list[str]) -> int | None:
    """The index of the cell that names the address column, or None."""
    normed = [_norm(c) for c in cells]
    for name in _HEADER_NAMES:
        if name in normed:
            return normed.index(name)
    for i, n in enumerate(normed):  # "連絡先メールアドレス", "E-mail (PC)"
        if ("mail" in n or "メール" in n) and not looks_like_address(cells[i]):
            return i
    return None


def _scores(records: list[Record]) -> Counter[int]:
    """How many of ``records`` hold something like an address in each column."""
    score: Counter[int] = Counter()
    for r in records:
        for i, c in enumerate(r.fields):
            if looks_like_address(c):
                score[i] += 1
    return score


def _best_column(records: list[Record]) -> int | None:
    score = _scores(records)
    if not score:
        return None
    top = max(score.values())
    return min(i for i, s in score.items() if s == top)


# ----------------------------------------------------------------------------------------------
# The table: sample -> encoding, delimiter, header, address column; then every record in order

class Table:
    """A list read from a stream of byte chunks (CSV, TSV) or from a sheet's rows (``Table.of_rows``, an Excel
    workbook read by ``xlsx.read_sheet``). Construction reads a bounded sample (encoding, delimiter, header,
    address column) and raises AuditError if the input is not a list at all, or has a header and no data row;
    ``records`` then yields every data record in order (the sample's first).

    column: the address column's header name, or its 1-based number as a string; None to detect (by the
    header, and by the content: a header that names the address over a column without addresses loses to
    the column where the addresses are, and ``column_note`` says so).
    """

    #: "xlsx" for a workbook's sheet, else the text encoding (detect_encoding)
    encoding: str
    #: the delimiter of a text list; a workbook has none ("")
    delimiter: str
    #: the sheet of a workbook that was read, and every sheet's name (None and () for a text list)
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    #: a sheet's last row number (its records' ``end`` count up to it), when the workbook says
    size: int | None = None
    #: why the address column is not the one its header names: (audit.toml key, params), or None
    column_note: tuple[str, dict[str, object]] | None = None

    def __init__(self, chunks: Iterable[bytes], *, column: str | None = None) -> None:
        it = iter(chunks)
        head = b""
        while len(head) < SAMPLE_BYTES:
            more = next(it, None)
            if more is None:
                break
            head += more
        if not head.strip(b" \t\r\n\x00"):
            raise AuditError("empty")
        self.encoding = detect_encoding(head[:SAMPLE_BYTES])
        if self.encoding.startswith("utf-16"):
            lines = lines_16(it, head, self.encoding)
        else:
            lines = lines_8bit(it, head, self.encoding, 3 if self.encoding == "utf-8-sig" else 0)
        # sample lines (for the delimiter), then records (for header and column), both replayed
        sample_lines: list[Line] = []
        size = 0
        for ln in lines:
            sample_lines.append(ln)
            size += len(ln[1])
            if len(sample_lines) >= SAMPLE_RECORDS * 2 or size >= SAMPLE_BYTES:
                break
        self.delimiter = _sniff_delimiter([ln[1] for ln in sample_lines])
        expected = [0]
        replay = _chain(sample_lines, lines)
        self._start(_records(replay, self.delimiter, expected), column, expected)

    @classmethod
    def of_rows(cls, rows: Iterable[tuple[int, list[str]]], *, column: str | None = None,
                sheet: str | None = None, sheets: Iterable[str] = (), size: int | None = None) -> Table:
        """A table from a sheet's rows: ``(row number, cells)`` as ``xlsx.read_sheet`` gives them. The row
        numbers are the "lines" of the report (Excel's own row numbers); empty rows are skipped like blank
        lines; a row shorter than the header is not a problem (Excel leaves trailing cells empty)."""
        self = cls.__new__(cls)
        self.encoding, self.delimiter = "xlsx", ""
        self.sheet, self.sheets, self.size = sheet, tuple(sheets), size
        records = (Record(n, n, cells, (), False, n) for n, cells in rows if any(c.strip() for c in cells))
        expected = [0]
        self._start(records, column, expected, pad=True)
        return self

    def _start(self, records: Iterator[Record], column: str | None, expected: list[int], pad: bool = False) -> None:
        sample: list[Record] = []
        for rec in records:
            sample.append(rec)
            if len(sample) >= SAMPLE_RECORDS:
                break
        if not sample:
            raise AuditError("empty")
        self.header, self.column, self.column_note = _choose_column(sample, column)
        self.column_name = self.header[self.column] if self.header else None
        body = sample[1:] if self.header is not None else sample
        exhausted = len(sample) < SAMPLE_RECORDS
        if self.header is not None and exhausted and all(r.fields == [""] for r in body):
            raise AuditError("header-only", detail={"columns": list(self.header)},
                             columns=list(self.header))
        widths = Counter(len(r.fields) for r in body if r.fields != [""])
        if pad:  # a sheet: as wide as its header or its widest sampled row
            self.width = max([len(self.header or ()), *widths]) if widths or self.header else 1
        else:
            self.width = len(self.header) if self.header is not None else (
                widths.most_common(1)[0][0] if widths else 1)
        expected[0] = self.width
        rest = _chain(body, records)
        self.records: Iterator[Record] = _padded(rest, self.width) if pad else rest

    @property
    def encoding_name(self) -> str:
        """The encoding as people know it: "CP932 (Shift_JIS)", "UTF-8 (BOM)", "Excel (.xlsx)"..."""
        return ENCODING_NAMES.get(self.encoding, self.encoding)


def _padded(records: Iterator[Record], width: int) -> Iterator[Record]:
    for rec in records:
        if len(rec.fields) < width:
            rec.fields += [""] * (width - len(rec.fields))
        yield rec


#: the content beats the header when the column the header names holds addresses in at most CONTENT_FEW of
#: the sampled rows while another holds them in at least CONTENT_WINS of them (and in CONTENT_MIN rows at least)
CONTENT_FEW = 0.1
CONTENT_WINS = 0.5
CONTENT_MIN = 2


def _choose_column(sample: list[Record], column: str | None
                   ) -> tuple[tuple[str, ...] | None, int, tuple[str, dict[str, object]] | None]:
    first = sample[0].fields if sample else [""]
    rest = sample[1:]
    if column is not None:
        wanted = column.strip()
        if wanted.isdigit():
            idx = int(wanted) - 1
            widest = max(len(r.fields) for r in sample)
            if idx < 0 or idx >= widest:
                raise AuditError("column-range", detail={"columns": list(first)}, n=wanted, count=widest)
            is_header = (idx < len(first) and not looks_like_address(first[idx]) and (
                _header_match(first) is not None
                or any(idx < len(r.fields) and looks_like_address(r.fields[idx]) for r in rest)))
            return (tuple(first) if is_header else None), idx, None
        normed = [_norm(c) for c in first]
        if _norm(wanted) in normed:
            return tuple(first), normed.index(_norm(wanted)), None
        raise AuditError("column-not-found", detail={"columns": list(first)}, name=wanted, columns=list(first))
    named = _header_match(first)
    if named is not None:
        idx = named
        # the content may overrule the header: "E-mail" over phone numbers, the addresses under "連絡先"
        rows = [r for r in rest if r.fields != [""]]
        scores = _scores(rows)
        best = _best_column(rows)
        if (best is not None and best != idx and scores[idx] <= CONTENT_FEW * len(rows)
                and scores[best] >= max(CONTENT_MIN, CONTENT_WINS * len(rows))):
            note = ("column-note-content", {"header": first[idx], "used": first[best] if best < len(first) else "",
                                             "n": best + 1, "found": scores[idx], "rows": len(rows)})
            return tuple(first), best, note
        return tuple(first), idx, None
    if not any(looks_like_address(c) for c in first):
        below = _best_column(rest)
        if below is not None:
            return tuple(first), below, None
    anywhere = _best_column(sample)
    if anywhere is not None:
        return None, anywhere, None
    if max(len(r.fields) for r in sample) == 1:
        return None, 0, None  # a one-column list with nothing like an address: check it as it is
    raise AuditError("no-column", detail={"columns": list(first)}, columns=list(first))


_T = TypeVar("_T")


def _chain(first: Iterable[_T], rest: Iterator[_T]) -> Iterator[_T]:
    yield from first
    yield from rest
