"""One voice: the terminology style sheets (docs/style/ja.toml, en.toml) hold for the data, the hand-written
pages and the generated site. Each style sheet maps forbidden variants to the preferred term; an operator's
own label quoted as it is (「...」, “...”, "..."), code in backticks and URLs are exempt, as is the `name` of a
recipient-side setting in providers.toml (the operator's own words)."""
from __future__ import annotations

import html
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
STYLE = ROOT / "docs" / "style"
LANGS = ("ja", "en")


def sheet(lang: str) -> list[tuple[re.Pattern[str], str, str]]:
    doc = tomllib.loads((STYLE / f"{lang}.toml").read_text(encoding="utf-8"))
    return [(re.compile(f), t["preferred"], t["why"]) for t in doc["term"] for f in t["forbidden"]]


_EXEMPT = {
    "ja": re.compile(r"「[^「」\n]*」|`[^`\n]*`|https?://\S+|\]\([^)\s]*\)"),
    "en": re.compile(r"「[^「」\n]*」|“[^”\n]*”|\"[^\"\n]*\"|`[^`\n]*`|https?://\S+|\]\([^)\s]*\)"),
}


def _operator_labels() -> tuple[str, ...]:
    """The recipient-side settings' names in the operators' own words (providers.toml), longest first."""
    doc = tomllib.loads((ROOT / "checker" / "data" / "providers.toml").read_text(encoding="utf-8"))
    names = {s["name"] for p in doc["provider"] for s in p.get("settings", ())}
    return tuple(sorted(names, key=len, reverse=True))


LABELS = _operator_labels()


def violations(text: str, lang: str, rules: list[tuple[re.Pattern[str], str, str]]) -> list[str]:
    plain = _EXEMPT[lang].sub(" ", text)
    for label in LABELS:  # an operator's own label, even where a table shows it without quotes
        plain = plain.replace(label, " ")
    out = []
    for pattern, preferred, _ in rules:
        for m in pattern.finditer(plain):
            start = max(0, m.start() - 20)
            out.append(f"{m.group()!r} -> {preferred!r}: …{plain[start:m.end() + 20]}…")
    return out


def _texts(node: Any, where: str, lang: str | None = None) -> Iterator[tuple[str, str, str]]:
    """(location, language, text) of every string of a parsed TOML document whose language is known:
    the ``ja`` / ``en`` values of a text table (or list), and the documents' other strings only when
    they sit under such a key."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "name" and isinstance(value, str):
                continue  # a recipient-side setting's name: the operator's own words
            yield from _texts(value, f"{where}.{key}", key if key in LANGS else lang)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _texts(value, f"{where}[{i}]", lang)
    elif isinstance(node, str) and lang is not None:
        yield where, lang, node


def data_texts() -> Iterator[tuple[str, str, str]]:
    for path in sorted((ROOT / "checker" / "data").rglob("*.toml")):
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        rel = path.relative_to(ROOT).as_posix()
        if path.parent.name == "messages" and path.stem != "findings":
            for key, value in doc.items():  # flat `key = { ja, en }` (help texts are multi-line strings)
                yield from _texts(value, f"{rel}#{key}")
        else:
            yield from _texts(doc, rel)


@pytest.mark.parametrize("lang", LANGS)
def test_style_sheets_are_well_formed(lang):
    rules = sheet(lang)
    assert len(rules) >= 5
    for pattern, preferred, why in rules:
        assert not pattern.search(preferred) or preferred.startswith("（"), (pattern.pattern, preferred)
        assert why.strip()


def test_the_checker_works_on_a_known_bad_sentence():
    """The scan itself: a variant in the open is found, the same variant quoted as an operator's label is not."""
    ja = sheet("ja")
    assert violations("迷惑メールフォルダを確認し、あなたのドメインを登録します。", "ja", ja)
    assert len(violations("迷惑メールフォルダを確認し、あなたのドメインを登録します。", "ja", ja)) == 2
    assert not violations("Yahoo!メールの「受信箱」と「許可リスト」、`全て`。", "ja", ja)
    en = sheet("en")
    assert violations("In the source article, the surest fix is the allow list.", "en", en)
    assert not violations("the operator calls it “Allow list” (許可リスト)", "en", en)


def test_the_data_speaks_with_one_voice():
    rules = {lang: sheet(lang) for lang in LANGS}
    bad = [f"{where} [{lang}] {v}" for where, lang, text in data_texts() for v in violations(text, lang, rules[lang])]
    assert not bad, f"{len(bad)} term(s) off the style sheets (docs/style/*.toml):\n" + "\n".join(bad)


@pytest.mark.parametrize("lang", LANGS)
def test_the_hand_written_pages_speak_with_one_voice(lang):
    rules = sheet(lang)
    bad = []
    for path in sorted((ROOT / "docs" / lang).rglob("*.md")):
        if path.name == "findings.md" or path.parent.name == "providers":
            continue  # generated from the data (git-ignored), checked through the data and the site
        bad += [f"{path.relative_to(ROOT)}: {v}" for v in violations(path.read_text(encoding="utf-8"), lang, rules)]
    assert not bad, f"{len(bad)} term(s) off docs/style/{lang}.toml:\n" + "\n".join(bad)


_TAGS = re.compile(r"<script.*?</script>|<style.*?</style>|<code.*?</code>|<[^>]+>", re.S)


@pytest.mark.parametrize("lang", LANGS)
def test_the_built_site_speaks_with_one_voice(site_dir, lang):
    rules = sheet(lang)
    pages = [p for p in site_dir.rglob("index.html")
             if (p.relative_to(site_dir).parts[:1] == ("en",)) == (lang == "en")]
    assert len(pages) > 20
    bad = []
    for page in pages:
        raw = page.read_text(encoding="utf-8")
        main = raw.split('<article', 1)[-1].split('</article>', 1)[0]  # the page's own text, not the nav
        text = html.unescape(_TAGS.sub(" ", main))
        bad += [f"{page.relative_to(site_dir)}: {v}" for v in violations(text, lang, rules)]
    assert not bad, f"{len(bad)} term(s) off docs/style/{lang}.toml in site/:\n" + "\n".join(bad[:80])
