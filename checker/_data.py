"""The one source of truth: TOML files in ``checker/data/``, parsed into frozen dataclasses.

Reading the package's own data files (``importlib.resources``) is the only I/O in the package core
and happens once, lazily; everything else receives a ``Data`` value. Works in CPython and Pyodide.
"""
from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any

LANGS: tuple[str, ...] = ("ja", "en")


@dataclass(frozen=True, slots=True)
class Text:
    """A string in every language."""

    ja: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.ja


@dataclass(frozen=True, slots=True)
class Level:
    levels: tuple[int, ...]
    name: Text
    summary: Text
    refuses: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    name: Text
    level: int
    levels: tuple[int, ...]
    summary: Text


#: what a recipient-side setting is for (``role`` in providers.toml)
ROLES: tuple[str, ...] = ("allowlist", "pc-refusal", "url-filter", "spoofing", "rescue")


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    en: str
    does: Text
    source: str
    #: one of ROLES, or None: "allowlist" is the setting the checker names when it asks a recipient to
    #: let the sender's domain through (never "the first setting listed")
    role: str | None = None
    #: True when only a secondary page names the setting (the provider page says so)
    secondary: bool = False


@dataclass(frozen=True, slots=True)
class Fact:
    """One sourced fact about a provider (shown on its page)."""

    text: Text
    source: str
    #: True when the source is not the operator's own page (a third-party summary); the page says so
    secondary: bool = False
    #: a name when an article quotes the fact too: scripts/gen_docs.py writes it, with its source, to
    #: snippets/<lang>/fact-<snippet>.md for the article to include
    snippet: str | None = None


@dataclass(frozen=True, slots=True)
class Provider:
    id: str
    name: Text
    category: str
    level: int
    #: domains issued today: exact ("docomo.ne.jp") and "*.x" patterns (any subdomain of x)
    domains: tuple[str, ...]
    source: str
    settings: tuple[Setting, ...]
    steps_ja: tuple[str, ...]
    steps_en: tuple[str, ...]
    notes: Text | None
    #: domains no longer issued whose old addresses may still appear in customer lists
    legacy_domains: tuple[str, ...] = ()
    #: other names people use for this provider (search, typo hints); not domains
    aliases: tuple[str, ...] = ()
    facts: tuple[Fact, ...] = ()
    #: why ``level`` differs from the category's level (only set when it does)
    level_reason: Text | None = None
    #: a carrier whose allowlist's name no official page confirms: the wording used instead (ja / en)
    allowlist_unverified: Text | None = None
    #: the operator's own web hosts (real domains: never a typo)
    hosts: tuple[str, ...] = ()

    def role(self, role: str) -> Setting | None:
        """The first setting with this role (``allowlist``, ``url-filter``...), or None."""
        for s in self.settings:
            if s.role == role:
                return s
        return None

    def steps(self, lang: str) -> tuple[str, ...]:
        return self.steps_en if lang == "en" else self.steps_ja

    @property
    def all_domains(self) -> tuple[str, ...]:
        return self.domains + self.legacy_domains


@dataclass(frozen=True, slots=True)
class Message:
    code: str
    severity: str
    title: Text
    message: Text
    explain: Text
    page: str | None
    #: set when the checker no longer reports this code: why, and what it reports instead (the anchor stays)
    retired: Text | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Data:
    """Everything the checker and the pages know, loaded once. Compared and hashed by identity (one
    loaded data set), so the core's bounded caches can be keyed by it."""

    levels: tuple[Level, ...]
    categories: Mapping[str, Category]
    providers: tuple[Provider, ...]
    messages: Mapping[str, Message]
    #: interface strings of the shells (CLI, audit, web widget): "<file>.<key>" -> Text
    ui: Mapping[str, Text]
    #: exact domain -> provider id; "*.x" patterns are kept in ``wildcards`` (suffix -> provider id)
    exact: Mapping[str, str]
    wildcards: Mapping[str, str]
    #: the statement that the level scale is the seed article's own simplified model (levels.toml `note`)
    levels_note: Text | None = None
    #: real domains the typo rule never corrects, nor anything under them (protected.toml)
    protected: tuple[str, ...] = ()

    def is_protected(self, domain: str) -> bool:
        """True when ``domain`` is a protected real domain or under one (softbank.co.jp, g.softbank.co.jp)."""
        domain = domain.lower().removesuffix(".")
        return any(domain == p or domain.endswith("." + p) for p in self.protected)

    def is_operator_host(self, domain: str) -> bool:
        """True when ``domain`` is one of the operators' own web hosts or under one (softbank.jp)."""
        domain = domain.lower().removesuffix(".")
        return any(domain == h or domain.endswith("." + h) for p in self.providers for h in p.hosts)

    def is_legacy(self, domain: str) -> bool:
        """True when ``domain`` is matched only by a provider's legacy domain (e.g. me.com, *.vodafone.ne.jp)."""
        p = self.lookup(domain)
        if p is None:
            return False
        domain = domain.lower().removesuffix(".")
        return _match(domain, p.legacy_domains) and not _match(domain, p.domains)

    def provider(self, provider_id: str) -> Provider:
        for p in self.providers:
            if p.id == provider_id:
                return p
        raise KeyError(provider_id)

    def level_for(self, level: int) -> Level:
        for lv in self.levels:
            if level in lv.levels:
                return lv
        raise KeyError(level)

    def lookup(self, domain: str) -> Provider | None:
        """The provider that owns ``domain``, or None. Case-insensitive; one trailing dot is ignored."""
        domain = domain.lower()
        if domain.endswith("."):
            domain = domain[:-1]
        pid = self.exact.get(domain)
        if pid is None and self.wildcards:
            # the most specific "*." pattern wins: a.b.ocn.ne.jp tries b.ocn.ne.jp, then ocn.ne.jp, ...
            # Only the last `depth` labels can match a pattern, so a huge input costs one linear split.
            depth = max(k.count(".") for k in self.wildcards) + 1
            labels = domain.rsplit(".", depth)
            for i in range(1, len(labels)):
                pid = self.wildcards.get(".".join(labels[i:]))
                if pid is not None:
                    break
        return self.provider(pid) if pid is not None else None


def _match(domain: str, patterns: tuple[str, ...]) -> bool:
    for pat in patterns:
        if pat.startswith("*."):
            if domain.endswith(pat[1:]):
                return True
        elif domain == pat:
            return True
    return False


def _text(raw: Mapping[str, Any]) -> Text:
    return Text(ja=str(raw["ja"]), en=str(raw["en"]))


def parse(levels: Mapping[str, Any], categories: Mapping[str, Any], providers: Mapping[str, Any],
          messages: Mapping[str, Any], ui: Mapping[str, Any] | None = None,
          protected: Mapping[str, Any] | None = None) -> Data:
    """Build a ``Data`` from already-parsed TOML documents (pure)."""
    lv = tuple(
        Level(levels=tuple(e["levels"]), name=_text(e["name"]), summary=_text(e["summary"]),
              refuses=tuple(e["refuses"]))
        for e in levels["level"]
    )
    cats = {
        e["id"]: Category(id=e["id"], name=_text(e["name"]), level=int(e["level"]),
                          levels=tuple(e["levels"]), summary=_text(e["summary"]))
        for e in categories["category"]
    }
    provs = []
    for e in providers["provider"]:
        steps = e.get("steps", {})
        provs.append(Provider(
            id=e["id"], name=_text(e["name"]), category=e["category"],
            level=int(e.get("level", cats[e["category"]].level)),
            domains=tuple(d.lower() for d in e["domains"]), source=e["source"],
            settings=tuple(
                Setting(name=s["name"], en=s["en"], does=_text(s["does"]), source=s["source"],
                        role=s.get("role"), secondary=bool(s.get("secondary", False)))
                for s in e.get("settings", ())
            ),
            steps_ja=tuple(steps.get("ja", ())), steps_en=tuple(steps.get("en", ())),
            notes=_text(e["notes"]) if "notes" in e else None,
            legacy_domains=tuple(d.lower() for d in e.get("legacy_domains", ())),
            aliases=tuple(e.get("aliases", ())),
            facts=tuple(Fact(text=_text(f), source=f["source"], secondary=bool(f.get("secondary", False)),
                             snippet=f.get("snippet"))
                        for f in e.get("facts", ())),
            level_reason=_text(e["level_reason"]) if "level_reason" in e else None,
            allowlist_unverified=_text(e["allowlist_unverified"]) if "allowlist_unverified" in e else None,
            hosts=tuple(str(h).lower() for h in e.get("hosts", ())),
        ))
    exact: dict[str, str] = {}
    wild: dict[str, str] = {}
    for p in provs:
        for d in p.all_domains:
            if d.startswith("*."):
                wild[d[2:]] = p.id
            else:
                exact[d] = p.id
    msgs = {
        code: Message(code=code, severity=m["severity"], title=_text(m["title"]),
                      message=_text(m["message"]), explain=_text(m["explain"]), page=m.get("page"),
                      retired=_text(m["retired"]) if "retired" in m else None)
        for code, m in messages.items()
    }
    return Data(levels=lv, categories=MappingProxyType(cats), providers=tuple(provs),
                messages=MappingProxyType(msgs),
                ui=MappingProxyType({k: _text(v) for k, v in (ui or {}).items()}), exact=MappingProxyType(exact),
                wildcards=MappingProxyType(wild),
                levels_note=_text(levels["note"]) if "note" in levels else None,
                protected=tuple(str(e["domain"]).lower() for e in (protected or {}).get("domain", ())))


def read_raw() -> dict[str, Any]:
    """The package's TOML documents, parsed but not validated: {"levels": ..., "messages": {...}}."""
    root = resources.files("checker") / "data"
    raw: dict[str, Any] = {
        name: tomllib.loads((root / f"{name}.toml").read_text(encoding="utf-8"))
        for name in ("levels", "categories", "providers", "protected", "receivers", "bounces", "doh")
    }
    # messages/findings.toml: the findings; messages/sender.toml: the sender-domain findings (same form);
    # every other messages/<file>.toml: interface strings of a shell, flat `key = { ja = "...", en = "..." }`
    # tables, addressed as "<file>.<key>".
    raw["messages"] = {}
    raw["ui"] = {}
    for item in sorted((root / "messages").iterdir(), key=lambda t: t.name):
        if not item.name.endswith(".toml"):
            continue
        doc = tomllib.loads(item.read_text(encoding="utf-8"))
        stem = item.name[: -len(".toml")]
        if stem == "findings":
            raw["messages"] = doc
        elif stem == "sender":  # the sender-domain findings (issue 11), read by checker.sender.data
            raw["sender"] = doc
        else:
            raw["ui"].update({f"{stem}.{key}": value for key, value in doc.items()})
    return raw


@lru_cache(maxsize=1)
def default_data() -> Data:
    """The data shipped in the package, loaded once."""
    raw = read_raw()
    return parse(raw["levels"], raw["categories"], raw["providers"], raw["messages"], raw["ui"], raw["protected"])


# ---- DNS-over-HTTPS resolvers of the page /sender/ (doh.toml): read by the page's shell and the build only ----

@dataclass(frozen=True, slots=True)
class DohResolver:
    """A public resolver the page /sender/ may ask over RFC 8484, after the reader chooses it and asks."""

    id: str
    name: Text
    url: str
    source: str
    cors: str
    cors_secondary: bool

    @property
    def origin(self) -> str:
        """``https://host`` of ``url`` (what the page's Content-Security-Policy allows)."""
        scheme, _, rest = self.url.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}"


def parse_doh(raw: Mapping[str, Any]) -> tuple[DohResolver, ...]:
    return tuple(
        DohResolver(id=str(e["id"]), name=_text(e["name"]), url=str(e["url"]), source=str(e["source"]),
                    cors=str(e["cors"]), cors_secondary=bool(e.get("cors_secondary", False)))
        for e in raw["resolver"]
    )


@lru_cache(maxsize=1)
def doh_resolvers() -> tuple[DohResolver, ...]:
    """The resolvers of ``checker/data/doh.toml``, loaded once (``read_raw`` stays the one reader)."""
    return parse_doh(read_raw()["doh"])
