"""The receivers' view: each receiver's rules (``data/receivers.toml``) applied to what DNS says of a domain.

Rules are data; this module only knows how to evaluate the named conditions (``CONDITIONS``). A receiver's
verdict is the worst verdict among its rules that hold (``deliver`` when none holds).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .._model import Finding, Severity
from .data import SenderData, sender_url

#: from best to worst (the same vocabulary as addresses, without "invalid")
VERDICTS: tuple[str, ...] = ("deliver", "spam-folder", "at-risk", "block")
ARRIVES = frozenset({"deliver", "spam-folder"})


@dataclass(frozen=True, slots=True)
class Facts:
    """What the DNS check established, in the terms the rules use."""

    exists: bool | None
    spf_unusable: bool
    spf_ip: str | None  # SPF result for --ip, or None
    dkim_missing: bool
    dmarc_missing: bool
    dmarc_policy: str | None


CONDITIONS: Mapping[str, Callable[[Facts], bool]] = {
    "domain-missing": lambda f: f.exists is False,
    "spf-unusable": lambda f: f.spf_unusable,
    "spf-ip-fail": lambda f: f.spf_ip == "fail",
    "spf-ip-not-pass": lambda f: f.spf_ip is not None and f.spf_ip != "pass",
    "dkim-missing": lambda f: f.dkim_missing,
    "dmarc-missing": lambda f: f.dmarc_missing,
    "dmarc-enforcing": lambda f: not f.dmarc_missing and f.dmarc_policy in ("quarantine", "reject"),
    "auth-missing": lambda f: f.spf_unusable and f.dkim_missing,
    "auth-all-missing": lambda f: f.spf_unusable and f.dkim_missing and f.dmarc_missing,
    "bulk-incomplete": lambda f: f.spf_unusable or f.dkim_missing or f.dmarc_missing,
}


@dataclass(frozen=True, slots=True)
class ReceiverView:
    id: str
    verdict: str
    findings: tuple[Finding, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "verdict": self.verdict,
                "findings": [{"code": f.code, "severity": f.severity, "message": f.message, "url": f.url}
                             for f in self.findings]}


def worst(verdicts: list[str] | tuple[str, ...]) -> str:
    return max(verdicts, key=VERDICTS.index, default="deliver")


def judge(facts: Facts, data: SenderData, lang: str, params: Mapping[str, object]) -> tuple[ReceiverView, ...]:
    views = []
    for receiver in data.receivers:
        verdicts: list[str] = []
        findings: list[Finding] = []
        seen: set[str] = set()
        for rule in receiver.rules:
            if not all(CONDITIONS[c](facts) for c in rule.when):
                continue
            verdicts.append(rule.verdict)
            if rule.finding in seen:
                continue
            seen.add(rule.finding)
            m = data.messages[rule.finding]
            findings.append(Finding(code=rule.finding, severity=_severity(m.severity),
                                    message=m.message.get(lang).format(**params),
                                    url=sender_url(rule.finding, lang)))
        views.append(ReceiverView(id=receiver.id, verdict=worst(verdicts), findings=tuple(findings)))
    return tuple(views)


def _severity(s: str) -> Severity:
    return "error" if s == "error" else "warning" if s == "warning" else "info"
