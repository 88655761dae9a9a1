"""The bounce rules of ``checker/data/bounces.toml`` as frozen values (read once, like ``checker._data``)."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .._data import read_raw


@dataclass(frozen=True, slots=True)
class Matcher:
    """Lowercase substrings and compiled regular expressions; ``find`` returns the first that occurs."""

    subs: tuple[str, ...]
    regexes: tuple[re.Pattern[str], ...]

    @classmethod
    def of(cls, patterns: tuple[str, ...] | list[str]) -> Matcher:
        subs = tuple(p for p in patterns if not p.startswith("re:"))
        regexes = tuple(re.compile(p[3:]) for p in patterns if p.startswith("re:"))
        return cls(subs=subs, regexes=regexes)

    def find(self, text: str) -> str | None:
        for s in self.subs:
            if s in text:
                return s
        for r in self.regexes:
            m = r.search(text)
            if m is not None:
                return m.group(0)
        return None


@dataclass(frozen=True, slots=True)
class Reason:
    id: str
    strong: tuple[str, ...]
    weak: tuple[str, ...]
    patterns: Matcher


@dataclass(frozen=True, slots=True)
class Example:
    """A real answer of a receiver, shown in the bounce reference (the rules must classify it as ``reason``)."""

    provider: str
    text: str
    reason: str
    meaning_ja: str
    meaning_en: str
    source: str
    secondary: bool = False
    command: str = ""
    status: str = ""
    action: str = ""
    #: the day ("YYYY-MM-DD", in Japan) of the bounce the example comes from, when its meaning depends on it
    date: str = ""

    def meaning(self, lang: str) -> str:
        return self.meaning_en if lang == "en" else self.meaning_ja


@dataclass(frozen=True, slots=True)
class Rhost:
    """A receiver whose answers are read with its own table before the general rules (ported from sisimai's
    ``rhost`` modules): it applies when the recipient's domain is one of ``domains`` (or a subdomain) or the
    report names one of ``hosts`` (remote server names). ``status``: status codes that decide on their own;
    ``patterns``: (reason, phrases) tried in order on the server's answer."""

    name: str
    domains: tuple[str, ...]
    hosts: tuple[str, ...]
    status: tuple[tuple[str, str], ...]
    patterns: tuple[tuple[str, Matcher], ...]


@dataclass(frozen=True, slots=True)
class Receiver:
    """A receiver whose answer means another reason than its words (``[[receiver]]`` of bounces.toml): when the
    report names one of ``hosts``, the reason is one of ``reasons``, the refused command one of ``commands``
    (empty: any; "" in it: no stage known) and the answer contains ``contains`` (lowercase; empty: anything), the
    reason ``becomes`` another. ``since`` / ``until``: the rule holds for reports dated on or after ``since`` and
    before ``until`` (Japan's calendar day); a dated rule never holds for a report without a date. ``finding``: the
    code of the finding the rule adds; ``undated``: the finding a report without a date gets when the rule would
    have held."""

    name: str
    hosts: tuple[str, ...]
    reasons: tuple[str, ...]
    commands: tuple[str, ...]
    becomes: str
    contains: str = ""
    #: "YYYY-MM-DD" or "" (no bound): ISO days compare as text
    since: str = ""
    until: str = ""
    finding: str = ""
    undated: str = ""

    @property
    def dated(self) -> bool:
        return bool(self.since or self.until)

    def holds_on(self, day: str) -> bool:
        """``day``: "YYYY-MM-DD" (a day in Japan)."""
        return (not self.since or day >= self.since) and (not self.until or day < self.until)


def _receiver(r: Mapping[str, Any]) -> Receiver:
    reasons = r["reason"]
    commands = r.get("command", [])
    return Receiver(name=r.get("name", ""), hosts=tuple(r["hosts"]),
                    reasons=(reasons,) if isinstance(reasons, str) else tuple(reasons),
                    commands=(commands,) if isinstance(commands, str) else tuple(commands),
                    becomes=r["becomes"], contains=r.get("contains", ""), since=str(r.get("since", "")),
                    until=str(r.get("until", "")), finding=r.get("finding", ""), undated=r.get("undated", ""))


@dataclass(frozen=True, slots=True)
class Rules:
    order: tuple[str, ...]
    reasons: Mapping[str, Reason]
    hard: frozenset[str]
    not_failed: frozenset[str]
    original_markers: tuple[str, ...]
    bounce_subjects: tuple[str, ...]
    bounce_senders: tuple[str, ...]
    commands: tuple[tuple[str, Matcher], ...]
    #: weaker phrases ("rejected", "denied"), tried after the status code and the command
    generic: Mapping[str, Matcher | None]
    #: phrases that decide the reason before anything else (regular expressions, reason)
    overrides: tuple[tuple[re.Pattern[str], str], ...]
    #: phrases in a message's text that make it a delivery report
    bounce_phrases: tuple[str, ...]
    #: (header, lowercase substring, reason): reports of a sender that always mean one reason
    vendors: tuple[tuple[str, str, str], ...] = ()
    #: receivers' answers that mean another reason (in order; the first that holds decides)
    receivers: tuple[Receiver, ...] = ()
    examples: tuple[Example, ...] = ()
    rhosts: tuple[Rhost, ...] = ()
    #: (reason, phrases) that win wherever they occur in the answer (in this order)
    first: tuple[tuple[str, Matcher], ...] = ()


def parse_rules(doc: Mapping[str, Any]) -> Rules:
    reasons = {
        rid: Reason(id=rid, strong=tuple(r.get("strong", ())), weak=tuple(r.get("weak", ())),
                    patterns=Matcher.of(r.get("patterns", [])))
        for rid, r in doc["reason"].items()
    }
    return Rules(
        order=tuple(doc["order"]), reasons=reasons, hard=frozenset(doc["hard"]),
        not_failed=frozenset(doc["not_failed"]),
        original_markers=tuple(doc["markers"]["original"]),
        bounce_subjects=tuple(doc["markers"]["bounce_subjects"]),
        bounce_senders=tuple(doc["markers"]["bounce_senders"]),
        commands=tuple((c["command"], Matcher.of(c["patterns"])) for c in doc["command"]),
        generic={rid: Matcher.of(doc["generic"][rid]) if rid in doc.get("generic", {}) else None
                 for rid in doc["order"]},
        overrides=tuple((re.compile(o["pattern"]), o["reason"]) for o in doc.get("override", ())),
        bounce_phrases=tuple(doc["markers"]["bounce_phrases"]),
        vendors=tuple((v["header"], v["contains"], v["reason"]) for v in doc.get("vendor", ())),
        receivers=tuple(_receiver(r) for r in doc.get("receiver", ())),
        examples=tuple(Example(provider=e["provider"], text=e["text"], reason=e["reason"],
                               meaning_ja=e["meaning"]["ja"], meaning_en=e["meaning"]["en"], source=e["source"],
                               secondary=bool(e.get("secondary", False)), command=e.get("command", ""),
                               status=e.get("status", ""), action=e.get("action", ""), date=str(e.get("date", "")))
                       for e in doc.get("example", ())),
        rhosts=tuple(Rhost(name=r["name"], domains=tuple(r.get("domains", ())), hosts=tuple(r.get("hosts", ())),
                           status=tuple((c, rid) for rid, codes in r.get("status", {}).items() for c in codes),
                           patterns=tuple((rid, Matcher.of(ps)) for rid, ps in r.get("patterns", {}).items()))
                     for r in doc.get("rhost", ())),
        first=tuple((rid, Matcher.of(ps)) for rid, ps in doc.get("first", {}).items()),
    )


def read_rules_doc() -> dict[str, Any]:
    """data/bounces.toml, as read by the data layer (``_data.read_raw``, the one reader of our files)."""
    doc: dict[str, Any] = read_raw()["bounces"]
    return doc


@lru_cache(maxsize=1)
def default_rules() -> Rules:
    return parse_rules(read_rules_doc())
