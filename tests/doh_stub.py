"""A local DNS-over-HTTPS (RFC 8484) server for the tests of the page /sender/: GET /dns-query?dns=<base64url>
answered from a JSON zone (``checker.sender.dns.Zone`` format, the same files the command line's tests serve with
dnslib), encoded with dnslib (not dnspython, which the page uses to read it: two libraries, one wire format).

It answers like a recursive resolver: CNAME chains are followed and put in the answer section before the records
of the asked type; a name or type whose zone value is an rcode gets that rcode (``ERROR`` as FORMERR); ``TIMEOUT``
gets no reply (the connection is held until the client gives up). Every reply carries
``Access-Control-Allow-Origin: *``, as the public resolvers' replies do. Listens on 127.0.0.1 only.
"""
from __future__ import annotations

import base64
import binascii
import contextlib
import http.server
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from dnslib import AAAA, CNAME, MX, PTR, QTYPE, RCODE, RR, TXT, A, DNSLabel, DNSRecord

from checker.sender.dns import MAX_CNAME, Query, Zone, normalize_name

_RCODE = {"NOERROR": RCODE.NOERROR, "NXDOMAIN": RCODE.NXDOMAIN, "SERVFAIL": RCODE.SERVFAIL,
          "REFUSED": RCODE.REFUSED, "ERROR": RCODE.FORMERR}


def _rdata(rtype: str, rec: Any) -> Any:
    if rtype == "TXT":
        return TXT([s.encode("utf-8") for s in rec])
    if rtype == "MX":
        return MX(DNSLabel(rec[1] + "." if rec[1] else "."), rec[0])
    if rtype == "A":
        return A(rec)
    if rtype == "AAAA":
        return AAAA(rec)
    return PTR(DNSLabel(rec + "."))


def reply(zone: Zone, wire: bytes) -> bytes | None:
    """The DNS reply to the query ``wire`` from ``zone``; None for no reply (``TIMEOUT``)."""
    req = DNSRecord.parse(wire)
    name = normalize_name(str(req.q.qname))
    rtype = QTYPE.get(req.q.qtype)
    out = req.reply()
    if rtype not in ("A", "AAAA", "MX", "TXT", "PTR"):
        out.header.rcode = RCODE.NOTIMP
        return bytes(out.pack())
    answer = zone.resolve(Query(name, rtype))
    if answer.rcode == "TIMEOUT":
        return None
    out.header.rcode = _RCODE[answer.rcode]
    if answer.rcode in ("NOERROR", "NXDOMAIN"):
        cur, seen = name, {name}
        for _ in range(MAX_CNAME + 1):  # the chain a recursive resolver puts first
            entry = zone.names.get(cur)
            if not isinstance(entry, Mapping) or rtype in entry or not isinstance(entry.get("CNAME"), str):
                break
            target = str(entry["CNAME"])
            out.add_answer(RR(cur + ".", QTYPE.CNAME, ttl=300, rdata=CNAME(target + ".")))
            if target in seen:
                break
            seen.add(target)
            cur = target
        for rec in answer.records:
            out.add_answer(RR(cur + ".", getattr(QTYPE, rtype), ttl=300, rdata=_rdata(rtype, rec)))
    return bytes(out.pack())


class DohStub:
    """``with DohStub(zone_json) as stub: stub.url`` -> ``http://127.0.0.1:PORT/dns-query``.
    ``stub.queries`` records every (name, type) asked; ``stub.hold`` is how long a TIMEOUT is held (s)."""

    def __init__(self, zone_json: Mapping[str, Any], hold: float = 30.0) -> None:
        self.zone = Zone.from_json(zone_json)
        self.hold = hold
        self.queries: list[tuple[str, str]] = []
        self._stop = threading.Event()
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                param = parse_qs(parts.query).get("dns", [""])[0]
                try:
                    wire = base64.urlsafe_b64decode(param + "=" * (-len(param) % 4))
                    q = DNSRecord.parse(wire).q
                except (binascii.Error, ValueError, Exception):  # dnslib raises its own DNSError
                    self._send(400, b"bad query", "text/plain")
                    return
                if parts.path != "/dns-query":
                    self._send(404, b"not found", "text/plain")
                    return
                stub.queries.append((normalize_name(str(q.qname)), str(QTYPE.get(q.qtype))))
                body = reply(stub.zone, wire)
                if body is None:
                    stub._stop.wait(stub.hold)
                    return
                self._send(200, body, "application/dns-message")

            def _send(self, status: int, body: bytes, ctype: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Cache-Control", "max-age=0")
                self.end_headers()
                self.wfile.write(body)

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/dns-query"

    def __enter__(self) -> DohStub:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()


@contextlib.contextmanager
def doh_stub(zone_json: Mapping[str, Any], hold: float = 30.0) -> Iterator[DohStub]:
    with DohStub(zone_json, hold) as stub:
        yield stub


def fetch(url: str, timeout: float = 5.0) -> tuple[int, bytes, dict[str, str]]:
    """GET ``url`` (a test helper): (status, body, headers)."""
    import urllib.request

    start = time.monotonic()
    with urllib.request.urlopen(url, timeout=timeout) as r:  # noqa: S310 (127.0.0.1 only)
        body = r.read()
        assert time.monotonic() - start <= timeout + 1
        return r.status, body, dict(r.headers)
