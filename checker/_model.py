"""Values of the Todoku checker: frozen dataclasses, built with keywords, never subclassed.

Rules of this module: no I/O, no clock, no randomness. Everything here is plain data.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Verdict = Literal["deliver", "spam-folder", "at-risk", "block", "invalid"]
Severity = Literal["error", "warning", "info"]
Lang = Literal["ja", "en"]

#: Verdicts under which the mail reaches the recipient's mailbox (inbox or spam folder).
ARRIVES: frozenset[str] = frozenset({"deliver", "spam-folder"})


def _root(lang: str) -> str:
    return "/en/" if lang == "en" else "/"


def finding_url(code: str, lang: str) -> str:
    """The guide's article anchor for a finding, site-root-relative: ``/findings/#typo``, ``/en/findings/#typo``
    (permanent URLs: urls.json)."""
    return f"{_root(lang)}findings/#{code}"


def provider_url(provider_id: str, lang: str) -> str:
    """The guide's page of a provider, site-root-relative: ``/providers/docomo/``, ``/en/providers/docomo/``."""
    return f"{_root(lang)}providers/{provider_id}/"


@dataclass(frozen=True, slots=True)
class Situation:
    """The sender's side of the exchange.

    level: the sender's own server security level (the guide's simplified 10..1 model), default 7.
    links / attachments: the message carries external links / attachments.
    allowlisted: the recipient has put the sender's domain or address on their allowlist
        (docomo 受信リスト設定, au 受信リスト, SoftBank 受信許可リスト, ...).
    reply_allowlisted: the recipient is on the sender's own server allowlist (matters at level 4).
    """

    level: int = 7
    links: bool = False
    attachments: bool = False
    allowlisted: bool = False
    reply_allowlisted: bool = False


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the checker noticed. ``code`` is stable; ``message`` is localized; ``url`` is a
    site-root-relative link to the article anchor that explains it (``/findings/#typo``, ``/en/...``)."""

    code: str
    severity: Severity
    message: str
    url: str


@dataclass(frozen=True, slots=True)
class Result:
    """The checker's answer for one address.

    input: exactly what was given. address: the normalized address (surrounding whitespace and one
    trailing dot removed, domain lowercased and in ASCII/IDNA form), or None when the address cannot
    be used as typed; ``valid`` is ``address is not None``. category / provider / level: the
    recipient's kind of mail (``carrier``, ``free``, ``provider``, or ``unknown`` for a domain the
    data does not know: another company's own domain, taken as standard level 7), provider id and
    level in the seed's simplified model (None when invalid). verdict: whether YOUR mail reaches them
    ("invalid" exactly when not valid). reply: whether THEIR reply reaches you, at your own level
    (``Situation.level``), same vocabulary ("invalid" exactly when not valid); it never changes
    ``verdict``, ``arrives`` or an exit code. findings: in rule order (characters, syntax, typo,
    recipient, reply). suggestion: the corrected address when a repair applies
    (full-width, look-alike, invisible characters, typo, legacy quoting...), checked clean itself.
    """

    input: str
    address: str | None
    valid: bool
    category: str | None
    provider: str | None
    level: int | None
    verdict: Verdict
    reply: Verdict
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    suggestion: str | None = None

    @property
    def arrives(self) -> bool:
        return self.verdict in ARRIVES

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``python -m checker check --json`` (keys in this order)."""
        return {
            "input": self.input,
            "address": self.address,
            "valid": self.valid,
            "category": self.category,
            "provider": self.provider,
            "level": self.level,
            "verdict": self.verdict,
            "reply": self.reply,
            "findings": [
                {"code": f.code, "severity": f.severity, "message": f.message, "url": f.url}
                for f in self.findings
            ],
            "suggestion": self.suggestion,
        }
