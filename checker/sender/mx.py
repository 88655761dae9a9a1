"""MX (RFC 5321 5.1, RFC 7505): where mail for a domain goes, read from the MX, A and AAAA answers."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .dns import Answer


@dataclass(frozen=True, slots=True)
class MxResult:
    """``hosts``: exchanges by preference (then name). ``null``: the domain publishes the null MX ("0 .",
    RFC 7505: it accepts no mail). ``implicit``: no MX but an address record (RFC 5321 5.1: the domain itself
    receives). ``mixed_null``: a null MX beside other MX records (RFC 7505 3: a misconfiguration).
    ``exists``: False when the name does not exist (NXDOMAIN), None when DNS did not answer."""

    hosts: tuple[str, ...]
    preferences: tuple[int, ...]
    null: bool
    implicit: bool
    exists: bool | None
    temperror: bool = False
    mixed_null: bool = False

    @property
    def receives(self) -> bool:
        return bool(self.hosts) or self.implicit

    def to_dict(self) -> dict[str, Any]:
        return {"hosts": list(self.hosts), "null": self.null, "implicit": self.implicit}


def judge(mx: Answer, a: Answer, aaaa: Answer) -> MxResult:
    answers = (mx, a, aaaa)
    if any(x.ok for x in answers):
        exists: bool | None = True
    elif any(x.rcode == "NXDOMAIN" for x in answers):
        exists = False
    else:
        exists = None
    temperror = mx.temporary
    records = sorted(set(mx.mx())) if mx.ok else []
    null_records = [r for r in records if r[1] == ""]
    real = [r for r in records if r[1] != ""]
    null = bool(null_records) and not real
    implicit = mx.ok and not records and bool(a.strings() or aaaa.strings())
    return MxResult(hosts=tuple(h for _, h in real), preferences=tuple(p for p, _ in real), null=null,
                    implicit=implicit, exists=exists, temperror=temperror,
                    mixed_null=bool(null_records) and bool(real))
