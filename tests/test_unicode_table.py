"""The frozen Unicode table (checker/address/unicode_table.py, scripts/gen_unicode_table.py): it is what the
script makes, the scan reads it instead of the running unicodedata, and characters assigned after its
version get the same answer on every Python."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from helpers_core import load_script

from checker import check
from checker.address import normalize as _normalize
from checker.address import unicode_table as _unicode_table

ROOT = Path(__file__).resolve().parent.parent


def _script():
    return load_script("gen_unicode_table")


HOST_IS_TABLE_VERSION = unicodedata.unidata_version == _unicode_table.UNICODE_VERSION


def test_table_version_is_the_oldest_supported_python():
    # requires-python >= 3.11, whose unicodedata is 14.0.0: no supported Python knows less
    assert _unicode_table.UNICODE_VERSION == "14.0.0"
    assert "requires-python = \">=3.11\"" in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


@pytest.mark.skipif(not HOST_IS_TABLE_VERSION,
                    reason=f"this Python has Unicode {unicodedata.unidata_version}; the table is "
                           f"{_unicode_table.UNICODE_VERSION} (regenerate it with Python 3.11)")
def test_file_is_what_the_script_makes():
    assert (ROOT / "checker" / "address" / "unicode_table.py").read_text(encoding="utf-8") == _script().render()


def _reference(cp: int) -> tuple[str, str | None]:
    """What the scan used to ask unicodedata directly: (class, compatibility ASCII)."""
    c = chr(cp)
    cat = unicodedata.category(c)
    cls = {"Cc": "c", "Cf": "f", "Zs": "z", "Zl": "z", "Zp": "z", "Co": "u", "Cn": "u", "Cs": "x",
           "So": "s", "Sk": "s", "Mn": "s"}.get(cat, "o")
    n = unicodedata.normalize("NFKC", c) if unicodedata.decomposition(c) else c
    return cls, (n if n != c and n.isascii() else None)


def test_table_agrees_with_unicodedata_for_every_code_point_it_knows():
    """Every code point from U+0080: same class, same compatibility form, same name, as this Python's
    unicodedata says, except characters this Python assigned after the table's version."""
    differ = []
    for cp in range(0x80, 0x110000):
        cls = _normalize.ucd_kind(cp)
        ref_cls, ref_compat = _reference(cp)
        if cls == "u" and ref_cls != "u" and not HOST_IS_TABLE_VERSION:
            continue  # assigned after the table's version: unassigned for the checker
        if (cls, _normalize.compat_ascii(cp)) != (ref_cls, ref_compat):
            differ.append(hex(cp))
        if cls in ("f", "z") and _normalize.char_name(chr(cp)) != f"U+{cp:04X} {unicodedata.name(chr(cp))}":
            differ.append(f"name {cp:X}")
    assert not differ, differ[:20]


@pytest.mark.parametrize("char, code", [
    ("\U0001ccf5", "unusable-char"),  # OUTLINED DIGIT FIVE, Unicode 16.0: NFKC "5" there, unknown here
    ("\u2427", "unusable-char"),      # SYMBOL FOR DELETE SQUARE CHECKER BOARD FORM, Unicode 16.0
    ("\U00010d40", "unusable-char"),  # GARAY VOWEL SIGN A, Unicode 16.0
    ("\U0001fa89", "unusable-char"),  # HARP (emoji), Unicode 16.0
    ("\u31e4", "unusable-char"),      # CJK STROKE HXG, Unicode 16.0
    ("\U0001fae8", "unusable-char"),  # SHAKING FACE (emoji), Unicode 15.0: after the table too
    ("\U0001f42a", "emoji"),          # DROMEDARY CAMEL, Unicode 6.0
    ("\u2460", "lookalike"),          # CIRCLED DIGIT ONE -> 1
    ("\U0001d41a", "lookalike"),      # MATHEMATICAL BOLD SMALL A -> a
    ("\u200b", "invisible-char"),
    ("\u00a0", "space"),
])
def test_characters_newer_than_the_table_are_unassigned_everywhere(char, code):
    r = check(f"ta{char}ro@example.jp", lang="en")
    codes = [f.code for f in r.findings]
    assert code in codes, codes
    assert r.verdict == "invalid"


def test_names_come_from_the_table():
    r = check("ta\u200bro@example.jp", lang="en")
    assert "U+200B ZERO WIDTH SPACE" in r.findings[0].message
    r = check("ta\U0001ccf5ro@example.jp", lang="en")  # no name: unassigned for the checker
    assert "U+1CCF5," in r.findings[0].message
