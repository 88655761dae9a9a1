"""Property tests (hypothesis): any string gets an answer, the same answer every time, and a
suggestion is itself clean."""
from __future__ import annotations

import json

from helpers_core import fixture_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker import Situation, check
from checker.address.check import MAX_INPUT

D = fixture_data()
VERDICTS = {"deliver", "spam-folder", "at-risk", "block", "invalid"}

# Address-shaped text: pieces of real addresses, full-width forms, look-alikes and nasty characters
PIECES = st.sampled_from([
    "taro", "yamada", ".", "..", "@", "＠", "．", "ｔａｒｏ", "\u3000", " ", "docomo", "dоcomo", "ne", "jp",
    "co", "jo", "ezweb", "gmail", "gmial", "com", "con", "ocn", "xyz", "-", "_", '"', "\\", "[", "]",
    "1.2.3.4", "IPv6:", "::1", "\x00", "\u200b", "\u202e", "\ud800", "😀", "例え", "山田", "xn--", "ー",
    "a" * 70, "１２３", "(", ")", ",", "\n", "｡", "﹫", "ο", "а",
])
ADDRESSISH = st.lists(PIECES, max_size=12).map("".join)
ANY_TEXT = st.text(max_size=300)
SITUATIONS = st.builds(Situation, level=st.integers(1, 10), links=st.booleans(), attachments=st.booleans(),
                       allowlisted=st.booleans(), reply_allowlisted=st.booleans())


def _assert_well_formed(r, text: str) -> None:
    assert r.input == text
    assert r.verdict in VERDICTS
    assert r.valid == (r.address is not None)
    assert (r.verdict == "invalid") == (not r.valid)
    assert r.findings or r.verdict == "deliver"
    for f in r.findings:
        assert f.code and f.message and f.url.endswith("#" + f.code)
    json.dumps(r.to_dict(), ensure_ascii=True)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(text=st.one_of(ADDRESSISH, ANY_TEXT), situation=SITUATIONS, lang=st.sampled_from(["ja", "en"]))
def test_never_raises_and_is_well_formed(text, situation, lang):
    _assert_well_formed(check(text, situation=situation, lang=lang, data=D), text)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(ADDRESSISH, ANY_TEXT), situation=SITUATIONS)
def test_deterministic(text, situation):
    a = check(text, situation=situation, data=D)
    b = check(text, situation=situation, data=D)
    assert a == b and a.to_dict() == b.to_dict()


@settings(max_examples=600, deadline=None)
@given(text=ADDRESSISH, situation=SITUATIONS)
def test_suggestion_checks_clean(text, situation):
    r = check(text, situation=situation, data=D)
    if r.suggestion is not None:
        again = check(r.suggestion, situation=situation, data=D)
        codes = {f.code for f in again.findings}
        assert not codes & {"typo", "fullwidth", "lookalike"}, (text, r.suggestion, codes)
        assert again.valid, (text, r.suggestion, codes)
        assert again.suggestion is None


@settings(max_examples=50, deadline=None)
@given(text=st.text(min_size=MAX_INPUT + 1, max_size=MAX_INPUT + 200).filter(lambda s: len(s.strip()) > MAX_INPUT))
def test_oversized_input_is_one_finding(text):
    r = check(text, data=D)
    assert [f.code for f in r.findings] == ["too-long"]


@settings(max_examples=200, deadline=None)
@given(local=st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,20}[a-z0-9]", fullmatch=True),
       domain=st.sampled_from(["docomo.ne.jp", "gmail.com", "example.co.jp", "xyz.ocn.ne.jp", "au.com"]))
def test_plain_addresses_are_valid_and_fullwidth_folds_back(local, domain):
    plain = f"{local}@{domain}"
    r = check(plain, data=D)
    if ".." not in local:
        assert r.valid and r.address == plain and r.suggestion is None
        wide = "".join(chr(ord(c) + 0xFEE0) for c in plain)
        w = check(wide, data=D)
        assert w.findings[0].code == "fullwidth" and w.suggestion == plain


# ---------------------------------------------------------------- the same properties with the shipped data
# (every provider, protected.toml, the typo rule's real targets)

from checker import default_data  # noqa: E402

REAL = default_data()
REAL_PIECES = st.sampled_from([
    "taro", ".", "..", "@", "＠", "．", "ｔａｒｏ", "\u3000", " ", "docomo", "dоcomo", "softbank", "yahoo", "ymobile",
    "biglobe", "nifty", "ocn", "ezweb", "au", "gmail", "gmial", "hotmail", "outlook", "icloud", "ne", "co", "or",
    "ad", "jp", "jo", "com", "con", "g", "i", "-", "\u200b", "\U0001ccf5", "\U0001d41a", "😀", "★", "(at)", "İ",
])
REAL_ADDRESSISH = st.lists(REAL_PIECES, max_size=10).map("".join)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(REAL_ADDRESSISH, ANY_TEXT), situation=SITUATIONS, lang=st.sampled_from(["ja", "en"]))
def test_real_data_never_raises_and_suggestions_check_clean(text, situation, lang):
    r = check(text, situation=situation, lang=lang, data=REAL)
    _assert_well_formed(r, text)
    assert check(text, situation=situation, lang=lang, data=REAL) == r
    if r.suggestion is not None:
        again = check(r.suggestion, situation=situation, data=REAL)
        codes = {f.code for f in again.findings}
        assert not codes & {"typo", "fullwidth", "lookalike"}, (text, r.suggestion, codes)
        assert again.valid and again.suggestion is None, (text, r.suggestion, codes)
    domain = r.address.rpartition("@")[2] if r.address else None
    if domain and REAL.is_protected(domain):
        assert "typo" not in {f.code for f in r.findings}
