"""The rules: one address + the sender's situation -> a Result. Pure: no I/O, no clock, no randomness.

Order of work, all of it bounded by ``MAX_INPUT`` characters after trimming surrounding whitespace:

1. characters (``_normalize.scan``): surrogates, control, invisible, emoji, inner spaces,
   full-width forms, look-alike letters;
2. syntax (``_syntax.parse``), with legacy carrier dots judged against the data (``legacy-dots``);
3. typo of the domain (``_typo.suggest``);
4. the level model (``_rules``): the recipient's level from the data, both directions;
5. a suggestion: the address with every repair applied, kept only when it checks clean itself.

Findings come out in that order. Texts come from ``messages/findings.toml``; nothing user-facing
is written here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import _normalize, _rules, _syntax, _typo
from ._data import Data, Provider, Text, default_data
from ._model import Finding, Result, Situation, finding_url
from ._syntax import Issue

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
    "invisible-char", "emoji", "space", "fullwidth", "lookalike", "no-at", "multiple-at", "local-empty", "domain-empty", "local-too-long",
    "local-dot-start", "local-dot-end", "local-double-dot", "local-bad-char", "quoted-unclosed",
    "domain-dots", "domain-bad-char", "domain-label-too-long", "domain-hyphen", "domain-no-dot",
    "tld-numeric", "tld-invalid", "idna-invalid", "domain-literal-invalid",
})
#: findings whose repair goes into the suggestion
REPAIRS = frozenset({"display-name", "mailto", "at-replaced", "control-char", "invisible-char", "space", "fullwidth",
                     "lookalike", "typo", "legacy-dots", "domain-dots"})
_DEFAULT_SITUATION = Situation()
#: findings that make a valid address at risk
_AT_RISK = frozenset({"typo", "legacy-dots", "quoted-local", "utf8-local"})
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


class _Memo:
    """Answers that depend only on the domain (or the finding), remembered for one ``Data``: a
    customer list has tens of thousands of addresses but only hundreds of domains. Each table is
    bounded (cleared when full), so memory stays bounded whatever the input."""

    LIMIT = 4096

    def __init__(self, data: Data) -> None:
        self.data = data
        self.lookup: dict[str, Provider | None] = {}
        self.typo: dict[str, str | None] = {}
        self.judge: dict[tuple, tuple[Situation, str, str, tuple[Issue, ...]]] = {}
        self.render: dict[tuple, Finding] = {}

    def provider(self, domain: str) -> Provider | None:
        try:
            return self.lookup[domain]
        except KeyError:
            if len(self.lookup) >= self.LIMIT:
                self.lookup.clear()
            p = self.lookup[domain] = self.data.lookup(domain)
            return p

    def known(self, domain: str) -> bool:
        return self.provider(domain) is not None

    def suggest(self, domain: str) -> str | None:
        try:
            return self.typo[domain]
        except KeyError:
            if len(self.typo) >= self.LIMIT:
                self.typo.clear()
            fix = self.typo[domain] = _typo.suggest(domain, self.data)
            return fix


_memos: dict[int, _Memo] = {}
#: the "unknown-domain" finding per level (one shared object, so its rendering is remembered)
_UNKNOWN: dict[int, Issue] = {}
#: issues that are shared objects (from ``_judge``'s table or ``_UNKNOWN``): their rendering is remembered
_SHARED = frozenset({"unknown-domain", "recipient-refuses-all", "allowlisted", "allowlist-only", "links-blocked",
                     "carrier-filter", "listed-senders", "spam-folder", "own-level-broken", "reply-blocked",
                     "reply-links"})


def _memo(data: Data) -> _Memo:
    m = _memos.get(id(data))
    if m is None or m.data is not data:
        if len(_memos) > 8:
            _memos.clear()
        m = _memos[id(data)] = _Memo(data)
    return m


def _judge(level: int, provider: Provider | None, category: str, situation: Situation,
           data: Data, memo: _Memo) -> tuple[str, str, list[Issue]]:
    # keyed by the situation's identity (a list is audited with one Situation), checked with `is`
    key = (level, provider.id if provider else None, category, id(situation))
    hit = memo.judge.get(key)
    if hit is None or hit[0] is not situation:
        if len(memo.judge) >= memo.LIMIT:
            memo.judge.clear()
        verdict, reply, issues = _rules.judge(level, provider, category, situation, data)
        hit = memo.judge[key] = (situation, verdict, reply, tuple(issues))
    return hit[1], hit[2], list(hit[3])


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
    memo = _memo(data)
    sc = _normalize.scan(text, memo.known)
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
        ev.provider = memo.provider(domain)
        # a domain the data does not know: another company's own domain, level unknown (categories.toml)
        ev.category = ev.provider.category if ev.provider else UNKNOWN
    carrier = ev.category == "carrier"
    cand_local = parsed.local
    if parsed.dot_issues:
        if carrier:
            ev.issues.append(Issue("legacy-dots", {"quoted": f'"{parsed.local}"@{domain}'}))
            cand_local = f'"{parsed.local}"'
        else:
            ev.issues.extend(Issue(code) for code in parsed.dot_issues)
    elif parsed.quoted and carrier and parsed.local_content is not None \
            and _syntax.needs_only_dots_fix(parsed.local_content):
        ev.issues = [i for i in ev.issues if i.code != "quoted-local"]
        ev.issues.append(Issue("legacy-dots", {"quoted": f"{parsed.local}@{domain}"}))
    cand_domain = parsed.domain
    if domain is not None and not parsed.literal:
        fix = memo.suggest(domain)
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
    verdict, ev.reply, extra = _judge(ev.level, ev.provider, ev.category, situation, data, memo)
    codes = ev.codes if ev.issues else set()
    if ev.provider is None and "typo" not in codes:
        unknown = _UNKNOWN.get(ev.level)
        if unknown is None:
            unknown = _UNKNOWN[ev.level] = Issue("unknown-domain", {"level": ev.level})
        extra.insert(0, unknown)
    ev.issues.extend(extra)
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
    """The findings in ``lang``. The issues of the level model come from ``_judge``'s table, the
    same objects every time: their rendering is remembered per issue object (kept alive in the
    table, so its id cannot be reused while it is there)."""
    table = _memo(data).render
    out = []
    for issue in issues:
        key = (id(issue), lang)
        hit = table.get(key)
        if hit is not None and hit[0] is issue:
            out.append(hit[1])
            continue
        finding = _render(issue, lang, data)
        if issue.code in _SHARED:
            if len(table) >= _Memo.LIMIT:
                table.clear()
            table[key] = (issue, finding)
        out.append(finding)
    return tuple(out)


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
