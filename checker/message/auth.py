"""Authentication of a received message: ``Authentication-Results`` (RFC 8601), ``Received-SPF`` (RFC 7208),
``DKIM-Signature`` (RFC 6376) and ``ARC-Authentication-Results`` (RFC 8617). Says whether SPF, DKIM and DMARC
passed and whether a passing SPF or DKIM domain aligns with the From domain (DMARC relaxed alignment). Pure.

The organizational domain is approximated without the public suffix list: the last two labels, or three
under a two-level suffix (``co.jp``, ``ne.jp``, ``co.uk``... listed below). Good enough to compare a From
domain with its own SPF/DKIM domains; the receiver's own ``dmarc=`` result is preferred when present.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .._data import Data
from .._model import Finding
from .parse import Parsed

_SECOND_LEVEL = frozenset({
    "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp", "ad.jp", "ed.jp", "gr.jp", "lg.jp", "co.uk", "org.uk", "ac.uk",
    "com.au", "net.au", "org.au", "co.nz", "com.br", "com.cn", "com.tw", "co.kr", "com.sg", "com.hk", "co.in",
})
_RESULT = re.compile(r"\b(spf|dkim|dmarc)\s*=\s*([a-z]+)", re.IGNORECASE)
_PROP = re.compile(r"\b(smtp\.mailfrom|header\.from|header\.d|header\.i|smtp\.helo)\s*=\s*\"?([^\s;\"]+)",
                   re.IGNORECASE)
_ADDR_DOMAIN = re.compile(r"@([A-Za-z0-9.-]+)")
_RANK = {"pass": 0, "fail": 5, "softfail": 4, "neutral": 3, "none": 2, "temperror": 3, "permerror": 5,
         "policy": 3, "hardfail": 5}


@dataclass(frozen=True, slots=True)
class Authentication:
    spf: str | None
    dkim: str | None
    dmarc: str | None
    aligned: bool | None
    from_domain: str
    spf_domain: str
    dkim_domains: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"spf": self.spf, "dkim": self.dkim, "dmarc": self.dmarc, "aligned": self.aligned}


def org_domain(domain: str) -> str:
    labels = domain.lower().strip(".").split(".")
    if len(labels) >= 3 and ".".join(labels[-2:]) in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _domain(value: str) -> str:
    m = _ADDR_DOMAIN.search(value)
    d = m.group(1) if m else value
    return d.strip("<>.;\"' ").lower()


def _from_domain(parsed: Parsed) -> str:
    value = parsed.header("from")
    m = re.search(r"<([^<>]*)>\s*$", value)
    return _domain(m.group(1) if m else value)


def authentication(parsed: Parsed, lang: str, data: Data) -> tuple[Authentication, list[Finding]]:
    results = parsed.headers_named("authentication-results") or tuple(
        re.sub(r"^\s*i=\d+\s*;", "", v) for v in parsed.headers_named("arc-authentication-results"))
    spf = dkim = dmarc = None
    spf_domain = ""
    dkim_pass: list[str] = []
    if results:
        top = results[0]  # the receiving server's own verdict sits on top
        for part in top.split(";"):
            m = _RESULT.search(part)
            if m is None:
                continue
            method, value = m.group(1).lower(), m.group(2).lower()
            props = {k.lower(): v for k, v in _PROP.findall(part)}
            if method == "spf" and spf is None:
                spf = value
                spf_domain = _domain(props.get("smtp.mailfrom", "") or props.get("smtp.helo", ""))
            elif method == "dkim":
                if value == "pass" and (props.get("header.d") or props.get("header.i")):
                    dkim_pass.append(_domain(props.get("header.d") or props.get("header.i", "")))
                if dkim is None or _RANK.get(value, 3) < _RANK.get(dkim, 3):
                    dkim = value
            elif method == "dmarc" and dmarc is None:
                dmarc = value
    if spf is None:
        received_spf = parsed.header("received-spf")
        if received_spf:
            spf = received_spf.split()[0].lower().strip(";")
            m = re.search(r"envelope-from=\"?([^\s;\"]+)", received_spf, re.IGNORECASE)
            spf_domain = _domain(m.group(1)) if m else ""
    signatures = parsed.headers_named("dkim-signature")
    if dkim is None and signatures:
        dkim = None  # signed, but no receiver verdict to read
    from_domain = _from_domain(parsed)
    aligned: bool | None = None
    if from_domain and (spf is not None or dkim is not None):
        org = org_domain(from_domain)
        spf_ok = spf == "pass" and bool(spf_domain) and org_domain(spf_domain) == org
        dkim_ok = any(org_domain(d) == org for d in dkim_pass)
        aligned = spf_ok or dkim_ok
    auth = Authentication(spf=spf, dkim=dkim, dmarc=dmarc, aligned=aligned, from_domain=from_domain,
                          spf_domain=spf_domain, dkim_domains=tuple(dkim_pass))
    has_results = bool(results) or bool(parsed.header("received-spf"))
    findings = _findings(auth, has_results, bool(signatures), lang, data)
    if has_results:
        ip = _sending_ip((results[0] if results else "") + " " + parsed.header("received-spf"))
        findings += receivers_view(auth, _dmarc_policy(results[0] if results else ""), lang,
                                   ip or data.ui["message.sending-ip"].get(lang))
    return auth, findings


_IP = r"(\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7})"


def _sending_ip(text: str) -> str:
    """The sending IP a receiver names in its SPF result ("designates 192.0.2.1", "client-ip=192.0.2.1")."""
    for pattern in (rf"client-ip={_IP}", rf"designates? {_IP}", rf"\b{_IP} is neither", rf"sender\.ip={_IP}"):
        m = re.search(pattern, text, re.IGNORECASE)
        if m is not None:
            return m.group(1)
    return ""


def _dmarc_policy(result: str) -> str | None:
    """The policy a receiver noted beside its DMARC result (Gmail: ``dmarc=pass (p=REJECT sp=NONE ...)``)."""
    m = re.search(r"\bdmarc\s*=\s*[a-z]+\s*\(([^)]*)\)", result, re.IGNORECASE)
    p = re.search(r"\bp=([a-z]+)", m.group(1), re.IGNORECASE) if m else None
    return p.group(1).lower() if p else None


def receivers_view(a: Authentication, policy: str | None, lang: str, ip: str) -> list[Finding]:
    """What docomo, au, SoftBank, Gmail... do with mail authenticated like this one: the sender checks' own
    rules (``data/receivers.toml``, checker/sender/receivers.py) applied to the receiving server's results.
    The results stand for what the sender check asks DNS: SPF for the sending IP, a valid DKIM signature, a
    DMARC record (``dmarc=none``: none published)."""
    from ..sender.data import default_sender_data
    from ..sender.receivers import Facts, judge

    facts = Facts(exists=True, spf_unusable=a.spf in (None, "none", "permerror", "temperror"),
                  spf_ip=a.spf if a.spf is not None else None, dkim_missing=a.dkim != "pass",
                  dmarc_missing=a.dmarc in (None, "none", "permerror", "temperror"), dmarc_policy=policy)
    params: dict[str, object] = {"domain": a.from_domain or "-", "ip": ip, "result": a.spf or "",
                                 "location": "", "policy": policy or ""}
    out: list[Finding] = []
    seen: set[str] = set()
    for view in judge(facts, default_sender_data(), lang, params):
        for f in view.findings:
            if f.code not in seen:
                seen.add(f.code)
                out.append(f)
    return out


def _findings(a: Authentication, has_results: bool, signed: bool, lang: str, data: Data) -> list[Finding]:
    root = "/en/" if lang == "en" else "/"

    def f(code: str, severity: str, **params: object) -> Finding:
        return Finding(code=code, severity=severity,  # type: ignore[arg-type]
                       message=data.ui[f"message.finding-{code}"].get(lang).format(**params),
                       url=f"{root}bounces/#authentication")

    out: list[Finding] = []
    if not has_results:
        out.append(f("auth-missing", "info", signed="yes" if signed else "no"))
        return out
    if a.spf not in (None, "pass"):
        out.append(f("spf-fail", "error", result=a.spf, domain=a.spf_domain or "-"))
    if a.dkim not in (None, "pass"):
        out.append(f("dkim-fail", "warning", result=a.dkim))
    if a.dkim is None:
        out.append(f("dkim-none", "warning"))
    if a.dmarc not in (None, "pass"):
        out.append(f("dmarc-fail", "error", result=a.dmarc, domain=a.from_domain))
    if a.aligned is False:
        out.append(f("not-aligned", "warning", domain=a.from_domain))
    if not out:
        out.append(f("auth-ok", "info", domain=a.from_domain))
    return out
