"""What every command of the command line shares: one style of usage errors per language, the program's
name, ``--lang`` read from anywhere in the arguments, terminal-safe echoes, and standard input read as lists
are (CP932, UTF-8, UTF-16: ``check -`` reads what ``audit`` reads).

A command raises ``UsageError(key, **params)`` for a mistake in its arguments; ``report_usage`` prints it as
``エラー: ...`` / ``Error: ...`` (the message from ``messages/cli.toml``, or from the command's own table)
followed by the hint to the command's help, and the command exits 2.
"""
from __future__ import annotations

import codecs
import os
import re
import sys
from collections.abc import Iterator
from typing import BinaryIO, TextIO

from .._data import LANGS, Data
from ..lists.decode import SAMPLE_BYTES, detect_encoding
from ..lists.errors import AuditError

#: the default site of the human output's links (scripts/serve serves the guide there)
DEFAULT_SITE_URL = "http://127.0.0.1:8000"
_SURROGATE = re.compile("[\ud800-\udfff]")


class UsageError(Exception):
    """A mistake in the arguments. ``key`` names the message: ``cli.<key>`` (shared by every command) unless
    it contains a dot (``audit.no-input``); ``params`` fill it in."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def prog(argv0: str | None = None) -> str:
    """How the user called us: ``todoku`` (the installed command) or ``python -m checker``."""
    name = os.path.basename(argv0 if argv0 is not None else (sys.argv[0] if sys.argv else ""))
    return "todoku" if name.startswith("todoku") else "python -m checker"


def lang_hint(argv: list[str]) -> str:
    """The language asked for with ``--lang`` anywhere in ``argv`` (before ``--``), read before parsing so
    that usage errors are in it too; ``ja`` when none (or an unknown one) is given."""
    for i, a in enumerate(argv):
        if a == "--":
            break
        if a.startswith("--lang="):
            if a[len("--lang="):] in LANGS:
                return a[len("--lang="):]
        elif a == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGS:
            return argv[i + 1]
    return "ja"


def ui(data: Data, key: str, lang: str, **params: object) -> str:
    """The string ``key`` (``cli.<key>`` when it has no dot) in ``lang``, filled in."""
    s = data.ui[key if "." in key else f"cli.{key}"].get(lang)
    return s.format(**params) if params else s


def printable(s: str) -> str:
    """``s`` with invisible and control characters shown as escapes (terminal-safe)."""
    if s.isprintable():
        return s
    return "".join(c if c.isprintable() else c.encode("unicode_escape", "backslashreplace").decode("ascii")
                   if not ("\ud800" <= c <= "\udfff") else f"\\u{ord(c):04x}" for c in s)


def error_line(data: Data, lang: str, message: str) -> str:
    """``エラー: message`` / ``Error: message``: every command's errors look the same."""
    return ui(data, "error", lang, message=message)


def report_usage(data: Data, lang: str, exc: UsageError, command: str | None, stderr: TextIO) -> int:
    """Print a usage error and where the help is; the exit status (2)."""
    message = ui(data, exc.key, lang, **{k: printable(str(v)) for k, v in exc.params.items()})
    stderr.write(error_line(data, lang, message) + "\n")
    if command:
        stderr.write(ui(data, "hint", lang, prog=prog(), command=command) + "\n")
    else:
        stderr.write(ui(data, "hint-top", lang, prog=prog()) + "\n")
    return 2


def no_surrogates(line: str) -> str:
    """A JSON line without lone surrogates: an undecodable byte (``surrogateescape``: U+DC80-U+DCFF) is
    written as the text ``\\xNN`` (how the list audit shows it), any other lone surrogate as ``\\uXXXX``:
    strict JSON readers accept the line, and what the user gave stays readable."""
    return _SURROGATE.sub(_escape_json, line)


def _escape_json(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\\\u{code:04x}"


# ---------------------------------------------------------------------------------------------- standard input

def text_lines(stdin: TextIO | BinaryIO) -> Iterator[str]:
    """The non-blank lines of standard input, decoded as the list audit decodes a file: a BOM decides
    (UTF-8, UTF-16), else UTF-8 when the first 64 KB decode as UTF-8, else CP932 (Shift_JIS as Excel and
    Windows write it). A byte that decodes in neither stays an undecodable byte (``surrogateescape``: the
    checker reports it as garbled text, ``--json`` writes it as ``\\xNN``). A terminal is read line by
    line as typed (in its own encoding); a pipe or a file through the detection."""
    binary = stdin if not hasattr(stdin, "encoding") else getattr(stdin, "buffer", None)
    if binary is None or _isatty(stdin):
        yield from _typed_lines(stdin)  # type: ignore[arg-type]
        return
    chunks = iter(lambda: binary.read(1 << 16), b"")
    head = b""
    for chunk in chunks:
        head += chunk
        if len(head) >= SAMPLE_BYTES:
            break
    if not head:
        return
    try:
        encoding = detect_encoding(head[:SAMPLE_BYTES])
    except AuditError:  # NUL bytes that are no UTF-16 (or a workbook): bytes, reported as they come
        encoding = "utf-8"
    decoder = codecs.getincrementaldecoder(encoding)(errors="surrogateescape")
    # bytes that are no character in Excel's Shift_JIS, which Python's cp932 maps to U+0080 and private use
    # characters: undecodable, as the list audit takes them
    fix = _CP932_UNDECODABLE if encoding == "cp932" else None
    rest = ""
    first = True
    for chunk in _chain(head, chunks):
        text = rest + decoder.decode(chunk)
        if fix is not None:
            text = text.translate(fix)
        if first:
            text = text.lstrip("\ufeff")
            first = False
        lines = text.split("\n")
        rest = lines.pop()
        for line in lines:
            line = line.rstrip("\r")
            if line.strip():
                yield line
    rest += decoder.decode(b"", final=True)
    for line in rest.split("\n"):
        line = line.rstrip("\r")
        if line.strip():
            yield line


_CP932_UNDECODABLE = {0x80: "\udc80", 0xF8F0: "\udca0", 0xF8F1: "\udcfd", 0xF8F2: "\udcfe", 0xF8F3: "\udcff"}


def _chain(head: bytes, chunks: Iterator[bytes]) -> Iterator[bytes]:
    yield head
    yield from chunks


def _typed_lines(stdin: TextIO) -> Iterator[str]:
    first = True
    for line in stdin:
        if first:
            line = line.lstrip("\ufeff")
            first = False
        line = line.rstrip("\r\n")
        if line.strip():
            yield line


def _isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        return False


def prepare_streams(*streams: TextIO) -> None:
    """Output never raises on a character the terminal cannot show; a typed undecodable byte becomes a
    lone surrogate (then ``\\xNN``), never an exception."""
    for stream in streams:
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="surrogateescape" if stream is sys.stdin else "backslashreplace")
            except (ValueError, OSError):  # pragma: no cover - already in use
                pass
