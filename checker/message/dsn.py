"""RFC 3464 delivery status notifications: the per-recipient fields of ``message/delivery-status``.

``fields(text)`` reads the status groups (blocks of ``Name: value`` lines separated by blank lines, with
folded continuation lines) and returns one ``Entry`` per recipient group. Also used on plain-text parts
that carry the same fields without the MIME type (several MTAs do). Pure; never raises.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_FIELD = re.compile(r"^([A-Za-z][A-Za-z0-9-]{0,40})[ \t]*:[ \t]*(.*)$")
_TYPED = re.compile(r"^\s*[A-Za-z0-9-]{1,20}\s*;\s*")
#: status code of RFC 3463: class.subject.detail (detail up to three digits: 5.7.509, 5.0.947 ...)
STATUS = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.]*\d)")


@dataclass(frozen=True, slots=True)
class Entry:
    """One recipient's status group."""

    final: str
    original: str
    action: str
    status: str
    diagnostic: str
    remote_mta: str
    #: the Diagnostic-Code's type: "smtp", "x-unix" (a local program's exit), ...
    diagnostic_type: str = ""


def _groups(text: str) -> list[dict[str, str]]:
    groups: list[dict[str, str]] = []
    cur: dict[str, str] = {}
    last = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            if cur:
                groups.append(cur)
            cur, last = {}, ""
            continue
        if line[:1] in (" ", "\t") and last:
            cur[last] += " " + line.strip()
            continue
        m = _FIELD.match(line)
        if m is None:
            last = ""
            continue
        last = m.group(1).lower()
        if last in cur:  # a second group without a blank line between
            if last in ("final-recipient", "original-recipient") and ("final-recipient" in cur):
                groups.append(cur)
                cur = {}
            else:
                last = last + "#"
        cur[last] = m.group(2).strip()
    if cur:
        groups.append(cur)
    return groups


def strip_type(value: str) -> str:
    """``rfc822; a@b`` -> ``a@b``; ``smtp; 550 ...`` -> ``550 ...``."""
    return _TYPED.sub("", value, count=1).strip()


def clean_address(value: str) -> str:
    v = strip_type(value).strip().strip("<>").strip()
    v = v.split()[0] if v.split() else ""
    return v.strip("<>;,\"'").removeprefix("mailto:")


def status_of(value: str) -> str:
    m = STATUS.search(value)
    return ".".join(m.groups()) if m else ""


def fields(text: str) -> tuple[Entry, ...]:
    """Every recipient group in ``text`` (those with Final-Recipient or Original-Recipient)."""
    out = []
    for g in _groups(text):
        final = g.get("final-recipient", "") or g.get("x-actual-recipient", "")
        original = g.get("original-recipient", "")
        if not final and not original:
            continue
        out.append(Entry(
            final=clean_address(final) if final else "",
            original=clean_address(original) if original else "",
            action=g.get("action", "").strip().lower().split(" ")[0] if g.get("action") else "",
            status=status_of(g.get("status", "")),
            diagnostic=strip_type(g.get("diagnostic-code", "")),
            remote_mta=strip_type(g.get("remote-mta", "")),
            diagnostic_type=g.get("diagnostic-code", "").partition(";")[0].strip().lower()
            if ";" in g.get("diagnostic-code", "") else "",
        ))
    return tuple(out)
