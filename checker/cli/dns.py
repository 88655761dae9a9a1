"""Shell: real DNS for the sender-domain core, through dnspython (optional dependency: ``pip install
todoku-checker[dns]``). Answers ``checker.sender.dns.Query`` batches concurrently with a bounded thread pool.

* The system resolver (``/etc/resolv.conf``) by default, or ``nameservers`` ("HOST" or "HOST:PORT",
  "[v6]:PORT"); dnspython retries over TCP when an answer is truncated, tries every server, and gives up after
  ``lifetime`` seconds (per query) -> ``TIMEOUT``.
* CNAMEs are followed (up to ``MAX_CNAME``): when the server returns only the chain's head, the target is asked.
* A name DNS cannot hold (a label over 63 octets, a name over 253) is answered NXDOMAIN without asking.
* Nothing raises: any other failure is ``ERROR``.
"""
from __future__ import annotations

import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ..sender.dns import MAX_CNAME, Answer, Batch, Query, Rcode, Record
from ..sender.recipient import recipient_domain, with_mx

DEFAULT_TIMEOUT = 2.0
DEFAULT_LIFETIME = 6.0
DEFAULT_WORKERS = 16


class ResolverUnavailable(Exception):
    """dnspython is missing, or the system resolver configuration cannot be read."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(key, detail)
        self.key = key
        self.detail = detail


def parse_nameserver(text: str) -> tuple[str, int]:
    """"HOST", "HOST:PORT", "[V6]:PORT" or "V6" -> (ip, port); raises ValueError (HOST must be an IP)."""
    import ipaddress

    text = text.strip()
    host, port = text, 53
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise ValueError(text)
        host, rest = text[1:end], text[end + 1:]
        if rest:
            if not rest.startswith(":"):
                raise ValueError(text)
            port = int(rest[1:])
    elif text.count(":") == 1:
        host, _, p = text.partition(":")
        port = int(p)
    ipaddress.ip_address(host)
    if not 0 < port < 65536:
        raise ValueError(text)
    return host, port


class Resolver:
    def __init__(self, nameservers: Iterable[tuple[str, int]] = (), *, timeout: float = DEFAULT_TIMEOUT,
                 lifetime: float = DEFAULT_LIFETIME, workers: int = DEFAULT_WORKERS) -> None:
        try:
            import dns.resolver
        except ImportError:
            raise ResolverUnavailable("no-dnspython") from None
        servers = list(nameservers)
        try:
            res = dns.resolver.Resolver(configure=not servers)
        except Exception as exc:  # no /etc/resolv.conf, unreadable configuration
            raise ResolverUnavailable("no-resolver", str(exc)) from None
        if servers:
            from dns.nameserver import Do53Nameserver

            res.nameservers = [Do53Nameserver(h, p) for h, p in servers]
        res.timeout = timeout
        res.lifetime = lifetime
        res.cache = None
        self._res = res
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers))
        self._cache: dict[Query, Answer] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> Resolver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def resolve_batch(self, batch: Batch) -> tuple[Answer, ...]:
        if len(batch) == 1:
            return (self.resolve(batch[0]),)
        return tuple(self._pool.map(self.resolve, batch))

    def resolve(self, q: Query) -> Answer:
        """One query, remembered for the life of this resolver (a list has few distinct domains)."""
        with self._lock:
            hit = self._cache.get(q)
        if hit is not None:
            return hit
        try:
            answer = self._resolve(q.name, q.rtype)
        except Exception:  # never a traceback: anything unforeseen is an unusable answer
            answer = Answer("ERROR")
        with self._lock:
            self._cache[q] = answer
        return answer

    def _resolve(self, name: str, rtype: str) -> Answer:
        import dns.exception
        import dns.name
        import dns.rcode
        import dns.rdatatype
        import dns.resolver

        if not _valid_name(name):
            return Answer("NXDOMAIN")
        target = name
        for _ in range(MAX_CNAME + 1):
            try:
                ans = self._res.resolve(target, rtype, search=False, raise_on_no_answer=False)
            except dns.resolver.NXDOMAIN:
                return Answer("NXDOMAIN")
            except dns.resolver.LifetimeTimeout:
                return Answer("TIMEOUT")
            except dns.resolver.NoNameservers as exc:
                return Answer(_rcode_of(exc))
            except (dns.name.NameTooLong, dns.name.LabelTooLong, dns.name.EmptyLabel):
                return Answer("NXDOMAIN")
            except dns.exception.Timeout:
                return Answer("TIMEOUT")
            if ans.rrset is not None:
                return Answer("NOERROR", tuple(r for r in (_record(rtype, rd) for rd in ans.rrset) if r is not None))
            canonical = ans.canonical_name.to_text(omit_final_dot=True).lower()
            if canonical == target.lower():
                return Answer("NOERROR")
            target = canonical  # the server gave the chain's head only: follow it
        return Answer("SERVFAIL")


def _valid_name(name: str) -> bool:
    try:
        raw = name.encode("ascii")
    except UnicodeEncodeError:
        return False
    return 0 < len(raw) <= 253 and all(0 < len(label) <= 63 for label in raw.split(b"."))


def _rcode_of(exc: Any) -> Rcode:
    text = str(exc)
    if "REFUSED" in text:
        return "REFUSED"
    if "SERVFAIL" in text:
        return "SERVFAIL"
    return "ERROR"


def _text(b: bytes) -> str:
    return b.decode("utf-8", errors="replace")


def _record(rtype: str, rd: Any) -> Record | None:
    if rtype == "TXT":
        return tuple(_text(s) for s in rd.strings)
    if rtype == "MX":
        return (int(rd.preference), rd.exchange.to_text(omit_final_dot=True).lower().rstrip("."))
    if rtype in ("A", "AAAA"):
        return str(rd.address)
    if rtype == "PTR":
        return str(rd.target.to_text(omit_final_dot=True)).lower()
    return None


class MxLookup:
    """``check --dns`` / ``audit --dns``: the recipient domains' MX answers, each domain asked once, concurrently
    on the resolver's bounded pool. ``ahead(result)`` starts the query for a row to come; ``after(result)``
    waits for its answer and applies it (``checker.sender.recipient.with_mx``)."""

    def __init__(self, resolver: Resolver, *, lang: str, data: Any) -> None:
        from concurrent.futures import Future

        self._resolver = resolver
        self._lang = lang
        self._data = data
        self._futures: dict[str, Future[Answer]] = {}
        self._plain: set[str] = set()

    def _future(self, domain: str) -> Any:
        fut = self._futures.get(domain)
        if fut is None:
            fut = self._resolver._pool.submit(self._resolver.resolve, Query(domain, "MX"))
            self._futures[domain] = fut
        return fut

    def ahead(self, result: Any) -> None:
        domain = recipient_domain(result)
        if domain is not None and domain not in self._futures:
            self._future(domain)

    def after(self, result: Any) -> Any:
        domain = recipient_domain(result)
        if domain is None or domain in self._plain:
            return result
        answer = self._future(domain).result()
        out = with_mx(result, answer, lang=self._lang, data=self._data)
        if out is result:  # this domain's answer changes nothing: skip the work for its other rows
            self._plain.add(domain)
        return out

    @property
    def domains(self) -> int:
        return len(self._futures)
