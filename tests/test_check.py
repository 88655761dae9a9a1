"""Unit tests of the core rules, one group per rule. Fixed fixture data (helpers_core) unless a test
says it uses the real data."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
from helpers_core import fixture_data

from checker import Situation, check, default_data
from checker._data import Data
from checker.address.check import INVALID

D = fixture_data()


def codes(address: str, data: Data = D, **situation) -> list[str]:
    return [f.code for f in check(address, situation=Situation(**situation), data=data).findings]


def run(address: str, lang: str = "ja", data: Data = D, **situation):
    return check(address, situation=Situation(**situation), lang=lang, data=data)


# ---------------------------------------------------------------- API and result shape

def test_public_api_and_json_contract():
    r = run("taro@docomo.ne.jp", lang="en", links=True)
    d = r.to_dict()
    assert list(d) == ["input", "address", "valid", "category", "provider", "level", "verdict",
                       "reply", "findings", "suggestion"]
    assert d["verdict"] == "at-risk" and d["reply"] == "deliver" and d["provider"] == "docomo" and d["level"] == 5
    assert d["findings"][1] == {"code": "carrier-links", "severity": "warning",
                                "message": d["findings"][1]["message"], "url": "/en/findings/#carrier-links"}
    assert dataclasses.is_dataclass(r) and r.__dataclass_params__.frozen
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.verdict = "deliver"  # type: ignore[misc]


def test_url_per_language():
    assert run("", lang="ja").findings[0].url == "/findings/#empty"
    assert run("", lang="en").findings[0].url == "/en/findings/#empty"


def test_programming_errors_raise_clearly():
    with pytest.raises(ValueError):
        check("a@b.jp", lang="fr")
    with pytest.raises(ValueError):
        check("a@b.jp", situation=Situation(level=0))
    with pytest.raises(TypeError):
        check(None)  # type: ignore[arg-type]


def test_default_data_is_used():
    assert check("taro@docomo.ne.jp").provider == "docomo"


# ---------------------------------------------------------------- every finding has its texts

#: findings of the recipient domain's MX answer (check --dns / audit --dns), emitted by with_mx()
DNS_CODES = {"no-such-domain", "null-mx", "dns-unanswered"}


def test_dns_codes_are_emitted_by_the_mx_rule():
    import checker.sender.recipient as recipient
    src = Path(str(recipient.__file__)).read_text(encoding="utf-8")
    assert set(re.findall(r'code = "([a-z0-9-]+)"', src)) == DNS_CODES


def test_every_code_the_core_can_emit_has_messages():
    import checker.address.check as c
    import checker.address.rules as rules
    import checker.address.syntax as syn
    src = "".join(Path(str(m.__file__)).read_text(encoding="utf-8") for m in (c, rules, syn))
    emitted = set(re.findall(r'Issue\(\s*"([a-z0-9-]+)"', src)) | set(INVALID)
    emitted |= {"local-dot-start", "local-dot-end", "local-double-dot"}
    emitted |= DNS_CODES  # check --dns: the recipient domain's MX answer (checker/sender/recipient.py)
    msgs = default_data().messages
    retired = {code for code, m in msgs.items() if m.retired is not None}
    assert retired == {"links-blocked"} and not retired & emitted  # kept for its anchor only
    emitted |= retired
    assert emitted <= set(msgs), emitted - set(msgs)
    assert set(msgs) <= emitted, f"messages for codes never emitted: {set(msgs) - emitted}"
    pages = {"how-mail-works/", "updates/", "levels/", "carrier-mail/", "free-mail/", "provider-mail/",
             "domain-mail/", "providers/", "troubleshooting/", "findings/", "glossary/", "checker/",
             "audit/"}
    for code, m in msgs.items():
        assert m.severity in ("error", "warning", "info"), code
        for lang in ("ja", "en"):
            assert m.title.get(lang) and m.message.get(lang) and m.explain.get(lang).strip(), (code, lang)
            assert "\n" not in m.message.get(lang), f"{code}: message must be one line"
        assert m.page is None or m.page.split("#")[0] in pages, (code, m.page)
        # Japanese texts are Japanese, English texts are not
        assert re.search(r"[\u3040-\u30ff]", m.message.ja), code
        assert not re.search(r"[\u3040-\u309f]", m.message.en), code


# ---------------------------------------------------------------- characters

@pytest.mark.parametrize("address,code,suggestion", [
    ("ｔａｒｏ＠docomo.ne.jp", "fullwidth", "taro@docomo.ne.jp"),
    ("taro@docomo．ne．jp", "fullwidth", "taro@docomo.ne.jp"),
    ("taro　@gmail.com", "fullwidth", "taro@gmail.com"),
    ("ｔａｒｏ１２３@gmail.com", "fullwidth", "taro123@gmail.com"),
    ("taro﹫gmail。com", "fullwidth", "taro@gmail.com"),
    ("taro－yamada@gmail.com", "fullwidth", "taro-yamada@gmail.com"),
    ("taroーyamada@gmail.com", "fullwidth", "taro-yamada@gmail.com"),
    ("taro@dоcomo.ne.jp", "lookalike", "taro@docomo.ne.jp"),        # Cyrillic о
    ("taro@gmаil.com", "lookalike", "taro@gmail.com"),              # Cyrillic а
    ("tаro@gmail.com", "lookalike", "taro@gmail.com"),
    ("taro@gmail.cοm", "lookalike", "taro@gmail.com"),              # Greek ο
    ("ta\u200bro@gmail.com", "invisible-char", "taro@gmail.com"),
    ("\u202etaro@gmail.com", "invisible-char", "taro@gmail.com"),
    ("\ufefftaro@gmail.com", "invisible-char", "taro@gmail.com"),
    ("ta\x00ro@gmail.com", "control-char", "taro@gmail.com"),
    ("ta\nro@gmail.com", "control-char", "taro@gmail.com"),
    ("ta\x85ro@gmail.com", "control-char", "taro@gmail.com"),
    ("taro @gmail.com", "space", "taro@gmail.com"),
    ("taro@gmail.com\u2028x", "space", "taro@gmail.com"),  # then gmail.comx is a typo
])
def test_character_findings_and_repairs(address, code, suggestion):
    r = run(address)
    assert code in [f.code for f in r.findings]
    assert r.verdict == "invalid" and not r.valid and r.address is None
    assert r.suggestion == suggestion


def test_character_messages_name_the_character_and_position():
    m = run("ta\u200bro@gmail.com", lang="en").findings[0].message
    assert "U+200B ZERO WIDTH SPACE" in m and "3" in m
    m = run("ta\x00ro@gmail.com").findings[0].message
    assert "U+0000" in m and "3 文字目" in m
    m = run("ｔａｒｏ＠docomo.ne.jp").findings[0].message
    assert "＠" in m and "ｔ" in m


@pytest.mark.parametrize("address", ["ta\ud800ro@gmail.com", "\udcff@gmail.com", "taro😀@gmail.com",
                                     "😀", "\ud83d"])
def test_unrepairable_characters(address):
    r = run(address)
    assert r.verdict == "invalid" and r.suggestion is None
    assert {f.code for f in r.findings} & {"surrogate", "emoji"}


@pytest.mark.parametrize("address,code,suggestion", [
    ("山田太郎 <taro@docomo.ne.jp>", "display-name", "taro@docomo.ne.jp"),
    ('"Taro" <ｔａｒｏ@gmail.com>', "display-name", "taro@gmail.com"),
    ("mailto:taro@gmail.com", "mailto", "taro@gmail.com"),
    ("MAILTO: taro@gmail.com", "mailto", "taro@gmail.com"),
    ("taro★docomo.ne.jp", "at-replaced", "taro@docomo.ne.jp"),
    ("taro☆gmail.com", "at-replaced", "taro@gmail.com"),
    ("taro(at)gmail.com", "at-replaced", "taro@gmail.com"),
    ("taro [AT] gmail.com", "space", "taro@gmail.com"),
])
def test_pasted_forms(address, code, suggestion):
    r = run(address)
    assert code in [f.code for f in r.findings] and r.verdict == "invalid"
    assert r.suggestion == suggestion


def test_at_marks_only_replace_a_missing_at():
    assert "at-replaced" not in codes("taro★@gmail.com")
    assert "at-replaced" not in codes("★taro★gmail.com")
    assert codes("<>") == ["display-name", "empty"]
    assert codes("mailto:") == ["mailto", "empty"]


def test_genuine_non_latin_is_not_a_lookalike():
    assert codes("юзер@екзампл.ком") == ["utf8-local", "unknown-domain"]
    r = run("user@例え.jp")
    assert r.address == "user@xn--r8jz45g.jp" and r.valid


def test_surrounding_whitespace_and_case():
    r = run("  \tTaro@DOCOMO.NE.JP\u3000\n")
    assert r.address == "Taro@docomo.ne.jp" and r.provider == "docomo" and r.suggestion is None
    assert r.input == "  \tTaro@DOCOMO.NE.JP\u3000\n"


@pytest.mark.parametrize("address", ["taro@docomo.ne.jp.", "  Taro@DOCOMO.NE.JP.  ", "taro@example.co.jp."])
def test_a_trailing_dot_is_accepted_warned_and_suggested_without(address):
    r = run(address)
    plain = address.strip()[:-1]
    assert r.valid and r.address == plain[:plain.index("@")] + plain[plain.index("@"):].lower()
    plain = r.address if plain.lower() == r.address.lower() and plain != r.address else plain
    assert [f.code for f in r.findings][0] == "domain-trailing-dot" and r.verdict == "at-risk"
    assert r.suggestion == plain and plain in r.findings[0].message
    assert "domain-trailing-dot" not in [f.code for f in run(plain).findings]
    assert run("taro@docomo.ne.jp..").verdict == "invalid"  # two dots are no longer a trailing dot


def test_too_long_input_is_not_analysed():
    r = run("a" * 5000 + "@" + "ｂ" * 5000)
    assert [f.code for f in r.findings] == ["too-long"] and r.verdict == "invalid"
    assert "10001" in r.findings[0].message


# ---------------------------------------------------------------- syntax, one code per reason

@pytest.mark.parametrize("address,code", [
    ("taro", "no-at"),
    ("taro@@gmail.com", "multiple-at"),
    ("a@b@gmail.com", "multiple-at"),
    ("@gmail.com", "local-empty"),
    ("taro@", "domain-empty"),
    ("a" * 65 + "@example.jp", "local-too-long"),
    (".taro@example.jp", "local-dot-start"),
    ("taro.@example.jp", "local-dot-end"),
    ("ta..ro@example.jp", "local-double-dot"),
    ("ta(ro)@example.jp", "local-bad-char"),
    ("ta,ro@example.jp", "local-bad-char"),
    ('"taro@example.jp', "quoted-unclosed"),
    ('"ta\\"@example.jp', "quoted-unclosed"),
    ("taro@exa..mple.jp", "domain-dots"),
    ("taro@.example.jp", "domain-dots"),
    ("taro@exa_mple.jp", "domain-bad-char"),
    ("taro@example,jp", "domain-bad-char"),
    ("taro@" + "a" * 64 + ".jp", "domain-label-too-long"),
    ("taro@-example.jp", "domain-hyphen"),
    ("taro@example-.jp", "domain-hyphen"),
    ("taro@localhost", "domain-no-dot"),
    ("taro@example.123", "tld-numeric"),
    ("taro@192.168.0.1", "tld-numeric"),
    ("taro@example.c0m", "tld-invalid"),
    ("taro@example.co-uk", "tld-invalid"),
    ("taro@xn--0.jp", "idna-invalid"),
    ("taro@[300.1.1.1]", "domain-literal-invalid"),
    ("taro@[not-an-ip]", "domain-literal-invalid"),
    ("a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".jp", "too-long"),
])
def test_syntax_errors(address, code):
    r = run(address)
    assert code in [f.code for f in r.findings], r.findings
    assert r.verdict == "invalid" and r.address is None and r.category is None


def test_bad_char_names_character_and_position():
    assert run("ta,ro@example.jp", lang="en").findings[0].message == \
        "Character 3, “,”, is not allowed before the @."
    assert "9" in run("taro@exa_mple.jp", lang="en").findings[0].message


@pytest.mark.parametrize("address,normalized", [
    ("!#$%&'*+-/=?^_`{|}~@example.jp", "!#$%&'*+-/=?^_`{|}~@example.jp"),
    ('"unnecessary"@example.jp', "unnecessary@example.jp"),
    ("taro@EXAMPLE.jp", "taro@example.jp"),
    ("taro@sub.example.jp.", "taro@sub.example.jp"),
    ("taro@xn--r8jz45g.jp", "taro@xn--r8jz45g.jp"),
    ("a" * 64 + "@example.jp", "a" * 64 + "@example.jp"),
])
def test_valid_syntax(address, normalized):
    r = run(address)
    assert r.valid and r.address == normalized, r.findings


def test_quoted_local_is_valid_but_at_risk():
    r = run('"taro yamada"@example.jp')
    assert r.valid and r.verdict == "at-risk" and codes('"taro yamada"@example.jp')[0] == "quoted-local"


def test_domain_literal_is_valid_but_blocked():
    for a in ("taro@[192.0.2.1]", "taro@[IPv6:2001:db8::1]"):
        r = run(a)
        assert r.valid and r.verdict == "block" and [f.code for f in r.findings] == ["domain-literal"]


def test_utf8_local_is_valid_but_at_risk():
    r = run("山田@example.jp")
    assert r.valid and r.verdict == "at-risk" and r.findings[0].code == "utf8-local"


# ---------------------------------------------------------------- legacy-dots

@pytest.mark.parametrize("address,quoted", [
    ("taro..yamada@docomo.ne.jp", '"taro..yamada"@docomo.ne.jp'),
    ("taro.@docomo.ne.jp", '"taro."@docomo.ne.jp'),
    ("-everyone..-_-..annoyed-@docomo.ne.jp", '"-everyone..-_-..annoyed-"@docomo.ne.jp'),
])
def test_legacy_dots_on_carrier_domains(address, quoted):
    r = run(address)
    assert r.valid and r.verdict == "at-risk" and r.address == address
    assert r.findings[0].code == "legacy-dots" and quoted in r.findings[0].message
    assert r.suggestion == quoted
    again = run(quoted)  # already quoted: never told to "try the quoted form" again
    assert again.valid and again.verdict == "at-risk" and again.suggestion is None
    assert [f.code for f in again.findings][0] == "legacy-quoted" and quoted not in again.findings[0].message
    assert "legacy-dots" not in [f.code for f in again.findings]


@pytest.mark.parametrize("address", [".taro@ezweb.ne.jp", ".taro@docomo.ne.jp", ".taro..x@docomo.ne.jp"])
def test_a_leading_dot_is_an_error_even_on_carrier_domains(address):
    """docomo and au issued ".." and ".@", never a leading dot: no legacy-dots, no quoted suggestion."""
    r = run(address, allowlisted=True)
    assert r.verdict == "invalid" and "local-dot-start" in [f.code for f in r.findings]
    assert "legacy-dots" not in [f.code for f in r.findings] and r.suggestion is None
    assert run(f'"{address[:address.index("@")]}"{address[address.index("@"):]}').findings[0].code == "quoted-local"


def test_legacy_dots_only_on_carriers():
    assert run("taro..yamada@gmail.com").verdict == "invalid"
    assert codes("taro..yamada@gmail.com") == ["local-double-dot"]


# ---------------------------------------------------------------- typo (fixture data)

@pytest.mark.parametrize("domain,suggestion", [
    ("docomo.co.jp", "docomo.ne.jp"),
    ("docomo.or.jp", "docomo.ne.jp"),
    ("docomo.ne.jo", "docomo.ne.jp"),
    ("docomo.ne.jpn", "docomo.ne.jp"),
    ("docomo.nejp", "docomo.ne.jp"),
    ("docomo.ne", "docomo.ne.jp"),
    ("dokomo.ne.jp", "docomo.ne.jp"),
    ("ezweb.ne.jo", "ezweb.ne.jp"),
    ("ezweb.co.jp", "ezweb.ne.jp"),
    ("gmial.com", "gmail.com"),
    ("gmail.con", "gmail.com"),
    ("gmail.cm", "gmail.com"),
    ("gnail.con", "gmail.com"),
    ("gmail.co", "gmail.com"),
    ("yahoo.co.jo", "yahoo.co.jp"),
    ("yahoo.ne.jp", "yahoo.co.jp"),
    ("icloud.con", "icloud.com"),
    ("xyz.ocn.ne.jo", "xyz.ocn.ne.jp"),
    ("a.b.ocn.co.jp", "a.b.ocn.ne.jp"),
    ("shop.co.jpn", "shop.co.jp"),
    ("randomsmallcompany.cmo", "randomsmallcompany.com"),
])
def test_typo_suggestions(domain, suggestion):
    r = run(f"taro@{domain}")
    assert [f.code for f in r.findings][0] == "typo", r.findings
    assert r.suggestion == f"taro@{suggestion}" and r.verdict == "at-risk"


@pytest.mark.parametrize("domain", [
    "docomo.ne.jp", "au.com", "mac.com", "me.com", "ocn.ne.jp", "xyz.ocn.ne.jp", "a.b.ocn.ne.jp",
    "ezweb.ne.jp", "biz.ezweb.ne.jp", "gmail.com", "googlemail.com",
    # real domains near known ones that must not be "corrected"
    "ymail.com", "ai.com", "max.com", "mad.com", "docomo.com", "nttdocomo.co.jp", "example.co.jp",
    "example.jp", "example.com", "example.co", "company.cm", "company.jo", "shop.ne.jp",
    "gmai1.co.uk", "hotmail.fr", "gmail.co.uk",
])
def test_no_typo_suggestion(domain):
    r = run(f"taro@{domain}")
    assert "typo" not in [f.code for f in r.findings] and r.suggestion is None


def test_ambiguous_typo_gets_no_suggestion():
    from helpers_core import FIXTURE_PROVIDERS, _p

    from checker._data import parse, read_raw
    from checker.address.typo import suggest
    raw = read_raw()
    extra = FIXTURE_PROVIDERS + [_p("ghail", "free", ["ghail.com"])]
    data = parse(raw["levels"], raw["categories"], {"provider": extra}, raw["messages"], raw["ui"])
    assert suggest("gmail.com", data) is None            # known
    assert suggest("ghmil.com", D) is None               # far
    assert suggest("gkail.com", data) is None            # gmail.com and ghail.com both 1 away


def test_typo_distance_is_bounded():
    from checker.address.typo import distance
    assert distance("gmial.com", "gmail.com", 1) == 1
    assert distance("abc", "abc", 0) == 0
    assert distance("abcdef", "abc", 1) == 2
    assert distance("docomo.co.jp", "docomo.ne.jp", 2) == 2
    assert distance("docomo.co.jp", "docomo.ne.jp", 1) == 2


# ---------------------------------------------------------------- the level model

@pytest.mark.parametrize("address,situation,verdict,code", [
    ("taro@docomo.ne.jp", {}, "at-risk", "carrier-filter"),
    ("taro@docomo.ne.jp", {"links": True}, "at-risk", "carrier-links"),
    ("taro@docomo.ne.jp", {"attachments": True}, "at-risk", "carrier-attachments"),
    ("taro@docomo.ne.jp", {"links": True, "allowlisted": True}, "deliver", "allowlisted"),
    ("taro@docomo.ne.jp", {"allowlisted": True}, "deliver", "allowlisted"),
    ("taro@gmail.com", {}, "spam-folder", "spam-folder"),
    ("taro@gmail.com", {"links": True, "attachments": True}, "spam-folder", "spam-folder"),
    ("taro@icloud.com", {}, "deliver", None),
    ("taro@example.co.jp", {}, "deliver", "unknown-domain"),
    ("taro@listed.example.jp", {}, "deliver", "listed-senders"),
    ("taro@strict.example.jp", {}, "block", "allowlist-only"),
    ("taro@strict.example.jp", {"allowlisted": True}, "deliver", "allowlisted"),
    ("taro@broken.example.jp", {"allowlisted": True}, "block", "recipient-refuses-all"),
])
def test_level_model(address, situation, verdict, code):
    r = run(address, **situation)
    got = [f.code for f in r.findings]
    assert r.verdict == verdict, got
    if code is None:
        assert got == []
    else:
        assert code in got


@pytest.mark.parametrize("address,situation,verdict,reply,code", [
    # their reply to you, at your own level: a second answer, never mixed into the verdict
    ("taro@icloud.com", {"level": 4}, "deliver", "block", "reply-blocked"),
    ("taro@icloud.com", {"level": 4, "reply_allowlisted": True}, "deliver", "deliver", None),
    ("b@gmail.com", {"level": 4}, "spam-folder", "block", "reply-blocked"),
    ("b@gmail.com", {"level": 4, "reply_allowlisted": True}, "spam-folder", "deliver", None),
    ("taro@docomo.ne.jp", {"level": 4, "links": True}, "at-risk", "block", "reply-blocked"),
    ("taro@icloud.com", {"level": 5}, "deliver", "at-risk", "reply-links"),
    ("taro@icloud.com", {"level": 5, "reply_allowlisted": True}, "deliver", "deliver", None),
    ("taro@icloud.com", {"level": 3}, "deliver", "block", "own-level-broken"),
    ("taro@icloud.com", {"level": 1, "reply_allowlisted": True}, "deliver", "block", "own-level-broken"),
    ("taro@docomo.ne.jp", {"level": 1, "allowlisted": True}, "deliver", "block", "own-level-broken"),
    ("taro@icloud.com", {"level": 6}, "deliver", "deliver", None),
    ("taro@icloud.com", {"level": 10}, "deliver", "deliver", None),
    ("taro@[192.0.2.1]", {"level": 4}, "block", "block", "reply-blocked"),
    ("taro@gmial.com", {"level": 4}, "at-risk", "block", "reply-blocked"),
    ("not an address", {"level": 4}, "invalid", "invalid", None),
])
def test_reply_is_a_second_answer(address, situation, verdict, reply, code):
    r = run(address, **situation)
    got = [f.code for f in r.findings]
    assert (r.verdict, r.reply) == (verdict, reply), got
    reply_codes = {"reply-blocked", "reply-links", "own-level-broken"} & set(got)
    assert reply_codes == ({code} if code else set()), got
    # reply-blocked <-> block and reply-links <-> at-risk, whatever the recipient
    assert ("reply-blocked" in got or "own-level-broken" in got) == (reply == "block")
    assert ("reply-links" in got) == (reply == "at-risk")
    # the verdict (and so `arrives`, the exit code and the audit's counts) ignores the reply
    alone = run(address, **{**situation, "level": 7, "reply_allowlisted": False})
    assert r.verdict == alone.verdict and r.arrives == alone.arrives


def test_carrier_filter_names_the_providers_setting():
    r = run("taro@docomo.ne.jp")
    assert "「受信リスト設定」" in r.findings[0].message and "なりすまし" not in r.findings[0].message
    assert "“Receive list setting” (受信リスト設定)" in run("taro@docomo.ne.jp", lang="en").findings[0].message
    # a provider without settings in the data gets the generic wording, not an invented setting
    assert "受信許可リストの設定" in run("taro@au.com").findings[0].message


def test_links_and_attachments_are_at_risk_with_separate_codes():
    both = run("t@docomo.ne.jp", lang="en", links=True, attachments=True)
    assert both.verdict == "at-risk" and [f.code for f in both.findings] == [
        "carrier-filter", "carrier-links", "carrier-attachments"]
    links, att = both.findings[1], both.findings[2]
    assert "“URL refusal” (URL付きメール拒否)" in links.message and "“Receive list setting”" in links.message
    assert "attachment" not in links.message.lower() and "URL" not in att.message
    codes = [f.code for f in run("t@docomo.ne.jp", attachments=True).findings]
    assert codes == ["carrier-filter", "carrier-attachments"]
    # no URL filter in the data: the generic wording, never an invented setting name
    assert "URL を含むメールを拒否する設定" in run("t@au.com", links=True).findings[1].message
    # the allowlist wins over both
    assert [f.code for f in run("t@docomo.ne.jp", links=True, attachments=True, allowlisted=True).findings] == [
        "allowlisted"]
    flags: tuple[dict[str, Any], ...] = ({"links": True}, {"attachments": True}, {"links": True, "attachments": True})
    for s in flags:
        assert run("t@docomo.ne.jp", **s).verdict != "block"


def test_the_allowlist_is_named_in_the_real_data_for_every_carrier():
    from checker.address.rules import allowlist_setting
    for p in REAL.providers:
        if p.category != "carrier":
            continue
        s = p.role("allowlist")
        assert (s is None) != (p.allowlist_unverified is None), p.id
        named = allowlist_setting(p, REAL).ja
        assert "なりすまし" not in named and "救済" not in named, (p.id, named)
        assert check(f"t@{p.domains[0].removeprefix('*.')}").findings[0].message.count(named) == 1


def test_levels_come_from_levels_toml():
    """The model is driven by `refuses`; changing the data changes the verdict (no hard-coding)."""
    from checker._data import Level
    levels = tuple(dataclasses.replace(lv, refuses=()) if 5 in lv.levels else lv for lv in D.levels)
    data = dataclasses.replace(D, levels=levels)
    assert run("taro@docomo.ne.jp", data=data).verdict == "spam-folder"
    assert isinstance(levels[0], Level)


def test_category_and_level_fields():
    r = run("taro@docomo.ne.jp")
    assert (r.category, r.provider, r.level) == ("carrier", "docomo", 5)
    r = run("taro@example.co.jp")
    assert (r.category, r.provider, r.level) == ("unknown", None, 7)


# ---------------------------------------------------------------- with the real data

REAL = default_data()


def _real(domain: str) -> None:
    if REAL.lookup(domain) is None:
        pytest.skip(f"{domain} is not in the provider data yet (data branch not merged)")


@pytest.mark.parametrize("domain", ["docomo.ne.jp", "au.com", "mac.com", "ocn.ne.jp", "xyz.ocn.ne.jp",
                                    "me.com", "ezweb.ne.jp", "gmail.com"])
def test_real_data_domains_are_never_corrected(domain):
    _real(domain)
    r = check(f"taro@{domain}")
    assert "typo" not in [f.code for f in r.findings] and r.suggestion is None


@pytest.mark.parametrize("typed,meant", [("docomo.co.jp", "docomo.ne.jp"), ("ezweb.ne.jo", "ezweb.ne.jp"),
                                         ("gmial.com", "gmail.com")])
def test_real_data_required_typos(typed, meant):
    _real(meant)
    assert check(f"taro@{typed}").suggestion == f"taro@{meant}"


def test_no_real_domain_is_corrected_into_another():
    """Every domain in the real data, and every pattern base, checks without a typo finding."""
    for p in REAL.providers:
        for d in getattr(p, "all_domains", p.domains):
            d = d[2:] if d.startswith("*.") else d
            r = check(f"taro@{d}")
            assert "typo" not in [f.code for f in r.findings], d
            assert r.provider == p.id, d


def test_answers_remembered_per_domain_stay_exact():
    """Per-domain answers are remembered (a list has few domains): positions still count from the
    start of each address, and changed data is never answered from another Data's memory."""
    import dataclasses

    first = check("a@ex_ample.jp", lang="en").findings[0]
    second = check("abc@ex_ample.jp", lang="en").findings[0]
    assert (first.code, second.code) == ("domain-bad-char", "domain-bad-char")
    assert "5" in first.message and "7" in second.message
    data = default_data()
    assert check("taro@docomo.ne.jp", data=data).verdict == "at-risk"
    levels = tuple(dataclasses.replace(lv, refuses=()) if 5 in lv.levels else lv for lv in data.levels)
    changed = dataclasses.replace(data, levels=levels)
    assert check("taro@docomo.ne.jp", data=changed).verdict != "at-risk"
    assert check("taro@docomo.ne.jp", data=data).verdict == "at-risk"


@pytest.mark.parametrize("address", ["taro@example.co.jp", "info@shop.example", "a@sub.company.jp",
                                     "山田@example.jp", "taro@xn--r8jz45g.jp"])
def test_a_domain_the_data_does_not_know_is_category_unknown(address):
    """categories.toml: unknown = another company's domain, treated as standard (7); ``domain`` is the
    sender's own domain mail (the guide's model), never what the checker says about a recipient."""
    r = check(address)  # the real data
    assert (r.category, r.provider, r.level) == ("unknown", None, REAL.categories["unknown"].level)
    assert "unknown-domain" in [f.code for f in r.findings]


def test_no_result_is_category_domain_and_every_category_is_in_the_data():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=300, deadline=None)
    @given(st.sampled_from(["taro", "a.b", "x"]),
           st.from_regex(r"[a-z]{1,10}(\.[a-z]{2,6}){1,3}", fullmatch=True))
    def prop(local, domain):
        r = check(f"{local}@{domain}")
        assert r.category != "domain"
        assert r.category is None or r.category in REAL.categories
        assert (r.category == "unknown") == (r.valid and r.provider is None and r.verdict != "block")

    prop()


# ---------------------------------------------------------------- real domains are never typos (protected.toml)

@pytest.mark.parametrize("address", ["x@softbank.co.jp", "x@g.softbank.co.jp", "x@SoftBank.co.jp",
                                     "x@sannet.ne.jp", "support@ocn.ad.jp",
                                     "x@ocnadm00.ocn.ad.jp", "x@disney.co.jp", "x@biglobe.co.jp", "x@nifty.co.jp",
                                     "x@asahi-net.co.jp"])
def test_real_domains_are_never_typo_corrected(address):
    r = check(address)
    assert "typo" not in [f.code for f in r.findings] and r.suggestion is None
    assert (r.valid, r.category, r.level) == (True, "unknown", 7)


def test_every_protected_domain_is_needed_and_protects_its_subdomains():
    """Each entry of protected.toml is a domain the typo rule would correct without it: no dead data."""
    from checker.address.typo import suggest

    bare = dataclasses.replace(REAL, protected=())
    assert len(REAL.protected) >= 7
    for d in REAL.protected:
        assert suggest(d, bare) is not None, f"{d} is not corrected even unprotected: drop it from protected.toml"
        assert suggest(d, REAL) is None and suggest(f"mail.{d}", REAL) is None
        assert REAL.is_protected(d.upper() + ".") and not REAL.is_protected("x" + d)


@pytest.mark.parametrize("typed, meant", [
    ("docomo.co.jp", "docomo.ne.jp"), ("ezweb.ne.jo", "ezweb.ne.jp"), ("gmial.com", "gmail.com"),
    ("yahoo.co.jo", "yahoo.co.jp"), ("softbank.ne.jo", "softbank.ne.jp"), ("biglobe.ne.jo", "biglobe.ne.jp"),
    ("ezweb.co.jp", "ezweb.ne.jp"),
])
def test_typos_next_to_protected_domains_are_still_corrected(typed, meant):
    r = check(f"taro@{typed}")
    assert "typo" in [f.code for f in r.findings] and r.suggestion == f"taro@{meant}"


@pytest.mark.parametrize("typed, mark, suggestion", [
    ("İtaro★docomo.ne.jp", "★", "İtaro@docomo.ne.jp"),          # İ lowercases to two characters
    ("İİİ AT docomo.ne.jp", " AT ", "İİİ@docomo.ne.jp"),
    ("ẞtaro(at)example.jp", "(at)", "ẞtaro@example.jp"),
    ("taro(AT)docomo.ne.jp", "(AT)", "taro@docomo.ne.jp"),
])
def test_at_replaced_mark_is_found_where_it_is_typed(typed, mark, suggestion):
    r = check(typed, lang="en")
    f = r.findings[0]
    assert f.code == "at-replaced" and f"“{mark}”" in f.message
    assert r.suggestion == suggestion


@pytest.mark.parametrize("typed, literal", [
    ("t@[IPv6:::ffff:192.0.2.1]", "[IPv6:::ffff:c000:201]"),  # ipaddress writes this differently on 3.13+
    ("t@[IPv6:2001:DB8:0:0:0:0:0:1]", "[IPv6:2001:db8::1]"),
    ("t@[IPv6:1:0:0:1:0:0:0:1]", "[IPv6:1:0:0:1::1]"),          # the longest run of zeros is compressed
    ("t@[IPv6:1:0:0:1:1:0:0:1]", "[IPv6:1::1:1:0:0:1]"),        # ... the first of two equal runs
    ("t@[IPv6:1:2:3:4:5:6:0:8]", "[IPv6:1:2:3:4:5:6:0:8]"),     # a single zero group stays
    ("t@[IPv6:::]", "[IPv6:::]"),
])
def test_ipv6_literals_are_written_the_same_on_every_python(typed, literal):
    r = check(typed)
    assert r.address == f"t@{literal}" and r.verdict == "block"


def test_ipv6_zone_index_is_not_an_address_literal():
    r = check("t@[IPv6:fe80::1%eth0]")
    assert [f.code for f in r.findings] == ["domain-literal-invalid"] and not r.valid


def test_ipv6_text_agrees_with_ipaddress_where_python_versions_agree():
    import ipaddress
    import random

    from checker.address.syntax import ipv6_text

    rng = random.Random(5952)
    for _ in range(20000):
        b = bytes(rng.choice([0, 0, 0, 1, 0xAB, 0xFF]) for _ in range(16)) if rng.random() < 0.7 else rng.randbytes(16)
        a = ipaddress.IPv6Address(b)
        if a.ipv4_mapped is None:  # the one form whose text changed in Python 3.13
            assert ipv6_text(b) == a.compressed, b.hex()
        assert ipaddress.IPv6Address(ipv6_text(b)) == a
