"""A sender domain as receivers judge it: MX, SPF, DMARC, DKIM and each receiver's verdict (sans-I/O).

    gen = check_domain("example.jp", ip="192.0.2.1", selectors=("default",), lang="en")
    result = drive(gen, resolve_batch)          # checker.sender.dns.drive; result.to_dict() is the JSON contract

The first batch asks everything that does not depend on another answer (the domain's MX/A/AAAA/TXT, every
name of the DMARC tree walk, the DKIM selectors); SPF then asks what its record leads to; last, the
authorization records of external DMARC report addresses. Each name/type is asked once per check.
"""
from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from .._model import Finding, Severity
from ..address.syntax import _domain_issues_at
from . import dkim as dkim_mod
from . import dmarc as dmarc_mod
from . import mx as mx_mod
from . import spf as spf_mod
from .data import SenderData, default_sender_data, sender_url
from .dns import Answer, Asking, Query, Stepper, ask
from .fixes import Fix, fixes
from .receivers import ARRIVES, Facts, ReceiverView, judge, worst

T = TypeVar("T")
#: SPF lookups from which the "close to the limit" note is shown
MANY_LOOKUPS = 8


class InvalidDomain(ValueError):
    """The input is not a domain name; ``code`` is the address checker's finding code (e.g. ``domain-dots``)."""

    def __init__(self, text: str, code: str) -> None:
        super().__init__(text, code)
        self.text = text
        self.code = code


def normalize_domain(text: str) -> str:
    """``text`` (a domain, or an address whose domain is taken) in lower-case ASCII form without the trailing
    dot; raises InvalidDomain."""
    s = text.strip()
    if "@" in s:
        s = s.rpartition("@")[2]
    s = s.removesuffix(".")
    if not s or len(s) > 253:
        raise InvalidDomain(text, "domain-dots" if not s else "too-long")
    # ASCII letters only: str.lower() of other characters depends on the running Python's Unicode version
    issues, ascii_domain = _domain_issues_at("".join(c.lower() if c.isascii() else c for c in s))
    if issues or ascii_domain is None or ascii_domain.startswith("["):
        raise InvalidDomain(text, issues[0].code if issues else "domain-dots")
    if len(ascii_domain) > 253:
        raise InvalidDomain(text, "too-long")
    return ascii_domain.lower()


@dataclass(frozen=True, slots=True)
class DmarcView:
    record: str | None
    valid: bool
    policy: str | None
    location: str | None
    parsed: dmarc_mod.DmarcRecord | None
    discovery: dmarc_mod.Discovery

    def to_dict(self) -> dict[str, Any]:
        return {"record": self.record, "valid": self.valid, "policy": self.policy, "location": self.location}


@dataclass(frozen=True, slots=True)
class DomainResult:
    domain: str
    exists: bool | None
    mx: mx_mod.MxResult
    spf: spf_mod.SpfResult
    spf_ip: spf_mod.SpfResult | None
    dmarc: DmarcView
    dkim: tuple[dkim_mod.DkimKey, ...]
    probed: bool  # the DKIM selectors are the common list, not given
    receivers: tuple[ReceiverView, ...]
    verdict: str
    findings: tuple[Finding, ...]
    #: records to publish instead, for the findings a record fixes by itself (checker.sender.fixes)
    fixes: tuple[Fix, ...] = ()

    @property
    def arrives(self) -> bool:
        return all(r.verdict in ARRIVES for r in self.receivers)

    @property
    def spf_valid(self) -> bool:
        return self.spf.record is not None and self.spf.result != "permerror"

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``python -m checker domain --json`` (keys in this order)."""
        return {
            "domain": self.domain,
            "exists": self.exists,
            "mx": self.mx.to_dict(),
            "spf": {"record": self.spf.record, "valid": self.spf_valid, "lookups": self.spf.lookups,
                    "void_lookups": self.spf.void_lookups,
                    "result": self.spf_ip.result if self.spf_ip is not None else None},
            "dmarc": self.dmarc.to_dict(),
            "dkim": [{"selector": k.selector, "found": k.found, "valid": k.valid} for k in self.dkim],
            "receivers": [r.to_dict() for r in self.receivers],
            "verdict": self.verdict,
            "findings": [{"code": f.code, "severity": f.severity, "message": f.message, "url": f.url}
                         for f in self.findings],
        }

    def detail(self) -> dict[str, Any]:
        """More than the contract, for the page: the SPF tree (lookups per include), the DMARC walk and tags,
        each DKIM key, MX preferences, the fixed records to copy."""
        rec = self.dmarc.parsed
        return {
            "spf_tree": self.spf.tree.to_dict() if self.spf.tree is not None else None,
            "spf_problem": self.spf.problem,
            "spf_ip": None if self.spf_ip is None else {
                "result": self.spf_ip.result, "mechanism": self.spf_ip.mechanism, "problem": self.spf_ip.problem,
                "lookups": self.spf_ip.lookups},
            "mx_preferences": list(self.mx.preferences),
            "dmarc_tried": list(self.dmarc.discovery.tried),
            "dmarc_tags": None if rec is None else {
                "p": rec.p, "sp": rec.sp, "np": rec.np, "adkim": rec.adkim, "aspf": rec.aspf, "rua": list(rec.rua),
                "ruf": list(rec.ruf), "t": "y" if rec.testing else "n", "psd": rec.psd},
            "dkim_probed": self.probed,
            "dkim": [{"selector": k.selector, "found": k.found, "valid": k.valid, "key_type": k.key_type,
                      "bits": k.bits, "problem": k.problem, "record": k.record} for k in self.dkim],
            "fixes": [x.to_dict() for x in self.fixes],
        }


def _cached(gen: Asking[T], cache: dict[Query, Answer]) -> Asking[T]:
    """Run ``gen``, asking only what ``cache`` does not hold yet (each name/type once per check)."""
    try:
        batch = next(gen)
        while True:
            missing = tuple(dict.fromkeys(q for q in batch if q not in cache))
            if missing:
                answers = yield from ask(*missing)
                cache.update(zip(missing, answers, strict=True))
            batch = gen.send(tuple(cache[q] for q in batch))
    except StopIteration as stop:
        return cast(T, stop.value)


class _Findings:
    def __init__(self, data: SenderData, lang: str) -> None:
        self.data = data
        self.lang = lang
        self.items: list[Finding] = []

    def add(self, code: str, **params: object) -> None:
        m = self.data.messages[code]
        sev: Severity = "error" if m.severity == "error" else "warning" if m.severity == "warning" else "info"
        self.items.append(Finding(code=code, severity=sev, message=m.message.get(self.lang).format(**params),
                                  url=sender_url(code, self.lang)))


def check_domain(domain: str, /, *, ip: str | None = None, selectors: tuple[str, ...] = (), lang: str = "ja",
                 data: SenderData | None = None) -> Asking[DomainResult]:
    """Check one sender domain (see the module docstring). ``domain`` is normalized with ``normalize_domain``
    (InvalidDomain when it is not a domain); ``ip`` must be an IP address and each selector valid
    (ValueError otherwise); both are checked before anything is asked."""
    data = data or default_sender_data()
    domain = normalize_domain(domain)
    if ip is not None:
        ipaddress.ip_address(ip.strip())  # ValueError when it is not an address
        if "%" in ip:  # a scoped IPv6 address (fe80::1%eth0) is local to one host
            raise ValueError(f"scoped address: {ip!r}")
    for s in selectors:
        if not dkim_mod.valid_selector(s):
            raise ValueError(f"bad selector: {s!r}")
    return _check(domain, ip.strip() if ip is not None else None,
                  tuple(dict.fromkeys(s.lower() for s in selectors)), lang, data)


def start(domain: str, /, *, ip: str | None = None, selectors: tuple[str, ...] = (), lang: str = "ja") -> Stepper:
    """``check_domain`` for a shell that resolves asynchronously (the page's Web Worker): see ``dns.Stepper``;
    ``stepper.result`` is the DomainResult."""
    return Stepper(cast(Asking[object], check_domain(domain, ip=ip, selectors=selectors, lang=lang)))


def _check(domain: str, ip: str | None, selectors: tuple[str, ...], lang: str,
           data: SenderData) -> Asking[DomainResult]:
    cache: dict[Query, Answer] = {}
    probed = not selectors
    tried = selectors or dkim_mod.COMMON_SELECTORS
    walk = dmarc_mod.walk(domain)
    first = (Query(domain, "MX"), Query(domain, "A"), Query(domain, "AAAA"), Query(domain, "TXT"),
             *(Query("_dmarc." + n, "TXT") for n in walk),
             *(Query(dkim_mod.query_name(s, domain), "TXT") for s in tried))
    answers = yield from ask(*first)
    cache.update(zip(first, answers, strict=True))

    mx = mx_mod.judge(cache[first[0]], cache[first[1]], cache[first[2]])
    spf = yield from _cached(spf_mod.evaluate(domain), cache)
    spf_ip = None
    if ip is not None:
        spf_ip = yield from _cached(spf_mod.evaluate(domain, ip=ip), cache)
    discovery = yield from _cached(dmarc_mod.discover(domain), cache)
    keys = tuple(dkim_mod.judge(s, cache[Query(dkim_mod.query_name(s, domain), "TXT")]) for s in tried)

    record = discovery.record
    policy = None
    if record is not None and discovery.location is not None:
        policy = dmarc_mod.effective_policy(record, at_domain=discovery.location == domain, exists=mx.exists)
    dmarc = DmarcView(record=discovery.records[0] if discovery.records else None,
                      valid=record is not None and record.valid, policy=policy, location=discovery.location,
                      parsed=record, discovery=discovery)

    # reports to another domain need that domain's authorization record
    unauthorized: list[tuple[str, str]] = []
    if record is not None and discovery.location is not None:
        checks = [(d, n) for d in record.rua_domains()
                  if (n := dmarc_mod.report_authorization_name(discovery.location, d)) is not None
                  and len(n) <= 253]
        if checks:
            auth = yield from ask(*(Query(n, "TXT") for _, n in checks))
            for (d, n), a in zip(checks, auth, strict=True):
                cache[Query(n, "TXT")] = a
                if not a.temporary and not dmarc_mod.select(a.texts() if a.ok else ()):
                    unauthorized.append((d, n))

    f = _Findings(data, lang)
    params: dict[str, object] = {"domain": domain, "ip": ip or "", "result": spf_ip.result if spf_ip else "",
                                 "location": discovery.location or "", "policy": policy or ""}
    temporary = [q.name for q, a in cache.items() if a.temporary]
    if mx.exists is False:
        f.add("domain-nxdomain", domain=domain)
    if temporary:
        shown = ", ".join(dict.fromkeys(temporary[:5])) + (" …" if len(temporary) > 5 else "")
        f.add("dns-temperror", names=shown)
    _mx_findings(f, mx, domain)
    _spf_findings(f, spf, spf_ip, mx.exists, cache, domain, ip)
    _dmarc_findings(f, dmarc, domain, unauthorized)
    _dkim_findings(f, keys, tried)

    facts = Facts(exists=mx.exists,
                  spf_unusable=spf.record is None or spf.result in ("permerror", "temperror"),
                  spf_ip=spf_ip.result if spf_ip is not None else None,
                  dkim_missing=not any(k.valid for k in keys),
                  dmarc_missing=record is None, dmarc_policy=policy)
    views = judge(facts, data, lang, params)
    txt = cache[Query(domain, "TXT")]
    fixed = fixes(domain, spf_records=spf_mod.select(txt.texts()) if txt.ok else (),
                  dmarc_location=discovery.location, dmarc_record=record if len(discovery.records) == 1 else None,
                  codes={x.code for x in f.items}, ip=ip, has_mx=bool(mx.hosts), exists=mx.exists)
    return DomainResult(domain=domain, exists=mx.exists, mx=mx, spf=spf, spf_ip=spf_ip, dmarc=dmarc, dkim=keys,
                        probed=probed, receivers=views, verdict=worst([v.verdict for v in views]),
                        findings=tuple(f.items), fixes=fixed)


def _mx_findings(f: _Findings, mx: mx_mod.MxResult, domain: str) -> None:
    if mx.exists is not True or mx.temperror:
        return
    if mx.mixed_null:
        f.add("mx-null-mixed")
    elif mx.null:
        f.add("mx-null", domain=domain)
    elif mx.implicit:
        f.add("mx-implicit", domain=domain)
    elif not mx.hosts:
        f.add("mx-none", domain=domain)


def _spf_findings(f: _Findings, spf: spf_mod.SpfResult, spf_ip: spf_mod.SpfResult | None, exists: bool | None,
                  cache: Mapping[Query, Answer], domain: str, ip: str | None) -> None:
    problem = spf.problem
    if spf.result == "temperror":
        f.add("spf-temperror", detail=spf.detail)
    elif spf.record is None and problem is None:
        if exists is not False:
            f.add("spf-none", domain=domain)
        return
    elif problem == "multiple-records":
        txt = cache.get(Query(domain, "TXT"))
        count = len(spf_mod.select(txt.texts())) if txt is not None else 2
        f.add("spf-multiple", domain=domain, count=count)
    elif problem in ("syntax", "non-ascii"):
        f.add("spf-syntax", detail=spf.detail[:120], where=_where(spf))
    elif problem in ("too-many-lookups", "too-many-mx"):
        f.add("spf-too-many-lookups", lookups=spf.lookups)
    elif problem == "too-many-void":
        f.add("spf-too-many-void", count=spf.void_lookups)
    elif problem in ("include-none", "redirect-none"):
        f.add("spf-include-none", detail=spf.detail[:120])
    if spf.result not in ("permerror", "temperror"):
        if spf.all_qualifier == "+":
            f.add("spf-plus-all")
        elif spf.all_qualifier == "?" or (spf.all_qualifier is None and spf.result == "neutral"):
            f.add("spf-neutral-all")
        if MANY_LOOKUPS <= spf.lookups <= spf_mod.MAX_LOOKUPS:
            f.add("spf-many-lookups", lookups=spf.lookups)
    if spf.uses_ptr:
        f.add("spf-ptr")
    if spf_ip is not None and spf.record is not None:
        r = spf_ip.result
        if r == "pass":
            f.add("spf-ip-pass", ip=ip, detail=spf_ip.mechanism or "")
        elif r == "fail":
            f.add("spf-ip-fail", ip=ip)
        elif r == "softfail":
            f.add("spf-ip-softfail", ip=ip)
        else:
            f.add("spf-ip-neutral", ip=ip, result=r)


def _where(spf: spf_mod.SpfResult) -> str:
    """The domain whose record holds the error (the deepest node with the problem)."""
    node = spf.tree
    where = spf.domain
    while node is not None:
        if node.problem in ("syntax", "non-ascii"):
            where = node.domain
        bad = [c for c in node.children if c.problem is not None]
        node = bad[-1] if bad else None
    return where


def _dmarc_findings(f: _Findings, dmarc: DmarcView, domain: str, unauthorized: list[tuple[str, str]]) -> None:
    d = dmarc.discovery
    if d.temperror:
        f.add("dmarc-temperror")
        return
    if not d.records:
        f.add("dmarc-none", domain=domain)
        return
    if len(d.records) > 1:
        f.add("dmarc-multiple", location=d.location, count=len(d.records))
        return
    rec = dmarc.parsed
    assert rec is not None
    for issue in rec.issues:
        if issue.code == "missing-p":
            f.add("dmarc-no-policy")
        elif issue.code == "removed-tag":
            f.add("dmarc-removed-tag", detail=issue.detail[:120])
        elif issue.code == "unknown-tag":
            f.add("dmarc-unknown-tag", detail=issue.detail[:120])
        else:
            f.add("dmarc-syntax", detail=issue.detail[:120] or issue.code)
    if d.location != domain:
        f.add("dmarc-inherited", domain=domain, location=d.location, policy=dmarc.policy)
    if dmarc.policy == "none":
        f.add("dmarc-policy-none", domain=domain, location=d.location)
    if rec.testing:
        f.add("dmarc-testing", policy=dmarc.policy)
    if not rec.rua:
        f.add("dmarc-no-rua")
    for rua_domain, name in unauthorized:
        f.add("dmarc-rua-unauthorized", detail=rua_domain, name=name, location=d.location)


def _dkim_findings(f: _Findings, keys: tuple[dkim_mod.DkimKey, ...], tried: tuple[str, ...]) -> None:
    good = [k for k in keys if k.valid]
    if good:
        f.add("dkim-found", selectors=", ".join(f"{k.selector} ({k.key_type} {k.bits})" for k in good))
    elif not any(k.found for k in keys):
        f.add("dkim-none", selectors=", ".join(tried))
    for k in keys:
        if k.problem == "revoked":
            f.add("dkim-revoked", selector=k.selector)
        elif k.problem == "weak-key":
            f.add("dkim-weak-key", selector=k.selector, bits=k.bits)
        elif k.problem is not None:
            f.add("dkim-syntax", selector=k.selector, detail=(k.detail or k.problem)[:120])
        elif k.valid and k.key_type == "rsa" and k.bits is not None and k.bits < dkim_mod.RECOMMENDED_RSA_BITS:
            f.add("dkim-key-1024", selector=k.selector, bits=k.bits)
        if k.testing and k.found:
            f.add("dkim-testing", selector=k.selector)
