"""Classify one failed recipient into sisimai's taxonomy of reasons, from its status code, SMTP reply code,
the SMTP command refused and the diagnostic text (rules in ``checker/data/bounces.toml``). Pure.

Text patterns: of all reasons' patterns, the one that occurs first in the diagnostic wins (a server states
its main reason first; "Client host rejected: blocked using ..." is about the client host), the longer one
on a tie, then the reason listed first in ``order``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .table import Rules

_SPACE = re.compile(r"\s+")
#: continuation prefixes of multi-line SMTP replies ("550-5.1.1 "), which split phrases in two
_CONTINUATION = re.compile(
    r"(?<=\S)\s+[245]\d\d(?:-(?:[245]\.\d{1,3}\.\d{1,3}\s+)?|\s[245]\.\d{1,3}\.\d{1,3}\s+)(?=\S)")


_ADDRESS = re.compile(r"[^\s<>()\[\]\"',;:]{1,64}@[a-z0-9.-]{1,255}")


def normalize(text: str) -> str:
    """Lowercase, one space for any whitespace, multi-line reply prefixes removed, addresses masked (an
    address like filtered@ or spam@ must not decide a reason)."""
    text = _SPACE.sub(" ", text.lower()).strip()
    text = _ADDRESS.sub("<address>", text)
    return _CONTINUATION.sub(" ", text)


def command_of(text: str, rules: Rules) -> str:
    """The SMTP command a diagnostic or transcript says the server refused ("RCPT", "DATA", ...), or ""."""
    low = normalize(text)
    best = ""
    best_pos = -1
    for command, matcher in rules.commands:
        # the command named last before the error is the one refused: take the latest mention
        for s in matcher.subs:
            pos = low.rfind(s)
            if pos > best_pos:
                best, best_pos = command, pos
        for r in matcher.regexes:
            for m in r.finditer(low):
                if m.start() > best_pos:
                    best, best_pos = command, m.start()
    return best


def by_status(status: str, rules: Rules, kind: str) -> str:
    if not status:
        return ""
    for rid in rules.order:
        codes = rules.reasons[rid].strong if kind == "strong" else rules.reasons[rid].weak
        if status in codes:
            return rid
    return ""


def by_text(text: str, rules: Rules, generic: bool = False) -> str:
    """The reason whose pattern occurs first in ``text`` (normalized), or "": a phrase of ``rules.first`` that
    occurs anywhere comes before that."""
    if not generic:
        for rid, phrases in rules.first:
            if phrases.find(text) is not None:
                return rid
    best: tuple[int, int, int] | None = None
    reason = ""
    for index, rid in enumerate(rules.order):
        matcher = rules.generic[rid] if generic else rules.reasons[rid].patterns
        if matcher is None:
            continue
        for s in matcher.subs:
            pos = text.find(s)
            if pos >= 0:
                key = (pos, -len(s), index)
                if best is None or key < best:
                    best, reason = key, rid
        for r in matcher.regexes:
            m = r.search(text)
            if m is not None:
                key = (m.start(), -len(m.group(0)), index)
                if best is None or key < best:
                    best, reason = key, rid
    return reason


def rhost_reason(address: str, where: str, status: str, diagnostic: str, rules: Rules, report: str = "") -> str:
    """The reason a receiver's own table gives (``[[rhost]]`` of bounces.toml), or "": the table of the first
    receiver whose domain is the recipient's or whose server ``where`` (the report's text about the recipient)
    names; its phrases are looked for in the server's answer, then in the report's explanation."""
    domain = address.rpartition("@")[2].lower()
    low = where.lower()
    for r in rules.rhosts:
        if not (any(domain == d or domain.endswith("." + d) for d in r.domains) or any(h in low for h in r.hosts)):
            continue
        for code, rid in r.status:
            if status == code:
                return rid
        for text in (normalize(diagnostic), normalize(report) if report else ""):
            for rid, matcher in r.patterns:
                if text and matcher.find(text) is not None:
                    return rid
        return ""
    return ""


def classify(status: str, reply: str, command: str, diagnostic: str, rules: Rules, action: str = "",
             diagnostic_type: str = "", rhost: str = "") -> str:
    """The reason code of one recipient (``rhost``: what the receiver's own table says, when it says)."""
    return classify_why(status, reply, command, diagnostic, rules, action, diagnostic_type, rhost)[0]


def classify_why(status: str, reply: str, command: str, diagnostic: str, rules: Rules, action: str = "",
                 diagnostic_type: str = "", rhost: str = "") -> tuple[str, bool]:
    """``classify``, and whether the reason is only inferred: "filtered" read from an "unknown user" answer that
    neither the stage nor a status code places (sisimai's rule; the address may as well not exist)."""
    reason = _classify(status, reply, command, diagnostic, rules, action, diagnostic_type, rhost)
    if reason == _INFERRED_FILTER:
        return "filtered", True
    return reason, False


#: what ``_classify`` returns for the inferred case (turned into "filtered" by ``classify_why``)
_INFERRED_FILTER = "filtered?"


def _classify(status: str, reply: str, command: str, diagnostic: str, rules: Rules, action: str,
              diagnostic_type: str, rhost: str) -> str:
    if action in ("delivered", "relayed", "expanded") or status.startswith("2"):
        return "delivered"
    if diagnostic_type == "x-unix":  # a local delivery program failed (procmail, a pipe...)
        return "mailererror"
    if rhost:
        return rhost
    text = normalize(diagnostic)
    override = ""
    for pattern, rid in rules.overrides:
        if pattern.search(text):
            override = rid
            break
    if override:
        return override
    reason = by_status(status, rules, "strong")
    if reason:
        return reason
    reason = by_text(text, rules)
    if reason == "hostunknown" and (status.startswith("4") or (not status and reply.startswith("4"))):
        # a name lookup that failed for now (the sender retries): a DNS or network problem, not a domain known
        # not to exist (sisimai's rule for Google's "DNS Error ... NXDOMAIN" with a 4.x.x status)
        return "networkerror"
    if reason == "userunknown" and command in ("DATA", "") and not status.startswith(("5.1.", "4.1.")):
        # "unknown user" that neither a status saying the mailbox does not exist (5.1.x) nor the recipient stage
        # (RCPT) confirms: after DATA it is the receiver's filter refusing the content (docomo answered this
        # way until March 2025), and sisimai reads it so when the stage is unknown too (reason/why-filtered.go):
        # then it is only a guess, and the explanation says so
        return "filtered" if command == "DATA" else _INFERRED_FILTER
    if reason:
        return reason
    if command in ("HELO", "CONN"):
        return "blocked"
    if command == "MAIL":
        return "rejected"
    if action == "delayed":  # still queued, not refused: it expires unless the receiver accepts in time
        return "expired"
    reason = by_status(status, rules, "weak")
    if reason:
        return reason
    reason = by_text(text, rules, generic=True)
    if reason:
        return reason
    if reply in ("500", "501", "502", "503", "504"):
        return "syntaxerror"
    if action == "delayed":
        return "expired"
    if status.startswith("4") or reply.startswith("4"):
        return "onhold"
    if command == "RCPT" and (reply.startswith("5") or status.startswith("5")):
        return "userunknown"
    if command == "DATA" and (reply.startswith("5") or status.startswith("5")):
        return "filtered"
    return "undefined" if not text else "onhold"


@dataclass(frozen=True, slots=True)
class ReceiverMeaning:
    """What the receivers' rules make of a reason: ``reason`` (changed or not), ``finding`` (the code of the
    finding the rule that held adds, or the ``undated`` finding of one that would have held had the report a
    date; "" when none), ``undated`` (a dated rule could not be applied: the report has no date)."""

    reason: str
    finding: str = ""
    undated: bool = False
    applied: bool = False


def receiver_rule(reason: str, command: str, where: str, rules: Rules, diagnostic: str = "",
                  day: str = "") -> ReceiverMeaning:
    """``reason`` as the receiver means it (``[[receiver]]`` of bounces.toml): docomo's "unknown user" after
    DATA was its customers' filter until March 2025, and means the address since. ``day``: the report's date,
    "YYYY-MM-DD" in Japan (from the message, never the clock; "" when it has none): a dated rule holds only for a
    dated report."""
    low = where.lower()
    text = normalize(diagnostic) if diagnostic else ""
    undated = ""
    for r in rules.receivers:
        if reason not in r.reasons or (r.commands and command not in r.commands):
            continue
        if r.contains and r.contains not in text:
            continue
        if not any(h in low for h in r.hosts):
            continue
        if r.dated and not day:
            undated = undated or r.undated
            continue
        if day and not r.holds_on(day):
            continue
        return ReceiverMeaning(reason=r.becomes, finding=r.finding, applied=True)
    return ReceiverMeaning(reason=reason, finding=undated, undated=bool(undated))
