"""The sender-domain core (checker.sender), driven from an in-memory zone: every finding reachable, the JSON
contract, DMARC and DKIM vectors from the RFCs' examples, properties of the parsers."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sender_zone import DOMAINS, K2048, RFC6376_KEY, RFC8463_KEY, ZONE, rsa_key

from checker.sender import dkim, dmarc
from checker.sender.data import default_sender_data
from checker.sender.dns import Answer, Query, Zone, answer_to_json, drive
from checker.sender.domain import DomainResult, InvalidDomain, check_domain, normalize_domain, start
from checker.sender.spf import parse as spf_parse

Z = Zone.from_json(ZONE)
IPS = (None, "192.0.2.9", "203.0.113.9", "2001:db8::1")


def run(domain: str, ip: str | None = None, selectors: tuple[str, ...] = ("default",),
        lang: str = "en") -> DomainResult:
    return drive(check_domain(domain, ip=ip, selectors=selectors, lang=lang), Z.resolve_batch)


def codes(r: DomainResult) -> set[str]:
    return {f.code for f in r.findings} | {f.code for v in r.receivers for f in v.findings}


def test_every_finding_is_reachable() -> None:
    seen: set[str] = set()
    for d in DOMAINS:
        for ip in IPS:
            seen |= codes(run(d, ip))
    assert seen == set(default_sender_data().messages), sorted(set(default_sender_data().messages) ^ seen)


def test_a_good_domain() -> None:
    r = run("ok.example", "192.0.2.9")
    d = r.to_dict()
    assert list(d) == ["domain", "exists", "mx", "spf", "dmarc", "dkim", "receivers", "verdict", "findings"]
    assert d["mx"] == {"hosts": ["mx.ok.example"], "null": False, "implicit": False}
    assert d["spf"] == {"record": "v=spf1 ip4:192.0.2.0/24 -all", "valid": True, "lookups": 0, "void_lookups": 0,
                        "result": "pass"}
    assert d["dmarc"] == {"record": "v=DMARC1; p=reject; rua=mailto:dmarc@ok.example", "valid": True,
                          "policy": "reject", "location": "ok.example"}
    assert d["dkim"] == [{"selector": "default", "found": True, "valid": True}]
    assert [v["id"] for v in d["receivers"]] == ["docomo", "au", "softbank", "ymobile", "gmail", "yahoo-japan",
                                                 "outlook"]
    assert d["verdict"] == "deliver" and r.arrives
    assert codes(r) == {"spf-ip-pass", "dkim-found"}


@pytest.mark.parametrize("domain, ip, expected, verdict", [
    ("gone.example", None, {"domain-nxdomain", "docomo-no-domain"}, "block"),
    ("slow.example", None, {"dns-temperror", "spf-temperror"}, "at-risk"),
    ("nullmx.example", None, {"mx-null"}, "deliver"),
    ("nospf.example", None, {"spf-none", "au-spf-spoofing"}, "at-risk"),
    ("twospf.example", None, {"spf-multiple"}, "at-risk"),
    ("loop.example", None, {"spf-too-many-lookups"}, "at-risk"),
    ("redirloop.example", None, {"spf-too-many-lookups"}, "at-risk"),
    ("nine.example", None, {"spf-many-lookups"}, "deliver"),
    ("many.example", "10.0.0.3", {"spf-too-many-lookups"}, "at-risk"),
    ("void.example", None, {"spf-too-many-void"}, "at-risk"),
    ("wide.example", None, {"spf-syntax"}, "at-risk"),
    ("bare.example", None, {"spf-none", "dmarc-none", "dkim-none", "gmail-auth-required", "yahoo-auth"}, "at-risk"),
    ("dmarconly.example", "203.0.113.9", {"softbank-dmarc", "ymobile-dmarc", "au-spf-spoofing"}, "block"),
    ("soft.example", "203.0.113.9", {"spf-ip-softfail"}, "deliver"),
    ("ok.example", "203.0.113.9", {"spf-ip-fail", "au-spf-fail"}, "at-risk"),
])
def test_findings_and_verdicts(domain: str, ip: str | None, expected: set[str], verdict: str) -> None:
    r = run(domain, ip)
    assert expected <= codes(r), codes(r)
    assert r.verdict == verdict


def test_dmarc_tree_walk_and_effective_policy() -> None:
    r = run("news.shop.co.example")
    assert (r.dmarc.location, r.dmarc.policy) == ("shop.co.example", "quarantine")  # sp
    assert r.dmarc.discovery.tried == ("news.shop.co.example", "shop.co.example", "co.example", "example")
    r = run("nothere.shop.co.example")  # does not exist: np
    assert (r.exists, r.dmarc.location, r.dmarc.policy) == (False, "shop.co.example", "reject")
    assert run("testing.example").dmarc.policy == "quarantine"  # t=y lowers reject one step
    assert dmarc.walk("a.b.c.d.e.f.g.h.i.example") == (
        "a.b.c.d.e.f.g.h.i.example", "d.e.f.g.h.i.example", "e.f.g.h.i.example", "f.g.h.i.example",
        "g.h.i.example", "h.i.example", "i.example", "example")


def test_split_txt_cname_chain_and_oversized_records() -> None:
    r = run("split.example", "198.51.100.7")
    assert r.spf.record == "v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.0/24 -all" and r.spf_ip is not None
    assert r.spf_ip.result == "pass"
    assert run("cname.example", "203.0.113.5").spf_ip.result == "pass"  # type: ignore[union-attr]
    assert run("dkimcname.example").dkim[0].valid
    assert run("big.example", "192.0.2.1").spf_ip.result == "pass"  # type: ignore[union-attr]
    assert run("utf8.example").spf.result == "fail"  # a non-SPF non-ASCII TXT record is not our business


def test_rua_authorization() -> None:
    r = run("extrua.example")
    bad = [f for f in r.findings if f.code == "dmarc-rua-unauthorized"]
    assert len(bad) == 1 and "reports.example" in bad[0].message


# RFC 7489 appendix B.2 and RFC 9989's examples
@pytest.mark.parametrize("text, p, rua, issues", [
    ("v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com", "none", 1, []),
    ("v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com; ruf=mailto:auth-reports@thirdparty.example.net",
     "none", 1, []),
    ("v=DMARC1; p=quarantine; rua=mailto:dmarc-feedback@example.com,mailto:tld-test@thirdparty.example.net!10m; "
     "pct=25", "quarantine", 2, ["removed-tag"]),
    ("v=DMARC1; p=reject; sp=quarantine; np=reject; psd=n; t=y", "reject", 0, []),
    ("v=DMARC1; p=rejet", "none", 0, ["bad-value"]),
    ("v=DMARC1; rua=mailto:a@example.com", "none", 1, ["missing-p"]),
    ("v=DMARC1; p=none; p=reject", "none", 0, ["duplicate-tag"]),
    ("v=DMARC1; p=none; rua=example.com", "none", 1, ["bad-uri"]),
    ("v=DMARC1; p=none; adkim=x; aspf=s; fo=2", "none", 0, ["bad-value", "bad-value"]),
])
def test_dmarc_vectors(text: str, p: str, rua: int, issues: list[str]) -> None:
    rec = dmarc.parse(text)
    assert (rec.p, len(rec.rua), [i.code for i in rec.issues]) == (p, rua, issues)


def test_dmarc_select() -> None:
    assert dmarc.select(("v=DMARC1; p=none", "v=DMARC1", "v=DMARC10; p=none", "v=spf1 -all", "V=DMARC1; p=none")) \
        == ("v=DMARC1; p=none", "v=DMARC1")


@pytest.mark.parametrize("text, valid, problem, bits", [
    ("v=DKIM1; k=rsa; p=" + RFC6376_KEY, True, None, 1024),
    ("v=DKIM1; k=ed25519; p=" + RFC8463_KEY, True, None, 256),
    ("v=DKIM1; p=" + K2048, True, None, 2048),
    ("p=" + rsa_key(4096, spki=False), True, None, 4096),
    ("v=DKIM1; k=rsa; p=", False, "revoked", None),
    ("v=DKIM1; k=rsa; p=" + rsa_key(768), False, "weak-key", 768),
    ("v=DKIM1; k=dsa; p=" + K2048, False, "syntax", None),
    ("k=rsa; v=DKIM1; p=" + K2048, False, "syntax", None),
    ("v=DKIM1; k=rsa; p=AAAA", False, "bad-key", None),
    ("v=DKIM1; k=rsa; p=" + K2048[:40] + " " + K2048[40:], True, None, 2048),  # whitespace inside p= is allowed
    ("v=DKIM1; k=rsa", False, "syntax", None),
])
def test_dkim_vectors(text: str, valid: bool, problem: str | None, bits: int | None) -> None:
    k = dkim.parse_key("s", text)
    assert (k.valid, k.problem, k.bits) == (valid, problem, bits)


def test_inputs_are_validated_before_any_question() -> None:
    assert normalize_domain(" Taro@Example.JP. ") == "example.jp"
    assert normalize_domain("日本語.jp") == "xn--wgv71a119e.jp"
    for bad in ("", "a..jp", "-a.jp", "localhost", "a b.jp", "x" * 300):
        with pytest.raises(InvalidDomain):
            normalize_domain(bad)
    with pytest.raises(ValueError):
        check_domain("ok.example", ip="999.1.1.1")
    with pytest.raises(ValueError):
        check_domain("ok.example", selectors=("bad selector",))


def test_stepper_drives_the_check_with_json() -> None:
    s = start("ok.example", ip="192.0.2.9", selectors=("default",), lang="ja")
    batch = s.start()
    rounds = 0
    while batch is not None:
        rounds += 1
        answers = [answer_to_json(q, Z.resolve(q)) for q in (Query(b["name"], b["type"]) for b in batch)]  # type: ignore[arg-type]
        batch = s.feed(json.loads(json.dumps(answers)))
    assert isinstance(s.result, DomainResult)
    assert s.result.to_dict() == run("ok.example", "192.0.2.9", lang="ja").to_dict()
    assert rounds <= 4


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_parsers_never_raise(text: str) -> None:
    rec = dmarc.parse("v=DMARC1; " + text)
    assert rec.p in dmarc.POLICIES
    k = dkim.parse_key("s", text)
    assert k.found and (k.valid or k.problem is not None)


_records = st.lists(st.lists(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x3000), max_size=40),
                             min_size=1, max_size=3), max_size=3)


@settings(max_examples=150, deadline=None)
@given(_records, _records, _records, st.sampled_from(["NOERROR", "NXDOMAIN", "SERVFAIL", "TIMEOUT"]),
       st.sampled_from([None, "192.0.2.1", "2001:db8::2"]))
def test_the_check_never_raises(spf: list[list[str]], dm: list[list[str]], dk: list[list[str]], rcode: str,
                                ip: str | None) -> None:
    prefixes = (["v=spf1 "], ["v=DMARC1; "], ["v=DKIM1; p="])
    zone = Zone.from_json({
        "h.example": {"TXT": [prefixes[0] + r for r in spf] + [["x"]], "MX": rcode if rcode != "NOERROR" else []},
        "_dmarc.h.example": {"TXT": [prefixes[1] + r for r in dm]},
        "default._domainkey.h.example": {"TXT": [prefixes[2] + r for r in dk]},
    })
    r = drive(check_domain("h.example", ip=ip, selectors=("default",)), zone.resolve_batch)
    json.dumps(r.to_dict())
    assert r.verdict in ("deliver", "spam-folder", "at-risk", "block")


def test_answers_are_checked() -> None:
    gen = check_domain("ok.example")
    next(gen)
    with pytest.raises(ValueError):
        gen.send((Answer("NOERROR"),))


@pytest.mark.parametrize("domain, ip, expected", [
    ("bare.example", None, [("bare.example", "v=spf1 mx ~all", ["spf-none"]),
                            ("_dmarc.bare.example", "v=DMARC1; p=none; rua=mailto:dmarc-reports@bare.example",
                             ["dmarc-none"])]),
    ("twospf.example", "203.0.113.9", [("twospf.example", "v=spf1 ip4:203.0.113.9 -all",
                                        ["spf-multiple", "spf-ip-neutral"])]),
    ("plusall.example", None, [("plusall.example", "v=spf1 mx ~all", ["spf-plus-all"])]),
    ("qall.example", "2001:db8::5", [("qall.example", "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::5 ~all",
                                      ["spf-neutral-all", "spf-ip-neutral"])]),
    ("ptr.example", None, [("ptr.example", "v=spf1 ip4:192.0.2.0/24 -all", ["spf-ptr"])]),
    ("pct.example", None, [("_dmarc.pct.example", "v=DMARC1; p=quarantine; rua=mailto:d@pct.example; foo=bar",
                            ["dmarc-removed-tag"])]),
    ("nop.example", None, [("_dmarc.nop.example", "v=DMARC1; p=none; rua=mailto:d@nop.example", ["dmarc-no-policy"])]),
    ("loop.example", "203.0.113.9", []),  # a broken record: adding the address would not help
    ("wide.example", "203.0.113.9", []),
    ("ok.example", "192.0.2.9", []),
])
def test_fixed_records(domain: str, ip: str | None, expected: list[tuple[str, str, list[str]]]) -> None:
    r = run(domain, ip)
    got = [(f["name"], f["value"], f["fixes"]) for f in r.detail()["fixes"]]
    assert got == expected
    for _, value, _ in got:  # every proposed record is valid in itself
        if value.startswith("v=spf1"):
            assert spf_parse(value).text == value
        else:
            assert dmarc.parse(value).valid


def test_spf_tree_names_the_terms() -> None:
    tree = run("cname.example").detail()["spf_tree"]
    assert tree["term"] == "" and tree["children"][0]["term"] == "include:spf.cname.example"  # type: ignore[index]
