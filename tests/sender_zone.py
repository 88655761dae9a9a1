"""The tests' sender zone: one domain (or more) per finding, in checker.sender.dns's JSON zone form. Served from
memory (``Zone``) to the core and by the local DNS server (tests/dns_server.py) to the CLI."""
from __future__ import annotations

import base64
from typing import Any


def _der(tag: int, content: bytes) -> bytes:
    n = len(content)
    length = bytes([n]) if n < 128 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag]) + length + content


def rsa_key(bits: int, spki: bool = True) -> str:
    """A syntactically real RSA public key of ``bits`` bits (not a usable key pair: only its size matters)."""
    modulus = (1 << (bits - 1)) | 1
    pub = _der(0x30, _der(0x02, b"\x00" + modulus.to_bytes((bits + 7) // 8, "big")) + _der(0x02, b"\x01\x00\x01"))
    if not spki:
        return base64.b64encode(pub).decode()
    alg = _der(0x30, _der(0x06, bytes.fromhex("2a864886f70d010101")) + _der(0x05, b""))
    return base64.b64encode(_der(0x30, alg + _der(0x03, b"\x00" + pub))).decode()


# RFC 6376 Appendix C's example key (1024-bit RSA) and RFC 8463 Appendix A's ed25519 key
RFC6376_KEY = ("MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDwIRP/UC3SBsEmGqZ9ZJW3/DkMoGeLnQg1fWn7/zYtIxN2SnFCjxOCKG9v3b4jYfcTNh5ij"
               "Ssq631uBItLa7od+v/RtdC2UzJ1lWT947qR+Rcac2gbto/NMqJ0fzfVjH4OuKhitdY9tf6mcwGjaNBcWToIMmPSPDdQPNUYckcQ2QIDAQAB")
RFC8463_KEY = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
def chunks(text: str) -> list[str]:
    """A long TXT value as DNS holds it: character-strings of at most 255 octets."""
    return [text[i:i + 255] for i in range(0, len(text), 255)]


GOOD_DMARC = "v=DMARC1; p=reject; rua=mailto:dmarc@{d}"
K2048 = rsa_key(2048)


def good(domain: str, **over: Any) -> dict[str, Any]:
    """A domain that every receiver accepts, with entries replaced by ``over``."""
    z: dict[str, Any] = {
        domain: {"MX": [[10, "mx." + domain]], "TXT": [["v=spf1 ip4:192.0.2.0/24 -all"]]},
        "_dmarc." + domain: {"TXT": [[GOOD_DMARC.format(d=domain)]]},
        "default._domainkey." + domain: {"TXT": [chunks("v=DKIM1; k=rsa; p=" + K2048)]},
    }
    for name, value in over.items():
        name = name.replace("@", domain)
        if value is None:
            z.pop(name, None)
        else:
            z[name] = value
    return z


ZONE: dict[str, Any] = {}
for part in (
    good("ok.example"),
    # the domain itself
    {"gone.example": "NXDOMAIN"},
    good("slow.example", **{"@": "TIMEOUT"}),
    good("nullmx.example", **{"@": {"MX": [[0, ""]], "TXT": [["v=spf1 -all"]]}}),
    good("mixmx.example", **{"@": {"MX": [[0, ""], [10, "mx.mixmx.example"]], "TXT": [["v=spf1 -all"]]}}),
    good("nomx.example", **{"@": {"TXT": [["v=spf1 -all"]]}}),
    good("implicit.example", **{"@": {"A": ["192.0.2.1"], "TXT": [["v=spf1 a -all"]]}}),
    # SPF
    good("nospf.example", **{"@": {"MX": [[10, "mx.nospf.example"]], "TXT": [["google-site-verification=x"]]}}),
    good("twospf.example", **{"@": {"MX": [[10, "mx"]], "TXT": [["v=spf1 -all"], ["v=spf1 ~all"]]}}),
    good("badspf.example", **{"@": {"MX": [[10, "mx"]], "TXT": [["v=spf1 ip4:192.0.2.300 -all"]]}}),
    good("wide.example", **{"@": {"MX": [[10, "mx"]], "TXT": [["v=spf1 ip4：192.0.2.1 -all"]]}}),  # full-width colon
    good("loop.example", **{"@": {"MX": [[10, "mx"]], "TXT": [["v=spf1 include:loop2.example -all"]]}}),
    {"loop2.example": {"TXT": [["v=spf1 include:loop.example -all"]]}},
    good("redirloop.example", **{"@": {"MX": [[10, "mx"]], "TXT": [["v=spf1 redirect=redirloop.example"]]}}),
    good("nine.example", **{"@": {"MX": [[10, "mx"]], "TXT": [["v=spf1 " + " ".join(f"include:i{i}.example" for i in range(9)) + " -all"]]}}),
    {f"i{i}.example": {"TXT": [[f"v=spf1 ip4:10.0.0.{i} -all"]]} for i in range(12)},
    good("many.example", **{"@": {"MX": [[10, "mx"]], "TXT": [["v=spf1 " + " ".join(f"include:i{i}.example" for i in range(12)) + " -all"]]}}),
    good("void.example", **{"@": {"MX": [[10, "mx"]], "TXT": [["v=spf1 a:v1.example a:v2.example a:v3.example -all"]]}}),
    good("noinc.example", **{"@": {"MX": [[10, "mx"]], "TXT": [["v=spf1 include:nothing.example -all"]]}}),
    good("incslow.example", **{"@": {"MX": [[10, "mx"]], "TXT": [["v=spf1 include:slowinc.example -all"]]}}),
    {"slowinc.example": {"TXT": "TIMEOUT"}},
    good("plusall.example", **{"@": {"MX": [[10, "mx"]], "TXT": [["v=spf1 +all"]]}}),
    good("qall.example", **{"@": {"MX": [[10, "mx"]], "TXT": [["v=spf1 ip4:192.0.2.0/24 ?all"]]}}),
    good("ptr.example", **{"@": {"MX": [[10, "mx"]], "TXT": [["v=spf1 ptr ip4:192.0.2.0/24 -all"]]}}),
    good("split.example", **{"@": {"MX": [[10, "mx"]], "TXT": [["v=spf1 ip4:192.0.2.0/24", " ip4:198.51.100.0/24 ", "-all"]]}}),
    good("soft.example", **{"@": {"MX": [[10, "mx"]], "TXT": [["v=spf1 ip4:192.0.2.0/24 ~all"]]}}),
    good("cname.example", **{"@": {"MX": [[10, "mx"]], "TXT": [["v=spf1 include:spf.cname.example -all"]]},
                              "spf.cname.example": {"CNAME": "spf2.cname.example"},
                              "spf2.cname.example": {"CNAME": "spf3.cname.example"},
                              "spf3.cname.example": {"TXT": [["v=spf1 ip4:203.0.113.0/24 -all"]]}}),
    good("big.example", **{"@": {"MX": [[10, "mx"]], "TXT": [["v=spf1 ip4:192.0.2.0/24 -all"]] + [["x" * 250, "y" * 250]] * 3}}),
    good("utf8.example", **{"@": {"MX": [[10, "mx"]], "TXT": [["v=spf1 ip4:192.0.2.0/24 -all"], ["説明テキスト"]]}}),
    # DMARC
    good("nodmarc.example", **{"_dmarc.@": None}),
    good("twodmarc.example", **{"_dmarc.@": {"TXT": [["v=DMARC1; p=none"], ["v=DMARC1; p=reject"]]}}),
    good("baddmarc.example", **{"_dmarc.@": {"TXT": [["v=DMARC1; p=reject; adkim=x; rua=dmarc@x.example"]]}}),
    good("nop.example", **{"_dmarc.@": {"TXT": [["v=DMARC1; rua=mailto:d@nop.example"]]}}),
    good("pnone.example", **{"_dmarc.@": {"TXT": [["v=DMARC1; p=none; rua=mailto:d@pnone.example"]]}}),
    good("testing.example", **{"_dmarc.@": {"TXT": [["v=DMARC1; p=reject; t=y; rua=mailto:d@testing.example"]]}}),
    good("pct.example", **{"_dmarc.@": {"TXT": [["v=DMARC1; p=quarantine; pct=25; ri=86400; rua=mailto:d@pct.example; foo=bar"]]}}),
    good("norua.example", **{"_dmarc.@": {"TXT": [["v=DMARC1; p=reject"]]}}),
    good("extrua.example", **{"_dmarc.@": {"TXT": [["v=DMARC1; p=reject; rua=mailto:d@reports.example,mailto:d@authorized.example"]]}}),
    {"extrua.example._report._dmarc.authorized.example": {"TXT": [["v=DMARC1"]]}},
    good("dmarcslow.example", **{"_dmarc.@": {"TXT": "TIMEOUT"}}),
    good("shop.co.example", **{"_dmarc.@": {"TXT": [["v=DMARC1; p=reject; sp=quarantine; np=reject; rua=mailto:d@shop.co.example"]]}}),
    {"news.shop.co.example": {"MX": [[10, "mx.shop.co.example"]], "TXT": [["v=spf1 ip4:192.0.2.0/24 -all"]]},
     "default._domainkey.news.shop.co.example": {"TXT": [chunks("v=DKIM1; p=" + K2048)]}},
    # DKIM
    good("nodkim.example", **{"default._domainkey.@": None}),
    good("revoked.example", **{"default._domainkey.@": {"TXT": [["v=DKIM1; k=rsa; p="]]}}),
    good("dkimbad.example", **{"default._domainkey.@": {"TXT": [["v=DKIM1; k=rsa; p=!!notbase64"]]}}),
    good("weak.example", **{"default._domainkey.@": {"TXT": [["v=DKIM1; k=rsa; p=" + rsa_key(512)]]}}),
    good("rfc6376.example", **{"default._domainkey.@": {"TXT": [["v=DKIM1; k=rsa; t=y; p=" + RFC6376_KEY]]}}),
    good("ed.example", **{"default._domainkey.@": {"TXT": [["v=DKIM1; k=ed25519; p=" + RFC8463_KEY]]}}),
    good("pkcs1.example", **{"default._domainkey.@": {"TXT": [chunks("k=rsa; p=" + rsa_key(2048, spki=False))]}}),
    good("dkimcname.example", **{"default._domainkey.@": {"CNAME": "key.provider.example"},
                                 "key.provider.example": {"TXT": [chunks("v=DKIM1; k=rsa; p=" + K2048)]}}),
    # receivers
    good("bare.example", **{"@": {"MX": [[10, "mx"]]}, "_dmarc.@": None, "default._domainkey.@": None}),
    good("dmarconly.example", **{"@": {"MX": [[10, "mx"]]}, "default._domainkey.@": None}),
):
    ZONE.update(part)


#: the domains checked (the other names of the zone are what they point at)
DOMAINS = sorted({n for n in ZONE if not n.startswith(("_", "default.", "key.", "spf", "slowinc", "loop2"))
                  and "_report" not in n and not (n.startswith("i") and n[1].isdigit())})
