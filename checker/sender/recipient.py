"""The recipient domain's MX answer applied to an address check (``check --dns``, ``audit --dns``), sans-I/O.

The shell asks ``mx_query(result)`` and passes the answer to ``with_mx``: a domain that does not exist
(NXDOMAIN) or publishes the null MX (RFC 7505) cannot receive mail, so the address gets an error finding and the
verdict ``block``; an unanswered query adds an information finding and changes nothing else.
"""
from __future__ import annotations

import dataclasses

from .._data import Data
from .._model import Finding, Result, finding_url
from .dns import Answer, Query


def recipient_domain(result: Result) -> str | None:
    """The domain to ask about, or None (invalid address, domain literal)."""
    if result.address is None:
        return None
    domain = result.address.rpartition("@")[2]
    return None if not domain or domain.startswith("[") else domain


def mx_query(result: Result) -> Query | None:
    domain = recipient_domain(result)
    return Query(domain, "MX") if domain is not None else None


def with_mx(result: Result, answer: Answer, *, lang: str, data: Data) -> Result:
    domain = recipient_domain(result)
    if domain is None:
        return result
    if answer.rcode == "NXDOMAIN":
        code = "no-such-domain"
    elif answer.ok and answer.mx() and all(host == "" for _, host in answer.mx()):
        code = "null-mx"
    elif answer.temporary:
        code = "dns-unanswered"
    else:
        return result
    m = data.messages[code]
    finding = Finding(code=code, severity="error" if m.severity == "error" else "info",
                      message=m.message.get(lang).format(domain=domain, rcode=answer.rcode),
                      url=finding_url(code, lang))
    if code == "dns-unanswered":
        return dataclasses.replace(result, findings=result.findings + (finding,))
    return dataclasses.replace(result, verdict="block", findings=result.findings + (finding,))
