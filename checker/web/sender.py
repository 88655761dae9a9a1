"""Shell: the Pyodide entry of the page /sender/ (checking a sender's domain in the browser).

The page's module Web Worker (web/todoku-sender-worker.mjs) drives the core's generator
(``checker.sender.domain.check_domain``) through ``checker.sender.dns.Stepper``. The core asks DNS questions in
batches; this module turns each question into an RFC 8484 query (``dns`` GET parameter: the DNS message in
base64url, ID 0, recursion desired) and each DNS-over-HTTPS reply back into the core's ``Answer``. The page's
main thread does the HTTPS requests (so that the page's Content-Security-Policy governs them: a page's
``<meta>`` policy does not apply to a worker's own fetches), and only after the reader has chosen a resolver
and pressed the button.

DNS messages are built and read with dnspython (the command line's DNS library, shipped into Pyodide beside our
wheel): no home-made wire code. Replies follow the core's contract (checker/sender/dns.py): CNAMEs followed,
only records of the asked type, TXT character-strings unjoined and decoded as UTF-8 (U+FFFD for a bad byte);
SERVFAIL/REFUSED as such, any other failure ``ERROR``, no reply in time ``TIMEOUT``.

Calls (JSON text in and out, never a traceback):
    start(request) with {"domain", "lang", "ip"?, "selectors"?}   -> step
    feed(replies) with [{"wire": base64} | {"error": "timeout"|"unreachable"|"http"}, ...] in batch order -> step
a step is {"batch": [{"name", "type", "dns"}]} (ask these, concurrently) or {"done": {...}} or {"error": code}.
"""
from __future__ import annotations

import base64
import binascii
import json
from functools import lru_cache
from typing import Any

import dns.exception
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype

from .._data import Data, default_data, doh_resolvers
from ..sender.dns import MAX_CNAME, Answer, Query, Record, Stepper, answer_to_json, normalize_name

_RCODES = {dns.rcode.NOERROR: "NOERROR", dns.rcode.NXDOMAIN: "NXDOMAIN", dns.rcode.SERVFAIL: "SERVFAIL",
           dns.rcode.REFUSED: "REFUSED"}


# ---- DNS messages (dnspython) ----------------------------------------------------------------------------------

def query_param(q: Query) -> str:
    """The RFC 8484 ``dns`` GET parameter for ``q``: base64url without padding, ID 0 (RFC 8484 4.1)."""
    msg = dns.message.make_query(q.name, q.rtype)
    msg.id = 0
    return base64.urlsafe_b64encode(msg.to_wire()).rstrip(b"=").decode("ascii")


def _record(rdata: Any, rtype: str) -> Record:
    if rtype == "TXT":
        return tuple(s.decode("utf-8", "replace") for s in rdata.strings)
    if rtype == "MX":
        return (int(rdata.preference), normalize_name(rdata.exchange.to_text()))
    if rtype == "PTR":
        return normalize_name(rdata.target.to_text())
    return str(rdata.address)


def answer_from_wire(q: Query, wire: bytes) -> Answer:
    """The core's ``Answer`` to ``q`` from a DoH reply's body (a DNS message)."""
    try:
        msg = dns.message.from_wire(wire)
    except (dns.exception.DNSException, ValueError, IndexError):
        return Answer("ERROR")
    rdtype = dns.rdatatype.from_text(q.rtype)
    try:
        qname = dns.name.from_text(q.name)
    except dns.exception.DNSException:
        return Answer("ERROR")
    if len(msg.question) != 1 or msg.question[0].name != qname or msg.question[0].rdtype != rdtype:
        return Answer("ERROR")  # not the reply to our question
    rcode = _RCODES.get(msg.rcode(), "ERROR")
    if rcode != "NOERROR":
        return Answer(rcode)  # type: ignore[arg-type]
    name = qname
    seen = {name}
    for _ in range(MAX_CNAME + 1):
        rrset = msg.get_rrset(msg.answer, name, dns.rdataclass.IN, rdtype)
        if rrset is not None:
            return Answer("NOERROR", tuple(_record(r, q.rtype) for r in rrset))
        cname = msg.get_rrset(msg.answer, name, dns.rdataclass.IN, dns.rdatatype.CNAME)
        if cname is None or len(cname) == 0:
            return Answer("NOERROR")  # no data of this type
        name = cname[0].target
        if name in seen:
            return Answer("SERVFAIL")  # a CNAME loop
        seen.add(name)
    return Answer("SERVFAIL")  # a chain longer than the core's limit


def answer_from_reply(q: Query, reply: Any) -> Answer:
    """``reply`` as the page sends it: ``{"wire": base64}`` or ``{"error": "timeout"|"unreachable"|...}``."""
    if isinstance(reply, dict) and isinstance(reply.get("wire"), str):
        try:
            return answer_from_wire(q, base64.b64decode(reply["wire"], validate=True))
        except (binascii.Error, ValueError):
            return Answer("ERROR")
    if isinstance(reply, dict) and reply.get("error") in ("timeout", "unreachable"):
        return Answer("TIMEOUT")  # no reply at all (the whole batch unreachable is stopped by the page)
    return Answer("ERROR")


# ---- the job: one domain, step by step -------------------------------------------------------------------------

class Job:
    def __init__(self, domain: str, lang: str, ip: str | None, selectors: tuple[str, ...], data: Data) -> None:
        from ..sender.domain import check_domain

        self.lang, self.data = lang, data
        self.stepper = Stepper(check_domain(domain, ip=ip, selectors=selectors, lang=lang))
        self.batch: list[Query] = []
        #: every question sent, in order: what the page shows under "what was sent"
        self.sent: list[dict[str, str]] = []
        self.failures = {"timeout": 0, "unreachable": 0, "error": 0}

    def _step(self, batch: list[dict[str, str]] | None) -> dict[str, Any]:
        if batch is None:
            return {"done": done_payload(self.stepper.result, self.lang, self.data, self.sent, self.failures)}
        self.batch = [Query(b["name"], b["type"]) for b in batch]  # type: ignore[arg-type]
        self.sent.extend(q.to_json() for q in self.batch)
        return {"batch": [{**q.to_json(), "dns": query_param(q)} for q in self.batch]}

    def start(self) -> dict[str, Any]:
        return self._step(self.stepper.start())

    def feed(self, replies: list[Any]) -> dict[str, Any]:
        if len(replies) != len(self.batch):
            return {"error": "bad-replies"}
        answers = []
        for q, reply in zip(self.batch, replies):
            a = answer_from_reply(q, reply)
            if isinstance(reply, dict) and reply.get("error") in ("timeout", "unreachable"):
                self.failures[str(reply["error"])] += 1
            elif a.rcode == "ERROR":
                self.failures["error"] += 1
            answers.append(answer_to_json(q, a))
        return self._step(self.stepper.feed(answers))


def result_line(result: Any) -> str:
    """The result exactly as ``python -m checker domain --json`` prints it (one line, no newline)."""
    return json.dumps(result.to_dict(), ensure_ascii=False)


SPF_LOOKUP_LIMIT = 10  # RFC 7208 4.6.4


def mark_costly(node: dict[str, Any], limit: int = SPF_LOOKUP_LIMIT) -> dict[str, Any]:
    """The SPF tree (``checker.sender.spf.Node.to_dict()``) with ``costly`` set on the includes that take it over
    the limit: while a subtree is over the limit, the child that costs the most is marked, level by level."""
    node = {**node, "children": [mark_costly(c, limit) for c in node.get("children", [])]}
    node.setdefault("costly", False)
    if node.get("total_lookups", 0) > limit and node["children"]:
        most = max(c.get("total_lookups", 0) for c in node["children"])
        for c in node["children"]:  # every include that costs the most (a tie marks each)
            if most > 0 and c.get("total_lookups", 0) == most:
                c["costly"] = True
    return node


@lru_cache(maxsize=2)
def receiver_names(lang: str) -> dict[str, str]:
    """Each receiver's name (checker/data/receivers.toml, the data the core judges with)."""
    from .._data import read_raw

    return {str(r["id"]): str(r["name"][lang]) for r in read_raw().get("receivers", {}).get("receiver", [])}


def done_payload(result: Any, lang: str, data: Data, sent: list[dict[str, str]],
                 failures: dict[str, int]) -> dict[str, Any]:
    detail: dict[str, Any] = dict(result.detail()) if hasattr(result, "detail") else {}
    tree = detail.get("spf_tree")
    if tree is None and getattr(getattr(result, "spf", None), "tree", None) is not None:
        tree = result.spf.tree.to_dict()
    if tree is not None:
        detail["spf_tree"] = mark_costly(tree)
    return {"line": result_line(result), "result": result.to_dict(), "detail": detail, "sent": sent,
            "failures": failures, "view": {"receivers": receiver_names(lang)}}


_JOB: Job | None = None


def _error(code: str) -> str:
    return json.dumps({"error": code})


def start(request: str) -> str:
    """Begin checking a domain: ``{"domain", "lang", "ip"?, "selectors"?}`` -> the first step (JSON)."""
    global _JOB
    _JOB = None
    try:
        req = json.loads(request)
    except ValueError:
        return _error("bad-json")
    if not isinstance(req, dict):
        return _error("bad-request")
    domain, lang = req.get("domain"), req.get("lang", "ja")
    ip, selectors = req.get("ip") or None, req.get("selectors") or []
    if lang not in ("ja", "en") or not isinstance(domain, str) or not domain.strip():
        return _error("empty")
    if ip is not None and not isinstance(ip, str):
        return _error("bad-request")
    if not isinstance(selectors, list) or not all(isinstance(s, str) for s in selectors):
        return _error("bad-request")
    try:
        _JOB = Job(domain.strip(), lang, ip, tuple(selectors), default_data())
        return json.dumps(_JOB.start(), ensure_ascii=False)
    except ValueError:
        _JOB = None
        return _error("bad-domain")


def feed(replies: str) -> str:
    """The replies to the pending batch (JSON list, batch order) -> the next step (JSON)."""
    global _JOB
    if _JOB is None:
        return _error("no-job")
    try:
        parsed = json.loads(replies)
    except ValueError:
        return _error("bad-json")
    if not isinstance(parsed, list):
        return _error("bad-request")
    try:
        step = _JOB.feed(parsed)
    except ValueError:
        _JOB = None
        return _error("bad-replies")
    if "done" in step:
        _JOB = None
    return json.dumps(step, ensure_ascii=False)


def resolvers(lang: str) -> list[dict[str, str]]:
    """The resolvers the reader may choose (id, localized name, endpoint URL)."""
    return [{"id": r.id, "name": r.name.get(lang), "url": r.url} for r in doh_resolvers()]
