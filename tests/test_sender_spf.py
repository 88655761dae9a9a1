"""SPF evaluator (checker.sender.spf): inspection mode (no IP), the tree, limits, loops, parser properties."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.sender.dns import Zone, drive
from checker.sender.spf import PermError, evaluate, parse, select

ZONE = Zone.from_json({
    "ok.jp": {"TXT": [["v=spf1 include:_spf.mail.jp ip4:192.0.2.0/24 ", "-all"]]},
    "_spf.mail.jp": {"TXT": [["v=spf1 ip4:198.51.100.0/24 include:_spf2.mail.jp ~all"]]},
    "_spf2.mail.jp": {"TXT": [["v=spf1 a mx -all"]], "A": ["198.51.100.9"], "MX": [[10, "mx.mail.jp"]]},
    "mx.mail.jp": {"A": ["198.51.100.25"]},
    "loop.jp": {"TXT": [["v=spf1 include:loop2.jp -all"]]},
    "loop2.jp": {"TXT": [["v=spf1 include:loop.jp -all"]]},
    "redir.jp": {"TXT": [["v=spf1 redirect=redir.jp"]]},
    "many.jp": {"TXT": [["v=spf1 " + " ".join(f"include:i{i}.jp" for i in range(11)) + " -all"]]},
    **{f"i{i}.jp": {"TXT": [[f"v=spf1 ip4:10.0.0.{i} -all"]]} for i in range(11)},
    "void.jp": {"TXT": [["v=spf1 a:n1.jp a:n2.jp a:n3.jp -all"]]},
    "two.jp": {"TXT": [["v=spf1 -all"], ["v=spf1 ~all"]]},
    "bad.jp": {"TXT": [["v=spf1 ip4:300.1.1.1 -all"]]},
    "plus.jp": {"TXT": [["v=spf1 +all"]]},
    "noinc.jp": {"TXT": [["v=spf1 include:nothing.jp -all"]]},
    "slow.jp": "TIMEOUT",
    "incslow.jp": {"TXT": [["v=spf1 include:slow.jp -all"]]},
})


def run(domain: str, ip: str | None = None):
    return drive(evaluate(domain, ip=ip), ZONE.resolve_batch)


def test_inspection_counts_every_lookup_and_builds_the_tree() -> None:
    r = run("ok.jp")
    assert (r.result, r.lookups, r.void_lookups, r.problem) == ("fail", 4, 0, None)
    assert r.record == "v=spf1 include:_spf.mail.jp ip4:192.0.2.0/24 -all"  # split strings joined
    assert r.tree is not None and r.tree.total_lookups == 4
    (inc,) = r.tree.children
    assert (inc.domain, inc.lookups, inc.total_lookups) == ("_spf.mail.jp", 1, 3)
    assert inc.children[0].lookups == 2


def test_evaluation_with_an_ip() -> None:
    assert run("ok.jp", "192.0.2.7").result == "pass"
    assert run("ok.jp", "198.51.100.25").result == "pass"  # via include -> include -> mx
    assert run("ok.jp", "203.0.113.1").result == "fail"
    assert run("ok.jp", "2001:db8::1").result == "fail"


def test_limits_and_loops() -> None:
    assert (run("loop.jp").result, run("loop.jp").problem) == ("permerror", "too-many-lookups")
    assert run("redir.jp").problem == "too-many-lookups"
    r = run("many.jp")
    assert (r.result, r.problem, r.lookups) == ("permerror", "too-many-lookups", 11)
    assert run("many.jp", "10.0.0.3").result == "pass"  # matched before the 11th lookup
    r = run("void.jp")
    assert (r.result, r.problem, r.void_lookups) == ("permerror", "too-many-void", 3)


def test_errors() -> None:
    assert run("two.jp").problem == "multiple-records"
    r = run("bad.jp")
    assert (r.result, r.problem, r.detail) == ("permerror", "syntax", "ip4:300.1.1.1")
    assert run("plus.jp").all_qualifier == "+"
    assert run("noinc.jp").problem == "include-none"
    assert run("nothing.jp").result == "none"
    assert run("slow.jp").result == "temperror"
    assert run("incslow.jp").result == "temperror"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_parser_raises_only_permerror(tail: str) -> None:
    text = "v=spf1 " + tail
    try:
        rec = parse(text)
    except PermError as e:
        assert e.problem in ("syntax", "non-ascii")
    else:
        assert rec.text == text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "mx", "ptr", "include:%{d}.x.jp", "exists:%{i}.jp", "-all", "~all",
                                 "ip4:192.0.2.1", "ip6:2001:db8::/32", "redirect=ok.jp", "a:%{l}.jp/24",
                                 "mx:x.jp//64", "?include:ok.jp", "exp=%{d}"]), max_size=12),
       st.sampled_from([None, "192.0.2.1", "2001:db8::1"]))
def test_evaluation_never_raises(terms: list[str], ip: str | None) -> None:
    zone = Zone({**ZONE.names, **Zone.from_json({"t.jp": {"TXT": [["v=spf1 " + " ".join(terms)]]}}).names})
    r = drive(evaluate("t.jp", ip=ip), zone.resolve_batch)
    assert r.result in ("none", "neutral", "pass", "fail", "softfail", "temperror", "permerror")
    assert r.lookups <= 11


def test_select() -> None:
    assert select(("v=spf1 -all", "v=spf10", "V=SPF1", "google-site-verification=x")) == ("v=spf1 -all", "V=SPF1")
