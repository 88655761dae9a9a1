"""``python -m checker audit INPUT [-o OUTPUT] ...``: the command-line shell of the list audit (``checker.lists``).

Everything with I/O lives here: arguments, opening and reading the file in chunks, writing the
report (CSV with a BOM for Excel, or JSON Lines), the summary, the progress bar (only when stderr is
a terminal) and the exit status: 0 every row would arrive, 1 some would not, 2 the input cannot be
read or the command is wrong. Every message is localized (``messages/audit.toml``); no traceback.
"""
from __future__ import annotations

import csv
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, TextIO

from .._data import default_data
from .._model import Situation
from ..lists.audit import Audit
from ..lists.errors import AuditError, text
from ..lists.report import CsvWriter, cells, header, json_record, jsonl_line, summary_text

CHUNK = 1 << 20
_FLAGS = {"--links", "--attachments", "--allowlisted", "--reply-allowlisted", "--dns"}
_VALUED = {"-o", "--output", "--column", "--level", "--lang", "--format", "--nameserver"}
#: audit --dns: rows looked ahead, so that their MX queries run concurrently (the resolver's pool bounds them)
DNS_WINDOW = 2048


class _Usage(Exception):
    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key, self.params = key, params


@dataclass
class _Args:
    input: str | None = None
    output: str | None = None
    column: str | None = None
    level: int = 7
    links: bool = False
    attachments: bool = False
    allowlisted: bool = False
    reply_allowlisted: bool = False
    lang: str = "ja"
    format: str | None = None
    dns: bool = False
    nameservers: list[tuple[str, int]] = field(default_factory=list)
    help: bool = False


def _lang_hint(argv: list[str]) -> str:
    """The language asked for, read before parsing so that usage errors are in it too."""
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv) and argv[i + 1] in ("ja", "en"):
            return argv[i + 1]
        if a in ("--lang=ja", "--lang=en"):
            return a[7:]
    return "ja"


def _parse(argv: list[str]) -> _Args:
    args = _Args()
    positional: list[str] = []
    i = 0
    while i < len(argv):
        a = argv[i]
        i += 1
        if a == "--":
            positional += argv[i:]
            break
        if a in ("-h", "--help"):
            args.help = True
            continue
        if a in _FLAGS:
            setattr(args, a[2:].replace("-", "_"), True)
            continue
        opt, eq, value = a.partition("=")
        if opt in _VALUED or (a.startswith("-o") and len(a) > 2):
            if a.startswith("-o") and not a.startswith("--") and len(a) > 2:
                opt, value, eq = "-o", a[2:], "="
            if not eq:
                if i >= len(argv):
                    raise _Usage("usage-value", option=opt)
                value = argv[i]
                i += 1
            if opt in ("-o", "--output"):
                args.output = value
            elif opt == "--column":
                args.column = value
            elif opt == "--level":
                if not (value.isdigit() and 1 <= int(value) <= 10):
                    raise _Usage("usage-level", value=value)
                args.level = int(value)
            elif opt == "--lang":
                if value not in ("ja", "en"):
                    raise _Usage("usage-lang", value=value)
                args.lang = value
            elif opt == "--nameserver":
                from .dns import parse_nameserver

                try:
                    args.nameservers.append(parse_nameserver(value))
                except ValueError:
                    raise _Usage("usage-nameserver", value=value) from None
            elif opt == "--format":
                if value not in ("csv", "jsonl"):
                    raise _Usage("usage-format", value=value)
                args.format = value
            continue
        if a.startswith("-") and a != "-":
            raise _Usage("usage-unknown", option=a)
        positional.append(a)
    if args.help:
        return args
    if not positional:
        raise _Usage("usage-input")
    if len(positional) > 1:
        raise _Usage("usage-extra", value=positional[1])
    args.input = positional[0]
    return args


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    while True:
        b = stream.read(CHUNK)
        if not b:
            return
        yield b


class _Progress:
    """A one-line progress bar on a terminal: percentage by bytes when the size is known, rows/s."""

    def __init__(self, stream: TextIO, total: int | None, lang: str) -> None:
        self.stream, self.total, self.lang = stream, total, lang
        self.start = self.last = time.monotonic()
        self.data = default_data()
        self.shown = False

    def update(self, rows: int, done_bytes: int, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < 0.1:
            return
        self.last = now
        rate = rows / max(now - self.start, 1e-6)
        label = text(self.data, "progress", self.lang, rows=f"{rows:,}", rate=f"{rate:,.0f}")
        if self.total:
            frac = min(done_bytes / self.total, 1.0)
            filled = int(frac * 30)
            bar = f"[{'#' * filled}{'.' * (30 - filled)}] {frac * 100:5.1f}%  "
        else:
            bar = ""
        self.stream.write(f"\r\x1b[K{bar}{label}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def main(argv: list[str], stdin: BinaryIO | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    data = default_data()
    lang = _lang_hint(argv)

    def fail(key: str, **params: object) -> int:
        stderr.write(text(data, "error", lang, message=text(data, key, lang, **params)) + "\n")
        return 2

    try:
        args = _parse(argv)
    except _Usage as u:
        stderr.write(text(data, "error", lang, message=text(data, u.key, lang, **u.params)) + "\n")
        stderr.write(text(data, "usage", lang) + "\n" + text(data, "usage-hint", lang) + "\n")
        return 2
    lang = args.lang
    if args.help:
        stdout.write(text(data, "usage", lang) + "\n\n" + text(data, "help", lang) + "\n")
        return 0
    assert args.input is not None
    path = args.input

    # -- open the input -------------------------------------------------------------------------
    total: int | None = None
    if path == "-":
        stream: BinaryIO = stdin or sys.stdin.buffer
        name = "-"
    else:
        name = path
        try:
            if os.path.isdir(path):
                return fail("error-directory", path=path)
            stream = open(path, "rb")  # noqa: SIM115 (closed in the finally below: it outlives this block)
        except FileNotFoundError:
            return fail("error-not-found", path=path)
        except PermissionError:
            return fail("error-permission", path=path)
        except OSError as e:
            return fail("error-read", path=path, reason=e.strerror or e)
        try:
            st = os.fstat(stream.fileno())
            total = st.st_size if st.st_size > 0 else None
        except OSError:
            total = None
    out_path = args.output
    if out_path not in (None, "-") and path != "-":
        try:
            if os.path.exists(out_path) and os.path.samefile(path, out_path):
                stream.close()
                return fail("error-same-file", path=out_path)
        except OSError:
            pass

    situation = Situation(level=args.level, links=args.links, attachments=args.attachments,
                          allowlisted=args.allowlisted, reply_allowlisted=args.reply_allowlisted)
    out: TextIO | None = None
    resolver = None
    dns_hooks: dict[str, object] = {}
    if args.dns:  # the recipient domains' MX answers: the only network use of `audit`, and only when asked
        from .dns import DEFAULT_LIFETIME, MxLookup, Resolver, ResolverUnavailable

        try:
            lifetime = float(os.environ.get("TODOKU_DNS_LIFETIME", DEFAULT_LIFETIME))
        except ValueError:
            lifetime = DEFAULT_LIFETIME
        try:
            resolver = Resolver(args.nameservers, lifetime=lifetime, workers=32)
        except ResolverUnavailable as exc:
            if path != "-":
                stream.close()
            message = data.ui[f"domain.{exc.key}"].get(lang).format(detail=exc.detail)
            stderr.write(text(data, "error", lang, message=message) + "\n")
            return 2
        mx = MxLookup(resolver, lang=lang, data=data)
        dns_hooks = {"after": mx.after, "ahead": mx.ahead, "window": DNS_WINDOW}
    try:
        try:
            audit = Audit(_chunks(stream), column=args.column, situation=situation, lang=lang, data=data,
                          **dns_hooks)  # type: ignore[arg-type]
        except AuditError as e:
            return fail(f"error-{e.key}", **e.params)
        except OSError as e:
            return fail("error-read", path=name, reason=e.strerror or e)

        # -- open the report ----------------------------------------------------------------------
        fmt = args.format or ("jsonl" if out_path and out_path.lower().endswith((".jsonl", ".ndjson"))
                              else "csv")
        summary_to = stdout
        if out_path == "-":
            out = stdout
            summary_to = stderr
        elif out_path is not None:
            try:
                # plain UTF-8 (C-speed encoding) with the BOM written by hand: "utf-8-sig" would
                # encode every row through a Python-level codec
                out = open(out_path, "w", encoding="utf-8", newline="")  # noqa: SIM115 (closed below)
                if fmt == "csv":
                    out.write("\ufeff")
            except OSError as e:
                return fail("error-write", path=out_path, reason=e.strerror or e)

        progress = _Progress(stderr, total, lang) if _isatty(stderr) else None
        rows = 0
        try:
            if out is None:
                for row in audit:
                    rows += 1
                    if progress is not None and not rows & 1023:
                        progress.update(rows, row.end)
            elif fmt == "csv":
                writerow: Callable[[list[str]], object]
                if out is stdout:
                    w = CsvWriter()
                    out.write(w.line(header(audit)))
                    line, write = w.line, out.write

                    def to_stdout(row_cells: list[str]) -> None:
                        write(line(row_cells))

                    writerow = to_stdout
                else:  # straight into the file (the same CSV dialect as CsvWriter)
                    writerow = csv.writer(out, lineterminator="\r\n").writerow
                    writerow(header(audit))
                for row in audit:
                    writerow(cells(audit, row))
                    rows += 1
                    if progress is not None and not rows & 1023:
                        progress.update(rows, row.end)
            else:
                write = out.write
                for row in audit:
                    write(jsonl_line(json_record(audit, row)))
                    rows += 1
                    if progress is not None and not rows & 1023:
                        progress.update(rows, row.end)
        except OSError as e:
            if progress is not None:
                progress.close()
            return fail("error-read", path=name, reason=e.strerror or e)
        if progress is not None:
            progress.update(rows, total or 0, force=True)
            progress.close()
        if out is not None and out is not stdout:
            out.close()
            out = None
        elif out is not None:  # the report went to standard output
            out.flush()
        summary_to.write(summary_text(audit, name))
        if out_path not in (None, "-"):
            summary_to.write(text(data, "summary-report", lang, path=out_path) + "\n")
        summary_to.flush()
        return 0 if audit.summary.all_arrive else 1
    except KeyboardInterrupt:
        stderr.write("\n" + text(data, "error-interrupted", lang) + "\n")
        return 130
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (silence the interpreter's flush at exit)
        except OSError:
            pass
        return 1
    finally:
        if resolver is not None:
            resolver.close()
        if out is not None and out is not stdout:
            out.close()
        if path != "-":
            stream.close()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
