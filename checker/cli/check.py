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
from . import common
from .common import no_surrogates, printable

FLAGS = (*common.SITUATION_FLAGS, "--json", "--dns")
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
    situation: Situation = field(default_factory=Situation)
    lang: str = "ja"
    json: bool = False
    dns: bool = False
    nameservers: list[tuple[str, int]] = field(default_factory=list)
    help: bool = False


def parse_args(argv: list[str]) -> Options:
    """Parse the arguments after ``check``. Raises UsageError."""
    args = common.parse_args(argv, FLAGS, VALUED)
    common.check_operands(args, "no-address")
    return Options(addresses=args.operands, situation=common.situation(args), lang=args.lang, json=args.json,
                   dns="--dns" in args.flags, nameservers=args.nameservers, help=args.help)


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
    stdout, stderr = common.output_streams(stdout, stderr)
    environ = environ if environ is not None else os.environ
    if stdin is sys.stdin:
        common.prepare_streams(sys.stdin)  # type: ignore[arg-type]
    data = default_data()
    opts = common.parse_or_report(parse_args, argv, data, "check", stderr)
    if isinstance(opts, int):
        return opts
    if opts.help:
        stdout.write(data.ui["cli.help"].get(opts.lang).lstrip("\n").replace("{prog}", common.prog()))
        return 0
    site = common.site_url(environ)
    total = failing = 0
    results: Iterable[Result] = (check(a, situation=opts.situation, lang=opts.lang, data=data)
                                 for a in common.operands(opts.addresses, stdin))
    resolver = None
    if opts.dns:  # the recipient domains' MX answers (the only network use of `check`, and only when asked)
        from .dns import MxLookup, Resolver, ResolverUnavailable

        try:
            resolver = Resolver(opts.nameservers, lifetime=common.dns_lifetime(environ))
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
        return common.broken_pipe()
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
