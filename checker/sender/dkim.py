"""DKIM key records (RFC 6376 3.6.1, RFC 8463 for ed25519): ``<selector>._domainkey.<domain>`` TXT.

A receiver finds the selector in each message's signature, so a domain cannot be asked for "its" DKIM keys:
the caller names the selectors (``--dkim-selector``), or the check probes ``COMMON_SELECTORS`` and says which
were tried. Key size comes from the key itself: the RSA SubjectPublicKeyInfo DER (or a bare PKCS#1
RSAPublicKey, which some publish) is read with a minimal DER reader here (stdlib only).
"""
from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

from .dns import Answer

#: probed when no selector is given: names widely used as the default of common sending services and panels
#: (google: Google Workspace; selector1/selector2: Microsoft 365; k1: Mailchimp; s1/s2: SendGrid;
#: default, mail, dkim: frequent defaults of hosting control panels and MTAs).
COMMON_SELECTORS: tuple[str, ...] = ("default", "google", "selector1", "selector2", "k1", "s1", "s2", "mail",
                                     "dkim")
#: below this an RSA key is refused by major receivers (RFC 8301 3.2: verifiers MUST NOT consider keys under
#: 1024 bits valid); 2048 is recommended (RFC 8301 3.2: signers SHOULD use at least 2048).
MIN_RSA_BITS = 1024
RECOMMENDED_RSA_BITS = 2048
_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_\-]{0,61}[A-Za-z0-9_])?"
_SELECTOR = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")


def valid_selector(selector: str) -> bool:
    return len(selector) <= 200 and _SELECTOR.fullmatch(selector) is not None


def query_name(selector: str, domain: str) -> str:
    return f"{selector.lower()}._domainkey.{domain}"


@dataclass(frozen=True, slots=True)
class DkimKey:
    """One selector's answer. ``found``: a key record is published; ``valid``: it is usable (syntax right, not
    revoked, key readable, RSA at least 1024 bits). ``problem``: ``syntax``, ``revoked``, ``bad-key``,
    ``weak-key``, ``multiple`` or None; ``detail`` says which tag or value."""

    selector: str
    found: bool
    valid: bool
    record: str | None = None
    key_type: str | None = None
    bits: int | None = None
    testing: bool = False
    problem: str | None = None
    detail: str = ""
    temperror: bool = False


def _tags(text: str) -> tuple[dict[str, str], str | None]:
    tags: dict[str, str] = {}
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        name, eq, value = part.partition("=")
        name = name.strip()
        if not eq or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
            return tags, part
        if name in tags:
            return tags, name
        tags[name] = re.sub(r"\s+", "", value)
    return tags, None


def _der(data: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, start of content, end of content) of the DER element at ``pos``; raises ValueError."""
    if pos + 2 > len(data):
        raise ValueError("short")
    tag, length = data[pos], data[pos + 1]
    pos += 2
    if length & 0x80:
        n = length & 0x7F
        if n == 0 or n > 4 or pos + n > len(data):
            raise ValueError("length")
        length = int.from_bytes(data[pos:pos + n], "big")
        pos += n
    if pos + length > len(data):
        raise ValueError("overrun")
    return tag, pos, pos + length


def rsa_bits(der: bytes) -> int:
    """Modulus size of an RSA public key in SubjectPublicKeyInfo or PKCS#1 form; raises ValueError."""
    tag, start, end = _der(der, 0)
    if tag != 0x30:
        raise ValueError("not a sequence")
    first, fstart, fend = _der(der, start)
    if first == 0x30:  # SubjectPublicKeyInfo: AlgorithmIdentifier, BIT STRING
        bit, bstart, bend = _der(der, fend)
        if bit != 0x03 or bstart >= bend:
            raise ValueError("no bit string")
        return rsa_bits(der[bstart + 1:bend])
    if first != 0x02:  # RSAPublicKey: INTEGER modulus, INTEGER exponent
        raise ValueError("no modulus")
    modulus = int.from_bytes(der[fstart:fend], "big")
    if modulus <= 0:
        raise ValueError("bad modulus")
    return modulus.bit_length()


def parse_key(selector: str, text: str) -> DkimKey:
    """Judge one key record's text."""
    def key(**kw: Any) -> DkimKey:
        return DkimKey(selector=selector, found=True, record=text, **kw)

    if not text.isascii():
        return key(valid=False, problem="syntax", detail="non-ascii")
    tags, bad = _tags(text)
    if bad is not None:
        return key(valid=False, problem="syntax", detail=bad)
    if "v" in tags and (tags["v"] != "DKIM1" or next(iter(tags)) != "v"):
        return key(valid=False, problem="syntax", detail="v=" + tags["v"])
    k = tags.get("k", "rsa").lower()
    testing = "y" in tags.get("t", "").lower().split(":")
    if "p" not in tags:
        return key(valid=False, problem="syntax", detail="p", key_type=k)
    if tags["p"] == "":
        return key(valid=False, problem="revoked", key_type=k, testing=testing)
    try:
        raw = base64.b64decode(tags["p"], validate=True)
    except (binascii.Error, ValueError):
        return key(valid=False, problem="bad-key", detail="p", key_type=k)
    if k == "ed25519":
        ok = len(raw) == 32
        return key(valid=ok, key_type=k, bits=256 if ok else None, testing=testing,
                       problem=None if ok else "bad-key", detail="" if ok else "p")
    if k != "rsa":
        return key(valid=False, problem="syntax", detail="k=" + k, key_type=k)
    try:
        bits = rsa_bits(raw)
    except ValueError:
        return key(valid=False, problem="bad-key", detail="p", key_type=k)
    if bits < MIN_RSA_BITS:
        return key(valid=False, problem="weak-key", detail=str(bits), key_type=k,
                       bits=bits, testing=testing)
    return key(valid=True, key_type=k, bits=bits, testing=testing)


def judge(selector: str, answer: Answer) -> DkimKey:
    """A selector's TXT answer -> DkimKey. A TXT record counts as a key record when it has a ``p=`` tag or
    starts with ``v=DKIM1`` (other TXT records at the name are ignored)."""
    if answer.temporary:
        return DkimKey(selector=selector, found=False, valid=False, temperror=True)
    texts = [t for t in answer.texts() if t.lstrip().startswith("v=DKIM1") or re.search(r"(?:^|;)\s*p\s*=", t)]
    if not texts:
        return DkimKey(selector=selector, found=False, valid=False)
    if len(texts) > 1:
        return DkimKey(selector=selector, found=True, valid=False, record=texts[0], problem="multiple")
    return parse_key(selector, texts[0])
