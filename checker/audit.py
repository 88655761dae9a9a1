"""Audit a whole customer list: bytes in, one result per row and an accumulating summary out.

Pure and streaming, like the rest of the core: no ``open``, no printing, no clock. The shells feed
chunks of bytes (the command line from a file, the Web Worker from a dropped file) and write the
rows wherever they like::

    >>> from checker.audit import Audit
    >>> a = Audit([b"email\\ntaro@docomo.ne.jp\\n"], lang="en")
    >>> [(row.line, row.result.verdict) for row in a]
    [(2, 'at-risk')]
    >>> a.summary.rows
    1

Nothing is lost: every physical line of the input ends up in exactly one row (or in the header);
a malformed line (unterminated quote, wrong number of columns, empty address) is kept with a
problem code and its line number; a byte that decodes in no encoding is reported with its line
and byte offset and shown as ``\\xNN`` in the row, never silently replaced. Memory is bounded
whatever the length of the list (a bounded sample, a bounded cache, bounded example lists).
"""
from __future__ import annotations

import csv
import dataclasses
import io
import json
import unicodedata
from collections import Counter, deque
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Iterator

from ._check import check
from ._data import Data, default_data
from ._model import Result, Situation

__all__ = ["Audit", "AuditError", "Job", "Problem", "Row", "Summary", "detect_encoding", "text"]

#: bytes looked at to choose the encoding and the delimiter
SAMPLE_BYTES = 64 * 1024
#: records looked at to find the header and the address column
SAMPLE_RECORDS = 50
#: physical lines one quoted field may span before its opening quote counts as unterminated
MAX_SPAN = 20
#: rows listed by line in the summary before "and K more"
MAX_LISTED = 20
#: distinct addresses whose result is remembered (duplicates in a list are common)
CACHE_SIZE = 1 << 16

DELIMITERS = (",", "\t", ";")

# Header names that mean "the e-mail address", compared after _norm(); earlier is stronger.
_HEADER_NAMES = (
    "email", "emailaddress", "eメール", "eメールアドレス", "メールアドレス", "mail", "mailaddress",
    "メール", "電子メール", "電子メールアドレス", "メアド", "アドレス",
)
_NORM_DROP = str.maketrans("", "", " -_.・:")


def text(data: Data, key: str, lang: str, **params: object) -> str:
    """The interface string ``audit.<key>`` from ``messages/audit.toml`` in ``lang``, filled in."""
    s = data.ui[f"audit.{key}"].get(lang)
    return s.format(**params) if params else s


class AuditError(Exception):
    """The input cannot be audited at all (binary, an Excel workbook, no address column...).

    ``key`` names the message in ``messages/audit.toml`` (``error-<key>``); ``params`` fill it in.
    """

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params

    def message(self, lang: str, data: Data | None = None) -> str:
        return text(data or default_data(), f"error-{self.key}", lang, **self.params)


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

    @property
    def arrives(self) -> bool:
        return self.result.arrives

    @property
    def codes(self) -> tuple[str, ...]:
        """Problem codes then finding codes, in order, without repeats."""
        codes = _result_codes(self.result)
        if not self.problems:
            return codes
        seen = dict.fromkeys(p.code for p in self.problems)
        seen.update(dict.fromkeys(codes))
        return tuple(seen)

    def reason(self, lang: str, data: Data) -> str:
        """Why, in words: the problems' and findings' messages, or what the verdict means."""
        parts = [p.message(lang, data) for p in self.problems]
        parts += [f.message for f in self.result.findings]
        if not parts:
            parts.append(text(data, f"reason-{self.result.verdict}", lang))
        return " ".join(parts)


def _result_codes(result: Result) -> tuple[str, ...]:
    """The result's finding codes in order, without repeats (remembered for the last results:
    the summary and the report both ask for them)."""
    hit = _codes_memo.get(id(result))
    if hit is not None and hit[0] is result:
        return hit[1]
    codes = tuple(dict.fromkeys(f.code for f in result.findings))
    if len(_codes_memo) >= 64:
        _codes_memo.clear()
    _codes_memo[id(result)] = (result, codes)
    return codes


_codes_memo: dict[int, tuple[Result, tuple[str, ...]]] = {}


# ----------------------------------------------------------------------------------------------
# Bytes -> physical lines

def detect_encoding(sample: bytes) -> str:
    """The encoding of a file that starts with ``sample``: a BOM decides (UTF-8, UTF-16); else
    strict UTF-8 if the sample decodes; else CP932 (Excel's Japanese "CSV"). Raises AuditError
    for what is not text at all (an Excel workbook, other binary data)."""
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if sample.startswith(b"\xff\xfe"):
        return "utf-16-le"
    if sample.startswith(b"\xfe\xff"):
        return "utf-16-be"
    if sample.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
        raise AuditError("excel")
    if b"\x00" in sample:
        raise AuditError("binary")
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as e:
        # a sample cut inside a character is still UTF-8
        return "utf-8" if e.reason == "unexpected end of data" and e.end == len(sample) else "cp932"


#: what Python's cp932 codec makes of bytes that are no character in Excel's Shift_JIS
#: (0x80, 0xA0, 0xFD-0xFF): treated as undecodable rather than silently turned into these
_CP932_BAD = frozenset("\x80\uf8f0\uf8f1\uf8f2\uf8f3")


def _decode(raw: bytes, encoding: str) -> tuple[str, tuple[tuple[int, bytes], ...]]:
    """Decode one line; undecodable bytes become ``\\xNN`` and are returned with their offsets."""
    try:
        txt = raw.decode(encoding)
        if encoding != "cp932" or _CP932_BAD.isdisjoint(txt):
            return txt, ()
    except UnicodeDecodeError:
        pass
    # slow path (only for a faulty line): one character at a time
    sizes, unit = ((2, 4), 2) if encoding.startswith("utf-16") else ((1, 2, 3, 4), 1)
    parts: list[str] = []
    bad: list[tuple[int, bytes]] = []
    pos = 0
    while pos < len(raw):
        for n in sizes:
            try:
                ch = raw[pos:pos + n].decode(encoding)
            except UnicodeDecodeError:
                continue
            if len(ch) == 1 and not (encoding == "cp932" and ch in _CP932_BAD):
                parts.append(ch)
                pos += n
                break
        else:
            chunk = raw[pos:pos + unit]
            if bad and bad[-1][0] + len(bad[-1][1]) == pos:
                bad[-1] = (bad[-1][0], bad[-1][1] + chunk)
            else:
                bad.append((pos, chunk))
            parts.append("".join(f"\\x{b:02x}" for b in chunk))
            pos += len(chunk)
    return "".join(parts), tuple(bad)


# A physical line: (line number, text, ((byte offset, bytes), ...) undecodable, byte offset after it)
_Line = tuple[int, str, tuple[tuple[int, bytes], ...], int]


def _lines_8bit(chunks: Iterator[bytes], head: bytes, encoding: str, skip: int) -> Iterator[_Line]:
    """Lines of an ASCII-compatible encoding (UTF-8, CP932: no trail byte is CR, LF or a quote).

    Fast path: a buffer of whole LF-terminated lines is decoded in one call and split on LF in
    both its bytes and its text (an LF byte is always an LF character in these encodings, so the
    pieces correspond one to one). A buffer with an undecodable byte or a lone CR (old Mac line
    ends) goes line by line."""
    decode = _decode
    if encoding == "utf-8-sig":  # the BOM is skipped; a U+FEFF later in the file is a character
        encoding = "utf-8"
    cp932 = encoding == "cp932"
    lineno = 0
    offset = skip
    buf = head[skip:]
    pending = True
    while pending:
        more = next(chunks, None)
        if more is None:
            pending = False
        else:
            buf += more
            if len(buf) < SAMPLE_BYTES and more:
                continue
        if pending:
            cut = buf.rfind(b"\n") + 1
            if not cut:  # old Mac line ends (CR only); a CR at the very end may be half of a CRLF
                cut = buf.rfind(b"\r", 0, len(buf) - 1) + 1
                if not cut:
                    continue  # no whole line yet
            whole, buf = buf[:cut], buf[cut:]
        else:
            whole, buf = buf, b""
        if not whole:
            continue
        txt = None
        if b"\r" not in whole or whole.count(b"\r") == whole.count(b"\r\n"):
            try:
                txt = whole.decode(encoding)
            except UnicodeDecodeError:
                pass
            else:
                if cp932 and not _CP932_BAD.isdisjoint(txt):
                    txt = None
        if txt is not None:
            texts = txt.split("\n")
            pieces = whole.split(b"\n")
            if not texts[-1]:  # the buffer ends with LF: no empty line after it
                texts.pop()
                pieces.pop()
                last_lf = True
            else:
                last_lf = False
            n = len(pieces)
            for i, (t, raw) in enumerate(zip(texts, pieces), 1):
                lineno += 1
                offset += len(raw) + (1 if i < n or last_lf else 0)
                if t.endswith("\r"):
                    t = t[:-1]
                yield lineno, t, (), offset
            continue
        for piece in whole.splitlines(keepends=True):
            lineno += 1
            offset += len(piece)
            raw = piece.rstrip(b"\r\n") if piece[-1:] in b"\r\n" else piece
            if raw.isascii():
                yield lineno, raw.decode("ascii"), (), offset
            else:
                txt_, bad = decode(raw, encoding)
                yield lineno, txt_, tuple((offset - len(piece) + o, b) for o, b in bad), offset


def _lines_16(chunks: Iterator[bytes], head: bytes, encoding: str) -> Iterator[_Line]:
    """Lines of UTF-16 (after its BOM): split on the LF code unit at an even offset."""
    be = encoding.endswith("be")
    lf, cr = (b"\x00\n", b"\x00\r") if be else (b"\n\x00", b"\r\x00")
    lineno = 0
    base = 2  # byte offset of buf[0]
    buf = head[2:]
    done = False
    while True:
        start = 0
        while True:
            i = buf.find(lf, start)
            while i != -1 and i % 2:
                i = buf.find(lf, i + 1)
            if i == -1:
                break
            raw = buf[start:i]
            if raw.endswith(cr):
                raw = raw[:-2]
            lineno += 1
            txt, bad = _decode(raw, encoding)
            yield lineno, txt, tuple((base + start + o, b) for o, b in bad), base + i + 2
            start = i + 2
        base += start
        buf = buf[start:]
        if done:
            break
        more = next(chunks, None)
        if more is None:
            done = True
            if buf:
                raw = buf[:-2] if buf.endswith(cr) else buf
                lineno += 1
                txt, bad = _decode(raw, encoding)
                yield lineno, txt, tuple((base + o, b) for o, b in bad), base + len(buf)
                buf = b""
            break
        buf += more


# ----------------------------------------------------------------------------------------------
# Physical lines -> records (a quoted field may span lines; an unterminated quote may not eat the file)

@dataclass(slots=True)
class _Record:
    line: int
    last_line: int
    fields: list[str]
    bad: tuple[tuple[int, bytes], ...]
    unterminated: bool
    end: int


def _parse(text_: str, delimiter: str) -> list[str]:
    return next(csv.reader([text_], delimiter=delimiter, strict=False), [""])


def _records(lines: Iterator[_Line], delimiter: str, expected: list[int]) -> Iterator[_Record]:
    """Group physical lines into records. ``expected[0]`` (0 = unknown) is the number of columns a
    multi-line record must have to be accepted; otherwise its first line is an unterminated quote."""
    back: deque[_Line] = deque()

    def pull() -> _Line | None:
        return back.popleft() if back else next(lines, None)

    while True:
        ln = back.popleft() if back else next(lines, None)
        if ln is None:
            return
        lineno, txt, bad, end = ln
        if '"' not in txt:
            yield _Record(lineno, lineno, txt.split(delimiter), bad, False, end)
            continue
        quotes = txt.count('"')
        if not quotes % 2:
            yield _Record(lineno, lineno, _parse(txt, delimiter), bad, False, end)
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
                yield _Record(lineno, group[-1][0], fields, tuple(b for g in group for b in g[2]),
                              False, group[-1][3])
                continue
        back.extendleft(reversed(group[1:]))
        fields = [c.replace('"', "") for c in txt.split(delimiter)]
        yield _Record(lineno, lineno, fields, bad, True, end)


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


def _looks_like_address(cell: str) -> bool:
    return "@" in cell or "＠" in cell


def _header_match(cells: list[str]) -> int | None:
    """The index of the cell that names the address column, or None."""
    normed = [_norm(c) for c in cells]
    for name in _HEADER_NAMES:
        if name in normed:
            return normed.index(name)
    for i, n in enumerate(normed):  # "連絡先メールアドレス", "E-mail (PC)"
        if ("mail" in n or "メール" in n) and not _looks_like_address(cells[i]):
            return i
    return None


def _best_column(records: list[_Record]) -> int | None:
    score: Counter[int] = Counter()
    for r in records:
        for i, c in enumerate(r.fields):
            if _looks_like_address(c):
                score[i] += 1
    if not score:
        return None
    top = max(score.values())
    return min(i for i, s in score.items() if s == top)


# ----------------------------------------------------------------------------------------------
# The summary

class Summary:
    """Accumulates over the rows of one audit: counts by verdict, category and code, and the first
    rows needing action / having input problems (bounded: the rest are only counted)."""

    def __init__(self, max_listed: int = MAX_LISTED) -> None:
        self.max_listed = max_listed
        self.rows = 0
        self.arriving = 0
        self.by_verdict: Counter[str] = Counter()
        self.by_category: Counter[str] = Counter()
        self.by_code: Counter[str] = Counter()
        #: rows whose customer's reply would be refused by the sender's own server (``reply`` block);
        #: counted apart: they never change ``arriving`` or ``action_count`` (which follow ``verdict``)
        self.reply_blocked = 0
        #: rows that would not arrive: (line, address, verdict, reason-free codes)
        self.action: list[Row] = []
        self.action_count = 0
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
        if row.problems:
            self.problem_count += 1
            if len(self.problem_rows) < self.max_listed:
                self.problem_rows.append(row)

    @property
    def all_arrive(self) -> bool:
        return self.arriving == self.rows

    def top(self, n: int = 10) -> list[tuple[str, int]]:
        return sorted(self.by_code.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


# ----------------------------------------------------------------------------------------------
# The audit

_VERDICTS = ("deliver", "spam-folder", "at-risk", "block", "invalid")
#: the columns the audit adds to a report, in order (their names: messages/audit.toml col-*)
OUR_COLUMNS = ("verdict", "reply", "category", "provider", "findings", "suggestion", "reason")


class Audit:
    """One audit over a stream of byte chunks. Construction reads a bounded sample (encoding,
    delimiter, header, address column) and raises AuditError if the input is not a list at all;
    iterating yields one Row per data row, in order, and fills ``summary``.

    column: the address column's header name, or its 1-based number as a string; None to detect.
    after: applied to each row's result before it is counted (the shell's ``--dns`` answer, for example:
    ``checker.sender.recipient.with_mx``). ahead / window: ``ahead`` sees each result ``window`` rows before
    ``after`` is applied to it (so a shell can start slow work, such as DNS queries, for the rows to come).
    """

    def __init__(self, chunks: Iterable[bytes], *, column: str | None = None,
                 situation: Situation | None = None, lang: str = "ja", data: Data | None = None,
                 max_listed: int = MAX_LISTED, after: Callable[[Result], Result] | None = None,
                 ahead: Callable[[Result], None] | None = None, window: int = 0) -> None:
        self.data = data or default_data()
        self.lang = lang
        self.situation = situation or Situation()
        self.summary = Summary(max_listed)
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
            lines = _lines_16(it, head, self.encoding)
        else:
            lines = _lines_8bit(it, head, self.encoding, 3 if self.encoding == "utf-8-sig" else 0)
        # sample lines (for the delimiter), then records (for header and column), both replayed
        sample_lines: list[_Line] = []
        size = 0
        for ln in lines:
            sample_lines.append(ln)
            size += len(ln[1])
            if len(sample_lines) >= SAMPLE_RECORDS * 2 or size >= SAMPLE_BYTES:
                break
        self.delimiter = _sniff_delimiter([ln[1] for ln in sample_lines])
        self._expected = [0]
        replay = _chain(sample_lines, lines)
        records = _records(replay, self.delimiter, self._expected)
        sample: list[_Record] = []
        for rec in records:
            sample.append(rec)
            if len(sample) >= SAMPLE_RECORDS:
                break
        self.header, self.column = self._choose_column(sample, column)
        self.column_name = self.header[self.column] if self.header else None
        body = sample[1:] if self.header is not None else sample
        widths = Counter(len(r.fields) for r in body if r.fields != [""])
        self.width = len(self.header) if self.header is not None else (
            widths.most_common(1)[0][0] if widths else 1)
        self._expected[0] = self.width
        self._records = _chain(body, records)
        self._check = _cached_check(self.situation, lang, self.data)
        self._after = after
        self._ahead = ahead
        self._window = max(0, window)

    def _choose_column(self, sample: list[_Record], column: str | None) -> tuple[tuple[str, ...] | None, int]:
        first = sample[0].fields if sample else [""]
        rest = sample[1:]
        if column is not None:
            wanted = column.strip()
            if wanted.isdigit():
                idx = int(wanted) - 1
                widest = max(len(r.fields) for r in sample)
                if idx < 0 or idx >= widest:
                    raise AuditError("column-range", n=wanted, count=widest)
                is_header = (idx < len(first) and not _looks_like_address(first[idx]) and (
                    _header_match(first) is not None
                    or any(idx < len(r.fields) and _looks_like_address(r.fields[idx]) for r in rest)))
                return (tuple(first) if is_header else None), idx
            normed = [_norm(c) for c in first]
            if _norm(wanted) in normed:
                return tuple(first), normed.index(_norm(wanted))
            raise AuditError("column-not-found", name=wanted, columns=_list(first))
        idx = _header_match(first)
        if idx is not None:
            return tuple(first), idx
        if not any(_looks_like_address(c) for c in first):
            idx = _best_column(rest)
            if idx is not None:
                return tuple(first), idx
        idx = _best_column(sample)
        if idx is not None:
            return None, idx
        if max(len(r.fields) for r in sample) == 1:
            return None, 0  # a one-column list with nothing like an address: check it as it is
        raise AuditError("no-column", columns=_list(first))

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
                done = pending.popleft()
                result = after(done.result)
                if result is not done.result:
                    done = dataclasses.replace(done, result=result)
                add(done)
                yield done
        while pending:
            done = pending.popleft()
            result = after(done.result)
            if result is not done.result:
                done = dataclasses.replace(done, result=result)
            add(done)
            yield done

    def _rows(self) -> Iterator[Row]:
        col, width, check_ = self.column, self.width, self._check
        for rec in self._records:
            fields = rec.fields
            problems: list[Problem] = []
            if rec.bad:
                problems += [Problem("encoding-error", (
                    ("offset", off), ("bytes", " ".join(f"0x{b:02X}" for b in bad)),
                    ("encoding", _ENC_NAMES.get(self.encoding, self.encoding)))) for off, bad in rec.bad]
            if rec.unterminated:
                problems.append(Problem("unterminated-quote"))
            blank = len(fields) == 1 and not fields[0]
            if len(fields) != width and not blank:
                problems.append(Problem("column-count", (("found", len(fields)), ("expected", width))))
            address = fields[col] if col < len(fields) else ""
            if problems and not _looks_like_address(address):
                # a stray delimiter shifted the cells: take the one cell that looks like an address
                found = [c for c in fields if _looks_like_address(c)]
                if len(found) == 1:
                    address = found[0]
            yield Row(line=rec.line, last_line=rec.last_line, fields=tuple(fields), address=address,
                      result=check_(address), problems=tuple(problems), end=rec.end)

    # -- output ------------------------------------------------------------------------------

    def out_header(self) -> list[str]:
        """The report's header: the input's header (or "column N") and our columns, localized."""
        if self.header is not None:
            base = list(self.header)
        else:
            base = [text(self.data, "col-n", self.lang, n=i + 1) for i in range(self.width)]
        return base + [text(self.data, f"col-{c}", self.lang) for c in OUR_COLUMNS]

    def out_cells(self, row: Row) -> list[str]:
        """The row's cells followed by ours (verdict, reply, category, provider, codes, suggestion, reason).

        Our columns always start right after the header's width: a short row is padded with empty
        cells, and the surplus cells of a long row (a stray delimiter) follow ours, so nothing is
        dropped and the columns stay aligned in a spreadsheet."""
        r = row.result
        fields = list(row.fields[:self.width])
        fields += [""] * (self.width - len(fields))  # short rows are padded so our columns line up
        return [*fields, r.verdict, r.reply, r.category or "", r.provider or "", " ".join(row.codes),
                r.suggestion or "", row.reason(self.lang, self.data), *row.fields[self.width:]]

    def out_json(self, row: Row) -> dict[str, object]:
        """One JSON Lines record (keys are stable English names)."""
        r = row.result
        return {"line": row.line, "fields": list(row.fields), "address": row.address,
                "verdict": r.verdict, "reply": r.reply, "category": r.category, "provider": r.provider,
                "findings": list(row.codes), "suggestion": r.suggestion,
                "reason": row.reason(self.lang, self.data)}

    # -- summary -------------------------------------------------------------------------------

    def describe_column(self) -> str:
        if self.column_name is not None:
            return text(self.data, "column-named", self.lang, name=self.column_name, n=self.column + 1)
        return text(self.data, "column-numbered", self.lang, n=self.column + 1)

    def summary_dict(self) -> dict[str, object]:
        """The summary as plain data with localized labels (the page renders it)."""
        s, d, lang = self.summary, self.data, self.lang

        def listed(rows: list[Row]) -> list[dict[str, object]]:
            return [{"line": r.line, "address": r.address, "verdict": r.result.verdict,
                     "verdict_label": text(d, f"verdict-{r.result.verdict}", lang),
                     "codes": list(r.codes), "reason": r.reason(lang, d)} for r in rows]

        return {
            "rows": s.rows, "arriving": s.arriving, "all_arrive": s.all_arrive,
            "reply_blocked": s.reply_blocked,
            "encoding": _ENC_NAMES.get(self.encoding, self.encoding),
            "delimiter": text(d, f"delimiter-{_DELIM_KEYS[self.delimiter]}", lang),
            "column": self.describe_column(),
            "by_verdict": [{"verdict": v, "label": text(d, f"verdict-{v}", lang), "count": s.by_verdict[v]}
                           for v in _VERDICTS if s.by_verdict[v]],
            "by_category": [{"category": c, "label": self._category_label(c), "count": n}
                            for c, n in sorted(s.by_category.items(), key=lambda kv: (-kv[1], kv[0]))],
            "top": [{"code": c, "title": self._code_title(c), "count": n} for c, n in s.top()],
            "action": listed(s.action), "action_count": s.action_count,
            "problems": listed(s.problem_rows), "problem_count": s.problem_count,
        }

    def _category_label(self, category: str) -> str:
        cat = self.data.categories.get(category)
        return cat.name.get(self.lang) if cat else text(self.data, "category-none", self.lang)

    def _code_title(self, code: str) -> str:
        m = self.data.messages.get(code)
        if m is not None:
            return m.title.get(self.lang)
        key = f"audit.problem-{code}-title"
        return self.data.ui[key].get(self.lang) if key in self.data.ui else code

    def summary_text(self, name: str = "") -> str:
        """The summary for a terminal, localized, aligned (East Asian wide characters count 2)."""
        s, d, lang = self.summary, self.data, self.lang
        t = lambda key, **p: text(d, key, lang, **p)  # noqa: E731
        info = self.summary_dict()
        out = [t("summary-title", rows=_n(s.rows), name=name or "-"),
               t("summary-input", encoding=info["encoding"], delimiter=info["delimiter"],
                 column=info["column"]), ""]
        out.append(t("summary-by-verdict"))
        out += _table([(e["label"], _n(e["count"])) for e in info["by_verdict"]])  # type: ignore[index, union-attr]
        out.append(t("summary-by-category"))
        out += _table([(e["label"], _n(e["count"])) for e in info["by_category"]])  # type: ignore[index, union-attr]
        if s.by_code:
            out.append(t("summary-top"))
            out += _table([(e["code"], _n(e["count"]), e["title"]) for e in info["top"]])  # type: ignore[index, union-attr]
        if s.problem_count:
            out.append(t("summary-problems", n=_n(s.problem_count)))
            for r in s.problem_rows:
                out.append("  " + t("summary-line", line=r.line) + "  "
                           + " ".join(p.message(lang, d) for p in r.problems))
            if s.problem_count > len(s.problem_rows):
                out.append("  " + t("summary-more", n=_n(s.problem_count - len(s.problem_rows))))
        if s.reply_blocked:
            out.append(t("summary-reply-blocked", n=_n(s.reply_blocked)))
        if s.action_count:
            out.append(t("summary-action", n=_n(s.action_count)))
            for r in s.action:
                out.append("  " + t("summary-line", line=r.line) + "  " + (r.address.strip() or '""')
                           + "  " + t(f"verdict-{r.result.verdict}") + "  " + r.reason(lang, d))
            if s.action_count > len(s.action):
                out.append("  " + t("summary-more", n=_n(s.action_count - len(s.action))))
        elif s.rows:
            out.append(t("summary-all-arrive"))
        else:
            out.append(t("summary-no-rows"))
        return "\n".join(out) + "\n"


_ENC_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "utf-16-le": "UTF-16LE", "utf-16-be": "UTF-16BE",
              "cp932": "CP932 (Shift_JIS)"}
_DELIM_KEYS = {",": "comma", "\t": "tab", ";": "semicolon"}


def _chain(first: Iterable, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


def _list(cells: Iterable[str]) -> str:
    return ", ".join(f"「{c}」" for c in cells) or "-"


def _n(n: object) -> str:
    return f"{n:,}" if isinstance(n, int) else str(n)


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    if not rows:
        return []
    w0 = max(_width(r[0]) for r in rows)
    w1 = max(_width(r[1]) for r in rows)
    out = []
    for r in rows:
        line = "  " + r[0] + " " * (w0 - _width(r[0])) + "  " + " " * (w1 - _width(r[1])) + r[1]
        if len(r) > 2:
            line += "  " + r[2]
        out.append(line)
    return out


def _cached_check(situation: Situation, lang: str, data: Data) -> Callable[[str], Result]:
    """``check`` for one situation and language, remembering the last CACHE_SIZE distinct inputs."""

    @lru_cache(maxsize=CACHE_SIZE)
    def one(address: str) -> Result:
        return check(address, situation=situation, lang=lang, data=data)

    return one


# ----------------------------------------------------------------------------------------------
# Writers (pure: they return text; the shell decides where it goes)

class CsvWriter:
    """Formats rows as CSV text, one line at a time (CRLF, as Excel writes it)."""

    def __init__(self) -> None:
        self._buf = io.StringIO()
        self._w = csv.writer(self._buf, lineterminator="\r\n")

    def line(self, cells: list[str]) -> str:
        self._w.writerow(cells)
        s = self._buf.getvalue()
        self._buf.seek(0)
        self._buf.truncate()
        return s


def jsonl_line(obj: dict[str, object]) -> str:
    return json.dumps(obj, ensure_ascii=False) + "\n"


# ----------------------------------------------------------------------------------------------
# The in-page job: the Web Worker feeds the whole file and steps through it, posting progress

class Job:
    """An audit the Web Worker runs in steps (so it can post progress between them).

    ``Job(data_bytes, column=..., level=..., lang=...)``; ``step(n)`` audits up to n rows and
    returns ``{"done", "rows", "bytes", "total"}``; then ``summary()`` and ``report()`` (the CSV
    report as UTF-8 bytes with a BOM). An unreadable input raises AuditError at construction:
    ``error`` is then set instead (a localized message) and ``step`` reports done.
    """

    def __init__(self, content: bytes, *, column: str | None = None, level: int = 7,
                 links: bool = False, attachments: bool = False, allowlisted: bool = False,
                 reply_allowlisted: bool = False, lang: str = "ja", data: Data | None = None, max_listed: int = MAX_LISTED) -> None:
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
        self._parts.append(self._writer.line(self.audit.out_header()))
        self._it = iter(self.audit)

    def step(self, n: int = 1000) -> dict[str, object]:
        if not self._done:
            assert self.audit is not None
            line, cells = self._writer.line, self.audit.out_cells
            for _ in range(n):
                row = next(self._it, None)
                if row is None:
                    self._done = True
                    self._bytes = self.total
                    break
                self._parts.append(line(cells(row)))
                self._rows += 1
                self._bytes = row.end
        return {"done": self._done, "rows": self._rows, "bytes": self._bytes, "total": self.total,
                "error": self.error}

    def summary(self) -> dict[str, object] | None:
        return self.audit.summary_dict() if self.audit is not None else None

    def summary_text(self, name: str = "") -> str:
        return self.audit.summary_text(name) if self.audit is not None else (self.error or "")

    def report(self) -> bytes:
        return b"\xef\xbb\xbf" + "".join(self._parts).encode("utf-8")
