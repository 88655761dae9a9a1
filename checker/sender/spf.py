"""SPF (RFC 7208): the record parser and the ``check_host()`` evaluator, sans-I/O.

``evaluate(domain, ip=..., sender=..., helo=...)`` is a generator in the ``checker.sender.dns`` protocol: it
yields batches of DNS questions and returns an ``SpfResult``. With ``ip=None`` it *inspects* the domain
instead (what the ``domain`` command does without ``--ip``): every term a receiver may have to evaluate is
walked (all mechanisms up to ``all``, every ``include``, the ``redirect`` when there is no ``all``), so
``lookups`` is the worst case a receiver meets and exceeding the limits is reported as it would be.

Deliberate choices (the RFC 7208 test suite passes with them; see tests/test_spf_suite.py):
* Only TXT records are read (RFC 7208 3.1 / 14.1: the SPF RR type is obsolete).
* ``%{t}`` expands to the ``now`` argument (the core has no clock; shells pass the time, tests 0).
* ``%{p}`` PTR/A lookups are not counted towards the 10-lookup limit (RFC 7208 4.6.4 lists the terms that
  count: include, a, mx, ptr, exists, redirect), but at most 10 PTR names are validated, as for ``ptr``.
* A record of more than 10 terms that query DNS is not refused at parse time: the limit is applied as
  lookups happen (RFC 7208 4.6.4), so a ``pass`` reached before the 11th lookup stands.
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from .dns import Answer, Asking, Query, ask

Result = Literal["none", "neutral", "pass", "fail", "softfail", "temperror", "permerror"]
RESULTS: tuple[str, ...] = ("none", "neutral", "pass", "fail", "softfail", "temperror", "permerror")
QUALIFIERS: dict[str, Result] = {"+": "pass", "-": "fail", "~": "softfail", "?": "neutral"}
MAX_LOOKUPS = 10
MAX_VOID = 2
MAX_MX = 10
MAX_PTR = 10
MECHANISMS = ("all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists")
COUNTED = frozenset({"include", "a", "mx", "ptr", "exists"})
DEFAULT_EXPLANATION = "DEFAULT"

_VERSION = re.compile(r"v=spf1(?: |$)", re.IGNORECASE)
_MODIFIER = re.compile(r"([A-Za-z][A-Za-z0-9\-_.]*)=(.*)", re.DOTALL)
_MECHANISM = re.compile(r"([+\-~?]?)([A-Za-z][A-Za-z0-9\-_.]*)(.*)", re.DOTALL)
_MACRO = re.compile(r"%(?:\{([slodiphcrtvSLODIPHCRTV])(\d*)(r?)([.\-+,/_=]*)\}|(%)|(_)|(-))")
_CIDR = re.compile(r"^(.*?)(?:/(0|[1-9][0-9]*))?(?://(0|[1-9][0-9]*))?$", re.DOTALL)
_TOPLABEL = re.compile(r"^(?:[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[A-Za-z0-9]+-[A-Za-z0-9\-]*[A-Za-z0-9])$")
_EXP_ONLY = frozenset("crt")


class PermError(Exception):
    """The record (or a record it leads to) is invalid; ``problem`` is a stable reason code."""

    def __init__(self, problem: str, detail: str = "") -> None:
        super().__init__(problem, detail)
        self.problem = problem
        self.detail = detail


class TempError(Exception):
    def __init__(self, detail: str = "") -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Term:
    """One parsed term: a mechanism (``qualifier`` set) or a modifier (``qualifier`` None)."""

    text: str
    name: str
    qualifier: str | None
    spec: str | None = None  # domain-spec (macro string) or, for ip4/ip6, the network
    cidr4: int | None = None
    cidr6: int | None = None


@dataclass(frozen=True, slots=True)
class Record:
    text: str
    terms: tuple[Term, ...]
    redirect: str | None
    exp: str | None

    @property
    def mechanisms(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.qualifier is not None)


@dataclass(frozen=True, slots=True)
class Node:
    """One record evaluated (the SPF tree): ``lookups`` counted while evaluating this record itself,
    ``children`` the includes and redirect it led to, ``problem`` what went wrong here (or None)."""

    domain: str
    via: str  # "top", "include", "redirect"
    record: str | None
    term: str = ""  # the term that led here ("include:_spf.example.jp", "redirect=..."), "" at the top
    lookups: int = 0
    void_lookups: int = 0
    problem: str | None = None
    children: tuple[Node, ...] = ()

    @property
    def total_lookups(self) -> int:
        return self.lookups + sum(c.total_lookups for c in self.children)

    def to_dict(self) -> dict[str, Any]:
        return {"domain": self.domain, "via": self.via, "term": self.term, "record": self.record,
                "lookups": self.lookups,
                "total_lookups": self.total_lookups, "problem": self.problem,
                "children": [c.to_dict() for c in self.children]}


@dataclass(frozen=True, slots=True)
class SpfResult:
    """``result``: check_host()'s result (inspection: the default result when nothing matches, or the error).
    ``record``: the domain's own SPF record (None when none). ``problem``: a reason code for permerror/temperror
    (``multiple-records``, ``syntax``, ``non-ascii``, ``too-many-lookups``, ``too-many-void``, ``too-many-mx``,
    ``include-none``, ``redirect-none``, ``dns``) and ``detail`` the offending term or name."""

    result: Result
    domain: str
    record: str | None
    lookups: int
    void_lookups: int
    problem: str | None = None
    detail: str = ""
    explanation: str | None = None
    mechanism: str | None = None  # the term that matched (evaluation)
    tree: Node | None = None
    uses_ptr: bool = False
    all_qualifier: str | None = None  # the top record's ``all`` qualifier ("+", "-", "~", "?") or None


# ---- parsing -----------------------------------------------------------------------------------------------

def select(texts: tuple[str, ...]) -> tuple[str, ...]:
    """The SPF records among a name's TXT records (RFC 7208 4.5)."""
    return tuple(t for t in texts if _VERSION.match(t))


def _check_macro_string(s: str, term: str, *, exp: bool = False) -> None:
    i = 0
    while i < len(s):
        c = s[i]
        if c == "%":
            m = _MACRO.match(s, i)
            if m is None:
                raise PermError("syntax", term)
            if m.group(1) and m.group(1).lower() in _EXP_ONLY and not exp:
                raise PermError("syntax", term)
            i = m.end()
            continue
        if not ("\x21" <= c <= "\x7e") and not (exp and c == " "):
            raise PermError("syntax", term)
        i += 1


def _check_domain_spec(spec: str, term: str) -> None:
    if not spec:
        raise PermError("syntax", term)
    _check_macro_string(spec, term)
    # domain-end = ( "." toplabel [ "." ] ) / macro-expand
    last = list(_MACRO.finditer(spec))
    if last and last[-1].end() == len(spec):
        return
    body = spec[:-1] if spec.endswith(".") else spec
    if "." not in body:
        raise PermError("syntax", term)
    top = body.rsplit(".", 1)[1]
    if not _TOPLABEL.match(top):
        raise PermError("syntax", term)


def parse(text: str) -> Record:
    """Parse a record already selected by ``select``; raises PermError."""
    if not text.isascii():
        raise PermError("non-ascii", text)
    m = _VERSION.match(text)
    if m is None:
        raise PermError("syntax", text)
    terms: list[Term] = []
    redirect = exp = None
    for raw in text[m.end():].split(" "):
        if not raw:
            continue
        mod = _MODIFIER.fullmatch(raw)
        if mod is not None:
            name, value = mod.group(1).lower(), mod.group(2)
            if name in ("redirect", "exp"):
                if (redirect if name == "redirect" else exp) is not None:
                    raise PermError("syntax", raw)
                _check_domain_spec(value, raw)
                if name == "redirect":
                    redirect = value
                else:
                    exp = value
            else:
                _check_macro_string(value, raw)
            terms.append(Term(text=raw, name=name, qualifier=None, spec=value))
            continue
        mech = _MECHANISM.fullmatch(raw)
        if mech is None:
            raise PermError("syntax", raw)
        qual, name, rest = mech.group(1) or "+", mech.group(2).lower(), mech.group(3)
        if name not in MECHANISMS:
            raise PermError("syntax", raw)
        terms.append(_mechanism(raw, qual, name, rest))
    return Record(text=text, terms=tuple(terms), redirect=redirect, exp=exp)


def _mechanism(raw: str, qual: str, name: str, rest: str) -> Term:
    if name == "all":
        if rest:
            raise PermError("syntax", raw)
        return Term(text=raw, name=name, qualifier=qual)
    if name in ("include", "exists"):
        if not rest.startswith(":"):
            raise PermError("syntax", raw)
        _check_domain_spec(rest[1:], raw)
        return Term(text=raw, name=name, qualifier=qual, spec=rest[1:])
    if name == "ptr":
        if rest and not rest.startswith(":"):
            raise PermError("syntax", raw)
        spec = rest[1:] if rest else None
        if spec is not None:
            _check_domain_spec(spec, raw)
        return Term(text=raw, name=name, qualifier=qual, spec=spec)
    if name in ("a", "mx"):
        m = _CIDR.match(rest)
        assert m is not None  # the pattern matches every string
        body, c4, c6 = m.group(1), m.group(2), m.group(3)
        if body and not body.startswith(":"):
            raise PermError("syntax", raw)
        spec = body[1:] if body else None
        if spec is not None:
            _check_domain_spec(spec, raw)
        cidr4 = int(c4) if c4 is not None else None
        cidr6 = int(c6) if c6 is not None else None
        if (cidr4 is not None and cidr4 > 32) or (cidr6 is not None and cidr6 > 128):
            raise PermError("syntax", raw)
        return Term(text=raw, name=name, qualifier=qual, spec=spec, cidr4=cidr4, cidr6=cidr6)
    # ip4 / ip6
    if not rest.startswith(":"):
        raise PermError("syntax", raw)
    value = rest[1:]
    net, slash, length = value.partition("/")
    if name == "ip4":
        if not re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", net) or any(int(p) > 255 for p in net.split(".")):
            raise PermError("syntax", raw)
        limit = 32
    else:
        try:
            ipaddress.IPv6Address(net)
        except ValueError:
            raise PermError("syntax", raw) from None
        limit = 128
    cidr = None
    if slash:
        if not re.fullmatch(r"0|[1-9][0-9]*", length) or int(length) > limit:
            raise PermError("syntax", raw)
        cidr = int(length)
    return Term(text=raw, name=name, qualifier=qual, spec=net,
                cidr4=cidr if name == "ip4" else None, cidr6=cidr if name == "ip6" else None)


# ---- evaluation --------------------------------------------------------------------------------------------

IP = ipaddress.IPv4Address | ipaddress.IPv6Address


def _reverse_name(ip: IP) -> str:
    if isinstance(ip, ipaddress.IPv4Address):
        return ".".join(reversed(str(ip).split("."))) + ".in-addr.arpa"
    return ".".join(reversed(ip.exploded.replace(":", ""))) + ".ip6.arpa"


def _ip_macro(ip: IP) -> str:
    if isinstance(ip, ipaddress.IPv4Address):
        return str(ip)
    return ".".join(ip.exploded.replace(":", ""))


def _valid_name(name: str) -> bool:
    labels = name.split(".")
    return bool(name) and len(name) <= 253 and all(0 < len(x) <= 63 for x in labels)


def _truncate(name: str) -> str:
    """RFC 7208 7.3: over 253 characters, labels are removed from the left until it fits."""
    name = name[:-1] if name.endswith(".") else name
    while len(name) > 253 and "." in name:
        name = name.split(".", 1)[1]
    return name


@dataclass
class _Ctx:
    ip: IP | None
    sender: str
    helo: str
    receiver: str
    now: int
    lookups: int = 0
    void: int = 0
    uses_ptr: bool = False
    validated: dict[str, str] = field(default_factory=dict)  # cache for %{p}


class _Frame:
    """Mutable bookkeeping of one record's evaluation (becomes a ``Node``)."""

    def __init__(self, domain: str, via: str, term: str = "") -> None:
        self.domain = domain
        self.via = via
        self.term = term
        self.record: str | None = None
        self.lookups = 0
        self.void = 0
        self.problem: str | None = None
        self.children: list[Node] = []

    def node(self) -> Node:
        return Node(domain=self.domain, via=self.via, record=self.record, term=self.term, lookups=self.lookups,
                    void_lookups=self.void, problem=self.problem, children=tuple(self.children))


def _count(ctx: _Ctx, frame: _Frame, term: str) -> None:
    ctx.lookups += 1
    frame.lookups += 1
    if ctx.lookups > MAX_LOOKUPS:
        raise PermError("too-many-lookups", term)


def _void(ctx: _Ctx, frame: _Frame, answer: Answer, term: str) -> None:
    if answer.rcode == "NXDOMAIN" or (answer.ok and not answer.records):
        ctx.void += 1
        frame.void += 1
        if ctx.void > MAX_VOID:
            raise PermError("too-many-void", term)


def _addr_type(ip: IP | None) -> Literal["A", "AAAA"]:
    return "AAAA" if isinstance(ip, ipaddress.IPv6Address) else "A"


def _in(ip: IP, addresses: tuple[str, ...], cidr4: int | None, cidr6: int | None) -> bool:
    for text in addresses:
        try:
            a = ipaddress.ip_address(text)
        except ValueError:
            continue
        if isinstance(ip, ipaddress.IPv4Address) and isinstance(a, ipaddress.IPv4Address):
            net = ipaddress.IPv4Network((a, 32 if cidr4 is None else cidr4), strict=False)
            if ip in net:
                return True
        elif isinstance(ip, ipaddress.IPv6Address) and isinstance(a, ipaddress.IPv6Address):
            net6 = ipaddress.IPv6Network((a, 128 if cidr6 is None else cidr6), strict=False)
            if ip in net6:
                return True
    return False


def _expand(ctx: _Ctx, spec: str, domain: str, *, exp: bool = False) -> Asking[str]:
    """Macro expansion (RFC 7208 7). ``%{p}`` may ask DNS."""
    out: list[str] = []
    pos = 0
    for m in _MACRO.finditer(spec):
        out.append(spec[pos:m.start()])
        pos = m.end()
        if m.group(5):
            out.append("%")
            continue
        if m.group(6):
            out.append(" ")
            continue
        if m.group(7):
            out.append("%20")
            continue
        letter, digits, rev, delims = m.group(1), m.group(2), m.group(3), m.group(4)
        low = letter.lower()
        local, _, sdomain = ctx.sender.rpartition("@")
        value: str
        if low == "s":
            value = ctx.sender
        elif low == "l":
            value = local or "postmaster"
        elif low == "o":
            value = sdomain
        elif low == "d":
            value = domain
        elif low == "h":
            value = ctx.helo
        elif low in ("i", "c", "v"):
            if ctx.ip is None:
                raise _Unknowable()
            if low == "i":
                value = _ip_macro(ctx.ip)
            elif low == "c":
                value = str(ctx.ip)
            else:
                value = "ip6" if isinstance(ctx.ip, ipaddress.IPv6Address) else "in-addr"
        elif low == "p":
            if ctx.ip is None:
                raise _Unknowable()
            value = yield from _validated_name(ctx, domain)
        elif low == "r":
            value = ctx.receiver or "unknown"
        else:  # t
            value = str(ctx.now)
        if digits or rev or delims:
            parts = re.split("[" + re.escape(delims or ".") + "]", value)
            if rev:
                parts.reverse()
            if digits:
                n = int(digits)
                if n == 0:
                    raise PermError("syntax", spec)
                parts = parts[-n:]
            value = ".".join(parts)
        if letter.isupper():
            value = _url_escape(value)
        out.append(value)
    out.append(spec[pos:])
    return "".join(out)


_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def _url_escape(value: str) -> str:
    """RFC 7208 7.3: upper-case macros are URL-escaped (every byte outside the unreserved set)."""
    return "".join(chr(b) if chr(b) in _UNRESERVED else f"%{b:02X}" for b in value.encode("utf-8"))


class _Unknowable(Exception):
    """A macro needs the client IP during inspection (no ``--ip``): the term cannot be looked into."""


def _validated_name(ctx: _Ctx, domain: str) -> Asking[str]:
    assert ctx.ip is not None
    key = domain
    if key in ctx.validated:
        return ctx.validated[key]
    (ptr,) = yield from ask(Query(_reverse_name(ctx.ip), "PTR"))
    names = ptr.strings()[:MAX_PTR] if ptr.ok else ()
    valid: list[str] = []
    if names:
        answers = yield from ask(*(Query(n, _addr_type(ctx.ip)) for n in names))
        valid = [n for n, a in zip(names, answers, strict=True) if a.ok and _in(ctx.ip, a.strings(), None, None)]
    best = "unknown"
    for n in valid:
        if n == domain or n.endswith("." + domain):
            best = n
            break
    else:
        if valid:
            best = valid[0]
    ctx.validated[key] = best
    return best


def _target(ctx: _Ctx, spec: str | None, domain: str) -> Asking[str]:
    if spec is None:
        return domain
    name = yield from _expand(ctx, spec, domain)
    return _truncate(name).lower()


def _get_record(ctx: _Ctx, frame: _Frame, domain: str) -> Asking[Record | None]:
    """The parsed SPF record of ``domain``, None when it has none; raises PermError/TempError."""
    (answer,) = yield from ask(Query(domain, "TXT"))
    if answer.temporary:
        frame.problem = "dns"
        raise TempError(domain)
    records = select(answer.texts()) if answer.ok else ()
    if not records:
        return None
    if len(records) > 1:
        frame.record = records[0]
        frame.problem = "multiple-records"
        raise PermError("multiple-records", domain)
    frame.record = records[0]
    try:
        return parse(records[0])
    except PermError as e:
        frame.problem = e.problem
        raise


def _check_host(ctx: _Ctx, domain: str, frame: _Frame) -> Asking[tuple[Result, str | None, str | None]]:
    """RFC 7208 4: returns (result, explanation, matched term). Raises PermError/TempError."""
    record = yield from _get_record(ctx, frame, domain)
    if record is None:
        return "none", None, None
    inspect = ctx.ip is None
    for term in record.mechanisms:
        matched = yield from _mechanism_matches(ctx, frame, term, domain)
        if term.name == "all" and inspect:
            return QUALIFIERS[cast(str, term.qualifier)], None, term.text
        if matched:
            result = QUALIFIERS[cast(str, term.qualifier)]
            explanation = None
            if result == "fail":
                explanation = yield from _explain(ctx, record, domain)
            return result, explanation, term.text
    if record.redirect is not None:
        _count(ctx, frame, "redirect=" + record.redirect)
        try:
            target = yield from _target(ctx, record.redirect, domain)
        except _Unknowable:
            return "neutral", None, None
        child = _Frame(target, "redirect", "redirect=" + record.redirect)
        try:
            if not _valid_name(target):
                raise PermError("redirect-none", target)
            result, explanation, term_text = yield from _check_host(ctx, target, child)
            if result == "none":
                child.problem = "no-record"
                raise PermError("redirect-none", target)
        finally:
            frame.children.append(child.node())
        return result, explanation, term_text
    return "neutral", None, None


def _mechanism_matches(ctx: _Ctx, frame: _Frame, term: Term, domain: str) -> Asking[bool]:
    ip = ctx.ip
    name = term.name
    if name == "all":
        return True
    if name in ("ip4", "ip6"):
        if ip is None:
            return False
        return _in(ip, (cast(str, term.spec),), term.cidr4, term.cidr6)
    if name in COUNTED:
        _count(ctx, frame, term.text)
    try:
        target = yield from _target(ctx, term.spec, domain)
    except _Unknowable:
        return False
    if name == "include":
        child = _Frame(target, "include", term.text)
        try:
            if not _valid_name(target):
                child.problem = "no-record"
                raise PermError("include-none", term.text)
            result, _, _ = yield from _check_host(ctx, target, child)
        except PermError as e:
            child.problem = child.problem or e.problem
            frame.children.append(child.node())
            raise
        except TempError:
            frame.children.append(child.node())
            raise
        if result == "none":
            child.problem = "no-record"
            frame.children.append(child.node())
            raise PermError("include-none", term.text)
        frame.children.append(child.node())
        if result == "temperror":
            raise TempError(target)
        return result == "pass" and ip is not None
    if not _valid_name(target):
        # an expanded name DNS cannot hold: no such domain (a void lookup, RFC 7208 4.3)
        _void(ctx, frame, Answer("NXDOMAIN"), term.text)
        return False
    if name == "exists":
        (a,) = yield from ask(Query(target, "A"))
        _dns_error(a, target)
        _void(ctx, frame, a, term.text)
        return bool(a.strings())
    if name == "a":
        if ip is None:
            a4, a6 = yield from ask(Query(target, "A"), Query(target, "AAAA"))
            _dns_error(a4, target)
            _dns_error(a6, target)
            if a4.rcode == "NXDOMAIN" or (not a4.records and not a6.records):
                _void(ctx, frame, a4 if a4.rcode == "NXDOMAIN" else Answer("NOERROR"), term.text)
            return False
        (a,) = yield from ask(Query(target, _addr_type(ip)))
        _dns_error(a, target)
        _void(ctx, frame, a, term.text)
        return _in(ip, a.strings(), term.cidr4, term.cidr6)
    if name == "mx":
        (mx,) = yield from ask(Query(target, "MX"))
        _dns_error(mx, target)
        _void(ctx, frame, mx, term.text)
        hosts = [h for _, h in sorted(mx.mx()) if h]
        if len(hosts) > MAX_MX:
            raise PermError("too-many-mx", term.text)
        if ip is None or not hosts:
            return False
        answers = yield from ask(*(Query(h, _addr_type(ip)) for h in hosts))
        for a in answers:
            _dns_error(a, target)
            if _in(ip, a.strings(), term.cidr4, term.cidr6):
                return True
        return False
    # ptr
    ctx.uses_ptr = True
    if ip is None:
        return False
    (ptr,) = yield from ask(Query(_reverse_name(ip), "PTR"))
    if not ptr.ok:
        return False
    _void(ctx, frame, ptr, term.text)
    names = ptr.strings()[:MAX_PTR]
    if not names:
        return False
    answers = yield from ask(*(Query(n, _addr_type(ip)) for n in names))
    for n, a in zip(names, answers, strict=True):
        if a.ok and _in(ip, a.strings(), None, None) and (n == target or n.endswith("." + target)):
            return True
    return False


def _dns_error(a: Answer, name: str) -> None:
    if a.temporary:
        raise TempError(name)


def _explain(ctx: _Ctx, record: Record, domain: str) -> Asking[str]:
    """RFC 7208 6.2: the explanation for a fail; any problem gives the default one."""
    if record.exp is None:
        return DEFAULT_EXPLANATION
    try:
        target = yield from _target(ctx, record.exp, domain)
    except (PermError, _Unknowable):
        return DEFAULT_EXPLANATION
    if not _valid_name(target):
        return DEFAULT_EXPLANATION
    (a,) = yield from ask(Query(target, "TXT"))
    texts = a.texts() if a.ok else ()
    if len(texts) != 1 or not texts[0].isascii():
        return DEFAULT_EXPLANATION
    try:
        _check_macro_string(texts[0], texts[0], exp=True)
        text = yield from _expand(ctx, texts[0], domain, exp=True)
    except (PermError, _Unknowable):
        return DEFAULT_EXPLANATION
    return text


def _domain_ok(domain: str) -> bool:
    """RFC 7208 4.3: a fully qualified domain name with no empty or over-long label."""
    if not domain or domain.startswith("[") or "." not in domain.rstrip("."):
        return False
    return _valid_name(domain[:-1] if domain.endswith(".") else domain)


def evaluate(domain: str, /, *, ip: str | None = None, sender: str | None = None, helo: str = "",
             receiver: str = "", now: int = 0) -> Asking[SpfResult]:
    """check_host(ip, domain, sender) (RFC 7208 4); with ``ip=None`` an inspection of every term.

    ``sender`` defaults to ``postmaster@<domain>``; a sender without a local part gets ``postmaster``.
    An ``ip`` that is not an address raises ValueError (a usage error for the shell).
    """
    addr: IP | None = None
    if ip is not None:
        addr = ipaddress.ip_address(ip.strip())
        if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
            addr = addr.ipv4_mapped
    domain = domain.lower()
    if domain.endswith("."):
        domain = domain[:-1]
    if sender is None or "@" not in sender:
        sender = f"postmaster@{domain}" if not sender else f"postmaster@{sender}"
    elif sender.startswith("@"):
        sender = "postmaster" + sender
    ctx = _Ctx(ip=addr, sender=sender, helo=helo, receiver=receiver, now=now)
    frame = _Frame(domain, "top")
    if not _domain_ok(domain):
        return SpfResult(result="none", domain=domain, record=None, lookups=0, void_lookups=0,
                         tree=frame.node())
    problem: str | None = None
    detail = ""
    explanation = matched = None
    try:
        result, explanation, matched = yield from _check_host(ctx, domain, frame)
    except PermError as e:
        result, problem, detail = "permerror", e.problem, e.detail
        frame.problem = frame.problem or e.problem
    except TempError as e:
        result, problem, detail = "temperror", "dns", e.detail
    top = frame.node()
    all_q = None
    if top.record is not None:
        try:
            for t in parse(top.record).mechanisms:
                if t.name == "all":
                    all_q = t.qualifier
                    break
        except PermError:
            pass
    return SpfResult(result=result, domain=domain, record=top.record, lookups=ctx.lookups,
                     void_lookups=ctx.void, problem=problem, detail=detail, explanation=explanation,
                     mechanism=matched, tree=top, uses_ptr=ctx.uses_ptr, all_qualifier=all_q)
