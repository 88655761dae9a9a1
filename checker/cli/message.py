"""``python -m checker message FILE... [--lang ja|en] [--json]``: the command-line shell of ``checker.message``.

Contract (stable): ``-`` reads standard input. ``--json`` prints exactly one JSON object per input file per
line, in order (``Report.to_dict(file)``: file, kind, recipients, authentication, findings). Exit status:
0 when nothing failed, 1 when a recipient failed, 2 on a usage error or an unreadable file (a localized
message on standard error, never a traceback; the file still gets its JSON line, kind "unknown").
Every string comes from ``messages/message.toml`` and ``messages/cli.toml``.
"""
from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Mapping
from typing import BinaryIO, TextIO

from .._data import Data, default_data
from .._model import Finding
from ..message import Report, read_message
from ..message.parse import MAX_BYTES
from ..message.report import bounce_url
from .common import Args, broken_pipe, check_operands, output_streams, parse_args, parse_or_report, site_url

_SURROGATE = re.compile("[\ud800-\udfff]")


def _printable(s: str) -> str:
    return "".join(c if c.isprintable() or c == " " else f"\\u{ord(c):04x}" for c in s)


def json_line(report: Report, file: str) -> str:
    line = json.dumps(report.to_dict(file), ensure_ascii=False)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", line)


def _t(data: Data, key: str, lang: str, **params: object) -> str:
    return data.ui[f"message.{key}"].get(lang).format(**params)


def human(report: Report, file: str, lang: str, data: Data, site: str) -> str:

    def t(key: str, **kw: object) -> str:
        return _t(data, key, lang, **kw)

    def sev(severity: str) -> str:
        return data.ui[f"cli.severity-{severity}"].get(lang)

    lines = [f"== {_printable(file)}: {t('kind-' + report.kind)}"]
    if report.subject:
        lines.append(f"  {t('label-subject')}: {_printable(report.subject[:200])}")
    for r in report.recipients:
        mark = "✖" if r.failed else "✔"
        lines.append(f"{mark} {_printable(r.address) or '?'}")
        lines.append(f"  {t('label-reason')}: {t('title-' + r.reason)} ({r.reason}"
                     + (f", {t('hard')}" if r.hard else "") + ")")
        code = " / ".join(x for x in (r.status, r.reply_code, r.command) if x)
        if code:
            lines.append(f"  {t('label-codes')}: {code}")
        if r.diagnostic:
            shown = r.diagnostic if len(r.diagnostic) <= 300 else r.diagnostic[:300] + "…"
            lines.append(f"  {t('label-diagnostic')}: {_printable(shown)}")
        lines.append(f"  {t('label-explain')}: {r.message}")
        lines.append(f"  {t('label-fix')}: {t('fix-' + r.reason)}")
        lines.append(f"      {site}{r.url}")
    a = report.authentication
    if a is not None:
        na = t("auth-none")
        lines.append(f"  SPF: {a.spf or na}  DKIM: {a.dkim or na}  DMARC: {a.dmarc or na}  "
                     f"{t('label-aligned')}: {t('yes') if a.aligned else t('no') if a.aligned is False else na}")
    for f in report.findings:
        lines.append(f"  [{sev(f.severity)}] {_printable(f.message)}")
        lines.append(f"      {site}{f.url}")
    return "\n".join(lines) + "\n"


def _parse(argv: list[str]) -> Args:
    args = parse_args(argv, ("--json",))
    check_operands(args, "message.message-no-file")
    return args


def _why(exc: Exception, data: Data, lang: str) -> str:
    """Why a file cannot be read, in ``lang`` (the system's own words only for the rare other cases)."""
    for kind, key in ((FileNotFoundError, "io-not-found"), (IsADirectoryError, "io-directory"),
                      (PermissionError, "io-permission")):
        if isinstance(exc, kind):
            return _t(data, key, lang)
    return getattr(exc, "strerror", None) or type(exc).__name__


def _read(name: str, stdin: BinaryIO) -> bytes:
    """At most MAX_BYTES + 1 bytes: enough to know the input was longer (the core reads MAX_BYTES)."""
    if name == "-":
        return stdin.read(MAX_BYTES + 1)
    with open(name, "rb") as fh:
        return fh.read(MAX_BYTES + 1)


def main(argv: list[str], stdin: BinaryIO | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None, environ: Mapping[str, str] | None = None) -> int:
    stdin = stdin if stdin is not None else sys.stdin.buffer
    stdout, stderr = output_streams(stdout, stderr)
    environ = environ if environ is not None else os.environ
    data = default_data()
    args = parse_or_report(_parse, argv, data, "message", stderr)
    if isinstance(args, int):
        return args
    files, lang, as_json = args.operands, args.lang, args.json
    if args.help:
        stdout.write(_t(data, "help", lang).lstrip("\n"))
        return 0
    site = site_url(environ)
    status = 0
    try:
        for n, name in enumerate(files):
            shown = "-" if name == "-" else name
            try:
                raw = _read(name, stdin)
            except (OSError, ValueError) as exc:
                message = _t(data, "unreadable", lang, file=_printable(shown), reason=_why(exc, data, lang))
                stderr.write(data.ui["cli.error"].get(lang).format(message=message) + "\n")
                report = Report(kind="unknown", findings=(Finding(code="unreadable", severity="error",
                                                                   message=message, url=bounce_url("reading", lang)),))
                status = 2
            else:
                report = read_message(raw, lang, data)
                if report.failed and status == 0:
                    status = 1
            if as_json:
                stdout.write(json_line(report, shown) + "\n")
            else:
                if n:
                    stdout.write("\n")
                stdout.write(human(report, shown, lang, data, site))
        stdout.flush()
    except BrokenPipeError:
        return broken_pipe()
    except KeyboardInterrupt:
        return 130
    return status
