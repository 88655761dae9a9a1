"""A local authoritative DNS server for the tests (dnslib, 127.0.0.1, a free port, UDP and TCP).

It serves a zone in the JSON form of ``checker.sender.dns.Zone`` (name -> {type: records | rcode} or an rcode
for the whole name; ``"CNAME": target``), with real-server behaviour the shell must cope with:
* ``TIMEOUT`` (for a name or one type): no reply at all;
* a UDP reply over 512 octets is truncated (TC bit), so the client must retry over TCP;
* a CNAME is answered with the CNAME record only (the client follows the chain);
* a name absent from the zone is NXDOMAIN, unless a name below it exists (empty non-terminal: NOERROR).
``queries`` counts what was asked, by protocol.
"""
from __future__ import annotations

import socketserver
import threading
from collections import Counter
from typing import Any

from dnslib import AAAA, CNAME, MX, PTR, QTYPE, RCODE, RR, TXT, A, DNSError, DNSRecord
from dnslib.server import DNSHandler, DNSServer

_RCODES = {"NXDOMAIN": RCODE.NXDOMAIN, "SERVFAIL": RCODE.SERVFAIL, "REFUSED": RCODE.REFUSED,
           "ERROR": RCODE.FORMERR, "NOERROR": RCODE.NOERROR}


class _Handler(DNSHandler):  # type: ignore[misc]  # dnslib is untyped
    udplen = 0  # truncation is done by ZoneResolver (dnslib's drops the question: clients reject it)


class ZoneResolver:
    def __init__(self, zone: dict[str, Any]) -> None:
        self.zone = {k.lower().rstrip("."): v for k, v in zone.items()}
        self.queries: Counter[str] = Counter()
        self.lock = threading.Lock()

    def resolve(self, request: DNSRecord, handler: DNSHandler) -> DNSRecord:
        q = request.q
        name = str(q.qname).rstrip(".").lower()
        qtype = QTYPE[q.qtype]
        with self.lock:
            self.queries[handler.protocol] += 1
            self.queries[f"{name}/{qtype}"] += 1
        reply = request.reply()
        reply.header.aa = 1
        entry = self.zone.get(name)
        if entry is None:
            if not any(n.endswith("." + name) for n in self.zone):
                reply.header.rcode = RCODE.NXDOMAIN
            return reply
        if isinstance(entry, str):
            return self._rcode(reply, entry)
        recs = entry.get(qtype)
        if isinstance(recs, str):
            return self._rcode(reply, recs)
        if recs is None and "CNAME" in entry:
            reply.add_answer(RR(q.qname, QTYPE.CNAME, rdata=CNAME(entry["CNAME"]), ttl=60))
            return reply
        for r in recs or ():
            reply.add_answer(RR(q.qname, getattr(QTYPE, qtype), rdata=self._rdata(qtype, r), ttl=60))
        if handler.protocol == "udp" and len(reply.pack()) > 512:
            reply = request.reply()
            reply.header.aa = 1
            reply.header.tc = 1
        return reply

    @staticmethod
    def _rcode(reply: DNSRecord, rcode: str) -> DNSRecord:
        if rcode == "TIMEOUT":
            raise DNSError("timeout: no reply")
        reply.header.rcode = _RCODES[rcode]
        return reply

    @staticmethod
    def _rdata(qtype: str, r: Any) -> Any:
        if qtype == "TXT":
            parts = [r] if isinstance(r, str) else r
            return TXT([p.encode("utf-8") if isinstance(p, str) else p for p in parts])
        if qtype == "MX":
            return MX(r[1] or ".", r[0])
        if qtype == "A":
            return A(r)
        if qtype == "AAAA":
            return AAAA(r)
        return PTR(r)


class LocalDNS:
    """``with LocalDNS(zone) as server: server.address`` -> "127.0.0.1:PORT"."""

    def __init__(self, zone: dict[str, Any]) -> None:
        self.resolver = ZoneResolver(zone)
        self.udp: DNSServer | None = None
        self.tcp: DNSServer | None = None
        self.port = 0

    def __enter__(self) -> LocalDNS:
        socketserver.ThreadingUDPServer.allow_reuse_address = True
        for _ in range(20):
            udp = DNSServer(self.resolver, address="127.0.0.1", port=0, handler=_Handler, logger=_Quiet())
            port = udp.server.server_address[1]
            try:
                tcp = DNSServer(self.resolver, address="127.0.0.1", port=port, tcp=True, handler=_Handler,
                                logger=_Quiet())
            except OSError:
                udp.server.server_close()
                continue
            self.udp, self.tcp, self.port = udp, tcp, port
            break
        else:  # pragma: no cover
            raise RuntimeError("no free port")
        self.udp.start_thread()
        self.tcp.start_thread()
        return self

    def __exit__(self, *exc: object) -> None:
        for s in (self.udp, self.tcp):
            if s is not None:
                s.stop()
                s.server.server_close()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


class _Quiet:
    def __getattr__(self, name: str) -> Any:
        return lambda *a, **k: None


if __name__ == "__main__":  # serve a JSON zone file in its own process (scripts/bench_dns.py, bench_sender.py)
    import json
    import sys

    with open(sys.argv[1], encoding="utf-8") as f:
        zone_data = json.load(f)
    with LocalDNS(zone_data) as server:
        print(server.address, flush=True)
        sys.stdin.read()  # until the parent closes our standard input
        counts = server.resolver.queries
        print(json.dumps({"queries": sum(n for k, n in counts.items() if "/" in k),
                          "MX": sum(n for k, n in counts.items() if k.endswith("/MX"))}), flush=True)
