"""Read one message: a bounce (who failed, why, what to do) or a received message (its authentication).

``read_message(raw, lang)`` is the whole core: bytes in, a frozen ``Report`` out. Pure: no I/O, clock or
randomness; every string comes from ``checker/data`` (``messages/message.toml``, ``bounces.toml``).
"""
from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass, field
from typing import Any

from .._data import Data, default_data
from .._model import Finding, Severity
from . import dsn, parse, scan
from .auth import Authentication, authentication
from .reasons import classify_why, command_of, receiver_rule, rhost_reason
from .table import Rules, default_rules

Kind = str  # "bounce" | "message" | "unknown"
#: characters of a server's diagnostic kept in the report
DIAGNOSTIC_LIMIT = 1000


def bounce_url(reason: str, lang: str) -> str:
    """The bounce reference's anchor for a reason: ``/bounces/#userunknown``, ``/en/bounces/#userunknown``."""
    return f"{'/en/' if lang == 'en' else '/'}bounces/#{reason}"


@dataclass(frozen=True, slots=True)
class Recipient:
    """One recipient of a bounce. status: the RFC 3463 status code the report gives ("" when none);
    reply_code: the SMTP reply code ("" when none); command: the SMTP command refused ("RCPT", "DATA",
    "MAIL", "HELO", "STARTTLS" or "" when unknown); reason: a sisimai reason code; hard: the address or its
    domain does not exist (retrying is useless); message/url: the localized explanation and its guide anchor."""

    address: str
    status: str
    reply_code: str
    command: str
    reason: str
    hard: bool
    diagnostic: str
    message: str
    url: str
    failed: bool = True
    #: the code of a finding a receiver's rule adds about this answer ("" when none; not in the JSON recipient:
    #: it is reported among the findings)
    note: str = ""
    #: the reason is a guess (a "filtered" nothing in the report confirms): whether the address exists is not known
    inferred: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"address": self.address, "status": self.status or None, "reply_code": self.reply_code or None,
                "command": self.command or None, "reason": self.reason, "hard": self.hard,
                "diagnostic": self.diagnostic, "message": self.message, "url": self.url}


@dataclass(frozen=True, slots=True)
class Report:
    kind: Kind
    recipients: tuple[Recipient, ...] = ()
    authentication: Authentication | None = None
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    subject: str = ""

    @property
    def failed(self) -> bool:
        return any(r.failed for r in self.recipients)

    def to_dict(self, file: str) -> dict[str, Any]:
        """The JSON contract of ``python -m checker message --json`` (keys in this order)."""
        return {
            "file": file,
            "kind": self.kind,
            "recipients": [r.to_dict() for r in self.recipients],
            "authentication": self.authentication.to_dict() if self.authentication is not None else None,
            "findings": [{"code": f.code, "severity": f.severity, "message": f.message, "url": f.url}
                         for f in self.findings],
        }


def _t(data: Data, key: str, lang: str, **params: object) -> str:
    return data.ui[f"message.{key}"].get(lang).format(**params)


def _finding(data: Data, code: str, severity: Severity, lang: str, url: str, **params: object) -> Finding:
    return Finding(code=code, severity=severity, message=_t(data, f"finding-{code}", lang, **params), url=url)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()[:DIAGNOSTIC_LIMIT]


def _domain(address: str) -> str:
    return address.rpartition("@")[2].lower()


def _is_bounce(parsed: parse.Parsed, rules: Rules, has_dsn: bool) -> bool:
    if has_dsn or parsed.header("x-failed-recipients"):
        return True
    ctype = parsed.header("content-type").lower()
    if "report-type=delivery-status" in ctype.replace('"', "").replace(" ", ""):
        return True
    sender = parsed.header("from").lower()
    subject = parsed.header("subject").lower()
    from_daemon = any(s in sender for s in rules.bounce_senders)
    subject_says = any(s in subject for s in rules.bounce_subjects)
    if from_daemon or (subject_says and not parsed.header("dkim-signature")):
        return True
    # a report whose wording says so, with the original attached or from an automated sender
    text = " ".join(p.text[:5000] for p in parsed.parts if not p.quoted).lower()
    automated = any(s in sender for s in ("no-reply", "noreply", "daemon", "postmaster", "mailer"))
    has_original = bool(parsed.originals) or any(p.quoted for p in parsed.parts)
    return (has_original or automated) and any(s in text for s in rules.bounce_phrases)


def _is_autoreply(parsed: parse.Parsed) -> bool:
    auto = parsed.header("auto-submitted").lower()
    subject = parsed.header("subject").lower()
    return (auto.startswith("auto-replied") or bool(parsed.header("x-autoreply"))
            or bool(parsed.header("x-autorespond"))
            or any(s in subject for s in ("out of office", "auto reply", "autoreply", "automatic reply",
                                           "auto-reply", "vacation", "自動応答", "自動返信", "不在")))


def _status_from(text: str) -> str:
    """A specific status code written in a diagnostic ("550 5.1.1 ..." or qmail's "(#5.1.1)")."""
    for m in dsn.STATUS.finditer(text):
        code = ".".join(m.groups())
        if not code.startswith("2"):
            return code
    return ""


def _texts_for(address: str, blocks: dict[str, list[str]]) -> str:
    return "\n".join(blocks.get(address.lower(), ()))


@dataclass(frozen=True, slots=True)
class _Raw:
    address: str
    action: str
    status: str
    diagnostic: str
    context: str
    diagnostic_type: str = ""
    remote_mta: str = ""


def _bounce_recipients(parsed: parse.Parsed, rules: Rules) -> tuple[list[_Raw], str]:
    reports = [p for p in parsed.parts if not p.quoted]
    status_parts = [p for p in reports if p.ctype.endswith("delivery-status")]
    texts = [p.text for p in reports if not p.ctype.endswith("delivery-status")]
    whole = "\n\n".join(texts)
    expl = "\n\n".join(scan.explanation(t, rules) for t in texts)
    entries: list[dsn.Entry] = []
    for p in status_parts:
        entries += dsn.fields(p.text)
    if not entries and "recipient:" in whole.lower():
        entries += dsn.fields(expl)
    own = {a.lower() for a in scan.addresses(parsed.header("to") + " " + parsed.header("from"))}
    block_list = scan.blocks(expl, frozenset(own))
    if not entries and not block_list:
        # a forwarded report: the delivery status travels inside the quoted message (no recipient of our own)
        for p in parsed.parts:
            if p.quoted and p.ctype.endswith("delivery-status"):
                entries += dsn.fields(p.text)
    blocks: dict[str, list[str]] = {}
    for b in block_list:
        blocks.setdefault(b.address.lower(), []).append(b.text)
    raws: list[_Raw] = []
    if entries:
        for e in entries[:100]:
            address = e.final or e.original
            if not address:
                continue
            context = _texts_for(address, blocks) or (_texts_for(e.original, blocks) if e.original else "")
            context = "\n".join(x for x in (scan.transcript(expl, address), context) if x)
            if not context and len(entries) == 1:
                context = expl
            raws.append(_Raw(address, e.action, e.status, e.diagnostic, context, e.diagnostic_type, e.remote_mta))
        if raws:
            return raws, expl
    seen: list[str] = []
    seen_low: set[str] = set()
    for b in block_list:
        if b.address.lower() not in seen_low:
            seen_low.add(b.address.lower())
            seen.append(b.address)
    if not seen:
        fallback = parsed.header("x-failed-recipients")
        for headers in parsed.originals:
            for k, v in headers:
                if k == "to" and not fallback:
                    fallback = v
        if not fallback:  # quoted original headers in plain text
            m = re.search(r"(?im)^to:\s*(.+)$", whole)
            fallback = m.group(1) if m else ""
        seen = [a for a in scan.addresses(fallback) if a.lower() not in own][:1] or scan.addresses(fallback)[:1]
        if not seen:  # any address the explanation names that is not the bounce's own sender or receiver
            seen = [a for a in scan.addresses(expl)
                    if a.lower() not in own and not a.lower().startswith(("postmaster@", "mailer-daemon@"))][:1]
    for a in seen[:100]:
        context = _texts_for(a, blocks)
        if len(seen) == 1:
            context = (context + "\n" + expl) if context else expl
        raws.append(_Raw(a, "", "", context if len(seen) > 1 else _texts_for(a, blocks), context))
    return raws, expl


def _diag_line(text: str) -> str:
    """From a recipient block, the part that is the server's answer (after "said:", "<<<", a reply code)."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    for i, line in enumerate(lines):
        m = re.search(r"(?:said:|<<<|reason:|returned was:|diagnostic code:|error:)\s*(.*)", line, re.IGNORECASE)
        if m is not None:
            return " ".join([m.group(1)] + lines[i + 1:i + 3])
    for i, line in enumerate(lines):
        if re.match(r"^\(?\s*[45]\d\d[ -]", line) or re.search(r":\s*[45]\d\d[ -]", line):
            return " ".join(lines[i:i + 3])
    return " ".join(lines[:4])


#: Japan's time (UTC+9, no daylight saving): a receiver's dated rule is about a calendar day in Japan
_JST = 9 * 3600
_ARRIVAL = re.compile(r"(?im)^arrival-date:[ \t]*(.{1,200})$")


def _days_from_civil(y: int, m: int, d: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm: integers only, no clock)."""
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _civil_from_days(z: int) -> tuple[int, int, int]:
    z += 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    return yoe + era * 400 + (m <= 2), m, d


def day_in_japan(value: str) -> str:
    """The calendar day in Japan ("YYYY-MM-DD") of an RFC 5322 date ("Wed, 12 Mar 2025 15:30:00 +0000"), or ""
    when it is not one. Pure arithmetic on the header's fields (``email.utils.parsedate_tz``)."""
    value = value.strip()[:200]
    if not value:
        return ""
    try:
        fields = email.utils.parsedate_tz(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return ""
    if fields is None:
        return ""
    y, m, d, hh, mm, ss = (int(x) for x in fields[:6])
    offset = int(fields[9] or 0)  # "-0000" and no zone: taken as UTC (RFC 5322 3.3)
    if not (1 <= m <= 12 and 1 <= d <= 31 and 1900 <= y <= 9999 and 0 <= hh <= 24 and 0 <= mm <= 59):
        return ""
    seconds = hh * 3600 + mm * 60 + min(ss, 60) - offset + _JST
    y, m, d = _civil_from_days(_days_from_civil(y, m, d) + seconds // 86400)
    return f"{y:04d}-{m:02d}-{d:02d}" if 1900 <= y <= 9999 else ""


def report_day(parsed: parse.Parsed) -> str:
    """The day in Japan ("YYYY-MM-DD") the report was written: its ``Date`` header, else the delivery status's
    ``Arrival-Date``; "" when neither is a readable date. Taken from the message, never from the clock."""
    values = [parsed.header("date")]
    for p in parsed.parts:
        if not p.quoted and p.ctype.endswith("delivery-status"):
            m = _ARRIVAL.search(p.text[:5000])
            if m is not None:
                values.append(m.group(1))
    for value in values:
        day = day_in_japan(value)
        if day:
            return day
    return ""


_IN_REPLY = re.compile(r"in\s{1,8}reply\s{1,8}to\s{1,8}(?:end\s{1,8}of\s{1,8})?[A-Za-z]{2,8}(?:\s{1,8}[A-Za-z]{2,4})?"
                       r"\s{1,8}command", re.IGNORECASE)

#: characters of the whole explanation classified when a recipient's own text says nothing
EXPLANATION_LIMIT = 20_000


def _recipient(raw: _Raw, expl: str, lang: str, data: Data, rules: Rules, vendor: str = "",
               subject: str = "", cache: dict[tuple[str, ...], tuple[str, bool]] | None = None, reporter: str = "",
               day: str = "") -> Recipient:
    diag = raw.diagnostic or _diag_line(raw.context)
    if raw.diagnostic and "in reply to" not in diag.lower():
        # Postfix's status part drops the stage its text gives: "(in reply to MAIL FROM command)"
        stage = _IN_REPLY.search(raw.context)
        if stage is not None:
            diag = f"{diag} ({' '.join(stage.group(0).split())})"
    status = raw.status
    specific = _status_from(diag) or _status_from(raw.context)
    if (not status or status.endswith(".0.0")) and specific:
        status = specific
    reply = scan.reply_code(diag) or scan.reply_code(raw.context)
    command = command_of(diag, rules) or command_of(raw.context, rules)
    # a recipient's own text is short; a huge one (hostile input) is classified on its start
    context = raw.context[:EXPLANATION_LIMIT]
    where = f"{raw.remote_mta}\n{context}\n{diag}\n{reporter}"
    rhost = rhost_reason(raw.address, where, status, diag or context, rules, expl[:EXPLANATION_LIMIT])
    # inferred: "filtered" only guessed from an "unknown user" answer nothing places (the explanation hedges)
    reason, inferred = classify_why(status, reply, command, diag, rules, raw.action, raw.diagnostic_type, rhost)
    said = diag
    if reason in ("undefined", "onhold") and context:
        said = diag + "\n" + context
        reason, inferred = classify_why(status, reply, command, said, rules, raw.action)
    if reason in ("undefined", "onhold") and expl:
        key = (status, reply, command, raw.action)
        if cache is None or key not in cache:
            second = classify_why(status, reply, command, expl[:EXPLANATION_LIMIT], rules, raw.action)
            if cache is not None:
                cache[key] = second
        else:
            second = cache[key]
        if second[0] not in ("undefined", "onhold"):
            reason, inferred = second
    if reason in ("undefined", "onhold") and subject:  # Sendmail's "Returned mail: User unknown"
        second = classify_why(status, reply, command, subject.partition(":")[2], rules, raw.action)
        if second[0] not in ("undefined", "onhold"):
            reason, inferred = second
    if vendor and not status:
        reason, inferred = vendor, False
    if reason == "onhold" and not reply and not status:
        # nothing in the report says why: no status code, no server answer (sisimai's "undefined")
        reason = "undefined"
    meant = receiver_rule(reason, command, f"{raw.address}\n{raw.remote_mta}\n{raw.context}\n{diag}", rules,
                          said or raw.context, day)
    if meant.applied:
        reason, inferred = meant.reason, False
    elif meant.undated and reason == "filtered":
        # the receiver's answer meant its filter before a date and the address after it: without a date, a guess
        inferred = True
    temporary = status.startswith("4") or (not status and reply.startswith("4")) or raw.action == "delayed"
    hard = reason in rules.hard and not temporary
    explain = "explain-filtered-inferred" if inferred and reason == "filtered" else f"explain-{reason}"
    return Recipient(address=raw.address, status=status, reply_code=reply, command=command, reason=reason,
                     hard=hard, diagnostic=_clean(diag or raw.context), message=_t(data, explain, lang),
                     url=bounce_url(reason, lang), failed=reason not in rules.not_failed, note=meant.finding,
                     inferred=inferred and reason == "filtered")


def _japan_findings(recipients: tuple[Recipient, ...], lang: str, data: Data) -> list[Finding]:
    out: list[Finding] = []
    for r in recipients:
        provider = data.lookup(_domain(r.address))
        if provider is None or provider.category != "carrier":
            continue
        name = provider.name.get(lang)
        low = " ".join(r.diagnostic.lower().split())
        if r.note:  # what a receiver's own rule says about this answer (bounces.toml [[receiver]])
            out.append(_finding(data, r.note, "warning", lang, bounce_url(r.reason, lang), address=r.address,
                                provider=name))
        elif r.reason == "filtered" and r.command == "DATA" and ("unknown" in low or "no such" in low):
            out.append(_finding(data, "carrier-data-filter", "warning", lang, bounce_url("filtered", lang),
                                address=r.address, provider=name))
        elif r.reason == "filtered" and re.search(r"550\s*:\s*user unknown", low) and r.address.lower() not in low:
            out.append(_finding(data, "carrier-anonymous-unknown", "warning", lang, bounce_url("filtered", lang),
                                address=r.address, provider=name))
        if r.reason in ("userunknown", "suspend", "hasmoved") and r.hard or r.reason == "suspend":
            out.append(_finding(data, "carrier-changed", "info", lang,
                                f"{'/en/' if lang == 'en' else '/'}carrier-mail/#portability",
                                address=r.address, provider=name))
    return out


def read_message(raw: bytes, lang: str = "ja", data: Data | None = None, rules: Rules | None = None) -> Report:
    """Read ``raw`` (an .eml, an mbox with one message, or pasted text as UTF-8). Never raises."""
    data = data if data is not None else default_data()
    rules = rules if rules is not None else default_rules()
    findings: list[Finding] = []
    if not raw.strip():
        return Report(kind="unknown", findings=(_finding(data, "empty", "error", lang, bounce_url("reading", lang)),))
    parsed = parse.read(raw)
    if parsed.truncated:
        findings.append(_finding(data, "truncated", "info", lang, bounce_url("reading", lang),
                                 limit=parse.MAX_BYTES // 1_000_000))
    if parsed.limited:
        findings.append(_finding(data, "limited", "info", lang, bounce_url("reading", lang)))
    if parsed.binary and not parsed.headers:
        findings.append(_finding(data, "binary", "error", lang, bounce_url("reading", lang)))
        return Report(kind="unknown", findings=tuple(findings))
    subject = parsed.header("subject")
    has_dsn = any(p.ctype.endswith("delivery-status") and not p.quoted for p in parsed.parts)
    ctype = parsed.header("content-type").lower().replace('"', "").replace(" ", "")
    if "report-type=feedback-report" in ctype or any(p.ctype == "message/feedback-report" for p in parsed.parts):
        return _feedback(parsed, findings, lang, data, rules, subject)
    if _is_bounce(parsed, rules, has_dsn):
        raws, expl = _bounce_recipients(parsed, rules)
        vendor = next((reason for header, needle, reason in rules.vendors
                       if needle in parsed.header(header).lower()), "")
        cache: dict[tuple[str, ...], tuple[str, bool]] = {}
        day = report_day(parsed)
        # the server that wrote the report: the "from" host of the report's first Received header (a receiver's
        # table applies to the reports it writes itself too; "by" is the server that received the report)
        reporter = re.split(r"\bby\b", parsed.header("received")[:300], maxsplit=1)[0]
        recipients = tuple(_recipient(r, expl, lang, data, rules, vendor, subject, cache, reporter, day)
                           for r in raws)
        if not recipients:
            findings.append(_finding(data, "no-recipient", "warning", lang, bounce_url("reading", lang)))
        findings += _japan_findings(recipients, lang, data)
        return Report(kind="bounce", recipients=recipients, findings=tuple(findings), subject=subject)
    if _is_autoreply(parsed):
        sender = scan.addresses(parsed.header("from"))
        if sender:
            r = Recipient(address=sender[0], status="", reply_code="", command="", reason="vacation", hard=False,
                          diagnostic=_clean(subject), message=_t(data, "explain-vacation", lang),
                          url=bounce_url("vacation", lang), failed=False)
            return Report(kind="bounce", recipients=(r,), findings=tuple(findings), subject=subject)
    if not parsed.headers or not (parsed.header("from") or parsed.header("received")):
        findings.append(_finding(data, "not-a-message", "error", lang, bounce_url("reading", lang)))
        return Report(kind="unknown", findings=tuple(findings), subject=subject)
    auth, auth_findings = authentication(parsed, lang, data)
    return Report(kind="message", authentication=auth, findings=tuple(findings + auth_findings), subject=subject)


def _feedback(parsed: parse.Parsed, findings: list[Finding], lang: str, data: Data, rules: Rules,
              subject: str) -> Report:
    report = "\n".join(p.text for p in parsed.parts if p.ctype == "message/feedback-report")
    m = re.search(r"(?im)^original-rcpt-to:\s*(.+)$", report)
    addrs = scan.addresses(m.group(1)) if m else []
    if not addrs:
        for headers in parsed.originals:
            for k, v in headers:
                if k == "to":
                    addrs += scan.addresses(v)
    if not addrs:
        quoted = "\n".join(p.text for p in parsed.parts if p.quoted)
        m = re.search(r"(?im)^to:\s*(.+)$", quoted)
        addrs = scan.addresses(m.group(1)) if m else []
    ft = re.search(r"(?im)^feedback-type:\s*(\S+)", report)
    r = Recipient(address=addrs[0] if addrs else "", status="", reply_code="", command="", reason="feedback",
                  hard=False, diagnostic=_clean(ft.group(0) if ft else subject),
                  message=_t(data, "explain-feedback", lang), url=bounce_url("feedback", lang), failed=False)
    return Report(kind="bounce", recipients=(r,), findings=tuple(findings), subject=subject)
