"""Schema test for everything in ``checker/data/``: one validator that collects EVERY error, each with a
location such as ``providers.toml#docomo.settings[0].source``, and tests that the validator itself fails on
small broken inputs (a validator that cannot fail is not a test).
"""
from __future__ import annotations

import copy
import re
import string
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from checker._data import LANGS, parse, read_raw
from checker.address.typo import JP_SLDS

ROOT = Path(__file__).resolve().parent.parent
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
SEVERITIES = {"error", "warning", "info"}
REFUSALS = {"typical-spam", "listed-senders", "links-attachments", "not-allowlisted", "everything"}
PROVIDER_CATEGORIES = {"carrier", "free", "provider"}
REQUIRED_CATEGORIES = {"carrier", "free", "provider", "domain", "unknown"}
PROVIDER_KEYS = {"id", "name", "aliases", "category", "level", "level_reason", "domains", "legacy_domains",
                 "hosts", "source", "settings", "steps", "facts", "notes", "allowlist_unverified"}
PROVIDER_REQUIRED = {"id", "name", "category", "domains", "hosts", "source", "steps"}
SETTING_KEYS = {"name", "en", "does", "source", "role", "secondary"}
SETTING_REQUIRED = {"name", "en", "does", "source"}
ROLES = {"allowlist", "pc-refusal", "url-filter", "spoofing", "rescue"}
FACT_KEYS = {"ja", "en", "source", "secondary", "snippet"}
MESSAGE_KEYS = {"severity", "title", "message", "explain", "page", "retired"}
PROTECTED_KEYS = {"domain", "owner", "source", "reason"}

# Placeholders must be the same in ja and en, except where a language deliberately leaves one out.
# location -> the placeholders that one language may omit, and why.
PLACEHOLDER_EXCEPTIONS: dict[str, tuple[set[str], str]] = {
    "messages/core.toml#setting": ({"en"}, "ja shows the setting's Japanese name only; en adds the English gloss"),
}


# ----------------------------------------------------------------------------------------- helpers

def url_map_paths(architecture: str | None = None) -> set[str]:
    """Site paths of the permanent URL map in ARCHITECTURE.md, relative to the root ("" is the home page)."""
    text = architecture if architecture is not None else (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("## Permanent URLs", 1)[-1]
    paths: set[str] = set()
    for line in section.splitlines():
        if line.startswith("|"):
            first_cell = line.split("|")[1]
            paths.update(p.lstrip("/") for p in re.findall(r"`(/[^`]*)`", first_cell))
    return paths


def placeholders(text: str) -> set[str]:
    """``{name}`` fields of a str.format template (raises ValueError on a malformed template)."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def on_hosts(url: str, hosts: Iterable[str]) -> bool:
    h = host_of(url)
    return any(h == x or h.endswith("." + x) for x in hosts)


UNDOCUMENTED = "unknown field (documented fields are listed at the top of the file)"


class Errors(list[str]):
    def add(self, where: str, problem: str) -> None:
        self.append(f"{where}: {problem}")

    def fields(self, where: str, table: dict, allowed: Iterable[str], required: Iterable[str] = (),
               unknown: str = "unknown field") -> None:
        """Each ``required`` key missing from ``table`` and each key not ``allowed``, by name."""
        for key in sorted(set(required) - set(table)):
            self.add(f"{where}.{key}", "missing")
        for key in sorted(set(table) - set(allowed)):
            self.add(f"{where}.{key}", unknown)


def _text(errs: Errors, where: str, value: Any, *, langs: Iterable[str] = LANGS) -> bool:
    """A {ja, en} table of non-empty strings with the same placeholders."""
    if not isinstance(value, dict):
        errs.add(where, f"expected a table {{ja, en}}, got {type(value).__name__}")
        return False
    ok = True
    for lang in langs:
        v = value.get(lang)
        if not isinstance(v, str) or not v.strip():
            errs.add(f"{where}.{lang}", "missing or empty")
            ok = False
    for extra in sorted(set(value) - set(langs)):
        errs.add(f"{where}.{extra}", "unknown language")
    if ok:
        try:
            found = {lang: placeholders(value[lang]) for lang in langs}
        except ValueError as exc:
            errs.add(where, f"malformed placeholder: {exc}")
            return False
        union = set().union(*found.values())
        differing = {x for x in union if any(x not in v for v in found.values())}
        allowed = PLACEHOLDER_EXCEPTIONS.get(where, (set(), ""))[0]
        if differing - allowed:
            errs.add(where, "placeholders differ between languages: "
                     + ", ".join(f"{k}={sorted(v)}" for k, v in found.items()))
            ok = False
    return ok


def _https(errs: Errors, where: str, url: Any) -> bool:
    if not isinstance(url, str) or not url:
        errs.add(where, "missing URL")
        return False
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        errs.add(where, f"not an https URL: {url!r}")
        return False
    if any(c.isspace() for c in url):
        errs.add(where, f"URL contains whitespace: {url!r}")
        return False
    return True


def _domain_pattern(errs: Errors, where: str, d: Any) -> str | None:
    if not isinstance(d, str):
        errs.add(where, f"expected a string, got {type(d).__name__}")
        return None
    if d != d.strip().lower():
        errs.add(where, f"domain must be lowercase without spaces: {d!r}")
        return None
    body = d[2:] if d.startswith("*.") else d
    labels = body.split(".")
    if "*" in body or len(labels) < 2 or not all(LABEL_RE.match(lab) for lab in labels) or len(body) > 253:
        errs.add(where, f"not a domain or *.domain pattern: {d!r}")
        return None
    return d


def _str_list(errs: Errors, where: str, value: Any, *, non_empty: bool) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(x, str) and x.strip() for x in value):
        errs.add(where, "expected a list of non-empty strings")
        return []
    if non_empty and not value:
        errs.add(where, "must not be empty")
    return value


# ----------------------------------------------------------------------------------------- the validator

def validate(raw: dict[str, Any], *, url_paths: set[str] | None = None) -> list[str]:
    """Every problem in the raw TOML documents (as returned by ``read_raw``), each with its location."""
    errs = Errors()
    paths = url_map_paths() if url_paths is None else url_paths

    # levels.toml
    levels = raw.get("levels", {})
    if "note" not in levels:
        errs.add("levels.toml#note", "missing: the guide must say the scale is the article's own model")
    else:
        _text(errs, "levels.toml#note", levels["note"])
    seen_levels: list[int] = []
    for i, lv in enumerate(levels.get("level", [])):
        w = f"levels.toml#level[{i}]"
        nums = lv.get("levels")
        if not isinstance(nums, list) or not nums or not all(type(n) is int for n in nums):
            errs.add(f"{w}.levels", "expected a non-empty list of integers")
        else:
            seen_levels += nums
        _text(errs, f"{w}.name", lv.get("name"))
        _text(errs, f"{w}.summary", lv.get("summary"))
        refuses = lv.get("refuses")
        if not isinstance(refuses, list):
            errs.add(f"{w}.refuses", "expected a list")
        else:
            for j, r in enumerate(refuses):
                if r not in REFUSALS:
                    errs.add(f"{w}.refuses[{j}]", f"unknown refusal kind {r!r}")
    if sorted(seen_levels) != list(range(1, 11)):
        errs.add("levels.toml#level", f"levels must cover 10..1 exactly once, got {sorted(seen_levels)}")
    valid_levels = set(range(1, 11))

    # categories.toml
    cat_ids: set[str] = set()
    for i, c in enumerate(raw.get("categories", {}).get("category", [])):
        cid = c.get("id")
        w = f"categories.toml#{cid if isinstance(cid, str) else f'category[{i}]'}"
        if not isinstance(cid, str) or not ID_RE.match(cid):
            errs.add(f"{w}.id", f"id must match [a-z0-9-]+: {cid!r}")
        elif cid in cat_ids:
            errs.add(f"{w}.id", "duplicate id")
        else:
            cat_ids.add(cid)
        _text(errs, f"{w}.name", c.get("name"))
        _text(errs, f"{w}.summary", c.get("summary"))
        level, rng = c.get("level"), c.get("levels")
        if type(level) is not int or level not in valid_levels:
            errs.add(f"{w}.level", f"expected a level 1..10, got {level!r}")
        if not isinstance(rng, list) or not rng or not all(type(n) is int and n in valid_levels for n in rng):
            errs.add(f"{w}.levels", "expected a non-empty list of levels 1..10")
        elif level not in rng:
            errs.add(f"{w}.level", f"{level!r} is not within levels {rng}")
    for missing in sorted(REQUIRED_CATEGORIES - cat_ids):
        errs.add("categories.toml", f"missing category {missing!r}")

    # providers.toml
    providers = raw.get("providers", {}).get("provider", [])
    prov_ids: set[str] = set()
    claims: dict[str, str] = {}  # domain pattern -> "where" it was first claimed
    owner: dict[str, str] = {}   # domain pattern -> provider id
    for i, p in enumerate(providers):
        pid = p.get("id")
        w = f"providers.toml#{pid if isinstance(pid, str) and pid else f'provider[{i}]'}"
        errs.fields(w, p, PROVIDER_KEYS, PROVIDER_REQUIRED, unknown=UNDOCUMENTED)
        if not isinstance(pid, str) or not ID_RE.match(pid):
            errs.add(f"{w}.id", f"id must be lowercase [a-z0-9-]+: {pid!r}")
        elif pid in prov_ids:
            errs.add(f"{w}.id", "duplicate id")
        else:
            prov_ids.add(pid)
        if "name" in p:
            _text(errs, f"{w}.name", p["name"])
        if "aliases" in p:
            _str_list(errs, f"{w}.aliases", p["aliases"], non_empty=False)
        if "category" in p and p["category"] not in PROVIDER_CATEGORIES & cat_ids:
            errs.add(f"{w}.category", f"unknown provider category {p['category']!r}")
        if "level" in p:
            if type(p["level"]) is not int or p["level"] not in valid_levels:
                errs.add(f"{w}.level", f"expected a level 1..10, got {p['level']!r}")
            if "level_reason" not in p:
                errs.add(f"{w}.level_reason", "a level override needs a reason")
        if "level_reason" in p:
            _text(errs, f"{w}.level_reason", p["level_reason"])
            if "level" not in p:
                errs.add(f"{w}.level_reason", "reason given but no level override")
        hosts = _str_list(errs, f"{w}.hosts", p.get("hosts", []), non_empty=True) if "hosts" in p else []
        for j, h in enumerate(hosts):
            if h != h.lower() or "/" in h or ":" in h:
                errs.add(f"{w}.hosts[{j}]", f"expected a bare lowercase host name: {h!r}")
        if "source" in p and _https(errs, f"{w}.source", p["source"]) and hosts and not on_hosts(p["source"], hosts):
            errs.add(f"{w}.source", f"{host_of(p['source'])} is not one of the operator's hosts {hosts}")

        for field in ("domains", "legacy_domains"):
            if field not in p:
                continue
            values = p[field]
            if not isinstance(values, list) or (field == "domains" and not values):
                errs.add(f"{w}.{field}", "expected a non-empty list" if field == "domains" else "expected a list")
                continue
            for j, d in enumerate(values):
                dw = f"{w}.{field}[{j}]"
                d = _domain_pattern(errs, dw, d)
                if d is None:
                    continue
                if d in claims:
                    errs.add(dw, f"{d!r} is already claimed at {claims[d]}")
                    continue
                claims[d] = dw
                owner[d] = pid if isinstance(pid, str) else f"provider[{i}]"

        settings = p.get("settings", [])
        if not isinstance(settings, list):
            errs.add(f"{w}.settings", "expected an array of tables")
            settings = []
        for j, s in enumerate(settings):
            sw = f"{w}.settings[{j}]"
            errs.fields(sw, s, SETTING_KEYS, SETTING_REQUIRED)
            for key in ("name", "en"):
                if key in s and (not isinstance(s[key], str) or not s[key].strip()):
                    errs.add(f"{sw}.{key}", "missing or empty")
            if "does" in s:
                _text(errs, f"{sw}.does", s["does"])
            if "role" in s and s["role"] not in ROLES:
                errs.add(f"{sw}.role", f"expected one of {sorted(ROLES)}, got {s['role']!r}")
            secondary = s.get("secondary", False)
            if not isinstance(secondary, bool):
                errs.add(f"{sw}.secondary", "expected true or false")
            if "source" in s and _https(errs, f"{sw}.source", s["source"]) and hosts:
                official = on_hosts(s["source"], hosts)
                if official and secondary:
                    errs.add(f"{sw}.secondary", "the source is the operator's own page: drop secondary")
                if not official and not secondary:
                    errs.add(f"{sw}.source", f"{host_of(s['source'])} is not one of the operator's hosts {hosts}")
        roles = [s.get("role") for s in settings if isinstance(s, dict)]
        for role in set(roles) - {None}:
            if roles.count(role) > 1 and role in ("allowlist", "url-filter", "pc-refusal"):
                errs.add(f"{w}.settings", f"two settings with role {role!r}: name one")
        if "allowlist_unverified" in p:
            _text(errs, f"{w}.allowlist_unverified", p["allowlist_unverified"])
            if "allowlist" in roles:
                errs.add(f"{w}.allowlist_unverified", "the allowlist is named (role = \"allowlist\"): drop this")
            if p.get("category") != "carrier":
                errs.add(f"{w}.allowlist_unverified", "only for carriers")
        if p.get("category") == "carrier" and "allowlist" not in roles and "allowlist_unverified" not in p:
            errs.add(f"{w}.settings", "a carrier needs its allowlist named: a setting with role = \"allowlist\" "
                                      "(or allowlist_unverified saying why no official page names it)")

        steps = p.get("steps")
        if steps is not None:
            if not isinstance(steps, dict):
                errs.add(f"{w}.steps", "expected a table {ja = [...], en = [...]}")
            else:
                lists = {lang: _str_list(errs, f"{w}.steps.{lang}", steps.get(lang), non_empty=True)
                         for lang in LANGS}
                if len({len(v) for v in lists.values()}) > 1:
                    errs.add(f"{w}.steps", "ja and en have a different number of steps")

        facts = p.get("facts", [])
        if not isinstance(facts, list):
            errs.add(f"{w}.facts", "expected an array of tables")
            facts = []
        for j, f in enumerate(facts):
            fw = f"{w}.facts[{j}]"
            errs.fields(fw, f, FACT_KEYS)
            _text(errs, fw, {k: f.get(k) for k in LANGS})
            secondary = f.get("secondary", False)
            if not isinstance(secondary, bool):
                errs.add(f"{fw}.secondary", "expected true or false")
            if "snippet" in f and not (isinstance(f["snippet"], str) and re.fullmatch(r"[a-z0-9-]+", f["snippet"])):
                errs.add(f"{fw}.snippet", "expected a name of lowercase letters, digits and hyphens")
            if _https(errs, f"{fw}.source", f.get("source")) and hosts:
                official = on_hosts(f["source"], hosts)
                if official and secondary:
                    errs.add(f"{fw}.secondary", "the source is the operator's own page: drop secondary")
                if not official and not secondary:
                    errs.add(f"{fw}.source", f"{host_of(f['source'])} is not the operator's: mark it secondary = true")
        if "notes" in p:
            _text(errs, f"{w}.notes", p["notes"])
        if not settings and "notes" not in p:
            errs.add(f"{w}.settings", "no recipient-side setting listed: add one, or a note saying why not")

    # shadowing: an exact domain (or a narrower pattern) under another provider's "*." pattern, or the
    # same provider listing a domain its own pattern already covers
    for d, dw in claims.items():
        body = d[2:] if d.startswith("*.") else d
        labels = body.split(".")
        for k in range(1, len(labels)):
            wild = "*." + ".".join(labels[k:])
            if wild in claims and wild != d:
                if owner[wild] != owner[d]:
                    errs.add(dw, f"{d!r} is shadowed by {owner[wild]}'s {wild!r} ({claims[wild]})")
                else:
                    errs.add(dw, f"{d!r} is redundant: {wild!r} of the same provider already covers it")

    # protected.toml: real domains the typo rule never corrects
    protected_seen: dict[str, str] = {}
    entries = raw.get("protected", {}).get("domain", [])
    if not isinstance(entries, list):
        errs.add("protected.toml#domain", "expected an array of tables [[domain]]")
        entries = []
    for i, e in enumerate(entries):
        d = e.get("domain") if isinstance(e, dict) else None
        w = f"protected.toml#{d if isinstance(d, str) and d else f'domain[{i}]'}"
        if not isinstance(e, dict):
            errs.add(w, "expected a table")
            continue
        errs.fields(w, e, PROTECTED_KEYS, ("domain", "owner"), unknown=UNDOCUMENTED)
        for key in ("owner", "reason"):
            if key in e and (not isinstance(e[key], str) or not e[key].strip()):
                errs.add(f"{w}.{key}", "missing or empty")
        if "source" in e:
            _https(errs, f"{w}.source", e["source"])
        elif "reason" not in e:
            errs.add(f"{w}.reason", "no source: say why the domain is real")
        if d is None:
            continue
        if isinstance(d, str) and d.startswith("*."):
            errs.add(f"{w}.domain", "no \"*.\" pattern: an entry already covers every subdomain")
            continue
        d = _domain_pattern(errs, f"{w}.domain", d)
        if d is None:
            continue
        labels = d.split(".")
        if labels[-1] == "jp" and len(labels) == 2 and labels[0] in JP_SLDS:
            errs.add(f"{w}.domain", f"{d!r} is a public suffix, not a domain")
        if d in protected_seen:
            errs.add(f"{w}.domain", f"duplicate of {protected_seen[d]}")
        protected_seen[d] = w
        for c, cw in claims.items():
            body = c[2:] if c.startswith("*.") else c
            if body == d or body.endswith("." + d):
                errs.add(f"{w}.domain", f"covers {owner[c]}'s {c!r} ({cw}): a provider domain is never a typo anyway")
            elif d.endswith("." + body) and c.startswith("*."):
                errs.add(f"{w}.domain", f"under {owner[c]}'s {c!r} ({cw}): it is that provider's")
    for a in protected_seen:
        for b in protected_seen:
            if a != b and a.endswith("." + b):
                errs.add(f"{protected_seen[a]}.domain", f"redundant: {b!r} already covers it")

    # messages/findings.toml
    for code, m in raw.get("messages", {}).items():
        w = f"messages/findings.toml#{code}"
        if not ID_RE.match(code):
            errs.add(w, "finding code must be lowercase [a-z0-9-]+ (it is a URL anchor)")
        if not isinstance(m, dict):
            errs.add(w, "expected a table")
            continue
        errs.fields(w, m, MESSAGE_KEYS)
        if m.get("severity") not in SEVERITIES:
            errs.add(f"{w}.severity", f"expected one of {sorted(SEVERITIES)}, got {m.get('severity')!r}")
        for key in ("title", "message", "explain"):
            _text(errs, f"{w}.{key}", m.get(key))
        if "retired" in m:
            _text(errs, f"{w}.retired", m["retired"])
        if "page" in m:
            page = m["page"]
            path = page.split("#", 1)[0] if isinstance(page, str) else None
            ok = path is not None and (path in paths or (
                path.startswith("providers/") and path.count("/") == 2 and path.split("/")[1] in prov_ids))
            if not ok:
                errs.add(f"{w}.page", f"{page!r} is not a path of the URL map in ARCHITECTURE.md "
                                      "(relative to the site root, e.g. \"carrier-mail/\")")

    # messages/<shell>.toml: interface strings
    for key, v in raw.get("ui", {}).items():
        stem, _, name = key.partition(".")
        _text(errs, f"messages/{stem}.toml#{name}", v)
    if "receivers" in raw or "sender" in raw:
        validate_sender(raw, errs)
    return list(errs)


RECEIVER_KEYS = {"id", "name", "provider", "source", "rule"}
RULE_KEYS = {"when", "verdict", "finding", "source", "secondary", "since", "bulk"}
RECEIVER_IDS = {"docomo", "au", "softbank", "ymobile", "gmail", "yahoo-japan", "outlook"}


def validate_sender(raw: dict[str, Any], errs: Errors) -> None:
    """receivers.toml and messages/sender.toml (issue 11): every rule's condition is one the code knows, every
    finding it names exists, every source is an https URL, every message is complete in both languages."""
    from checker.sender.receivers import CONDITIONS, VERDICTS

    msgs = raw.get("sender")
    if not isinstance(msgs, dict) or not msgs:
        errs.add("messages/sender.toml", "missing")
        msgs = {}
    for code, m in msgs.items():
        w = f"messages/sender.toml#{code}"
        if not ID_RE.match(code):
            errs.add(w, "code must be lowercase words joined by '-'")
        errs.fields(w, m, MESSAGE_KEYS - {"page", "retired"}, MESSAGE_KEYS - {"page", "retired"}, UNDOCUMENTED)
        if m.get("severity") not in SEVERITIES:
            errs.add(f"{w}.severity", f"expected one of {sorted(SEVERITIES)}, got {m.get('severity')!r}")
        for key in ("title", "message", "explain"):
            _text(errs, f"{w}.{key}", m.get(key))
    receivers = raw.get("receivers", {}).get("receiver")
    if not isinstance(receivers, list):
        errs.add("receivers.toml#receiver", "missing")
        return
    prov_ids = {p.get("id") for p in raw.get("providers", {}).get("provider", [])}
    ids = [r.get("id") for r in receivers]
    if set(ids) != RECEIVER_IDS or len(ids) != len(set(ids)):
        errs.add("receivers.toml#receiver", f"expected each of {sorted(RECEIVER_IDS)} once, got {ids}")
    for r in receivers:
        w = f"receivers.toml#{r.get('id')}"
        errs.fields(w, r, RECEIVER_KEYS, RECEIVER_KEYS - {"rule"}, UNDOCUMENTED)
        _text(errs, f"{w}.name", r.get("name"))
        _https(errs, f"{w}.source", r.get("source"))
        if r.get("provider") not in prov_ids:
            errs.add(f"{w}.provider", f"{r.get('provider')!r} is not a provider id of providers.toml")
        for i, rule in enumerate(r.get("rule", [])):
            rw = f"{w}.rule[{i}]"
            errs.fields(rw, rule, RULE_KEYS, {"when", "verdict", "finding", "source"}, UNDOCUMENTED)
            when = rule.get("when")
            if not isinstance(when, list) or not when:
                errs.add(f"{rw}.when", "expected a non-empty list of conditions")
            else:
                for c in when:
                    if c not in CONDITIONS:
                        errs.add(f"{rw}.when", f"unknown condition {c!r} (known: {sorted(CONDITIONS)})")
            if rule.get("verdict") not in VERDICTS:
                errs.add(f"{rw}.verdict", f"expected one of {list(VERDICTS)}, got {rule.get('verdict')!r}")
            if rule.get("finding") not in msgs:
                errs.add(f"{rw}.finding", f"{rule.get('finding')!r} is not a code of messages/sender.toml")
            _https(errs, f"{rw}.source", rule.get("source"))
            if "since" in rule and not re.fullmatch(r"\d{4}-\d{2}(?:-\d{2})?", str(rule["since"])):
                errs.add(f"{rw}.since", f"expected YYYY-MM or YYYY-MM-DD, got {rule['since']!r}")
            for flag in ("secondary", "bulk"):
                if flag in rule and not isinstance(rule[flag], bool):
                    errs.add(f"{rw}.{flag}", "expected true or false")


# ----------------------------------------------------------------------------------------- the shipped data

@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return read_raw()


def test_shipped_data_is_valid(raw: dict[str, Any]) -> None:
    errors = validate(raw)
    assert not errors, f"{len(errors)} data error(s):\n  " + "\n  ".join(errors)


def test_shipped_data_parses_and_references_resolve(raw: dict[str, Any]) -> None:
    data = parse(raw["levels"], raw["categories"], raw["providers"], raw["messages"], raw["ui"], raw["protected"])
    assert data.protected and all(data.lookup(d) is None for d in data.protected)
    assert data.levels_note is not None
    for p in data.providers:
        assert p.category in data.categories
        assert data.level_for(p.level) is not None
        assert p.steps("ja") and len(p.steps("ja")) == len(p.steps("en"))
        for d in p.all_domains:
            probe = d[2:] if d.startswith("*.") else d
            if d.startswith("*."):
                probe = "x." + probe
            assert data.lookup(probe) is p, (p.id, d)
    for c in data.categories.values():
        assert data.level_for(c.level) is not None


def test_shipped_sender_data_is_complete(raw: dict[str, Any]) -> None:
    """The sender data is present and every code the core can emit has a message (and nothing else)."""
    import ast

    assert raw.get("receivers") and raw.get("sender")
    errs = Errors()
    validate_sender(raw, errs)
    assert not errs, errs
    source = (ROOT / "checker" / "sender" / "domain.py").read_text(encoding="utf-8")
    emitted = {n.args[0].value for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call)
               and isinstance(n.func, ast.Attribute) and n.func.attr == "add" and n.args
               and isinstance(n.args[0], ast.Constant)}
    used = emitted | {rule["finding"] for r in raw["receivers"]["receiver"] for rule in r.get("rule", [])}
    assert used == set(raw["sender"]), sorted(map(str, used ^ set(raw["sender"])))


@pytest.mark.parametrize("path, value, expected", [
    (("receivers", "receiver", 0, "rule", 0, "when"), ["dmarc-absent"], "unknown condition 'dmarc-absent'"),
    (("receivers", "receiver", 0, "rule", 0, "verdict"), "invalid", "verdict: expected one of"),
    (("receivers", "receiver", 0, "rule", 0, "finding"), "nope", "'nope' is not a code"),
    (("receivers", "receiver", 0, "rule", 0, "source"), "http://x.example/", "not an https URL"),
    (("receivers", "receiver", 0, "provider"), "docomo2", "not a provider id"),
    (("receivers", "receiver", 0, "id"), "dokomo", "expected each of"),
    (("sender", "spf-none", "message"), {"ja": "{domain}", "en": "x"}, "placeholders differ"),
])
def test_sender_validator_fails_on_broken_data(raw: dict[str, Any], path: tuple[Any, ...], value: Any,
                                               expected: str) -> None:
    broken = copy.deepcopy(raw)
    target: Any = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    errs = Errors()
    validate_sender(broken, errs)
    assert any(expected in e for e in errs), errs


def test_url_map_is_read_from_architecture() -> None:
    paths = url_map_paths()
    assert {"", "findings/", "carrier-mail/", "providers/", "checker/"} <= paths


# ----------------------------------------------------------------------------------------- the validator fails

PATHS = {"", "carrier-mail/", "findings/", "providers/"}


def _good() -> dict[str, Any]:
    t = lambda s: {"ja": s + "（ja）", "en": s}  # noqa: E731
    return {
        "levels": {"note": t("model"), "level": [
            {"levels": [10, 9, 8], "name": t("a"), "summary": t("a"), "refuses": []},
            {"levels": [7, 6, 5, 4], "name": t("b"), "summary": t("b"), "refuses": ["typical-spam"]},
            {"levels": [3, 2, 1], "name": t("c"), "summary": t("c"), "refuses": ["everything"]},
        ]},
        "categories": {"category": [
            {"id": cid, "name": t(cid), "level": 7, "levels": [7], "summary": t(cid)}
            for cid in ("carrier", "free", "provider", "domain", "unknown")
        ]},
        "providers": {"provider": [
            {"id": "acme", "name": t("Acme"), "category": "carrier", "domains": ["acme.ne.jp", "*.acme.jp"],
             "hosts": ["acme.co.jp"], "source": "https://www.acme.co.jp/help/",
             "settings": [{"name": "受信リスト", "en": "list", "does": t("x"), "role": "allowlist",
                           "source": "https://www.acme.co.jp/help/list/"}],
             "steps": {"ja": ["一"], "en": ["one"]},
             "facts": [{"ja": "事実", "en": "fact", "source": "https://blog.example.com/", "secondary": True}]},
            {"id": "beta", "name": t("Beta"), "category": "free", "domains": ["beta.com"],
             "hosts": ["beta.com"], "source": "https://beta.com/help", "steps": {"ja": ["一"], "en": ["one"]},
             "notes": t("no settings verified")},
        ]},
        "messages": {"typo": {"severity": "warning", "title": t("Typo"), "message": t("Did you mean {s}?"),
                              "explain": t("e"), "page": "carrier-mail/"}},
        "ui": {"cli.usage": t("usage")},
        "protected": {"domain": [
            {"domain": "acme.co.jp", "owner": "Acme Inc.", "source": "https://www.acme.co.jp/",
             "reason": "the company's own domain"},
            {"domain": "beta.ne.jp", "owner": "Beta", "reason": "seen in bounces"},
        ]},
    }


def test_good_fixture_is_valid() -> None:
    assert validate(_good(), url_paths=PATHS) == []


def _set(doc: dict[str, Any], path: str, value: Any) -> None:
    """Set (or with value ``...`` delete) a dotted/indexed path such as providers.provider.0.source."""
    *head, last = path.split(".")
    node: Any = doc
    for part in head:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if value is ...:
        del node[int(last) if isinstance(node, list) else last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


BROKEN = [
    ("providers.provider.0.source", "http://www.acme.co.jp/help/", "providers.toml#acme.source: not an https"),
    ("providers.provider.0.settings.0.source", "http://www.acme.co.jp/x", "providers.toml#acme.settings[0].source"),
    ("providers.provider.0.settings.0.source", "https://blog.example.com/x", "not one of the operator's hosts"),
    ("providers.provider.0.facts.0.secondary", ..., "mark it secondary = true"),
    ("providers.provider.1.id", "acme", "providers.toml#acme.id: duplicate id"),
    ("providers.provider.1.id", "Beta", "id must be lowercase"),
    ("providers.provider.1.domains", ["acme.ne.jp"],
     "'acme.ne.jp' is already claimed at providers.toml#acme.domains[0]"),
    ("providers.provider.1.domains", ["mail.acme.jp"], "shadowed by acme's '*.acme.jp'"),
    ("providers.provider.0.domains", ["acme.ne.jp", "*.acme.jp", "x.acme.jp"], "redundant"),
    ("providers.provider.1.domains", ["Beta.com"], "lowercase"),
    ("providers.provider.1.domains", ["beta"], "not a domain"),
    ("providers.provider.1.domains", [], "providers.toml#beta.domains: expected a non-empty list"),
    ("providers.provider.1.category", "domain", "providers.toml#beta.category: unknown provider category"),
    ("providers.provider.1.level", 4, "providers.toml#beta.level_reason: a level override needs a reason"),
    ("providers.provider.1.source", ..., "providers.toml#beta.source: missing"),
    ("providers.provider.1.colour", "red", "providers.toml#beta.colour: unknown field"),
    ("providers.provider.1.steps", {"ja": ["一", "二"], "en": ["one"]}, "different number of steps"),
    ("providers.provider.1.name", {"ja": "ベータ", "en": ""}, "providers.toml#beta.name.en: missing or empty"),
    ("providers.provider.0.settings", [], "providers.toml#acme.settings: no recipient-side setting listed"),
    ("providers.provider.0.settings.0.role", ..., "providers.toml#acme.settings: a carrier needs its allowlist named"),
    ("providers.provider.0.settings.0.role", "whitelist", "providers.toml#acme.settings[0].role: expected one of"),
    ("providers.provider.0.settings.0.secondary", True, "the source is the operator's own page: drop secondary"),
    ("providers.provider.0.allowlist_unverified", {"ja": "受信許可", "en": "allow"},
     "role = \"allowlist\"): drop this"),
    ("providers.provider.1.allowlist_unverified", {"ja": "受信許可", "en": "allow"}, "only for carriers"),
    ("messages.typo.retired", {"ja": "廃止", "en": ""}, "messages/findings.toml#typo.retired.en: missing or empty"),
    ("levels.level.1.levels", [7, 6, 5], "levels must cover 10..1 exactly once"),
    ("levels.level.2.levels", [4, 3, 2, 1], "levels must cover 10..1 exactly once"),
    ("levels.level.0.refuses", ["attachments"], "unknown refusal kind"),
    ("levels.note", ..., "levels.toml#note: missing"),
    ("categories.category.3", ..., "missing category 'domain'"),
    ("categories.category.4", ..., "missing category 'unknown'"),
    ("categories.category.2.levels", [8], "categories.toml#provider.level: 7 is not within levels [8]"),
    ("categories.category.0.level", 11, "categories.toml#carrier.level"),
    ("messages.typo.severity", "fatal", "messages/findings.toml#typo.severity"),
    ("messages.typo.message", {"ja": "{s} ですか？", "en": "Did you mean {suggestion}?"}, "placeholders differ"),
    ("messages.typo.explain", {"ja": "説明"}, "messages/findings.toml#typo.explain.en: missing or empty"),
    ("messages.typo.page", "/nowhere/", "is not a path of the URL map"),
    ("ui.cli.usage", {"ja": "使い方", "en": " "}, "messages/cli.toml#usage.en: missing or empty"),
    ("protected.domain.0.source", "http://www.acme.co.jp/", "protected.toml#acme.co.jp.source: not an https"),
    ("protected.domain.1.reason", ..., "protected.toml#beta.ne.jp.reason: no source"),
    ("protected.domain.1.owner", ..., "protected.toml#beta.ne.jp.owner: missing"),
    ("protected.domain.1.domain", "acme.co.jp", "duplicate of protected.toml#acme.co.jp"),
    ("protected.domain.1.domain", "x.acme.co.jp", "redundant: 'acme.co.jp' already covers it"),
    ("protected.domain.1.domain", "acme.ne.jp", "covers acme's 'acme.ne.jp'"),
    ("protected.domain.1.domain", "ne.jp", "is a public suffix"),
    ("protected.domain.1.domain", "mail.acme.jp", "under acme's '*.acme.jp'"),
    ("protected.domain.1.domain", "*.beta.ne.jp", "no \"*.\" pattern"),
    ("protected.domain.1.domain", "Beta.ne.jp", "lowercase"),
    ("protected.domain.1.colour", "red", "protected.toml#beta.ne.jp.colour: unknown field"),
]


@pytest.mark.parametrize(("path", "value", "expected"), BROKEN, ids=[b[2][:50] for b in BROKEN])
def test_validator_reports_a_broken_fixture(path: str, value: Any, expected: str) -> None:
    doc = _good()
    if path.startswith("ui."):
        doc["ui"][path[3:]] = value
    else:
        _set(doc, path, value)
    errors = validate(doc, url_paths=PATHS)
    assert any(expected in e for e in errors), errors


def test_placeholder_exceptions_are_narrow() -> None:
    doc = _good()
    doc["ui"]["core.setting"] = {"ja": "「{name}」", "en": "“{en}” ({name})"}        # the documented exception
    assert validate(doc, url_paths=PATHS) == []
    doc["ui"]["core.setting"] = {"ja": "「{name}」", "en": "“{gloss}” ({name})"}     # anything else still fails
    assert any("placeholders differ" in e for e in validate(doc, url_paths=PATHS))
    doc["ui"]["cli.other"] = {"ja": "「{name}」", "en": "“{en}” ({name})"}           # same shape, other key
    assert any(e.startswith("messages/cli.toml#other") for e in validate(doc, url_paths=PATHS))


def test_validator_accumulates_every_error() -> None:
    doc = copy.deepcopy(_good())
    doc["providers"]["provider"][0]["source"] = "http://acme.co.jp/"
    doc["providers"]["provider"][1]["id"] = "acme"
    doc["messages"]["typo"]["severity"] = "fatal"
    errors = validate(doc, url_paths=PATHS)
    assert len(errors) >= 3
    assert {e.split(":", 1)[0] for e in errors} >= {
        "providers.toml#acme.source", "providers.toml#acme.id", "messages/findings.toml#typo.severity"}


if __name__ == "__main__":  # `python tests/test_data_schema.py`: list every data error, exit 1 if any
    import sys

    found = validate(read_raw())
    print("\n".join(found) if found else "checker/data: no errors")
    sys.exit(1 if found else 0)


# ----------------------------------------------------------------------------------------- bounces.toml

#: reasons a report can give besides those with rules (checker/message/: success, auto-reply, complaint, fallbacks)
BOUNCE_EXTRA_REASONS = {"delivered", "vacation", "feedback", "onhold", "undefined", "badreputation"}


def _pattern_errors(where: str, patterns: Iterable[str]) -> list[str]:
    """A bounce phrase list's errors: a ``re:`` pattern must compile, any other be lowercase and not empty."""
    errs = []
    for p in patterns:
        if p.startswith("re:"):
            try:
                re.compile(p[3:])
            except re.error as exc:
                errs.append(f"{where}: bad regex {p!r}: {exc}")
        elif p != p.lower() or not p.strip():
            errs.append(f"{where}: pattern {p!r} must be lowercase and not empty")
    return errs


def validate_bounces(doc: dict[str, Any], ui: dict[str, Any], providers_ids: set[str] | None = None) -> list[str]:
    """Every error of checker/data/bounces.toml (the rules of checker.message) and of its strings."""
    import re as _re

    errs: list[str] = []
    order = doc.get("order", [])
    reasons = doc.get("reason", {})
    if sorted(order) != sorted(reasons):
        errs.append(f"bounces.toml#order: must list each [reason.*] once (order {sorted(set(order) ^ set(reasons))})")
    for rid, r in reasons.items():
        for key in set(r) - {"strong", "weak", "patterns"}:
            errs.append(f"bounces.toml#reason.{rid}.{key}: unknown key")
        for code in list(r.get("strong", [])) + list(r.get("weak", [])):
            if not _re.fullmatch(r"[245]\.\d{1,3}\.\d{1,3}", code):
                errs.append(f"bounces.toml#reason.{rid}: {code!r} is not a status code")
        errs += _pattern_errors(f"bounces.toml#reason.{rid}", r.get("patterns", []))
    for rid in doc.get("generic", {}):
        if rid not in reasons:
            errs.append(f"bounces.toml#generic.{rid}: not a reason")
    for o in doc.get("override", []) + doc.get("receiver", []) + doc.get("vendor", []):
        target = o.get("reason") if "becomes" not in o else o["becomes"]
        if target not in reasons and target not in BOUNCE_EXTRA_REASONS:
            errs.append(f"bounces.toml: {target!r} is not a reason")
    commands = {c.get("command") for c in doc.get("command", [])} | {"", "CONN"}
    for n, rc in enumerate(doc.get("receiver", [])):
        w = f"bounces.toml#receiver[{n}]"
        for key in set(rc) - {"name", "hosts", "reason", "command", "contains", "becomes", "since", "until",
                              "finding", "undated", "source", "secondary"}:
            errs.append(f"{w}.{key}: unknown key")
        for key in ("hosts", "reason", "becomes", "source"):
            if not rc.get(key):
                errs.append(f"{w}.{key}: missing")
        whens = [rc["reason"]] if isinstance(rc.get("reason"), str) else list(rc.get("reason", []))
        for rid in whens:
            if rid not in reasons and rid not in BOUNCE_EXTRA_REASONS:
                errs.append(f"{w}.reason: {rid!r} is not a reason")
        for cmd in [rc["command"]] if isinstance(rc.get("command"), str) else list(rc.get("command", [])):
            if cmd not in commands:
                errs.append(f"{w}.command: {cmd!r} is not a command of [[command]] (or \"\")")
        if rc.get("contains", "") != str(rc.get("contains", "")).lower():
            errs.append(f"{w}.contains: must be lowercase")
        for key in ("since", "until"):
            if key in rc and not _re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(rc[key])):
                errs.append(f"{w}.{key}: expected YYYY-MM-DD, got {rc[key]!r}")
        if "since" in rc and "until" in rc and str(rc["since"]) >= str(rc["until"]):
            errs.append(f"{w}: since must come before until")
        for key in ("finding", "undated"):
            if key in rc and f"message.finding-{rc[key]}" not in ui:
                errs.append(f"{w}.{key}: {rc[key]!r} has no finding-{rc[key]} in messages/message.toml")
        if "undated" in rc and not ("since" in rc or "until" in rc):
            errs.append(f"{w}.undated: only for a rule with since or until")
        if not str(rc.get("source", "")).startswith("https://"):
            errs.append(f"{w}.source: must be an https URL")
        if not isinstance(rc.get("secondary", False), bool):
            errs.append(f"{w}.secondary: expected true or false")
    for rid, pats in doc.get("first", {}).items():
        if rid not in reasons:
            errs.append(f"bounces.toml#first: {rid!r} is not a reason")
        errs += _pattern_errors(f"bounces.toml#first.{rid}", pats)
    for n, rh in enumerate(doc.get("rhost", [])):
        w = f"bounces.toml#rhost[{n}]"
        for key in set(rh) - {"name", "source", "domains", "hosts", "status", "patterns"}:
            errs.append(f"{w}.{key}: unknown key")
        if not str(rh.get("source", "")).startswith("https://"):
            errs.append(f"{w}.source: must be an https URL")
        if not (rh.get("domains") or rh.get("hosts")):
            errs.append(f"{w}: needs domains or hosts")
        for rid, codes in rh.get("status", {}).items():
            if rid not in reasons and rid not in BOUNCE_EXTRA_REASONS:
                errs.append(f"{w}.status: {rid!r} is not a reason")
            for code in codes:
                if not _re.fullmatch(r"[245]\.\d{1,3}\.\d{1,3}", code):
                    errs.append(f"{w}.status: {code!r} is not a status code")
        for rid, pats in rh.get("patterns", {}).items():
            if rid not in reasons and rid not in BOUNCE_EXTRA_REASONS:
                errs.append(f"{w}.patterns: {rid!r} is not a reason")
            errs += _pattern_errors(f"{w}.patterns.{rid}", pats)
    for field in ("hard", "not_failed"):
        for rid in doc.get(field, []):
            if rid not in reasons and rid not in BOUNCE_EXTRA_REASONS:
                errs.append(f"bounces.toml#{field}: {rid!r} is not a reason")
    providers = providers_ids if providers_ids is not None else set()
    for n, e in enumerate(doc.get("example", [])):
        w = f"bounces.toml#example[{n}]"
        for key in set(e) - {"provider", "text", "reason", "meaning", "source", "secondary", "command", "status",
                             "action", "date"}:
            errs.append(f"{w}.{key}: unknown key")
        if "date" in e and not _re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(e["date"])):
            errs.append(f"{w}.date: expected YYYY-MM-DD, got {e['date']!r}")
        if providers_ids is not None and e.get("provider") not in providers:
            errs.append(f"{w}.provider: {e.get('provider')!r} is not in providers.toml")
        if e.get("reason") not in reasons and e.get("reason") not in BOUNCE_EXTRA_REASONS:
            errs.append(f"{w}.reason: {e.get('reason')!r} is not a reason")
        if not str(e.get("source", "")).startswith("https://"):
            errs.append(f"{w}.source: must be an https URL")
        m = e.get("meaning", {})
        if not (isinstance(m, dict) and str(m.get("ja", "")).strip() and str(m.get("en", "")).strip()):
            errs.append(f"{w}.meaning: ja and en are required")
    for rid in list(reasons) + sorted(BOUNCE_EXTRA_REASONS):
        for prefix in ("title", "explain", "fix"):
            if f"message.{prefix}-{rid}" not in ui:
                errs.append(f"messages/message.toml#{prefix}-{rid}: missing")
    return errs


def test_shipped_bounce_rules_are_valid(raw: dict[str, Any]) -> None:
    from checker.message.table import read_rules_doc

    errors = validate_bounces(read_rules_doc(), raw["ui"], {p["id"] for p in raw["providers"]["provider"]})
    assert not errors, "\n  ".join(errors)


def test_bounce_validator_reports_errors(raw: dict[str, Any]) -> None:
    from checker.message.table import read_rules_doc

    doc = read_rules_doc()
    doc["reason"]["userunknown"]["strong"] = ["5.1"]
    doc["reason"]["userunknown"]["patterns"] = ["User Unknown", "re:("]
    doc["order"] = doc["order"][1:]
    doc["example"][0]["provider"] = "nowhere"
    doc["example"][1]["source"] = "http://x"
    doc["rhost"][0]["patterns"]["nosuchreason"] = ["x"]
    doc["rhost"][1]["patterns"]["userunknown"] = ["Upper"]
    doc["receiver"][0]["until"] = "March 2025"
    doc["receiver"][0]["finding"] = "nowhere"
    doc["receiver"][1]["command"] = ["DATA", "QUIT"]
    doc["receiver"][1]["when"] = "typo"
    errors = validate_bounces(doc, {k: v for k, v in raw["ui"].items() if k != "message.fix-expired"},
                              {p["id"] for p in raw["providers"]["provider"]})
    for needle in ("'5.1' is not a status code", "must be lowercase", "bad regex", "bounces.toml#order",
                   "message.toml#fix-expired", "'nowhere' is not in providers.toml", "must be an https URL",
                   "'nosuchreason' is not a reason", "pattern 'Upper' must be lowercase",
                   "receiver[0].until: expected YYYY-MM-DD", "'nowhere' has no finding-nowhere",
                   "'QUIT' is not a command", "receiver[1].when: unknown key"):
        assert any(needle in e for e in errors), needle
