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


def _best_column(records: list[Record]) -> int | None:
    score: Counter[int] = Counter()
    for r in records:
        for i, c in enumerate(r.fields):
            if looks_like_address(c):
                score[i] += 1
    if not score:
        return None
    top = max(score.values())
    return min(i for i, s in score.items() if s == top)


# ----------------------------------------------------------------------------------------------
# The table: sample -> encoding, delimiter, header, address column; then every record in order

class Table:
    """A list read from a stream of byte chunks. Construction reads a bounded sample (encoding,
    delimiter, header, address column) and raises AuditError if the input is not a list at all;
    ``records`` then yields every data record in order (the sample's first).

    column: the address column's header name, or its 1-based number as a string; None to detect.
    """

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
        records = _records(replay, self.delimiter, expected)
        sample: list[Record] = []
        for rec in records:
            sample.append(rec)
            if len(sample) >= SAMPLE_RECORDS:
                break
        self.header, self.column = _choose_column(sample, column)
        self.column_name = self.header[self.column] if self.header else None
        body = sample[1:] if self.header is not None else sample
        widths = Counter(len(r.fields) for r in body if r.fields != [""])
        self.width = len(self.header) if self.header is not None else (
            widths.most_common(1)[0][0] if widths else 1)
        expected[0] = self.width
        self.records: Iterator[Record] = _chain(body, records)

    @property
    def encoding_name(self) -> str:
        """The encoding as people know it: "CP932 (Shift_JIS)", "UTF-8 (BOM)"..."""
        return ENCODING_NAMES.get(self.encoding, self.encoding)


def _choose_column(sample: list[Record], column: str | None) -> tuple[tuple[str, ...] | None, int]:
    first = sample[0].fields if sample else [""]
    rest = sample[1:]
    if column is not None:
        wanted = column.strip()
        if wanted.isdigit():
            idx = int(wanted) - 1
            widest = max(len(r.fields) for r in sample)
            if idx < 0 or idx >= widest:
                raise AuditError("column-range", n=wanted, count=widest)
            is_header = (idx < len(first) and not looks_like_address(first[idx]) and (
                _header_match(first) is not None
                or any(idx < len(r.fields) and looks_like_address(r.fields[idx]) for r in rest)))
            return (tuple(first) if is_header else None), idx
        normed = [_norm(c) for c in first]
        if _norm(wanted) in normed:
            return tuple(first), normed.index(_norm(wanted))
        raise AuditError("column-not-found", name=wanted, columns=_list(first))
    named = _header_match(first)
    if named is not None:
        return tuple(first), named
    if not any(looks_like_address(c) for c in first):
        below = _best_column(rest)
        if below is not None:
            return tuple(first), below
    best = _best_column(sample)
    if best is not None:
        return None, best
    if max(len(r.fields) for r in sample) == 1:
        return None, 0  # a one-column list with nothing like an address: check it as it is
    raise AuditError("no-column", columns=_list(first))


_T = TypeVar("_T")


def _chain(first: Iterable[_T], rest: Iterator[_T]) -> Iterator[_T]:
    yield from first
    yield from rest


def _list(cells: Iterable[str]) -> str:
    return ", ".join(f"「{c}」" for c in cells) or "-"
