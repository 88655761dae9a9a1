"""What every command of the command line shares: one way of reading the arguments (``parse_args``:
``-h``/``--help``, ``--lang`` anywhere, ``--json``, ``-`` and ``--``, values as ``--name V`` or ``--name=V``),
the options more than one command has (``--level``, ``--nameserver``), one style of usage errors per language,
the program's name, terminal-safe echoes, the environment's settings (``$TODOKU_SITE_URL``,
``$TODOKU_DNS_LIFETIME``) and standard input read as lists are (CP932, UTF-8, UTF-16: ``check -`` reads what
``audit`` reads).

A command raises ``UsageError(key, **params)`` for a mistake in its arguments; ``report_usage`` prints it as
``エラー: ...`` / ``Error: ...`` (the message from ``messages/cli.toml``, or from the command's own table)
followed by the hint to the command's help, and the command exits 2 (``parse_or_report`` does both).
"""
from __future__ import annotations

import codecs
import os
import re
import sys
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO, TextIO, TypeVar

from .._data import LANGS, Data
from .._model import Situation
from ..lists.decode import SAMPLE_BYTES, detect_encoding
from ..lists.errors import AuditError

#: the default site of the human output's links (scripts/serve serves the guide there)
DEFAULT_SITE_URL = "http://127.0.0.1:8000"
_SURROGATE = re.compile("[\ud800-\udfff]")
HELP = ("-h", "--help")
#: the flags that describe the sender's situation (check, audit): ``situation()``
SITUATION_FLAGS = ("--links", "--attachments", "--allowlisted", "--reply-allowlisted")
#: the options every command takes, with the example of their "needs a value" message
COMMON_VALUED = {"--lang": "--lang en"}
_T = TypeVar("_T")


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


def parse_or_report(parse: Callable[[list[str]], _T], argv: list[str], data: Data, command: str,
                    stderr: TextIO) -> _T | int:
    """``parse(argv)``, or, for a usage error, the error reported in the language asked for (``lang_hint``)
    and the exit status 2."""
    try:
        return parse(argv)
    except UsageError as exc:
        return report_usage(data, lang_hint(argv), exc, command, stderr)


# ---------------------------------------------------------------------------------------------- arguments

@dataclass
class Args:
    """What every command's arguments have: the operands in order (``-``: standard input; every argument
    after ``--``), ``--lang``, ``--json`` (for a command that has it), ``-h``/``--help``, the flags given
    (``--links`` ...) and the options more than one command has: ``--level``, ``--nameserver`` (repeatable)."""
    operands: list[str] = field(default_factory=list)
    lang: str = "ja"
    json: bool = False
    help: bool = False
    flags: set[str] = field(default_factory=set)
    level: int = 7
    nameservers: list[tuple[str, int]] = field(default_factory=list)


def parse_args(argv: list[str], flags: Collection[str] = (), valued: Mapping[str, str] | None = None,
               take: Callable[[str, str], None] | None = None, attached: str | None = None) -> Args:
    """``argv`` read left to right the one way every command reads it. ``-h``/``--help``; ``--lang L`` or
    ``--lang=L``; the command's ``flags`` (no value); its ``valued`` options (``--name V`` or ``--name=V``; the
    mapping gives the example of the "needs a value" message): ``--level`` and ``--nameserver`` are read here,
    any other goes to ``take(name, value)``, which checks and keeps it. ``attached`` (``-o``) may also carry
    its value joined (``-oFILE``). Any other argument that starts with ``-`` (but ``-`` itself) is an unknown
    option; the rest are operands, and so is everything after ``--``. Raises UsageError for the first
    mistake, in the order of the arguments."""
    examples = {**COMMON_VALUED, **(valued or {})}
    args = Args(lang=lang_hint(argv))
    i = 0
    while i < len(argv):
        a = argv[i]
        i += 1
        if a == "--":
            args.operands += argv[i:]
            break
        if a == "-" or not a.startswith("-"):
            args.operands.append(a)
            continue
        if a in HELP:
            args.help = True
            continue
        name, eq, value = a.partition("=")
        if attached is not None and a.startswith(attached) and len(a) > len(attached) and not a.startswith("--"):
            name, eq, value = attached, "=", a[len(attached):]
        if name in flags:
            if eq:
                raise UsageError("unexpected-value", option=name)
            args.flags.add(name)
            args.json = args.json or name == "--json"
            continue
        if name not in examples:
            raise UsageError("unknown-option", option=name)
        if not eq:
            if i >= len(argv):
                raise UsageError("missing-value", option=name, example=examples[name])
            value = argv[i]
            i += 1
        if name == "--lang":
            if value not in LANGS:
                raise UsageError("bad-lang", value=value)
            args.lang = value
        elif name == "--level":
            args.level = _level(value)
        elif name == "--nameserver":
            args.nameservers.append(_nameserver(value))
        elif take is not None:
            take(name, value)
    return args


def situation(args: Args) -> Situation:
    """The sender's situation the arguments describe: ``--level`` and the ``SITUATION_FLAGS``."""
    return Situation(level=args.level, **{f[2:].replace("-", "_"): f in args.flags for f in SITUATION_FLAGS})


def check_operands(args: Args, none: str) -> None:
    """The operands of a command that reads one or more of them (addresses, domains, files): ``none``, the
    message key when there is none; ``-`` (standard input) at most once. Nothing is asked with ``--help``."""
    if args.help:
        return
    if not args.operands:
        raise UsageError(none)
    if args.operands.count("-") > 1:
        raise UsageError("stdin-twice")


def _level(value: str) -> int:
    """``--level``: a whole number from 1 to 10, in ASCII digits."""
    if not (value.isascii() and value.isdigit() and 1 <= int(value) <= 10):
        raise UsageError("bad-level", value=value)
    return int(value)


def _nameserver(value: str) -> tuple[str, int]:
    """``--nameserver HOST[:PORT]``: (ip, port)."""
    from .dns import parse_nameserver as parse

    try:
        return parse(value)
    except ValueError:
        raise UsageError("bad-nameserver", value=value) from None


# ---------------------------------------------------------------------------------------------- environment

def site_url(environ: Mapping[str, str]) -> str:
    """Where the human output's links point: ``$TODOKU_SITE_URL`` (no trailing slash)."""
    return environ.get("TODOKU_SITE_URL", DEFAULT_SITE_URL).rstrip("/")


def dns_lifetime(environ: Mapping[str, str]) -> float:
    """Seconds a DNS query may take: ``$TODOKU_DNS_LIFETIME``, else (or when it is no number) the default."""
    from .dns import DEFAULT_LIFETIME

    try:
        return float(environ.get("TODOKU_DNS_LIFETIME", DEFAULT_LIFETIME))
    except ValueError:
        return DEFAULT_LIFETIME


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


def operands(names: list[str], stdin: TextIO | BinaryIO) -> Iterator[str]:
    """The operands in order, ``-`` replaced by the non-blank lines of standard input (``text_lines``)."""
    for name in names:
        if name == "-":
            yield from text_lines(stdin)
        else:
            yield name


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


def output_streams(stdout: TextIO | None, stderr: TextIO | None) -> tuple[TextIO, TextIO]:
    """The command's standard output and error (the process's unless given), prepared (``prepare_streams``)."""
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    prepare_streams(out, err)
    return out, err


def broken_pipe() -> int:
    """Standard output was closed early (piped into ``head``): stop quietly, and keep the interpreter's flush
    at exit quiet too; the exit status (1)."""
    try:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (open until the interpreter exits)
    except OSError:  # pragma: no cover
        pass
    return 1


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
