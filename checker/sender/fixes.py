"""Copyable fixed records: for the findings a record can fix by itself, the record to publish instead (pure).

Only what can be derived from the records read is proposed: one SPF record (the duplicates merged, ``+all``/
``?all`` turned into ``~all``, ``ptr`` removed, the ``--ip`` address added when SPF does not pass for it) and one
DMARC record (``p=none`` added when missing, the tags RFC 9989 removed dropped, a ``rua`` added, or a monitoring
record when there is none). What cannot be known (which servers send for the domain, where reports should go) is
left to the reader: a new SPF record starts from the domain's MX (``mx``) and the given ``--ip``, and a new ``rua``
address is ``dmarc-reports@<domain>``, which the page and the guide say to replace.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from . import dmarc as dmarc_mod

#: findings of an SPF record that a rewrite cannot repair (the address added to it would not help)
BROKEN = frozenset({"spf-syntax", "spf-too-many-lookups", "spf-too-many-void", "spf-include-none", "spf-temperror"})


@dataclass(frozen=True, slots=True)
class Fix:
    name: str
    type: str
    value: str
    fixes: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "type": self.type, "value": self.value, "fixes": list(self.fixes)}


def _ip_term(ip: str) -> str:
    a = ipaddress.ip_address(ip)
    if isinstance(a, ipaddress.IPv6Address) and a.ipv4_mapped is not None:
        a = a.ipv4_mapped
    return f"ip4:{a}" if isinstance(a, ipaddress.IPv4Address) else f"ip6:{a.compressed}"


def spf_fix(domain: str, records: tuple[str, ...], codes: set[str], *, ip: str | None, has_mx: bool) -> Fix | None:
    """The SPF record to publish, or None when the findings need nothing an SPF rewrite can give."""
    fixed: list[str] = []
    if not records:
        if "spf-none" not in codes:
            return None
        start = (["mx"] if has_mx else []) + ([_ip_term(ip)] if ip else [])
        return Fix(domain, "TXT", " ".join(["v=spf1", *start, "~all"]), ("spf-none",))
    terms: list[str] = []
    all_term: str | None = None
    redirect: str | None = None
    for text in records:
        for raw in text.split(" ")[1:]:
            if not raw:
                continue
            low = raw.lower()
            if low.lstrip("+-~?") == "all":
                all_term = all_term or raw
                continue
            if low.startswith("redirect="):
                redirect = redirect or raw
                continue
            if low.lstrip("+-~?").split(":")[0] == "ptr" and "spf-ptr" in codes:
                fixed.append("spf-ptr")
                continue
            if raw not in terms:
                terms.append(raw)
    if len(records) > 1:
        fixed.append("spf-multiple")
    if all_term is not None and all_term.lstrip("+") == "all" and "spf-plus-all" in codes:
        all_term = "~all"
        fixed.append("spf-plus-all")
    if "spf-neutral-all" in codes and redirect is None and (all_term is None or all_term.startswith("?")):
        all_term = "~all"
        fixed.append("spf-neutral-all")
    ip_codes = {"spf-ip-fail", "spf-ip-softfail", "spf-ip-neutral"} & codes
    broken = bool(BROKEN & codes)
    if ip and ip_codes and not broken:
        term = _ip_term(ip)
        if term not in terms:
            terms.append(term)
            fixed.extend(sorted(ip_codes))
    if not fixed:
        return None
    if not terms and redirect is None and "spf-plus-all" in fixed:
        # +all let everything pass; ~all alone would pass nothing: start from the domain's MX and the given address
        terms = (["mx"] if has_mx else []) + ([_ip_term(ip)] if ip else [])
    tail = [all_term] if all_term is not None else ([redirect] if redirect is not None else [])
    if all_term is not None and redirect is not None:
        tail = [all_term]  # redirect= is ignored when all is present (RFC 7208 6.1)
    return Fix(domain, "TXT", " ".join(["v=spf1", *terms, *tail]), tuple(dict.fromkeys(fixed)))


def dmarc_fix(domain: str, location: str | None, record: dmarc_mod.DmarcRecord | None, codes: set[str],
              *, exists: bool | None) -> Fix | None:
    """The DMARC record to publish, or None."""
    report = f"mailto:dmarc-reports@{domain}"
    if record is None:
        if "dmarc-none" not in codes or exists is False:
            return None
        return Fix(f"_dmarc.{domain}", "TXT", f"v=DMARC1; p=none; rua={report}", ("dmarc-none",))
    fixed: list[str] = []
    tags: list[tuple[str, str]] = []
    for part in record.text.split(";"):
        name, eq, value = part.strip().partition("=")
        name, value = name.strip(), value.strip()
        if not eq:
            continue
        if name in dmarc_mod.REMOVED and "dmarc-removed-tag" in codes:
            fixed.append("dmarc-removed-tag")
            continue
        if any(n == name for n, _ in tags):
            continue
        tags.append((name, value))
    if "dmarc-no-policy" in codes and not any(n == "p" for n, _ in tags):
        tags.insert(1 if tags and tags[0][0] == "v" else 0, ("p", "none"))
        fixed.append("dmarc-no-policy")
    if "dmarc-no-rua" in codes and not any(n == "rua" for n, _ in tags):
        tags.append(("rua", report))
        fixed.append("dmarc-no-rua")
    if not fixed:
        return None
    return Fix(f"_dmarc.{location or domain}", "TXT", "; ".join(f"{n}={v}" for n, v in tags),
               tuple(dict.fromkeys(fixed)))


def fixes(domain: str, *, spf_records: tuple[str, ...], dmarc_location: str | None,
          dmarc_record: dmarc_mod.DmarcRecord | None, codes: set[str], ip: str | None, has_mx: bool,
          exists: bool | None) -> tuple[Fix, ...]:
    out = []
    if exists is not False:
        s = spf_fix(domain, spf_records, codes, ip=ip, has_mx=has_mx)
        if s is not None:
            out.append(s)
    d = dmarc_fix(domain, dmarc_location, dmarc_record, codes, exists=exists)
    if d is not None:
        out.append(d)
    return tuple(out)
