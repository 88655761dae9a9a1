"""checker.web.check: the Pyodide entry (JSON in, JSON out), run here on CPython."""
from __future__ import annotations

import json

import pytest

from checker import Situation, check, default_data
from checker.web.check import handle

DATA = default_data()


def ask(**req):
    return json.loads(handle(json.dumps(req)))


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("address,situation", [
    ("taro@docomo.ne.jp", {}),
    ("x@docomo.ne.jp", {"links": True}),
    ("taro@gmial.com", {"level": 5}),
    ("a..b@docomo.ne.jp", {"attachments": True, "allowlisted": True}),
    ("ｔａｒｏ＠ｇｍａｉｌ．ｃｏｍ", {}),
    ("", {}),
    ("b@gmail.com", {"level": 4}),
    ("b@gmail.com", {"level": 4, "reply_allowlisted": True}),
    ("taro@docomo.ne.jp", {"level": 5}),
])
def test_result_is_the_cli_contract(lang, address, situation):
    got = ask(op="check", address=address, lang=lang, **situation)
    want = check(address, situation=Situation(**situation), lang=lang, data=DATA).to_dict()
    assert got["ok"] is True
    assert got["result"] == want
    view = got["view"]
    assert view["verdict"] == DATA.ui[f"cli.verdict-{want['verdict']}"].get(lang)
    assert view["verdictLabel"] == DATA.ui["cli.label-mail"].get(lang)
    assert view["replyLabel"] == DATA.ui["cli.label-reply"].get(lang)
    assert view["reply"] == (None if want["reply"] == "invalid" else DATA.ui[f"cli.verdict-{want['reply']}"].get(lang))
    assert len(view["severity"]) == len(want["findings"])
    assert (view["suggestion"] is None) == (want["suggestion"] is None)
    if want["suggestion"]:
        assert want["suggestion"] in view["suggestion"]["apply"]


def test_view_names_the_provider_page_in_the_page_language():
    ja = ask(address="taro@docomo.ne.jp", lang="ja")["view"]
    en = ask(address="taro@docomo.ne.jp", lang="en")["view"]
    assert ja["providerPage"]["url"] == "/providers/docomo/"
    assert en["providerPage"]["url"] == "/en/providers/docomo/"
    assert "docomo" in en["kind"] and "5" in en["kind"]
    assert ja["verdict"] != en["verdict"]


@pytest.mark.parametrize("raw,error", [
    ("not json", "bad-json"),
    ("[1, 2]", "bad-request"),
    ('{"address": 5}', "bad-address"),
    ('{"address": "a@b.jp", "lang": "fr"}', "bad-lang"),
    ('{"address": "a@b.jp", "level": 11}', "bad-level"),
    ('{"address": "a@b.jp", "level": true}', "bad-level"),
    ('{"address": "a@b.jp", "links": "yes"}', "bad-links"),
    ('{"op": "delete"}', "bad-op"),
])
def test_bad_requests_answer_an_error_code_never_a_traceback(raw, error):
    assert json.loads(handle(raw)) == {"ok": False, "error": error}


def test_level_as_form_text_is_accepted():
    assert ask(address="taro@docomo.ne.jp", level="4")["result"]["level"] == 5  # the recipient's level
    assert ask(address="taro@docomo.ne.jp", level="4")["ok"] is True
