"""Address syntax, RFC 5321 / 5322 (with RFC 6531 UTF-8 local parts and IDNA domains). Pure.

What is accepted, and the one finding code for each reason something is not:

* Exactly one ``@`` outside a quoted local part (``no-at``, ``multiple-at``); neither side empty
  (``local-empty``, ``domain-empty``). Surrounding whitespace is trimmed by the caller.
* Local part, dot-atom form: RFC 5322 ``atext`` and dots (``local-bad-char`` names the first other
  character and its position); no dot at the start or end and no two dots in a row
  (``local-dot-start``, ``local-dot-end``, ``local-double-dot``) - except on carrier domains, where such
  addresses were issued until 2009 and still exist: the caller turns them into ``legacy-dots``.
  Non-ASCII letters are RFC 6531 (SMTPUTF8) and valid, with the warning ``utf8-local``.
* Local part, quoted-string form (``"john smith"@example.com``): valid, warned as ``quoted-local``;
  quotes that are not needed are dropped from the normalized address. An unterminated quote is
  ``quoted-unclosed``. At most 64 octets (``local-too-long``).
* Domain: one trailing dot (the DNS root) is dropped and reported (``trailing_dot``: the caller warns,
  many sending servers refuse it in RCPT TO); letters are case-folded. Labels are
  letters, digits and hyphens (``domain-bad-char``), no empty label (``domain-dots``), at most 63
  octets (``domain-label-too-long``), no hyphen at either end (``domain-hyphen``). At least two labels
  (``domain-no-dot``: dotless domains do not receive Internet mail). The top-level label is letters
  or an ``xn--`` A-label (``tld-numeric``, ``tld-invalid``). Unicode labels are converted with the
  standard library's IDNA codec (``encodings.idna``, IDNA 2003 / nameprep) and the ASCII form is
  reported; failures are ``idna-invalid``, as are malformed ``xn--`` labels.
* Domain literals: ``[192.0.2.1]`` and ``[IPv6:2001:db8::1]`` are syntactically valid
  (RFC 5321 4.1.3) but mail to a bare IP address is refused by practically every receiving setup, so
  they are reported as ``domain-literal`` and judged ``block``; anything else in brackets is
  ``domain-literal-invalid``. Comments ``(...)`` and display names ``Name <a@b>`` are not addresses:
  their characters are reported as bad characters.
* The whole address at most 254 octets (``too-long``), counted as email-validator counts them: the
  UTF-8 octets of the address with its Unicode domain and with its ASCII (A-label) domain, the larger
  (RFC 6531 keeps the RFC 5321 limits in octets). The local part at most 64 octets of UTF-8.
"""
from __future__ import annotations

import encodings.idna
import ipaddress
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

ATEXT = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~")
LDH = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")
_ATEXT_DOT = ATEXT | {"."}
MAX_ADDRESS = 254
MAX_LOCAL = 64
MAX_LABEL = 63


@dataclass(frozen=True, slots=True)
class Issue:
    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Parsed:
    issues: tuple[Issue, ...]
    #: the local part as typed (with quotes when quoted), None when it could not be split
    local: str | None = None
    #: the local part's content without quotes or escapes (quoted forms only)
    local_content: str | None = None
    quoted: bool = False
    #: the domain lowercased, trailing dot dropped (Unicode if typed so)
    domain: str | None = None
    #: the ASCII (A-label) form of ``domain``; None when the domain is invalid
    ascii_domain: str | None = None
    #: dot problems in the local part (leading / trailing / doubled): candidates for legacy-dots
    dot_issues: tuple[str, ...] = ()
    #: the domain was typed with one trailing dot (dropped from ``domain``)
    trailing_dot: bool = False
    literal: bool = False

    @property
    def errors(self) -> bool:
        return bool(self.issues) and any(i.code not in WARNINGS for i in self.issues)

    @property
    def normalized(self) -> str | None:
        if self.local is None or self.ascii_domain is None:
            return None
        return f"{self.local}@{self.ascii_domain}"


#: syntax findings that leave the address usable
WARNINGS = frozenset({"utf8-local", "quoted-local", "domain-literal"})


def _pos(text: str, i: int) -> int:
    return i + 1


def split(text: str) -> tuple[list[Issue], str | None, str | None, int]:
    """(issues, local, domain, offset of the domain in text)."""
    if text.startswith('"'):
        i, n = 1, len(text)
        while i < n:
            c = text[i]
            if c == "\\":
                i += 2
                continue
            if c == '"':
                break
            i += 1
        if i >= n:
            return [Issue("quoted-unclosed")], None, None, 0
        local = text[: i + 1]
        rest = text[i + 1:]
        if not rest.startswith("@"):
            if "@" not in rest:
                return [Issue("no-at")], None, None, 0
            c = rest[0]
            return [Issue("local-bad-char", {"char": c, "position": i + 2})], None, None, 0
        domain = rest[1:]
        if "@" in domain:
            return [Issue("multiple-at", {"count": domain.count("@") + 1})], None, None, 0
        return [], local, domain, i + 2
    count = text.count("@")
    if count == 0:
        return [Issue("no-at")], None, None, 0
    if count > 1:
        return [Issue("multiple-at", {"count": count})], None, None, 0
    local, _, domain = text.partition("@")
    return [], local, domain, len(local) + 1


def _local_issues(local: str) -> tuple[list[Issue], tuple[str, ...]]:
    issues: list[Issue] = []
    if not _ATEXT_DOT.issuperset(local):  # else the common case: nothing to look for
        for i, c in enumerate(local):
            if c.isascii() and c not in ATEXT and c != ".":
                issues.append(Issue("local-bad-char", {"char": c, "position": i + 1}))
                break
    dots: list[str] = []
    if local.startswith("."):
        dots.append("local-dot-start")
    if ".." in local:
        dots.append("local-double-dot")
    if local.endswith(".") and local != ".":
        dots.append("local-dot-end")
    return issues, tuple(dots)


def _unquote(local: str) -> tuple[str | None, list[Issue]]:
    """Content of a quoted local part ``"..."`` (escapes resolved), or an issue."""
    body = local[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            if i + 1 >= len(body):
                return None, [Issue("quoted-unclosed")]
            q = body[i + 1]
            if not (" " <= q <= "~" or q == "\t"):  # quoted-pair: backslash + VCHAR / WSP (ASCII)
                return None, [Issue("local-bad-char", {"char": q, "position": i + 3})]
            out.append(q)
            i += 2
            continue
        if c == '"':
            return None, [Issue("local-bad-char", {"char": c, "position": i + 2})]
        out.append(c)
        i += 1
    return "".join(out), []


def is_dot_atom(s: str) -> bool:
    return bool(s) and all(c in ATEXT or c == "." or not c.isascii() for c in s) \
        and not s.startswith(".") and not s.endswith(".") and ".." not in s


def needs_only_dots_fix(s: str) -> bool:
    """``s`` would be a dot-atom if its dots were well placed (the legacy carrier shape)."""
    return bool(s.strip(".")) and all(c in ATEXT or c == "." for c in s)


def ipv6_text(packed: bytes) -> str:
    """RFC 5952 text of a 16-byte IPv6 address: lowercase hex, the longest run (the first of equal ones)
    of two or more zero groups as ``::``. Written here rather than taken from ``ipaddress``, whose
    output differs between Python versions (3.13 writes IPv4-mapped addresses as ``::ffff:192.0.2.1``)."""
    groups = [int.from_bytes(packed[i:i + 2], "big") for i in range(0, 16, 2)]
    best, best_len, i = -1, 1, 0
    while i < 8:
        if groups[i] == 0:
            j = i
            while j < 8 and groups[j] == 0:
                j += 1
            if j - i > best_len:
                best, best_len = i, j - i
            i = j
        else:
            i += 1
    hexes = [f"{g:x}" for g in groups]
    if best < 0:
        return ":".join(hexes)
    return ":".join(hexes[:best]) + "::" + ":".join(hexes[best + best_len:])


def _domain_literal(domain: str) -> tuple[Issue, str | None]:
    """The finding for ``[...]`` and the normalized literal (``[IPv6:2001:db8::1]``) when valid."""
    inner = domain[1:-1]
    try:
        if inner[:5].lower() == "ipv6:":
            if "%" in inner:  # a zone index (fe80::1%eth0) names a local interface: not in RFC 5321
                raise ValueError(inner)
            literal = f"[IPv6:{ipv6_text(ipaddress.IPv6Address(inner[5:]).packed)}]"
        else:
            literal = f"[{ipaddress.IPv4Address(inner)}]"
    except ValueError:
        return Issue("domain-literal-invalid", {"literal": domain}), None
    return Issue("domain-literal", {"literal": literal}), literal


def _domain_issues(domain: str, offset: int) -> tuple[list[Issue], str | None]:
    """The domain's issues (positions counted from ``offset``, the domain's place in the address)
    and its ASCII form. Remembered per domain: a customer list holds few distinct domains."""
    issues, ascii_domain = _domain_issues_at(domain)
    if offset and issues and "position" in issues[0].params:
        params = dict(issues[0].params)
        params["position"] += offset
        return [Issue(issues[0].code, params)], ascii_domain
    return list(issues), ascii_domain


@lru_cache(maxsize=4096)
def _domain_issues_at(domain: str) -> tuple[tuple[Issue, ...], str | None]:
    issues, ascii_domain = _domain_issues_uncached(domain, 0)
    return tuple(issues), ascii_domain


def _domain_issues_uncached(domain: str, offset: int) -> tuple[list[Issue], str | None]:
    if domain.startswith("[") and domain.endswith("]") and len(domain) >= 2:
        issue, literal = _domain_literal(domain)
        return [issue], literal
    labels = domain.split(".")
    if any(not lab for lab in labels):
        return [Issue("domain-dots")], None
    issues: list[Issue] = []
    ascii_labels: list[str] = []
    pos = offset
    for lab in labels:
        if lab.isascii():
            if not LDH.issuperset(lab):
                for j, c in enumerate(lab):
                    if c not in LDH:
                        return [Issue("domain-bad-char", {"char": c, "position": pos + j + 1})], None
            if len(lab) >= 4 and lab[2:4] == "--" and not lab.startswith("xn--"):
                # RFC 5891 4.2.3.1: hyphens in positions 3 and 4 are reserved for IDNA prefixes
                return [Issue("idna-invalid", {"label": lab})], None
            if lab.startswith("xn--"):
                try:
                    decoded = lab[4:].encode("ascii").decode("punycode")
                    if not decoded or decoded.isascii() or \
                            encodings.idna.ToASCII(decoded).decode("ascii") != lab:
                        raise ValueError(lab)
                except (UnicodeError, ValueError):
                    return [Issue("idna-invalid", {"label": lab})], None
            a = lab
        else:
            if len(lab) + 4 > MAX_LABEL:  # its A-label is longer still
                return [Issue("domain-label-too-long", {"label": lab, "length": len(lab) + 4})], None
            try:
                a = encodings.idna.ToASCII(lab).decode("ascii")
                if not a or any(c not in LDH for c in a.lower()):
                    raise UnicodeError(lab)  # nameprep mapped it to something that is not a label
                a = a.lower()
            except UnicodeError:
                if len(lab.encode("utf-8", "surrogatepass")) > MAX_LABEL:
                    return [Issue("domain-label-too-long", {"label": lab, "length": len(lab)})], None
                return [Issue("idna-invalid", {"label": lab})], None
        if len(a) > MAX_LABEL:
            return [Issue("domain-label-too-long", {"label": lab, "length": len(a)})], None
        if a.startswith("-") or a.endswith("-"):
            return [Issue("domain-hyphen", {"label": lab})], None
        ascii_labels.append(a)
        pos += len(lab) + 1
    if len(ascii_labels) < 2:
        return [Issue("domain-no-dot", {"domain": domain})], None
    tld = ascii_labels[-1]
    if tld.isdigit():
        return [Issue("tld-numeric", {"tld": tld})], None
    if not (tld.isalpha() or tld.startswith("xn--")):
        return [Issue("tld-invalid", {"tld": tld})], None
    return issues, ".".join(ascii_labels)


def parse(text: str) -> Parsed:
    """Parse one trimmed address made of printable characters (see ``_normalize.scan``)."""
    issues, local, domain, offset = split(text)
    if local is None or domain is None:
        return Parsed(issues=tuple(issues))
    if not local:
        issues.append(Issue("local-empty"))
    if not domain:
        issues.append(Issue("domain-empty"))
    if issues:
        return Parsed(issues=tuple(issues))
    quoted = local.startswith('"')
    content: str | None = None
    dots: tuple[str, ...] = ()
    if quoted:
        content, qi = _unquote(local)
        issues.extend(qi)
        if content is not None and is_dot_atom(content):
            local = content  # the quotes were not needed
            quoted = False
    else:
        li, dots = _local_issues(local)
        issues.extend(li)
    local_octets = len(local) if local.isascii() else len(local.encode("utf-8", "surrogatepass"))
    if local_octets > MAX_LOCAL:
        issues.append(Issue("local-too-long", {"length": local_octets}))
    trailing_dot = domain.endswith(".") and not domain.endswith("..") and len(domain) > 1
    if trailing_dot:
        domain = domain[:-1]
    if not domain.startswith("["):
        domain = domain.lower()
    # a cheap lower bound of the ASCII length (an A-label is at least "xn--" longer than its
    # U-label): hopeless lengths are reported without running IDNA on a kilobyte of labels
    if domain.isascii():
        bound = local_octets + 1 + len(domain)
    else:
        bound = local_octets + 1 + sum(len(lab) + (0 if lab.isascii() else 4) for lab in domain.split(".")) \
            + domain.count(".")
    if bound > MAX_ADDRESS and not domain.startswith("["):
        issues.append(Issue("too-long", {"length": bound, "limit": MAX_ADDRESS}))
        return Parsed(issues=tuple(issues), local=local, local_content=content, quoted=quoted,
                      domain=domain, dot_issues=dots, trailing_dot=trailing_dot)
    di, ascii_domain = _domain_issues(domain, offset)
    issues.extend(di)
    if ascii_domain is not None and not quoted and not local.isascii():
        issues.append(Issue("utf8-local"))
    if quoted and content is not None:
        issues.append(Issue("quoted-local"))
    if ascii_domain is not None:
        unicode_octets = len(domain) if domain.isascii() else len(domain.encode("utf-8", "surrogatepass"))
        total = local_octets + 1 + max(len(ascii_domain), unicode_octets)
        if total > MAX_ADDRESS:
            issues.append(Issue("too-long", {"length": total, "limit": MAX_ADDRESS}))
    literal = bool(issues) and any(i.code == "domain-literal" for i in issues)
    return Parsed(issues=tuple(issues), local=local, local_content=content, quoted=quoted,
                  domain=domain, ascii_domain=ascii_domain, dot_issues=dots, literal=literal,
                  trailing_dot=trailing_dot)
