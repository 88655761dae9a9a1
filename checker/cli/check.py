"""``python -m checker check ADDRESS... [options]``: the command-line shell of the address checker
(``checker.cli`` dispatches to it; ``audit`` and the other commands are their own modules).

Contract (other tools rely on it; keep it stable)::

    python -m checker check ADDRESS... [--level N] [--links] [--attachments] [--allowlisted]
                                       [--reply-allowlisted] [--lang ja|en] [--json]

``-`` reads one address per line from standard input (blank lines are skipped), decoded as ``audit``
decodes a list: UTF-8, CP932 (Shift_JIS) or UTF-16, an undecodable byte shown as ``\\xNN``. ``--json``
prints exactly one JSON object per address per line (``Result.to_dict()``). Exit status: 0 when every
address would receive the mail, 1 when any would not, 2 on a usage error (a localized message on
standard error, never a traceback). Links in the human output point at ``$TODOKU_SITE_URL``
(default ``http://127.0.0.1:8000``, where ``scripts/serve`` serves the guide); the JSON ``url`` stays
site-relative. Every string comes from ``messages/cli.toml`` and ``messages/findings.toml``.
"""
from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO, TextIO

from .._data import Data, default_data
from .._model import Result, Situation, provider_url
from ..address.check import check
from .common import (
    check_operands,
    dns_lifetime,
    no_surrogates,
    operands,
    parse_level,
    parse_nameserver,
    parse_or_report,
    prepare_streams,
    printable,
    prog,
    site_url,
)
from .common import parse_args as parse_args_common

FLAGS = ("--links", "--attachments", "--allowlisted", "--reply-allowlisted", "--json", "--dns")
#: the options with a value (and --lang, common.parse_args's), with the example of the "needs a value" message
VALUED = {"--level": "--level 5", "--nameserver": "--nameserver 127.0.0.1:53"}
#: check --dns: rows looked ahead, so that their MX queries run concurrently (the pool bounds the concurrency)
DNS_WINDOW = 256
#: the human output echoes at most this many characters of an input (the JSON keeps all of it)
ECHO_LIMIT = 120
_printable = printable


@dataclass
class Options:
    addresses: list[str] = field(default_factory=list)
    level: int = 7
    links: bool = False
    attachments: bool = False
    allowlisted: bool = False
    reply_allowlisted: bool = False
    lang: str = "ja"
    json: bool = False
    dns: bool = False
    nameservers: list[tuple[str, int]] = field(default_factory=list)
    help: bool = False


def parse_args(argv: list[str]) -> Options:
    """Parse the arguments after ``check``. Raises UsageError."""
    opts = Options()

    def take(name: str, value: str | None) -> None:
        if value is None:  # a flag
            setattr(opts, name[2:].replace("-", "_"), True)
        elif name == "--level":
            opts.level = parse_level(value)
        else:  # --nameserver
            opts.nameservers.append(parse_nameserver(value))

    args = parse_args_common(argv, FLAGS, VALUED, take)
    check_operands(args, "no-address")
    opts.addresses, opts.lang, opts.json, opts.help = args.operands, args.lang, args.json, args.help
    return opts


def json_line(r: Result) -> str:
    """One JSON object on one line; lone surrogates (undecodable input) are written as escapes."""
    return no_surrogates(json.dumps(r.to_dict(), ensure_ascii=False))


def human(r: Result, lang: str, data: Data, site: str) -> str:
    ui = data.ui

    def t(key: str, **kw: object) -> str:
        return ui[f"cli.{key}"].get(lang).format(**kw)

    mark = "✔" if r.arrives else "✖"
    shown = r.input.strip()
    if len(shown) > ECHO_LIMIT:  # a pasted megabyte is not echoed to the terminal
        shown = t("input-shortened", head=_printable(shown[:ECHO_LIMIT]), length=len(r.input))
    else:
        shown = _printable(shown)
    lines = [f"{mark} {shown or t('input-empty')}"]
    lines.append(f"  {t('label-mail')}: {t('verdict-' + r.verdict)}")
    if r.valid:
        lines.append(f"  {t('label-reply')}: {t('verdict-' + r.reply)}")
    if r.address is not None and r.address != r.input.strip():
        lines.append(f"  {t('label-address')}: {_printable(r.address)}")
    if r.category is not None:
        kind = [data.categories[r.category].name.get(lang)]
        if r.provider is not None:
            kind.append(data.provider(r.provider).name.get(lang))
        if r.level is not None:
            kind.append(t("label-level", level=r.level))
        lines.append(f"  {t('label-kind')}: " + " / ".join(kind))
    for f in r.findings:
        lines.append(f"  [{t('severity-' + f.severity)}] {_printable(f.message)}")
        lines.append(f"      {site}{f.url}")
    if r.suggestion is not None:
        lines.append(f"  {t('label-suggestion')}: {_printable(r.suggestion)}")
    if r.provider is not None and r.verdict != "deliver":
        lines.append(f"  {t('label-provider-page')}: {site}{provider_url(r.provider, lang)}")
    return "\n".join(lines) + "\n"


def main(argv: list[str], stdin: TextIO | BinaryIO | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None, environ: Mapping[str, str] | None = None) -> int:
    """``check`` with ``argv`` (the arguments after ``check``); the exit status."""
    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    stderr = stderr if stderr is not None else sys.stderr
    environ = environ if environ is not None else os.environ
    prepare_streams(stdout, stderr)
    if stdin is sys.stdin:
        prepare_streams(sys.stdin)  # type: ignore[arg-type]
    data = default_data()
    opts = parse_or_report(parse_args, argv, data, "check", stderr)
    if isinstance(opts, int):
        return opts
    if opts.help:
        stdout.write(data.ui["cli.help"].get(opts.lang).lstrip("\n").replace("{prog}", prog()))
        return 0
    site = site_url(environ)
    situation = Situation(level=opts.level, links=opts.links, attachments=opts.attachments,
                          allowlisted=opts.allowlisted, reply_allowlisted=opts.reply_allowlisted)
    total = failing = 0
    results: Iterable[Result] = (check(a, situation=situation, lang=opts.lang, data=data)
                                 for a in operands(opts.addresses, stdin))
    resolver = None
    if opts.dns:  # the recipient domains' MX answers (the only network use of `check`, and only when asked)
        from .dns import MxLookup, Resolver, ResolverUnavailable

        try:
            resolver = Resolver(opts.nameservers, lifetime=dns_lifetime(environ))
        except ResolverUnavailable as exc:
            message = data.ui[f"domain.{exc.key}"].get(opts.lang).format(detail=exc.detail)
            stderr.write(data.ui["cli.error"].get(opts.lang).format(message=message) + "\n")
            return 2
        results = _looked_ahead(results, MxLookup(resolver, lang=opts.lang, data=data))
    try:
        for r in results:
            total += 1
            if not r.arrives:
                failing += 1
            if opts.json:
                stdout.write(json_line(r) + "\n")
            else:
                if total > 1:
                    stdout.write("\n")
                stdout.write(human(r, opts.lang, data, site))
        if not opts.json and total > 1:
            key = "summary" if failing else "summary-ok"
            stdout.write("\n" + data.ui[f"cli.{key}"].get(opts.lang).format(total=total, failing=failing) + "\n")
        stdout.flush()
    except BrokenPipeError:  # e.g. piped into head: stop quietly
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keep interpreter shutdown quiet
        except OSError:  # pragma: no cover
            pass
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        if resolver is not None:
            resolver.close()
    return 1 if failing else 0


def _looked_ahead(results: Iterable[Result], mx: object) -> Iterator[Result]:
    """``results`` with the MX answer applied, DNS_WINDOW results ahead started early (concurrent queries)."""
    from collections import deque

    from .dns import MxLookup

    assert isinstance(mx, MxLookup)
    pending: deque[Result] = deque()
    for r in results:
        mx.ahead(r)
        pending.append(r)
        if len(pending) > DNS_WINDOW:
            yield mx.after(pending.popleft())
    while pending:
        yield mx.after(pending.popleft())
