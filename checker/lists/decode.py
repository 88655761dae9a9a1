"""Bytes -> physical lines: the encoding of a list (a BOM, strict UTF-8, else CP932 as Excel saves it)
and its lines decoded in bulk where they can be. Pure and streaming: chunks of bytes in, lines out.

A byte that decodes in no encoding is reported with its byte offset and shown as ``\\xNN`` in the
line, never silently replaced.
"""
from __future__ import annotations

from collections.abc import Iterator

from .errors import AuditError

#: bytes looked at to choose the encoding and the delimiter (and the size of a decoded buffer)
SAMPLE_BYTES = 64 * 1024

#: what people call each encoding (the summary and the encoding-error problem show it)
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "utf-16-le": "UTF-16LE", "utf-16-be": "UTF-16BE",
                  "cp932": "CP932 (Shift_JIS)", "xlsx": "Excel (.xlsx)"}


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
        guess = utf16_without_bom(sample)
        if guess is None:
            raise AuditError("binary")
        return guess
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as e:
        # a sample cut inside a character is still UTF-8
        return "utf-8" if e.reason == "unexpected end of data" and e.end == len(sample) else "cp932"


def utf16_without_bom(sample: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when ``sample`` reads as UTF-16 text without a BOM (some Windows tools
    save it so): NUL bytes on one side of most code units, none on the other, no line ends split; else None."""
    n = len(sample) // 2
    if n < 2:
        return None
    even, odd = sample[0:2 * n:2], sample[1:2 * n:2]
    for enc, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if high.count(0) * 2 >= n and not low.count(0):
            try:
                sample[:2 * n].decode(enc)
            except UnicodeDecodeError:
                # a sample cut inside a surrogate pair is still UTF-16
                try:
                    sample[:2 * n - 2].decode(enc)
                except UnicodeDecodeError:
                    return None
            return enc
    return None


#: what Python's cp932 codec makes of bytes that are no character in Excel's Shift_JIS
#: (0x80, 0xA0, 0xFD-0xFF): treated as undecodable rather than silently turned into these
_CP932_BAD = frozenset("\x80\uf8f0\uf8f1\uf8f2\uf8f3")


def decode(raw: bytes, encoding: str) -> tuple[str, tuple[tuple[int, bytes], ...]]:
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


#: A physical line: (line number, text, ((byte offset, bytes), ...) undecodable, byte offset after it)
Line = tuple[int, str, tuple[tuple[int, bytes], ...], int]


def lines_8bit(chunks: Iterator[bytes], head: bytes, encoding: str, skip: int) -> Iterator[Line]:
    """Lines of an ASCII-compatible encoding (UTF-8, CP932: no trail byte is CR, LF or a quote).

    Fast path: a buffer of whole LF-terminated lines is decoded in one call and split on LF in
    both its bytes and its text (an LF byte is always an LF character in these encodings, so the
    pieces correspond one to one). A buffer with an undecodable byte or a lone CR (old Mac line
    ends) goes line by line."""
    decode_ = decode
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
            for i, (t, raw) in enumerate(zip(texts, pieces, strict=True), 1):
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
                txt_, bad = decode_(raw, encoding)
                yield lineno, txt_, tuple((offset - len(piece) + o, b) for o, b in bad), offset


def lines_16(chunks: Iterator[bytes], head: bytes, encoding: str) -> Iterator[Line]:
    """Lines of UTF-16 (after its BOM, if it has one): split on the LF code unit at an even offset."""
    be = encoding.endswith("be")
    lf, cr = (b"\x00\n", b"\x00\r") if be else (b"\n\x00", b"\r\x00")
    lineno = 0
    skip = 2 if head[:2] in (b"\xff\xfe", b"\xfe\xff") else 0
    base = skip  # byte offset of buf[0]
    buf = head[skip:]
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
            txt, bad = decode(raw, encoding)
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
                txt, bad = decode(raw, encoding)
                yield lineno, txt, tuple((base + o, b) for o, b in bad), base + len(buf)
                buf = b""
            break
        buf += more
