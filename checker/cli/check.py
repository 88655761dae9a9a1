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

from .._data import LANGS, Data, default_data
from .._model import Result, Situation, provider_url
from ..address.check import check
from .common import (
    DEFAULT_SITE_URL,
    UsageError,
    lang_hint,
    no_surrogates,
    prepare_streams,
    printable,
    report_usage,
    text_lines,
)

FLAGS = ("--links", "--attachments", "--allowlisted", "--reply-allowlisted", "--json", "--dns")
VALUED = {"--level": "--level 5", "--lang": "--lang en", "--nameserver": "--nameserver 127.0.0.1:53"}
#: check --dns: rows looked ahead, so that their MX queries run concurrently (the pool bounds the concurrency)
DNS_WINDOW = 256
#: the human output echoes at most this many characters of an input (the JSON keeps all of it)
ECHO_LIMIT = 120
_printable = printable  # the name other shells import


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
    opts.lang = lang_hint(argv)
    only_addresses = False
    i = 0
    while i < len(argv):
        a = argv[i]
        i += 1
        if only_addresses or a == "-" or not a.startswith("-"):
            opts.addresses.append(a)
            continue
        if a == "--":
            only_addresses = True
            continue
        if a in ("-h", "--help"):
            opts.help = True
            continue
        name, eq, value = a.partition("=")
        if name in FLAGS:
            if eq:
                raise UsageError("unexpected-value", option=name)
            setattr(opts, name[2:].replace("-", "_"), True)
            continue
        if name in VALUED:
            if not eq:
                if i >= len(argv):
                    raise UsageError("missing-value", option=name, example=VALUED[name])
                value = argv[i]
                i += 1
            if name == "--level":
                try:
                    level = int(value)
                except ValueError:
                    raise UsageError("bad-level", value=value) from None
                if not 1 <= level <= 10:
                    raise UsageError("bad-level", value=value)
                opts.level = level
            elif name == "--nameserver":
                from .dns import parse_nameserver

                try:
                    opts.nameservers.append(parse_nameserver(value))
                except ValueError:
                    raise UsageError("bad-nameserver", value=value) from None
            else:
                if value not in LANGS:
                    raise UsageError("bad-lang", value=value)
                opts.lang = value
            continue
        raise UsageError("unknown-option", option=name)
    if not opts.help:
        if not opts.addresses:
            raise UsageError("no-address")
        if opts.addresses.count("-") > 1:
            raise UsageError("stdin-twice")
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


def _stdin_lines(stdin: TextIO | BinaryIO) -> Iterable[str]:
    """The addresses of standard input, one per non-blank line (``common.text_lines``)."""
    return text_lines(stdin)


def _addresses(opts: Options, stdin: TextIO | BinaryIO) -> Iterable[str]:
    for a in opts.addresses:
        if a == "-":
            yield from _stdin_lines(stdin)
        else:
            yield a


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
    lang = lang_hint(argv)
    try:
        opts = parse_args(argv)
    except UsageError as exc:
        return report_usage(data, lang, exc, "check", stderr)
    if opts.help:
        stdout.write(data.ui["cli.help"].get(opts.lang).lstrip("\n").replace("{prog}", _prog()))
        return 0
    site = environ.get("TODOKU_SITE_URL", DEFAULT_SITE_URL).rstrip("/")
    situation = Situation(level=opts.level, links=opts.links, attachments=opts.attachments,
                          allowlisted=opts.allowlisted, reply_allowlisted=opts.reply_allowlisted)
    total = failing = 0
    results: Iterable[Result] = (check(a, situation=situation, lang=opts.lang, data=data)
                                 for a in _addresses(opts, stdin))
    resolver = None
    if opts.dns:  # the recipient domains' MX answers (the only network use of `check`, and only when asked)
        from .dns import MxLookup, Resolver, ResolverUnavailable

        try:
            resolver = Resolver(opts.nameservers, lifetime=_dns_lifetime(environ))
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


def _prog() -> str:
    from .common import prog

    return prog()


def _dns_lifetime(environ: Mapping[str, str]) -> float:
    from .dns import DEFAULT_LIFETIME

    try:
        return float(environ.get("TODOKU_DNS_LIFETIME", DEFAULT_LIFETIME))
    except ValueError:
        return DEFAULT_LIFETIME


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
