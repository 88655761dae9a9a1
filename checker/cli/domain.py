"""Command-line shell: ``python -m checker domain DOMAIN... [options]`` (issue 11), the sender-domain check.

Contract (other tools rely on it; keep it stable)::

    python -m checker domain DOMAIN... [--ip ADDRESS] [--dkim-selector NAME]... [--nameserver HOST[:PORT]]...
                                       [--lang ja|en] [--json]

``-`` reads one domain per line from standard input. ``--json`` prints one object per domain per line
(``DomainResult.to_dict()``). Exit status: 0 when every receiver accepts every domain's mail, 1 when one would
not, 2 on a usage error (a localized message, never a traceback). DNS goes through dnspython
(``checker.cli.dns``): the system resolver, or ``--nameserver``; ``$TODOKU_DNS_LIFETIME`` (seconds per
query, default 6) bounds the wait; a query without answer is a ``dns-temperror`` finding.
"""
from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TextIO

from .._data import Data, default_data
from ..sender.dkim import valid_selector
from ..sender.dns import drive
from ..sender.domain import DomainResult, InvalidDomain, check_domain, normalize_domain
from . import common
from .common import UsageError, printable
from .dns import Resolver, ResolverUnavailable

#: the options with a value (and --lang, common.parse_args's), with the example of the "needs a value" message
_VALUED = {"--ip": "--ip 192.0.2.1", "--dkim-selector": "--dkim-selector default",
           "--nameserver": "--nameserver 127.0.0.1:53"}


@dataclass
class Options:
    domains: list[str] = field(default_factory=list)
    ip: str | None = None
    selectors: list[str] = field(default_factory=list)
    nameservers: list[tuple[str, int]] = field(default_factory=list)
    lang: str = "ja"
    json: bool = False
    help: bool = False


def parse_args(argv: list[str]) -> Options:
    """Parse the arguments after ``domain``. Raises UsageError."""
    import ipaddress

    opts = Options()

    def take(name: str, value: str) -> None:
        if name == "--ip":
            try:
                ipaddress.ip_address(value.strip())
                if "%" in value:  # a scoped IPv6 address (fe80::1%eth0) never sends mail across the Internet
                    raise ValueError(value)
            except ValueError:
                raise UsageError("domain.bad-ip", value=value) from None
            opts.ip = value.strip()
        else:  # --dkim-selector
            if not valid_selector(value):
                raise UsageError("domain.bad-selector", value=value)
            opts.selectors.append(value)

    args = common.parse_args(argv, ("--json",), _VALUED, take)
    common.check_operands(args, "domain.no-domain")
    opts.domains, opts.lang, opts.json, opts.help = args.operands, args.lang, args.json, args.help
    opts.nameservers = args.nameservers
    if not opts.help:
        for d in opts.domains:
            if d != "-":
                try:
                    normalize_domain(d)
                except InvalidDomain:
                    raise UsageError("domain.bad-domain", value=d) from None
    return opts


def json_line(r: DomainResult) -> str:
    return json.dumps(r.to_dict(), ensure_ascii=False)


def human(r: DomainResult, lang: str, data: Data, site: str, ip: str | None = None) -> str:
    def t(key: str, **kw: object) -> str:
        return data.ui[key].get(lang).format(**kw)

    from ..sender.data import default_sender_data

    sd = default_sender_data()
    mark = "✔" if r.arrives else "✖"
    out = [f"{mark} {r.domain}", f"  {t('domain.label-verdict')}: {t('cli.verdict-' + r.verdict)}"]
    if r.mx.null:
        mx = t("domain.mx-null")
    elif r.mx.implicit:
        mx = t("domain.mx-implicit")
    elif r.mx.hosts:
        mx = ", ".join(f"{h} ({p})" for p, h in zip(r.mx.preferences, r.mx.hosts, strict=True))
    else:
        mx = t("domain.none")
    out.append(f"  {t('domain.label-mx')}: {printable(mx)}")
    spf = printable(r.spf.record) if r.spf.record else t("domain.none")
    if r.spf.record:
        spf += f"  ({t('domain.spf-lookups', lookups=r.spf.lookups)})"
    out.append(f"  {t('domain.label-spf')}: {spf}")
    if r.spf.tree is not None:  # the includes and redirects, with what each costs in lookups
        stack = [(c, 1) for c in reversed(r.spf.tree.children)]
        shown = 0
        while stack and shown < 40:
            node, depth = stack.pop()
            shown += 1
            cost = t("domain.spf-lookups", lookups=node.total_lookups + 1)
            problem = f" [{node.problem}]" if node.problem else ""
            out.append(f"        {'  ' * (depth - 1)}{printable(node.term or node.domain)}  ({cost}){problem}")
            stack.extend((c, depth + 1) for c in reversed(node.children))
    if r.spf_ip is not None:
        out.append(f"        {t('domain.spf-result', ip=ip, result=r.spf_ip.result)}")
    if r.dmarc.record:
        out.append(f"  {t('domain.label-dmarc')}: {printable(r.dmarc.record)}")
        out.append(f"        {t('domain.dmarc-at', location=r.dmarc.location, policy=r.dmarc.policy or '-')}")
    else:
        out.append(f"  {t('domain.label-dmarc')}: {t('domain.none')}")
    keys = [t("domain.dkim-key", selector=k.selector, kind=k.key_type, bits=k.bits) if k.valid
            else t("domain.dkim-bad", selector=k.selector) for k in r.dkim if k.found]
    out.append(f"  {t('domain.label-dkim')}: {', '.join(keys) if keys else t('domain.none')}")
    if r.probed:
        out.append(f"        {t('domain.dkim-probed', selectors=', '.join(k.selector for k in r.dkim))}")
    for f in r.findings:
        out.append(f"  [{t('cli.severity-' + f.severity)}] {printable(f.message)}")
        out.append(f"      {site}{f.url}")
    out.append(f"  {t('domain.label-receivers')}:")
    names = {rc.id: rc.name.get(lang) for rc in sd.receivers}
    sources = {(rc.id, rule.finding): (rule.source, rule.secondary) for rc in sd.receivers for rule in rc.rules}
    for v in r.receivers:
        out.append(f"    {'✔' if v.verdict in ('deliver', 'spam-folder') else '✖'} {names.get(v.id, v.id)}: "
                   f"{t('cli.verdict-' + v.verdict)}")
        for f in v.findings:
            out.append(f"        [{t('cli.severity-' + f.severity)}] {printable(f.message)}")
            out.append(f"            {site}{f.url}")
            source, secondary = sources.get((v.id, f.code), ("", False))
            if source:  # the receiver's own page (or, marked, the only source there is)
                key = "domain.source-secondary" if secondary else "domain.source"
                out.append(f"            {t(key, url=source)}")
    return "\n".join(out) + "\n"


def main(argv: list[str], stdin: TextIO | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None, environ: Mapping[str, str] | None = None) -> int:
    stdin = stdin if stdin is not None else sys.stdin
    stdout, stderr = common.output_streams(stdout, stderr)
    environ = environ if environ is not None else os.environ
    if stdin is sys.stdin:
        common.prepare_streams(sys.stdin)
    data = default_data()
    opts = common.parse_or_report(parse_args, argv, data, "domain", stderr)
    if isinstance(opts, int):
        return opts
    if opts.help:
        stdout.write(data.ui["domain.help"].get(opts.lang).lstrip("\n"))
        return 0
    lang = opts.lang
    lifetime = common.dns_lifetime(environ)
    try:
        resolver = Resolver(opts.nameservers, timeout=min(2.0, lifetime), lifetime=lifetime)
    except ResolverUnavailable as exc:
        return common.report_usage(data, lang, UsageError("domain." + exc.key, detail=exc.detail), "domain", stderr)
    site = common.site_url(environ)
    total = failing = bad = 0
    try:
        with resolver:
            for text in common.operands(opts.domains, stdin):
                try:
                    normalize_domain(text)
                except InvalidDomain:  # a bad line of standard input: said, and the others still checked
                    message = data.ui["domain.bad-domain"].get(lang).format(value=printable(text[:200]))
                    stderr.write(data.ui["cli.error"].get(lang).format(message=message) + "\n")
                    bad += 1
                    continue
                r = drive(check_domain(text, ip=opts.ip, selectors=tuple(opts.selectors), lang=lang),
                          resolver.resolve_batch)
                total += 1
                if not r.arrives:
                    failing += 1
                if opts.json:
                    stdout.write(json_line(r) + "\n")
                else:
                    if total > 1:
                        stdout.write("\n")
                    stdout.write(human(r, lang, data, site, opts.ip))
                stdout.flush()
            if not opts.json and total > 1:
                key = "domain.summary" if failing else "domain.summary-ok"
                stdout.write("\n" + data.ui[key].get(lang).format(total=total, failing=failing) + "\n")
    except BrokenPipeError:
        return common.broken_pipe()
    except KeyboardInterrupt:
        return 130
    return 2 if bad else 1 if failing else 0
