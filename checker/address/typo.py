"""Japan-aware domain typo suggestions. Pure; deterministic; candidates come only from the data.

Popular suggesters (mailcheck, email-spell-checker) compare the typed domain with a list of global
domains and public suffixes, and so "correct" real Japanese domains: ``docomo.ne.jp`` becomes
``docomo.co.jp`` because ``co.jp`` is on their list. This module is built the other way round:

1. A domain that the data knows (an exact domain of any provider, or anything under a ``*.``
   pattern, such as ``xyz.ocn.ne.jp``) is never corrected; nor is a real domain listed in
   ``data/protected.toml`` or anything under it: company domains that look like a provider domain
   with another second-level domain (``softbank.co.jp`` is SoftBank's own, not ``softbank.ne.jp``),
   and real mail domains the data does not classify (``yahoo.ne.jp``, Y!mobile mail, is not
   ``yahoo.co.jp``).
2. Top-level domains that do not exist and are typed for ``com`` / ``jp`` are fixed first, for any
   domain: ``.con .cmo .ocm .cpm .comm`` -> ``.com``, ``.jpn .jpp`` -> ``.jp``, and the missing
   dot of Japanese second-level domains ``.cojp .nejp .orjp`` -> ``.co.jp`` ... (``gnail.con``
   becomes ``gnail.com``, then step 4 finds ``gmail.com``). Real TLDs (``.co``, ``.cm``, ``.jo``) are
   only corrected through steps 3-4, towards a known domain.
3. Japanese attribute-type second-level confusion: when ``name.<sld>.jp`` is unknown but ``name`` under
   another of ``co ne or ac ad ed go gr lg`` (or directly under ``.jp``) is a known domain, suggest it
   (``docomo.co.jp`` -> ``docomo.ne.jp``); a missing ``.jp`` after ``.ne`` / ``.or`` is added when
   that gives a known domain (``docomo.ne``; not after ``.co``, a real top-level domain).
4. Japanese habits with endings: a known provider's name followed by ``.jp`` or ``.<sld>.jp`` (``co ne
   or ...``) when the provider's domain has another ending: ``gmail.co.jp`` / ``gmail.jp`` ->
   ``gmail.com``, ``icloud.jp`` -> ``icloud.com``, ``docomo.jp`` -> ``docomo.ne.jp``, ``ezweb.jp`` ->
   ``ezweb.ne.jp``. Only for names of five letters or more that begin exactly one known exact domain
   (``outlook`` has outlook.jp and outlook.com: no suggestion), and never for an operator's own web
   host (``softbank.jp`` is SoftBank's site, not a typo of ``softbank.ne.jp``).
5. Edit distance: Damerau-Levenshtein (optimal string alignment: insertions, deletions,
   substitutions and swaps of neighbours) from the typed domain, or from its last labels for
   subdomain patterns, to every known domain of at least 8 characters, allowing 1 edit below 12
   characters and 2 from 12 on; the first character must match (a different first letter usually
   means a different, real service: ``ymail.com`` is not ``gmail.com``). Shorter known domains
   (``au.com``, ``me.com``, ``mac.com``) are never targets: too many real domains are one edit away.
   Two edits only within the same top-level domain (``hotmail.co.uk`` stays), and no edit inside a
   first label of three letters or fewer (``odn.ne.jp`` is a real ISP, not ``ocn.ne.jp``).
   Two different candidates at the same smallest distance: no suggestion (ambiguous).

Anything else, including every syntactically plausible domain far from all known ones, gets no
suggestion. Everything is bounded: length filters before any distance, banded distance rows.
"""
from __future__ import annotations

from functools import lru_cache

from .._data import Data

JP_SLDS = ("co", "ne", "or", "ac", "ad", "ed", "go", "gr", "lg")
FAKE_TLDS = {
    "con": "com", "cmo": "com", "ocm": "com", "cpm": "com", "comm": "com", "coom": "com",
    "jpn": "jp", "jpp": "jp",
    "cojp": "co.jp", "nejp": "ne.jp", "orjp": "or.jp", "acjp": "ac.jp",
}
MIN_TARGET = 8
LONG = 12
#: shortest provider name the ending rule (step 4) uses: shorter names (au, me, ocn...) are too often
#: another real domain
MIN_BRAND = 5

_Index = tuple[tuple[str, ...], dict[int, list[str]], dict[int, list[str]], dict[str, list[str]]]


@lru_cache(maxsize=8)
def _index(data: Data) -> _Index:
    """Per data set: known domains in data order; exact targets and pattern bases by length; exact domains
    by their first label (the provider's name, for the ending rule)."""
    known: list[str] = []
    exact: dict[int, list[str]] = {}
    bases: dict[int, list[str]] = {}
    brands: dict[str, list[str]] = {}
    for p in data.providers:
        for d in getattr(p, "all_domains", p.domains):
            base = d[2:] if d.startswith("*.") else d
            if base in known and not d.startswith("*."):
                continue
            if base not in known:
                known.append(base)
            if not d.startswith("*."):
                names = brands.setdefault(base.split(".", 1)[0], [])
                if base not in names:
                    names.append(base)
            target = bases if d.startswith("*.") else exact
            if len(base) >= MIN_TARGET:
                target.setdefault(len(base), []).append(base)
    return tuple(known), exact, bases, brands


def is_known(domain: str, data: Data) -> bool:
    return data.lookup(domain) is not None


def distance(a: str, b: str, bound: int) -> int:
    """Optimal-string-alignment distance between a and b, or bound + 1 when it exceeds bound."""
    la, lb = len(a), len(b)
    if abs(la - lb) > bound:
        return bound + 1
    big = bound + 1
    prev2: list[int] | None = None
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        cur = [big] * (lb + 1)
        cur[0] = i
        lo = max(1, i - bound)
        hi = min(lb, i + bound)
        row_min = cur[0] if lo == 1 else big
        ca = a[i - 1]
        for j in range(lo, hi + 1):
            cb = b[j - 1]
            cost = 0 if ca == cb else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            if v < row_min:
                row_min = v
        if row_min > bound:
            return big
        prev2, prev = prev, cur
    return min(prev[lb], big)


def _plausible(domain: str, cand: str, d: int) -> bool:
    """Edits that make a typo rather than another real domain.

    Two edits only within the same top-level domain (hotmail.co.uk is not hotmail.co.jp); no edit
    inside a first label of three letters or fewer (odn.ne.jp is a real ISP, not ocn.ne.jp)."""
    a, b = domain.split("."), cand.split(".")
    if d >= 2 and a[-1] != b[-1]:
        return False
    if len(a) == len(b):
        differing = [i for i in range(len(a)) if a[i] != b[i]]
        if differing == [0] and min(len(a[0]), len(b[0])) <= 3:
            return False
    return True


def _nearest(domain: str, table: dict[int, list[str]]) -> tuple[int, list[str]]:
    best = LONG
    found: list[str] = []
    n = len(domain)
    for length in range(max(MIN_TARGET, n - 2), n + 3):
        for cand in table.get(length, ()):
            if cand[0] != domain[0]:
                continue
            bound = 1 if len(cand) < LONG else 2
            d = distance(domain, cand, bound)
            if d > bound or not _plausible(domain, cand, d):
                continue
            if d < best:
                best, found = d, [cand]
            elif d == best and cand not in found:
                found.append(cand)
    return best, found


def suggest(domain: str, data: Data) -> str | None:
    """A likely intended domain for the ASCII, lowercase ``domain``, or None."""
    if not domain or is_known(domain, data) or data.is_protected(domain):
        return None
    _, exact, bases, brands = _index(data)
    fixed = domain
    head, _, tld = domain.rpartition(".")
    if head and tld in FAKE_TLDS:
        fixed = f"{head}.{FAKE_TLDS[tld]}"
        if is_known(fixed, data):
            return fixed
    labels = fixed.split(".")
    # Japanese second-level confusion: name.co.jp <-> name.ne.jp ...
    if len(labels) >= 3 and labels[-1] == "jp" and labels[-2] in JP_SLDS:
        name = ".".join(labels[:-2])
        for alt in JP_SLDS + ("",):
            if alt == labels[-2]:
                continue
            cand = f"{name}.{alt}.jp" if alt else f"{name}.jp"
            if is_known(cand, data):
                return cand
    if labels[-1] in ("ne", "or") and is_known(fixed + ".jp", data):  # docomo.ne -> docomo.ne.jp
        return fixed + ".jp"
    # a provider's name with a Japanese ending it does not have: gmail.co.jp, icloud.jp, docomo.jp
    if labels[-1] == "jp" and (len(labels) == 2 or (len(labels) == 3 and labels[1] in JP_SLDS)) \
            and len(labels[0]) >= MIN_BRAND:
        names = brands.get(labels[0], ())
        if len(names) == 1 and not data.is_operator_host(fixed):
            return names[0]
    # edit distance to a known exact domain
    best, found = _nearest(fixed, exact)
    # ... or of the last labels to a known pattern base (a.b.ocn.ne.jo -> a.b.ocn.ne.jp)
    if len(labels) > 2:
        longest = max(bases, default=0) + 2
        size = len(fixed)
        for k in range(1, len(labels) - 1):
            size -= len(labels[k - 1]) + 1
            if size > longest:
                continue
            if size < MIN_TARGET - 2:
                break
            tail = ".".join(labels[k:])
            d, cands = _nearest(tail, bases)
            prefix = ".".join(labels[:k]) + "."
            if cands and d <= best:
                full = [prefix + c for c in cands]
                if d < best:
                    best, found = d, full
                else:
                    found.extend(f for f in full if f not in found)
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        return None
    return fixed if fixed != domain else None
