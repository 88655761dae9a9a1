"""scripts/gen_docs.py: the guide's generated Markdown comes from the data, completely and deterministically."""
from __future__ import annotations

import dataclasses
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import gen_docs  # noqa: E402
from widget import SNIPPETS  # noqa: E402

from checker._data import LANGS, default_data  # noqa: E402


@pytest.fixture(scope="module")
def data():
    return default_data()


@pytest.fixture(scope="module")
def files(data):
    return gen_docs.outputs(data, SNIPPETS)


def _body(text: str) -> str:
    """The text after the YAML front matter (if any)."""
    if text.startswith("---\n"):
        return text.split("\n---\n", 1)[1]
    return text


def test_every_file_starts_with_the_generated_marker(files):
    assert files
    for rel, text in files.items():
        assert _body(text).startswith(gen_docs.MARKER), rel


def test_pages_have_title_and_description(files):
    pages = [rel for rel in files if rel.startswith("docs/")]
    assert pages
    for rel in pages:
        front = files[rel].split("\n---\n", 1)[0]
        assert re.search(r'^title: ".+"$', front, re.M), rel
        assert re.search(r'^description: ".{20,}"$', front, re.M), rel


def test_output_is_deterministic(data, tmp_path):
    a = gen_docs.outputs(data, SNIPPETS)
    b = gen_docs.outputs(default_data(), SNIPPETS)
    assert a == b
    gen_docs.write(tmp_path, a)
    first = {p: p.read_bytes() for p in tmp_path.rglob("*.md")}
    gen_docs.write(tmp_path, b)
    assert {p: p.read_bytes() for p in tmp_path.rglob("*.md")} == first
    assert len(first) == len(a)


def test_one_page_per_provider_per_language_and_nothing_else(data, files):
    for lang in LANGS:
        pages = {rel.rsplit("/", 1)[1][:-3] for rel in files if rel.startswith(f"docs/{lang}/providers/")}
        assert pages == {p.id for p in data.providers} | {"index"}


def test_directory_lists_every_provider_with_domains_and_level(data, files):
    for lang in LANGS:
        text = files[f"docs/{lang}/providers/index.md"]
        for p in data.providers:
            row = next(line for line in text.splitlines() if f"]({p.id}.md)" in line)
            assert p.name.get(lang) in row
            for d in p.domains:  # as code, breakable only after its dots (biz.<wbr>au.<wbr>com)
                assert f"<code>{'.<wbr>'.join(d.split('.'))}</code>" in row
            assert row.rstrip().endswith(f"| {p.level} |")


def test_provider_page_has_settings_in_the_carriers_words_steps_and_sources(data, files):
    for lang in LANGS:
        for p in data.providers:
            # the English pages mark Japanese words with <span lang="ja">: compare the words themselves
            text = re.sub(r'<span lang="ja">(.*?)</span>', r"\1", files[f"docs/{lang}/providers/{p.id}.md"])
            assert f"# {p.name.get(lang)}\n" in text
            for s in p.settings:
                assert f"**{s.name}**" in text  # the operator's own words, in both languages
                assert s.source in text
                if lang == "en":
                    assert s.en in text
            for step in p.steps(lang):
                assert step in text
            assert p.source in text
            assert '--8<-- "checker-widget.md"' in text
            assert "{ #test }" in text


def test_findings_page_has_one_anchor_per_code(data, files):
    assert data.messages
    for lang in LANGS:
        text = files[f"docs/{lang}/findings.md"]
        anchors = re.findall(r"^## .+ \{ #([^ }]+) \}$", text, re.M)
        assert anchors == list(data.messages)
        for m in data.messages.values():
            assert m.title.get(lang) in text


def test_levels_table_covers_10_to_1_and_says_it_is_the_articles_model(data, files):
    for lang in LANGS:
        text = files[f"snippets/{lang}/levels-table.md"]
        rows = [line for line in text.splitlines() if line.startswith("| ") and "**" in line]
        assert len(rows) == len(data.levels)
        covered = set()
        for lv in data.levels:
            covered.update(lv.levels)
            assert any(lv.name.get(lang) in r and lv.summary.get(lang) in r for r in rows)
        assert covered == set(range(1, 11))
        assert data.levels_note is not None and data.levels_note.get(lang) in text
        assert rows[0].startswith("| 10〜8 |")  # strictest last: 10 .. 1


def test_carrier_table_has_every_carrier_setting_and_official_link(data, files):
    carriers = [p for p in data.providers if p.category == "carrier"]
    assert carriers
    for lang in LANGS:
        text = files[f"snippets/{lang}/carrier-table.md"]
        for p in carriers:
            assert f"(providers/{p.id}.md)" in text
            for s in p.settings:
                assert s.name in text and s.source in text
        assert not any(f"(providers/{p.id}.md)" in text for p in data.providers if p.category != "carrier")


def test_widgets_come_from_the_widget_registry(data, files):
    for lang in LANGS:
        for name, fn in SNIPPETS.items():
            assert files[f"snippets/{lang}/{name}"] == f"{gen_docs.MARKER}\n\n{fn(lang, data)}"


def test_a_provider_removed_from_the_data_loses_its_page_and_hand_written_pages_stay(data, tmp_path):
    gen_docs.write(tmp_path, gen_docs.outputs(data, SNIPPETS))
    gone = data.providers[0]
    hand = tmp_path / "docs" / "ja" / "providers" / "hand-written.md"
    hand.write_text("# not generated\n", encoding="utf-8")
    smaller = dataclasses.replace(data, providers=data.providers[1:])
    gen_docs.write(tmp_path, gen_docs.outputs(smaller, SNIPPETS))
    for lang in LANGS:
        assert not (tmp_path / "docs" / lang / "providers" / f"{gone.id}.md").exists()
        assert (tmp_path / "docs" / lang / "providers" / f"{data.providers[1].id}.md").exists()
    assert hand.exists()


@pytest.mark.parametrize("page, link", [
    ("", "index.md"), ("carrier-mail/", "carrier-mail.md"), ("carrier-mail/#why", "carrier-mail.md#why"),
    ("providers/", "providers/index.md"), ("providers/docomo/", "providers/docomo.md"),
    ("/levels/#table", "levels.md#table"),
])
def test_finding_page_links(page, link):
    assert gen_docs._page_link(page) == link


def test_cell_escapes_pipes_and_newlines():
    assert gen_docs._cell("a | b\nc") == "a \\| b c"


@pytest.mark.parametrize("lang", LANGS)
def test_every_category_links_its_article_unknown_to_other_companies(data, files, lang):
    """The checker answers ``unknown`` for another company's domain: the guide explains it on the
    domain-mail page's section about other companies (an anchor that exists in both languages)."""
    table = files[f"snippets/{lang}/categories-table.md"]
    for c in data.categories.values():
        assert f"[{c.name.get(lang)}]({gen_docs.CATEGORY_PAGE[c.id]})" in table, c.id
    assert "(domain-mail.md#other-companies)" in table
    prose = (ROOT / "docs" / lang / "domain-mail.md").read_text(encoding="utf-8")
    assert "{ #other-companies }" in prose
    directory = files[f"docs/{lang}/providers/index.md"]
    assert "{ #unknown }" in directory and "(../domain-mail.md#other-companies)" in directory


@pytest.mark.parametrize("lang", LANGS)
def test_audit_columns_table_lists_the_reports_columns_and_codes(data, files, lang):
    """The audit page's column table names each column the report adds, in both languages, with the
    verdicts and exactly the categories the checker can answer (never the sender's own ``domain``)."""
    from checker import check
    from checker.lists.report import OUR_COLUMNS

    table = files[f"snippets/{lang}/audit-columns.md"]
    rows = [ln for ln in table.splitlines() if ln.startswith("| ") and not ln.startswith("|---")][1:]
    assert len(rows) == len(OUR_COLUMNS)
    for row, col in zip(rows, OUR_COLUMNS, strict=True):
        name = data.ui[f"audit.col-{col}"]
        assert name.ja in row and f"`{name.en}`" in row, row
    assert OUR_COLUMNS[:2] == ("verdict", "reply")  # the reply: same vocabulary, its own column
    # the report says them in words of its language (issue 13): the table lists those words
    quote = (lambda w: f"「{w}」") if lang == "ja" else (lambda w: f"“{w}”")
    for verdict in ("deliver", "spam-folder", "at-risk", "block", "invalid"):
        word = quote(data.ui[f"audit.verdict-{verdict}"].get(lang))
        assert word in rows[0] and word in rows[1]
    hosts = ["mail." + d[2:] if d.startswith("*.") else d for d in (p.domains[0] for p in data.providers)]
    answered = {check(f"taro@{h}").category for h in hosts}
    answered.add(check("taro@example.co.jp").category)
    listed = set(re.findall(r"「([^」]+)」" if lang == "ja" else r"“([^”]+)”", rows[2].split("|")[2]))
    assert listed == {data.categories[c].name.get(lang) for c in answered}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_setting_only_a_secondary_page_names_is_not_called_official(data, files, lang):
    page = files[f"docs/{lang}/providers/docomo.md"]
    official, other = data.ui["guide.official-link"].get(lang), data.ui["guide.secondary-link"].get(lang)
    rows = {s.name: next(ln for ln in page.splitlines() if s.name in ln and ln.startswith("|"))
            for s in data.provider("docomo").settings}
    for s in data.provider("docomo").settings:
        assert (f"[{other}]" in rows[s.name]) == s.secondary and (f"[{official}]" in rows[s.name]) != s.secondary
    assert any(s.secondary for s in data.provider("docomo").settings)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_bounce_reference_dates_docomos_unknown_user_and_names_its_sources(data, lang: str) -> None:
    # docomo's "550 Unknown user" changed meaning in March 2025 (bounces.toml [[receiver]]): the page says when,
    # what the customer should check, and that the sources are not docomo's own pages
    page = gen_docs.bounces_page(data, lang)
    japan = page.split("## ", 2)[0]
    needles = {"ja": ("2025年3月12日", "2025年3月13日", "迷惑メールフォルダー", "受信リスト設定",
                      "公式ページでは確かめていません"),
               "en": ("12 March 2025", "13 March 2025", "spam folder", "受信リスト設定", "not checked on docomo's own")}
    for needle in needles[lang]:
        assert needle in japan, needle
    for url in ("https://watch.impress.co.jp/docs/news/1662457.html", "https://github.com/sisimai/go-sisimai/issues/64"):
        assert url in japan
    # both docomo examples: the filter (a bounce before the change) and the missing address
    docomo = page[page.index("{ #docomo }"):]
    docomo = docomo[:docomo.index("\n### ")]
    assert docomo.count("(`filtered`) · `DATA`") == 1 and docomo.count("(`userunknown`) · `RCPT`") == 1
