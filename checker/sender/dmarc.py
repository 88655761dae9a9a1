"""DMARC records (RFC 9989, May 2026; RFC 7489 records still read): syntax, discovery, effective policy.

* ``parse(text)`` reads one record and says precisely what is wrong with it (``Issue`` values).
* ``discover(domain)`` (a generator in the ``checker.sender.dns`` protocol) finds the policy record with RFC 9989's
  DNS tree walk: ``_dmarc.<domain>`` first, then the parents (a name of 8 or more labels jumps to its last 7
  labels first), up to the single-label name; at most 8 queries (RFC 9989 4.10). The closest record wins.
  All candidate names are asked in one batch (one round trip); the answers are read in walk order.
* ``effective_policy``: ``p`` at the domain itself; at a parent, ``np`` for a domain that does not exist, else
  ``sp``, else ``p``; ``t=y`` (testing) lowers it one step (reject -> quarantine -> none), RFC 9989 4.7.

RFC 9989 removed ``pct``, ``rf`` and ``ri`` (RFC 7489 readers still honour them): they are flagged, not refused.
Unknown tags are ignored (RFC 9989 4.7) and reported as information. A missing ``p`` makes the record's policy
``none`` (RFC 9989 no longer requires it) and is a warning (RFC 7489 receivers ignore such a record); an invalid
``p`` value is an error of the record (its policy is taken as ``none``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .dns import Asking, Query, ask

POLICIES = ("none", "quarantine", "reject")
REMOVED = ("pct", "rf", "ri")
KNOWN = ("v", "p", "sp", "np", "adkim", "aspf", "rua", "ruf", "fo", "t", "psd") + REMOVED
MAX_WALK = 8

_VERSION = re.compile(r"v\s*=\s*DMARC1\s*(?:;|$)")
_TAG = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_MAILTO = re.compile(r"mailto:([^@\s,;!]+)@([A-Za-z0-9.\-]+\.[A-Za-z]{2,63}|[A-Za-z0-9.\-]+\.xn--[A-Za-z0-9\-]+)"
                     r"(?:!\d+[kmgt]?)?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Issue:
    """One thing wrong or notable in a record: ``code`` (``bad-value``, ``duplicate-tag``, ``missing-p``,
    ``bad-uri``, ``non-ascii``, ``bad-tag``, ``removed-tag``, ``unknown-tag``) and the offending text."""

    code: str
    detail: str

    @property
    def error(self) -> bool:
        return self.code not in ("removed-tag", "unknown-tag", "missing-p")


@dataclass(frozen=True, slots=True)
class DmarcRecord:
    text: str
    p: str  # the requested policy ("none" when p is missing or invalid)
    sp: str | None
    np: str | None
    adkim: str
    aspf: str
    rua: tuple[str, ...]
    ruf: tuple[str, ...]
    testing: bool  # t=y
    psd: str | None
    issues: tuple[Issue, ...]

    @property
    def valid(self) -> bool:
        return not any(i.error for i in self.issues)

    def rua_domains(self) -> tuple[str, ...]:
        out = []
        for uri in self.rua:
            m = _MAILTO.fullmatch(uri)
            if m is not None:
                out.append(m.group(2).lower().rstrip("."))
        return tuple(dict.fromkeys(out))


def select(texts: tuple[str, ...]) -> tuple[str, ...]:
    """The DMARC records among the TXT records of a ``_dmarc`` name (they start with ``v=DMARC1``)."""
    return tuple(t for t in texts if _VERSION.match(t))


def parse(text: str) -> DmarcRecord:
    """Parse one record (already selected); never raises."""
    issues: list[Issue] = []
    if not text.isascii():
        issues.append(Issue("non-ascii", "".join(c for c in text if not c.isascii())[:20]))
    tags: dict[str, str] = {}
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        name, eq, value = part.partition("=")
        name, value = name.strip(), value.strip()
        if not eq or not _TAG.fullmatch(name):
            issues.append(Issue("bad-tag", part))
            continue
        if name in tags:
            issues.append(Issue("duplicate-tag", name))
            continue
        tags[name] = value
    for name in tags:
        if name in REMOVED:
            issues.append(Issue("removed-tag", f"{name}={tags[name]}"))
        elif name not in KNOWN:
            issues.append(Issue("unknown-tag", f"{name}={tags[name]}"))

    def policy(tag: str) -> str | None:
        if tag not in tags:
            return None
        v = tags[tag].lower()
        if v in POLICIES:
            return v
        issues.append(Issue("bad-value", f"{tag}={tags[tag]}"))
        return None

    p = policy("p")
    if p is None and "p" not in tags:
        issues.append(Issue("missing-p", ""))
    sp, np = policy("sp"), policy("np")

    def choice(tag: str, allowed: tuple[str, ...], default: str) -> str:
        v = tags.get(tag)
        if v is None:
            return default
        if v.lower() in allowed:
            return v.lower()
        issues.append(Issue("bad-value", f"{tag}={v}"))
        return default

    adkim = choice("adkim", ("r", "s"), "r")
    aspf = choice("aspf", ("r", "s"), "r")
    t = choice("t", ("y", "n"), "n")
    psd = choice("psd", ("y", "n", "u"), "u") if "psd" in tags else None
    if "fo" in tags and not re.fullmatch(r"[01ds](?:\s*:\s*[01ds])*", tags["fo"]):
        issues.append(Issue("bad-value", f"fo={tags['fo']}"))

    def uris(tag: str) -> tuple[str, ...]:
        if tag not in tags:
            return ()
        out = []
        for u in tags[tag].split(","):
            u = u.strip()
            if not u:
                issues.append(Issue("bad-uri", f"{tag}={tags[tag]}"))
                continue
            scheme = u.split(":", 1)[0].lower() if ":" in u else ""
            if scheme == "mailto" and _MAILTO.fullmatch(u) is None or scheme not in ("mailto", "https", "http"):
                issues.append(Issue("bad-uri", u))
            out.append(u)
        return tuple(out)

    return DmarcRecord(text=text, p=p or "none", sp=sp, np=np, adkim=adkim, aspf=aspf, rua=uris("rua"),
                       ruf=uris("ruf"), testing=t == "y", psd=psd, issues=tuple(issues))


def walk(domain: str) -> tuple[str, ...]:
    """The names RFC 9989's tree walk may query for ``domain``, in order (at most 8)."""
    labels = domain.split(".")
    names = [domain]
    if len(labels) >= 8:
        labels = labels[-7:]
        names.append(".".join(labels))
    while len(labels) > 1 and len(names) < MAX_WALK:
        labels = labels[1:]
        names.append(".".join(labels))
    return tuple(dict.fromkeys(names))[:MAX_WALK]


@dataclass(frozen=True, slots=True)
class Discovery:
    """``location``: the domain whose ``_dmarc`` name holds the record (None when none found).
    ``records``: every DMARC record found there (more than one means none applies, RFC 9989 4.10).
    ``temperror``: a name closer than any record found could not be resolved. ``tried``: names asked."""

    location: str | None
    records: tuple[str, ...]
    temperror: bool
    tried: tuple[str, ...]

    @property
    def record(self) -> DmarcRecord | None:
        return parse(self.records[0]) if len(self.records) == 1 else None


def discover(domain: str) -> Asking[Discovery]:
    names = walk(domain)
    answers = yield from ask(*(Query("_dmarc." + n, "TXT") for n in names))
    for name, answer in zip(names, answers, strict=True):
        if answer.temporary:
            return Discovery(location=None, records=(), temperror=True, tried=names)
        found = select(answer.texts()) if answer.ok else ()
        if found:
            return Discovery(location=name, records=found, temperror=False, tried=names)
    return Discovery(location=None, records=(), temperror=False, tried=names)


def effective_policy(record: DmarcRecord, *, at_domain: bool, exists: bool | None) -> str:
    if at_domain:
        policy = record.p
    elif exists is False and record.np is not None:
        policy = record.np
    else:
        policy = record.sp or record.p
    if record.testing:
        policy = {"reject": "quarantine", "quarantine": "none"}.get(policy, policy)
    return policy


def report_authorization_name(location: str, rua_domain: str) -> str | None:
    """The name that must hold ``v=DMARC1`` for reports to go to another domain (RFC 9990 / RFC 7489 7.1),
    or None when ``rua_domain`` is the record's own domain or under or above it."""
    if rua_domain == location or rua_domain.endswith("." + location) or location.endswith("." + rua_domain):
        return None
    return f"{location}._report._dmarc.{rua_domain}"
