"""``python -m checker audit INPUT [-o OUTPUT] ...``: the command-line shell of the list audit (``checker.lists``).

Everything with I/O lives here: arguments, opening and reading the file in chunks (a CSV or TSV file as
text in any of its encodings, an Excel workbook through ``lists.xlsx``), writing the report (CSV with a BOM
for Excel, an Excel workbook when the output's name ends in ``.xlsx``, or JSON Lines), the summary, the
progress bar (only when stderr is a terminal) and the exit status: 0 every row would arrive, 1 some would
not, 2 the input cannot be read or the command is wrong. Every message is localized (``messages/audit.toml``,
the shared usage errors of ``messages/cli.toml``); never a traceback, never CSV text in an ``.xlsx`` file.
"""
from __future__ import annotations

import csv
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO, TextIO

from .._data import default_data
from .._model import Situation
from ..lists import xlsx
from ..lists.audit import Audit
from ..lists.errors import AuditError, text
from ..lists.job import REPORT_TYPES, open_audit
from ..lists.report import CsvWriter, cells, header, json_record, jsonl_line, summary_text
from .common import (
    SITUATION_FLAGS,
    UsageError,
    broken_pipe,
    dns_lifetime,
    error_line,
    lang_hint,
    output_streams,
    parse_args,
    parse_or_report,
    printable,
    prog,
    situation,
)

CHUNK = 1 << 20
_FLAGS = (*SITUATION_FLAGS, "--dns")
#: options that take a value (and --lang, common.parse_args's), with an example for the "needs a value" message
_VALUED = {"-o": "-o report.csv", "--output": "--output report.xlsx", "--column": "--column メールアドレス",
           "--sheet": "--sheet 2", "--level": "--level 5", "--format": "--format xlsx",
           "--nameserver": "--nameserver 127.0.0.1:53"}
#: report formats: from --format, else from the output's name
FORMATS = ("csv", "xlsx", "jsonl")
_EXTENSIONS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl", ".ndjson": "jsonl"}
#: audit --dns: rows looked ahead, so that their MX queries run concurrently (the resolver's pool bounds them)
DNS_WINDOW = 2048


@dataclass
class _Args:
    input: str | None = None
    output: str | None = None
    column: str | None = None
    sheet: str | None = None
    situation: Situation = field(default_factory=Situation)
    lang: str = "ja"
    format: str | None = None
    dns: bool = False
    nameservers: list[tuple[str, int]] = field(default_factory=list)
    help: bool = False


def _parse(argv: list[str]) -> _Args:
    args = _Args()

    def take(name: str, value: str) -> None:
        if name in ("-o", "--output"):
            args.output = value
        elif name == "--column":
            args.column = value
        elif name == "--sheet":
            args.sheet = value
        else:  # --format
            if value not in FORMATS:
                raise UsageError("audit.bad-format", value=value)
            args.format = value

    given = parse_args(argv, _FLAGS, _VALUED, take, attached="-o")
    args.lang, args.help, args.nameservers = given.lang, given.help, given.nameservers
    args.situation, args.dns = situation(given), "--dns" in given.flags
    if args.help:
        return args
    if not given.operands:
        raise UsageError("audit.no-input")
    if len(given.operands) > 1:
        raise UsageError("audit.extra-input", value=given.operands[1])
    args.input = given.operands[0]
    return args


def _parse_all(argv: list[str]) -> tuple[_Args, str]:
    """The arguments and the report's format."""
    args = _parse(argv)
    return args, report_format(args.output, args.format) if not args.help else "csv"


def report_format(output: str | None, asked: str | None) -> str:
    """The report's format: ``--format``, else the output's extension (``.xlsx``: a workbook, ``.jsonl``:
    JSON Lines, else CSV). Raises UsageError when they disagree with the name (never CSV text in an
    ``.xlsx``), or for an old ``.xls`` name (a workbook there would not open)."""
    ext = os.path.splitext(output)[1].lower() if output not in (None, "-") else ""
    by_name = _EXTENSIONS.get(ext)
    if ext == ".xls":
        raise UsageError("audit.xls-output", path=output)
    if asked is not None and by_name is not None and asked != by_name and not (asked == "csv" and ext == ".txt"):
        raise UsageError("audit.format-name", format=asked, path=output)
    return asked or by_name or "csv"


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    while True:
        b = stream.read(CHUNK)
        if not b:
            return
        yield b


class _Progress:
    """A one-line progress bar on a terminal: percentage by bytes (or a sheet's rows) when the size is
    known, rows/s."""

    def __init__(self, stream: TextIO, total: int | None, lang: str) -> None:
        self.stream, self.total, self.lang = stream, total, lang
        self.start = self.last = time.monotonic()
        self.data = default_data()
        self.shown = False

    def update(self, rows: int, done: int, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < 0.1:
            return
        self.last = now
        rate = rows / max(now - self.start, 1e-6)
        label = text(self.data, "progress", self.lang, rows=f"{rows:,}", rate=f"{rate:,.0f}")
        if self.total:
            frac = min(done / self.total, 1.0)
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
    """``audit`` with ``argv`` (the arguments after ``audit``); the exit status."""
    stdout, stderr = output_streams(stdout, stderr)
    data = default_data()
    lang = lang_hint(argv)

    def fail(key: str, **params: object) -> int:
        stderr.write(error_line(data, lang, text(data, key, lang, **params)) + "\n")
        return 2

    parsed = parse_or_report(_parse_all, argv, data, "audit", stderr)
    if isinstance(parsed, int):
        return parsed
    args, fmt = parsed
    lang = args.lang
    if args.help:
        stdout.write(text(data, "usage", lang, prog=prog()) + "\n\n" + text(data, "help", lang) + "\n")
        return 0
    assert args.input is not None
    path = args.input
    out_path = args.output
    if fmt == "xlsx" and out_path in (None, "-"):
        return fail("error-xlsx-stdout")
    if fmt == "xlsx" and not xlsx.available():
        return fail("error-xlsx-missing")

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
            stream = open(path, "rb")  # noqa: SIM115 - closed in the finally below
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
    if out_path not in (None, "-") and path != "-":
        try:
            if os.path.exists(out_path) and os.path.samefile(path, out_path):
                stream.close()
                return fail("error-same-file", path=out_path)
        except OSError:
            pass

    out: TextIO | None = None
    created: str | None = None  # an empty workbook file made to test the name: removed if the audit fails
    ok = False
    resolver = None
    dns_hooks: dict[str, Any] = {}
    if args.dns:  # the recipient domains' MX answers: the only network use of `audit`, and only when asked
        from .dns import MxLookup, Resolver, ResolverUnavailable

        try:
            resolver = Resolver(args.nameservers, lifetime=dns_lifetime(os.environ), workers=32)
        except ResolverUnavailable as exc:
            if path != "-":
                stream.close()
            message = data.ui[f"domain.{exc.key}"].get(lang).format(detail=exc.detail)
            stderr.write(error_line(data, lang, message) + "\n")
            return 2
        mx = MxLookup(resolver, lang=lang, data=data)
        dns_hooks = {"after": mx.after, "ahead": mx.ahead, "window": DNS_WINDOW}
    try:
        try:
            chunks = _chunks(stream)
            head = next(chunks, b"")
            if head[:4] == xlsx.ZIP_MAGIC and not xlsx.available():
                return fail("error-xlsx-missing")
            audit: Audit = open_audit(chunks, head=head, column=args.column, sheet=args.sheet,
                                      situation=args.situation, lang=lang, data=data, **dns_hooks)
        except AuditError as e:
            stderr.write(error_line(data, lang, e.message(lang, data)) + "\n")
            return 2
        except OSError as e:
            return fail("error-read", path=name, reason=e.strerror or e)
        if audit.table.encoding == "xlsx":
            total = audit.table.size  # progress by the sheet's rows

        # -- open the report ----------------------------------------------------------------------
        summary_to = stdout
        book: xlsx.XlsxWriter | None = None
        if out_path == "-":
            out = stdout
            summary_to = stderr
        elif out_path is not None and fmt == "xlsx":
            book = xlsx.XlsxWriter(data.ui["audit.report-sheet"].get(lang))
            existed = os.path.exists(out_path)
            try:  # the name must be writable before the audit runs (the workbook is saved at the end)
                with open(out_path, "ab"):
                    pass
            except OSError as e:
                return fail("error-write", path=out_path, reason=e.strerror or e)
            if not existed:
                created = out_path
        elif out_path is not None:
            try:
                # plain UTF-8 (C-speed encoding) with the BOM written by hand: "utf-8-sig" would
                # encode every row through a Python-level codec
                out = open(out_path, "w", encoding="utf-8", newline="")  # noqa: SIM115
                if fmt == "csv":
                    out.write("\ufeff")
            except OSError as e:
                return fail("error-write", path=out_path, reason=e.strerror or e)

        progress = _Progress(stderr, total, lang) if _isatty(stderr) else None
        rows = 0
        try:
            if book is not None:
                book.row(header(audit))
                for row in audit:
                    book.row(cells(audit, row))
                    rows += 1
                    if progress is not None and not rows & 1023:
                        progress.update(rows, row.end)
            elif out is None:
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
                    writerow = lambda cells_: write(line(cells_))  # noqa: E731
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
        except (AuditError, xlsx.XlsxError) as e:  # a workbook damaged after its first rows
            if progress is not None:
                progress.close()
            message = AuditError(e.key, **e.params).message(lang, data)  # type: ignore[arg-type]
            stderr.write(error_line(data, lang, message) + "\n")
            return 2
        if progress is not None:
            progress.update(rows, total or 0, force=True)
            progress.close()
        if book is not None:
            assert out_path is not None
            try:
                with open(out_path, "wb") as f:
                    f.write(book.finish())
            except OSError as e:
                return fail("error-write", path=out_path, reason=e.strerror or e)
        if out is not None and out is not stdout:
            out.close()
            out = None
        elif out is not None:  # the report went to standard output
            out.flush()
        summary_to.write(summary_text(audit, name))
        if out_path not in (None, "-"):
            summary_to.write(text(data, "summary-report", lang, path=printable(out_path)) + "\n")
        summary_to.flush()
        ok = True
        return 0 if audit.summary.all_arrive else 1
    except KeyboardInterrupt:
        stderr.write("\n" + text(data, "error-interrupted", lang) + "\n")
        return 130
    except BrokenPipeError:
        return broken_pipe()
    finally:
        if resolver is not None:
            resolver.close()
        if out is not None and out is not stdout:
            out.close()
        if path != "-":
            stream.close()
        if created is not None and not ok:
            try:
                os.unlink(created)
            except OSError:
                pass


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


__all__ = ["FORMATS", "REPORT_TYPES", "main", "report_format"]
