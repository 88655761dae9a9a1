"""The sender page's Pyodide entry (checker/web/sender.py), in CPython: DNS-over-HTTPS messages written and read
with dnspython give the core exactly the answers the JSON zone holds (the stub encodes them with dnslib), and bad
replies never raise."""
from __future__ import annotations

import base64
import json

import dns.flags
import dns.message
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.sender.dns import Answer, Query, Zone
from checker.web.sender import answer_from_reply, answer_from_wire, feed, query_param, start
from doh_stub import DohStub, fetch, reply

ZONE = {
    "example.jp": {"MX": [[10, "mx1.example.jp"], [20, "mx2.example.jp"]],
                   "TXT": [["v=spf1 ", "include:_spf.example.jp ", "-all"], ["google-site-verification=x"]],
                   "A": ["192.0.2.1"], "AAAA": ["2001:db8::1"]},
    "_dmarc.example.jp": {"TXT": [["v=DMARC1; p=none; rua=mailto:d@example.jp"]]},
    "alias.example.jp": {"CNAME": "chain.example.jp"},
    "chain.example.jp": {"CNAME": "example.jp"},
    "loop1.example.jp": {"CNAME": "loop2.example.jp"},
    "loop2.example.jp": {"CNAME": "loop1.example.jp"},
    "dangling.example.jp": {"CNAME": "nowhere.example.jp"},
    "nullmx.example.jp": {"MX": [[0, ""]]},
    "jp-text.example.jp": {"TXT": [["v=spf1 日本語 -all"]]},
    "deep.sub.example.jp": {"A": ["192.0.2.9"]},
    "broken.example.jp": {"TXT": "SERVFAIL"},
    "refused.example.jp": "REFUSED",
    "weird.example.jp": {"TXT": "ERROR"},
    "1.2.0.192.in-addr.arpa": {"PTR": ["mail.example.jp"]},
}
NAMES = sorted(ZONE) + ["sub.example.jp", "missing.example.jp"]


def round_trip(zone: Zone, q: Query) -> Answer:
    wire = base64.urlsafe_b64decode(query_param(q) + "==")
    body = reply(zone, wire)
    if body is None:
        return answer_from_reply(q, {"error": "timeout"})
    return answer_from_reply(q, {"wire": base64.b64encode(body).decode()})


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("rtype", ["A", "AAAA", "MX", "TXT", "PTR"])
def test_doh_reply_gives_the_zones_answer(name, rtype):
    zone = Zone.from_json(ZONE)
    q = Query(name, rtype)
    assert round_trip(zone, q) == zone.resolve(q)


def test_the_cases_are_not_vacuous():
    zone = Zone.from_json(ZONE)
    got = {(n, t): round_trip(zone, Query(n, t)).rcode for n in NAMES for t in ("MX", "TXT")}
    assert {"NOERROR", "NXDOMAIN", "SERVFAIL", "REFUSED", "ERROR"} <= set(got.values())
    assert round_trip(zone, Query("alias.example.jp", "TXT")).texts()[0] == "v=spf1 include:_spf.example.jp -all"
    assert round_trip(zone, Query("example.jp", "TXT")).txt()[0] == ("v=spf1 ", "include:_spf.example.jp ", "-all")
    assert round_trip(zone, Query("nullmx.example.jp", "MX")).mx() == ((0, ""),)
    assert round_trip(zone, Query("loop1.example.jp", "A")).rcode == "SERVFAIL"


def test_query_is_rfc8484_get_form():
    param = query_param(Query("_dmarc.example.jp", "TXT"))
    assert "=" not in param and "+" not in param and "/" not in param  # base64url, no padding
    msg = dns.message.from_wire(base64.urlsafe_b64decode(param + "=" * (-len(param) % 4)))
    assert msg.id == 0 and msg.flags & dns.flags.RD
    assert [(str(r.name), r.rdtype) for r in msg.question] == [("_dmarc.example.jp.", 16)]


@pytest.mark.parametrize("bad", [
    {"wire": ""}, {"wire": "not base64!"}, {"wire": base64.b64encode(b"\x00\x01garbage").decode()},
    {"error": "http"}, {"error": "nonsense"}, None, "x", {"wire": 5},
])
def test_bad_replies_are_errors_not_exceptions(bad):
    assert answer_from_reply(Query("example.jp", "TXT"), bad).rcode == "ERROR"


def test_no_reply_is_a_timeout():
    for err in ("timeout", "unreachable"):
        assert answer_from_reply(Query("example.jp", "TXT"), {"error": err}) == Answer("TIMEOUT")


def test_a_reply_to_another_question_is_an_error():
    zone = Zone.from_json(ZONE)
    other = reply(zone, base64.urlsafe_b64decode(query_param(Query("example.jp", "MX")) + "=="))
    assert other is not None
    assert answer_from_wire(Query("example.jp", "TXT"), other).rcode == "ERROR"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.text(min_size=0, max_size=60), min_size=1, max_size=4), min_size=1, max_size=3,
                unique_by=tuple))
def test_any_txt_round_trips(records):
    # an RRset is a set (RFC 2181 5): dnspython, like any resolver, drops a duplicate record, so records are unique
    zone = Zone.from_json({"t.example.jp": {"TXT": records}})
    assert round_trip(zone, Query("t.example.jp", "TXT")) == zone.resolve(Query("t.example.jp", "TXT"))


def test_stub_serves_http_with_cors():
    with DohStub(ZONE) as stub:
        status, body, headers = fetch(stub.url + "?dns=" + query_param(Query("example.jp", "MX")))
        assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
        assert headers["Content-Type"] == "application/dns-message"
        assert answer_from_wire(Query("example.jp", "MX"), body).mx() == ((10, "mx1.example.jp"), (20, "mx2.example.jp"))
        assert stub.queries == [("example.jp", "MX")]


@pytest.mark.parametrize("request_json,code", [
    ("{", "bad-json"), ("[]", "bad-request"), ('{"domain": ""}', "empty"), ('{"domain": 5}', "empty"),
    ('{"domain": "example.jp", "lang": "fr"}', "empty"), ('{"domain": "example.jp", "selectors": "x"}', "bad-request"),
])
def test_start_rejects_bad_requests(request_json, code):
    assert json.loads(start(request_json)) == {"error": code}


def test_feed_without_a_job():
    start("{")
    assert json.loads(feed("[]")) == {"error": "no-job"}


def test_mark_costly_marks_the_include_that_takes_spf_over_the_limit():
    from checker.web.sender import mark_costly

    leaf = lambda d, n: {"domain": d, "via": "include", "lookups": n, "total_lookups": n, "children": []}  # noqa: E731
    tree = {"domain": "a.jp", "via": "top", "lookups": 2, "total_lookups": 12,
            "children": [leaf("small.jp", 3), {**leaf("big.jp", 1), "total_lookups": 7,
                                               "children": [leaf("x.jp", 4), leaf("y.jp", 2)]}]}
    out = mark_costly(tree)
    assert [c["costly"] for c in out["children"]] == [False, True]
    assert [c["costly"] for c in out["children"][1]["children"]] == [False, False]  # big.jp alone is under 10
    under = mark_costly({**tree, "total_lookups": 9})
    assert not any(c["costly"] for c in under["children"])
