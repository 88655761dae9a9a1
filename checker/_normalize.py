"""Character-level checks of one address, before any syntax: what was typed, and what was meant.

One linear pass over the (already trimmed) text classifies every character:

* lone surrogates (text decoded from broken bytes), control characters (C0/C1, DEL, NUL),
  invisible format characters (bidi controls, zero-width spaces, BOM: Unicode category Cf),
  emoji, private-use or unassigned code points, and whitespace inside the address;
* full-width forms typed in a Japanese IME's full-width mode: every character whose Unicode
  compatibility decomposition is ``<wide>`` (＠ ． ｔａｒｏ １２３ and the ideographic space U+3000),
  plus the IME look-alikes 。 ｡ ﹫ and, inside otherwise ASCII text, the long-vowel mark ー / ｰ and
  dash-like characters used for a hyphen;
* look-alikes: a dot/@-separated word that becomes pure ASCII once its Cyrillic, Greek or other
  confusable letters are replaced with the Latin letter they imitate (``dоcomo`` with a Cyrillic о).
  Genuine non-Latin words (``екзампл``, ``郵件``, ``εεττ``) are left alone: a word mixing Latin and
  confusable letters is flagged, a word made only of confusables only when the repaired domain is in
  the data (``ѕоftbаnk.ne.jp``). Compatibility characters whose NFKC form is ASCII (``⒈`` ``;``
  ``𝐚`` ``①``) are look-alikes too.

``scan`` returns what it found and a repaired text (None when no safe repair exists: lone
surrogates or emoji are not guessed away). Pure: no I/O.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

#: IME characters that are not ``<wide>`` forms but are typed for @ and . in full-width mode
_IME_FOLD = {"\u3002": ".", "\uff61": ".", "\ufe6b": "@", "\u3000": ""}
#: dash-like characters typed for "-" (folded only when the rest of the text is ASCII)
_DASHES = frozenset("\u30fc\uff70\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63")

#: confusable letters -> the Latin letter they imitate (lowercase; applied to lowercased words)
_CONFUSABLES = {
    # Cyrillic
    "\u0430": "a", "\u0435": "e", "\u043e": "o", "\u0440": "p", "\u0441": "c", "\u0443": "y",
    "\u0445": "x", "\u0456": "i", "\u0458": "j", "\u0455": "s", "\u04bb": "h", "\u0501": "d",
    "\u051b": "q", "\u051d": "w", "\u043a": "k", "\u0432": "b", "\u0442": "t", "\u043d": "h",
    "\u0457": "i", "\u04cf": "l",
    # Greek
    "\u03bf": "o", "\u03b1": "a", "\u03bd": "v", "\u03c1": "p", "\u03b9": "i", "\u03ba": "k",
    "\u03c5": "u", "\u03c7": "x", "\u03b5": "e", "\u03c4": "t",
    # Latin / Armenian look-alikes
    "\u0131": "i", "\u0261": "g", "\u0578": "n", "\u057d": "u", "\u0585": "o", "\u217c": "l",
}

_SEPARATORS = re.compile(r"([.@])")

_EMOJI_RANGES = ((0x1F000, 0x1FAFF), (0x2600, 0x27BF), (0x2300, 0x23FF), (0x2B00, 0x2BFF),
                 (0x1F1E6, 0x1F1FF), (0xFE0F, 0xFE0F), (0x3030, 0x3030), (0x303D, 0x303D))


@dataclass(frozen=True, slots=True)
class Hit:
    """The first offending character of one kind: the character, its 1-based position, how many."""

    char: str
    position: int
    count: int


@dataclass(frozen=True, slots=True)
class Scan:
    surrogate: Hit | None = None
    control: Hit | None = None
    invisible: Hit | None = None
    emoji: Hit | None = None
    space: Hit | None = None
    unusable: Hit | None = None
    fullwidth: tuple[str, ...] = ()
    lookalike: tuple[str, ...] = ()
    #: the text with the repairs applied (None: nothing to repair, or no safe repair)
    repaired: str | None = None

    @property
    def errors(self) -> bool:
        return bool(self.surrogate or self.control or self.invisible or self.emoji or self.space
                    or self.unusable or self.fullwidth or self.lookalike)


#: the scan of printable ASCII without spaces (nothing found, nothing to repair)
CLEAN = Scan()


def _is_emoji(cp: int, cat: str) -> bool:
    if cat not in ("So", "Sk", "Mn"):  # emoji are symbols (plus skin tones and variation selectors)
        return False
    return any(lo <= cp <= hi for lo, hi in _EMOJI_RANGES)


def fold_wide(c: str) -> str | None:
    """The ASCII a full-width / IME character stands for, or None when ``c`` is not one."""
    if c in _IME_FOLD:
        return _IME_FOLD[c]
    if "\uff01" <= c <= "\uff5e":  # the <wide> block: ！..～
        return chr(ord(c) - 0xFEE0)
    return None


def char_name(c: str) -> str:
    """``U+200B ZERO WIDTH SPACE``: a printable description of any character, surrogates included."""
    name = unicodedata.name(c, "") if not ("\ud800" <= c <= "\udfff") else ""
    return f"U+{ord(c):04X} {name}".rstrip()


def scan(text: str, known: Callable[[str], bool] | None = None) -> Scan:
    """Classify every character of ``text`` (trimmed, at most a few KB) in one pass.

    ``known(domain)`` tells whether the data knows a domain (for whole-script look-alikes)."""
    if text.isascii() and text.isprintable() and " " not in text:
        return CLEAN  # the common case: printable ASCII without spaces has nothing to report
    first: dict[str, list] = {}
    wide: list[str] = []
    out: list[str] = []
    repairable = True
    quoted = text.startswith('"')
    closing = _closing_quote(text) if quoted else -1
    dashes = False
    compat: list[str] = []
    for i, c in enumerate(text):
        cp = ord(c)
        kind = None
        if cp < 0x80:
            if cp < 0x20 or cp == 0x7F:
                kind = "control"
            elif c == " " and not (quoted and i < closing):
                kind = "space"
            else:
                out.append(c)
                continue
        elif 0xD800 <= cp <= 0xDFFF:
            kind = "surrogate"
        elif c in _DASHES:
            dashes = True
            out.append(c)
            continue
        else:
            folded = fold_wide(c)
            if folded is not None:
                wide.append(c)
                out.append(folded)
                continue
            cat = unicodedata.category(c)
            if cat == "Cc":
                kind = "control"
            elif cat == "Cf":
                kind = "invisible"
            elif cat in ("Zs", "Zl", "Zp"):
                kind = "space"
            elif _is_emoji(cp, cat):
                kind = "emoji"
            elif cat in ("Co", "Cn"):
                kind = "unusable"
            elif not unicodedata.decomposition(c):
                out.append(c)  # no compatibility mapping: an ordinary letter of its script
                continue
            else:
                n = unicodedata.normalize("NFKC", c)
                if n != c and n.isascii():  # ⒈ ; ` 𝐚 ① ...: compatibility look-alikes of ASCII
                    compat.append(c)
                    out.append(n)
                    continue
                out.append(c)
                continue
        hit = first.get(kind)
        if hit is None:
            first[kind] = [c, i + 1, 1]
        else:
            hit[2] += 1
        if kind in ("surrogate", "emoji", "unusable"):
            repairable = False
    repaired = "".join(out)
    if dashes and repaired.translate({ord(d): None for d in _DASHES}).isascii():
        wide.extend(c for c in repaired if c in _DASHES)
        repaired = "".join("-" if c in _DASHES else c for c in repaired)
    look, repaired = _lookalikes(repaired, known)
    look = tuple(dict.fromkeys(compat + list(look)))
    hits = {k: Hit(v[0], v[1], v[2]) for k, v in first.items()}
    changed = repaired != text
    return Scan(
        surrogate=hits.get("surrogate"), control=hits.get("control"), invisible=hits.get("invisible"),
        emoji=hits.get("emoji"), space=hits.get("space"), unusable=hits.get("unusable"),
        fullwidth=tuple(dict.fromkeys(wide)), lookalike=look,
        repaired=repaired if (changed and repairable) else None,
    )


def _closing_quote(text: str) -> int:
    """Index of the quote that closes a quoted local part starting at 0 (or len(text))."""
    i = 1
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == '"':
            return i
        i += 1
    return n


def _lookalikes(text: str, known: Callable[[str], bool] | None) -> tuple[tuple[str, ...], str]:
    """Look-alike words (split on . and @): returns the confusable characters and the repaired text.

    A word mixing ASCII letters with confusables (``dоcomo``) is always a look-alike. A word made
    only of confusables (``рау``: Cyrillic р а у) is a look-alike only when the repaired domain is one
    the data knows: whole-script words are normal in their own language (``εεττ.gr``)."""
    if text.isascii():
        return (), text
    parts = _SEPARATORS.split(text)
    mixed: list[str] = []
    whole: list[str] = []
    out_mixed = list(parts)
    out_all = list(parts)
    for idx, w in enumerate(parts):
        if w in (".", "@") or w.isascii():
            continue
        if not all(ch.isascii() or ch.lower() in _CONFUSABLES for ch in w):
            continue
        fixed = "".join(ch if ch.isascii() else _CONFUSABLES[ch.lower()] for ch in w)
        confusables = [ch for ch in w if not ch.isascii()]
        out_all[idx] = fixed
        if any(ch.isascii() and ch.isalpha() for ch in w):
            mixed.extend(confusables)
            out_mixed[idx] = fixed
        else:
            whole.extend(confusables)
    if whole and known is not None:
        repaired = "".join(out_all)
        domain = repaired.rpartition("@")[2].lower()
        domain = domain[:-1] if domain.endswith(".") else domain
        if domain.isascii() and "." in domain and known(domain):
            return tuple(dict.fromkeys(mixed + whole)), repaired
    return tuple(dict.fromkeys(mixed)), "".join(out_mixed)
