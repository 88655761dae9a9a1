"""Bounces without ``message/delivery-status``: the human-readable text of Postfix, Exim, Sendmail, qmail,
Exchange, Gmail, Yahoo!, the Japanese carriers and ISPs... read by general rules, not one parser per vendor.

A recipient is an address that starts a line of the explanation (``<a@b>: host said ...``, ``  a@b``,
``Could not be delivered to: <a@b>``); its diagnostic is the text that follows, up to the next recipient.
The explanation ends where the copy of the original message begins (markers in ``bounces.toml``). Pure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .table import Rules

ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z]{2,24}")
#: an address opening a line, possibly after a short label ("Recipient:", "Could not be delivered to:", "To:")
_LEAD = re.compile(r"^\s*(?:[-*>•]\s*)?(?:[\w ()'’-]{0,40}:\s*)?[<\"(]?\s*(?:rfc822;\s*)?" + ADDRESS.pattern)
_REPLY = re.compile(r"(?<![\d.])([245]\d\d)(?:[ -]|$)")
#: a header-shaped line in the text (X-Failed-Recipients: ..., Reply-To: ...): quoted or injected, not a recipient
_HEADER_SYNTAX = re.compile(r"^[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9-]+:")
_NOT_RECIPIENT = ("mailer-daemon@", "postmaster@", "mailer_daemon@")
MAX_LINES = 4000
_DECORATION = "-=_*#> \t"
BLOCK_LINES = 25


@dataclass(frozen=True, slots=True)
class Block:
    address: str
    text: str


def explanation(text: str, rules: Rules) -> str:
    """``text`` up to the line where the quoted original message begins (at most MAX_LINES lines)."""
    lines = text.replace("\r\n", "\n").split("\n")[:MAX_LINES]
    # a decorated marker ("------ original message") matches a decorated line whatever its decoration; a plain
    # marker only a line that starts with it ("The original message was received at" is Sendmail's first line)
    decorated = tuple(m.lstrip(_DECORATION) for m in rules.original_markers if m[:1] in _DECORATION)
    plain = tuple(m for m in rules.original_markers if m[:1] not in _DECORATION)
    for i, line in enumerate(lines):
        low = line.strip().lower()
        if i == 0 or not low:
            continue
        if low.startswith(plain) or (low[:1] in _DECORATION and low.lstrip(_DECORATION).startswith(decorated)):
            return "\n".join(lines[:i])
    return "\n".join(lines)


def _is_header(line: str) -> bool:
    m = re.match(r"^([A-Za-z][A-Za-z0-9-]{0,40}):", line)
    return m is not None and m.group(1).lower() in {
        "from", "to", "cc", "bcc", "reply-to", "return-path", "sender", "message-id", "received", "subject",
        "date", "in-reply-to", "references", "delivered-to", "envelope-to", "x-original-to", "resent-from",
        "reporting-mta", "received-from-mta", "x-postfix-sender", "dkim-signature", "list-unsubscribe"}


def blocks(text: str, exclude: frozenset[str]) -> list[Block]:
    """Recipient blocks of an explanation: each line opened by an address starts one."""
    lines = text.split("\n")
    starts: list[tuple[int, str]] = []
    for i, line in enumerate(lines):
        if len(line) > 2000 or "@" not in line or _is_header(line.strip()) or _HEADER_SYNTAX.match(line):
            continue
        m = _LEAD.match(line)
        if m is None:
            continue
        addr = ADDRESS.search(line, m.start())
        if addr is None:
            continue
        a = addr.group(0).strip(".")
        if a.lower() in exclude or a.lower().startswith(_NOT_RECIPIENT):
            continue
        starts.append((i, a))
    out: list[Block] = []
    for n, (i, a) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        end = min(end, i + BLOCK_LINES)
        for j in range(i + 1, end):  # a quoted header ends the explanation of this recipient
            if _is_header(lines[j]):
                end = j
                break
        body = lines[i:end]
        out.append(Block(address=a, text="\n".join(body).strip()))
    return out


def reply_code(text: str) -> str:
    """The SMTP reply code of a diagnostic: the first 2xx/4xx/5xx number standing as a reply."""
    for line in text.split("\n"):
        s = line.strip().lstrip("<>").strip()
        m = re.search(r"(?:said:|<<<|^|:\s|:|\()\s*([245]\d\d)(?:[ \-:,;]|$)", s)
        if m is not None:
            return m.group(1)
    m = _REPLY.search(text)
    return m.group(1) if m else ""


def addresses(text: str) -> list[str]:
    return [m.group(0).strip(".") for m in ADDRESS.finditer(text[:200_000])]


def transcript(text: str, address: str) -> str:
    """The SMTP transcript lines about ``address`` (Sendmail's ">>> RCPT To:<a>" / "<<< 550 ..." pairs):
    each server line (``<<<``) naming it, with the client command (``>>>``) it answered."""
    low = address.lower()
    out: list[str] = []
    last = ""
    for line in text.split("\n")[:MAX_LINES]:
        s = line.strip()
        if s.startswith(">>>"):
            last = s
        elif s.startswith("<<<") and low in s.lower():
            out += [last, s] if last else [s]
    return "\n".join(out)
