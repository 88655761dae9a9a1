"""The rules: one address + the sender's situation -> a Result. Pure: no I/O, no clock, no randomness.

Order of work, all of it bounded by ``MAX_INPUT`` characters after trimming surrounding whitespace:

1. characters (``_normalize.scan``): surrogates, control, invisible, emoji, inner spaces,
   full-width forms, look-alike letters;
2. syntax (``_syntax.parse``), with legacy carrier dots judged against the data (``legacy-dots``; a
   leading dot is an error everywhere: no carrier issued one; an already quoted legacy address is
   ``legacy-quoted``, never told to use the quoted form again) and a trailing dot after the domain
   (``domain-trailing-dot``: accepted, warned, suggested without it);
3. typo of the domain (``_typo.suggest``);
4. the level model (``_rules``): the recipient's level from the data, both directions;
5. a suggestion: the address with every repair applied, kept only when it checks clean itself.

Findings come out in that order. Texts come from ``messages/findings.toml``; nothing user-facing
is written here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .._data import Data, Provider, Text, default_data
from .._model import Finding, Result, Situation, finding_url
from . import normalize as _normalize
from . import rules as _rules
from . import syntax as _syntax
from . import typo as _typo
from .syntax import Issue

#: Inputs longer than this (after trimming) are not analysed: no address is anywhere near it.
MAX_INPUT = 1024
LANGS = ("ja", "en")
#: what Japanese web pages put instead of @ so that harvesters do not find the address
_AT_MARKS = ("★", "☆", "(at)", "[at]", "（at）", "［at］", "<at>", "＜at＞", "{at}", " at ")
_DISPLAY_NAME = re.compile(r"([^<>]*)<([^<>]*)>\Z", re.S)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

#: the category of a domain the data does not know (another company's own domain, categories.toml)
UNKNOWN = "unknown"

#: findings that make the address unusable as typed
INVALID = frozenset({
    "empty", "too-long", "display-name", "mailto", "at-replaced", "unusable-char", "surrogate", "control-char",
    "invisible-char", "emoji", "space", "fullwidth", "lookalike", "no-at", "multiple-at", "local-empty", "domain-empty",
    "local-too-long",
    "local-dot-start", "local-dot-end", "local-double-dot", "local-bad-char", "quoted-unclosed",
    "domain-dots", "domain-bad-char", "domain-label-too-long", "domain-hyphen", "domain-no-dot",
    "tld-numeric", "tld-invalid", "idna-invalid", "domain-literal-invalid",
})
#: findings whose repair goes into the suggestion
REPAIRS = frozenset({"display-name", "mailto", "at-replaced", "control-char", "invisible-char", "space", "fullwidth",
                     "lookalike", "typo", "legacy-dots", "domain-dots", "domain-trailing-dot"})
_DEFAULT_SITUATION = Situation()
#: findings that make a valid address at risk
_AT_RISK = frozenset({"typo", "legacy-dots", "legacy-quoted", "quoted-local", "utf8-local",
                      "domain-trailing-dot"})
#: findings that must not appear when the suggestion itself is checked
NOT_IN_SUGGESTION = frozenset({"typo", "fullwidth", "lookalike"})


@dataclass(slots=True)
class _Eval:
    text: str
    issues: list[Issue] = field(default_factory=list)
    address: str | None = None
    category: str | None = None
    provider: Provider | None = None
    level: int | None = None
    verdict: str = "invalid"
    reply: str = "invalid"
    candidate: str | None = None

    @property
    def codes(self) -> set[str]:
        return {i.code for i in self.issues}

    @property
    def valid(self) -> bool:
        return self.address is not None


# -- Caches -----------------------------------------------------------------------------------
# A customer list has tens of thousands of addresses but only hundreds of domains, and a handful of
# (recipient, situation) pairs: these answers are computed once each. Every cache is a bounded
# functools.lru_cache on plain hashable keys (``Data`` hashes by identity: one loaded data set).

@lru_cache(maxsize=4096)
def _provider(domain: str, data: Data) -> Provider | None:
    """Per domain: the provider that owns it (``Data.lookup``)."""
    return data.lookup(domain)


@lru_cache(maxsize=4096)
def _typo_fix(domain: str, data: Data) -> str | None:
    """Per domain: the known domain it is a typo of (``typo.suggest``)."""
    return _typo.suggest(domain, data)


@lru_cache(maxsize=1024)
def _judged(level: int, provider_id: str | None, category: str, situation: Situation,
            data: Data) -> tuple[str, str, tuple[Issue, ...]]:
    """Per recipient (level, provider, category) and sender situation: the level model's verdict, the
    reply's verdict and the findings (``rules.judge``)."""
    provider = data.provider(provider_id) if provider_id is not None else None
    verdict, reply, issues = _rules.judge(level, provider, category, situation, data)
    return verdict, reply, tuple(issues)


#: findings whose parameters depend only on the recipient and the situation (``rules.judge``'s and
#: ``unknown-domain``): few distinct values, so their rendered text is remembered (``_rendered``)
_RECIPIENT_FINDINGS = frozenset({
    "unknown-domain", "recipient-refuses-all", "allowlisted", "allowlist-only", "carrier-links",
    "carrier-attachments", "carrier-filter", "listed-senders", "spam-folder", "own-level-broken", "reply-blocked",
    "reply-links"})


@lru_cache(maxsize=4096)
def _rendered(code: str, params: tuple[tuple[str, object], ...], lang: str, data: Data) -> Finding:
    """Per finding (code and parameters) and language: its rendered ``Finding``."""
    return _render(Issue(code, dict(params)), lang, data)


def _scan_issues(sc: _normalize.Scan) -> list[Issue]:
    out: list[Issue] = []
    if sc.surrogate:
        out.append(Issue("surrogate", {"position": sc.surrogate.position, "count": sc.surrogate.count}))
    if sc.control:
        out.append(Issue("control-char", {"char": _normalize.char_name(sc.control.char),
                                          "position": sc.control.position, "count": sc.control.count}))
    if sc.invisible:
        out.append(Issue("invisible-char", {"char": _normalize.char_name(sc.invisible.char),
                                            "position": sc.invisible.position,
                                            "count": sc.invisible.count}))
    if sc.emoji:
        out.append(Issue("emoji", {"char": sc.emoji.char, "position": sc.emoji.position}))
    if sc.space:
        out.append(Issue("space", {"char": _normalize.char_name(sc.space.char),
                                   "position": sc.space.position, "count": sc.space.count}))
    if sc.unusable:
        out.append(Issue("unusable-char", {"char": _normalize.char_name(sc.unusable.char),
                                           "position": sc.unusable.position}))
    if sc.fullwidth:
        out.append(Issue("fullwidth", {"chars": sc.fullwidth}))
    if sc.lookalike:
        out.append(Issue("lookalike", {"chars": sc.lookalike}))
    return out


def _evaluate(address: str, situation: Situation, data: Data) -> _Eval:
    text = address.strip()
    ev = _Eval(text=text)
    if len(text) > MAX_INPUT:
        ev.issues.append(Issue("too-long", {"length": len(text), "limit": _syntax.MAX_ADDRESS}))
        return ev
    if not text:
        ev.issues.append(Issue("empty"))
        return ev
    match = _DISPLAY_NAME.match(text) if "<" in text else None
    if match:  # Name <taro@example.jp>: the address is inside the brackets
        ev.issues.append(Issue("display-name", {"address": match.group(2).strip()}))
        text = match.group(2).strip()
        if not text:
            ev.issues.append(Issue("empty"))
            return ev
    if text[:7].lower() == "mailto:":  # copied from a link
        text = text[7:].strip()
        ev.issues.append(Issue("mailto", {"address": text}))
        if not text:
            ev.issues.append(Issue("empty"))
            return ev
    if "@" not in text and "\uff20" not in text and "\ufe6b" not in text:
        # ASCII-only lowercasing keeps every index of ``text`` (str.lower turns İ into two characters)
        low = text.translate(_ASCII_LOWER)
        for mark in _AT_MARKS:  # taro★docomo.ne.jp: @ replaced to keep address harvesters away
            i = low.find(mark)
            if i > 0 and low.count(mark) == 1:
                ev.issues.append(Issue("at-replaced", {"mark": text[i:i + len(mark)]}))
                text = text[:i] + "@" + text[i + len(mark):]
                break
    sc = _normalize.scan(text, lambda domain: _provider(domain, data) is not None)
    if sc is _normalize.CLEAN:  # printable ASCII without spaces: nothing to report or repair
        work = text
    else:
        ev.issues.extend(_scan_issues(sc))
        if sc.errors and sc.repaired is None:
            return ev
        work = sc.repaired if sc.repaired is not None else text
    parsed = _syntax.parse(work)
    ev.issues.extend(parsed.issues)
    domain = parsed.ascii_domain
    if domain is not None and not parsed.literal:
        ev.provider = _provider(domain, data)
        # a domain the data does not know: another company's own domain, level unknown (categories.toml)
        ev.category = ev.provider.category if ev.provider else UNKNOWN
    carrier = ev.category == "carrier"
    cand_local = parsed.local
    if parsed.dot_issues:
        # docomo and au issued ".." and ".@" until 2009, never a leading dot
        if carrier and "local-dot-start" not in parsed.dot_issues:
            ev.issues.append(Issue("legacy-dots", {"quoted": f'"{parsed.local}"@{domain}'}))
            cand_local = f'"{parsed.local}"'
        else:
            ev.issues.extend(Issue(code) for code in parsed.dot_issues)
    elif parsed.quoted and carrier and parsed.local_content is not None \
            and _syntax.needs_only_dots_fix(parsed.local_content) and not parsed.local_content.startswith("."):
        ev.issues = [i for i in ev.issues if i.code != "quoted-local"]
        ev.issues.append(Issue("legacy-quoted"))
    cand_domain = parsed.domain
    if parsed.trailing_dot and domain is not None and not parsed.literal:
        ev.issues.append(Issue("domain-trailing-dot", {"address": f"{parsed.local}@{parsed.domain}"}))
    if domain is not None and not parsed.literal:
        fix = _typo_fix(domain, data)
        if fix is not None:
            ev.issues.append(Issue("typo", {"domain": domain, "suggestion": fix}))
            cand_domain = fix
    elif parsed.domain and any(i.code == "domain-dots" for i in parsed.issues):
        cand_domain = ".".join(lab for lab in parsed.domain.split(".") if lab)
    if cand_local is not None and cand_domain:
        ev.candidate = f"{cand_local}@{cand_domain}"
    if domain is None or (ev.issues and any(i.code in INVALID for i in ev.issues)):
        ev.category = ev.provider = None
        return ev
    ev.address = parsed.normalized
    if parsed.literal:
        ev.verdict = "block"
        ev.reply, mine = _rules.reply(situation, data)
        ev.issues.extend(mine)
        return ev
    assert ev.category is not None
    ev.level = ev.provider.level if ev.provider else data.categories[UNKNOWN].level
    verdict, ev.reply, judged = _judged(ev.level, ev.provider.id if ev.provider else None, ev.category,
                                        situation, data)
    codes = ev.codes if ev.issues else set()
    if ev.provider is None and "typo" not in codes:
        ev.issues.append(Issue("unknown-domain", {"level": ev.level}))
    ev.issues.extend(judged)
    if not codes.isdisjoint(_AT_RISK):  # the judge's findings are never among these
        verdict = _rules.worst(verdict, "at-risk")
    ev.verdict = verdict
    return ev


def _suggestion(ev: _Eval, situation: Situation, data: Data) -> str | None:
    if ev.candidate is None or not ev.issues or not (ev.codes & REPAIRS) or ev.candidate == ev.text.strip():
        return None
    again = _evaluate(ev.candidate, situation, data)
    if any(i.code in INVALID or i.code in NOT_IN_SUGGESTION for i in again.issues):
        return None
    return ev.candidate


def _render_all(issues: list[Issue], lang: str, data: Data) -> tuple[Finding, ...]:
    """The findings in ``lang``; those that depend only on the recipient and the situation come from
    the ``_rendered`` cache."""
    return tuple(_rendered(i.code, tuple(i.params.items()), lang, data) if i.code in _RECIPIENT_FINDINGS
                 else _render(i, lang, data) for i in issues)


def _render(issue: Issue, lang: str, data: Data) -> Finding:
    m = data.messages[issue.code]
    params: dict[str, object] = {}
    for key, value in issue.params.items():
        if isinstance(value, Text):
            value = value.get(lang)
        elif isinstance(value, tuple):
            value = " ".join(_display(c, lang, data) for c in value)
        params[key] = value
    return Finding(code=issue.code, severity=m.severity,  # type: ignore[arg-type]
                   message=m.message.get(lang).format_map(params), url=finding_url(issue.code, lang))


def _display(c: str, lang: str, data: Data) -> str:
    if c == "\u3000":
        return data.ui["core.ideographic-space"].get(lang)
    return c


def check(address: str, /, *, situation: Situation | None = None, lang: str = "ja",
          data: Data | None = None) -> Result:
    """Will mail from the sender described by ``situation`` reach ``address``, and what to do if not.

    Any string gets an answer (never an exception). ``lang`` must be "ja" or "en" and
    ``situation.level`` 1..10: anything else is a programming error (ValueError).
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    situation = situation or _DEFAULT_SITUATION
    if not isinstance(situation.level, int) or not 1 <= situation.level <= 10:
        raise ValueError(f"situation.level must be 1..10, not {situation.level!r}")
    if not isinstance(address, str):
        raise TypeError(f"address must be str, not {type(address).__name__}")
    data = data or default_data()
    ev = _evaluate(address, situation, data)
    suggestion = _suggestion(ev, situation, data)
    return Result(
        input=address, address=ev.address, valid=ev.valid, category=ev.category,
        provider=ev.provider.id if ev.provider else None, level=ev.level,
        verdict=ev.verdict, reply=ev.reply,  # type: ignore[arg-type]
        findings=_render_all(ev.issues, lang, data), suggestion=suggestion,
    )
