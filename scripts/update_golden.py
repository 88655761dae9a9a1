#!/usr/bin/env python3
"""Rewrite tests/golden/vectors.json: input + situation + lang -> the expected ``Result.to_dict()``.

The vectors are the checker's observable contract. ``tests/test_check_golden.py`` recomputes them
and fails on any difference; the Pyodide parity test (tests/test_pyodide_parity.py) runs the same
file in Node and requires byte-identical JSON.
After an intended change (new rule, new wording, new provider data) run this script and review
the diff by eye before committing:

    .venv/bin/python scripts/update_golden.py && git diff tests/golden/

Format: plain JSON (UTF-8, not ASCII-escaped), an object with "about" and "vectors", vectors in
this file's order. Lone surrogates (undecodable input) are written as \\udXXX escapes.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "golden" / "vectors.json"
sys.path.insert(0, str(ROOT))

S = dict  # a situation: keyword arguments of checker.Situation

#: (input, situation, lang): file order is this order
CASES: list[tuple[str, dict[str, Any], str]] = [
    # carriers, the seed's level 5
    ("taro@docomo.ne.jp", S(), "ja"),
    ("taro@docomo.ne.jp", S(), "en"),
    ("taro@docomo.ne.jp", S(links=True), "ja"),
    ("taro@docomo.ne.jp", S(attachments=True), "en"),
    ("taro@docomo.ne.jp", S(links=True, attachments=True), "ja"),
    ("taro@docomo.ne.jp", S(links=True, allowlisted=True), "ja"),
    ("taro@docomo.ne.jp", S(allowlisted=True), "en"),
    ("hanako@ezweb.ne.jp", S(), "ja"),
    ("hanako@au.com", S(), "en"),
    ("hanako@biz.ezweb.ne.jp", S(links=True), "ja"),
    ("jiro@softbank.ne.jp", S(), "ja"),
    ("jiro@i.softbank.jp", S(attachments=True), "en"),
    ("jiro@softbank.ne.jp", S(links=True), "en"),
    ("hanako@abc.biz.au.com", S(), "ja"),
    ("saburo@y-mobile.ne.jp", S(links=True), "en"),
    ("saburo@yahoo.ne.jp", S(), "ja"),
    ("taro@mopera.net", S(), "en"),
    ("taro@ybb.ne.jp", S(), "ja"),
    ("saburo@ymobile.ne.jp", S(), "ja"),
    ("saburo@pdx.ne.jp", S(), "en"),
    # free mail, provider mail, company domains
    ("taro@gmail.com", S(), "ja"),
    ("taro@gmail.com", S(), "en"),
    ("taro@yahoo.co.jp", S(links=True, attachments=True), "ja"),
    ("taro@outlook.jp", S(), "en"),
    ("taro@icloud.com", S(), "ja"),
    ("taro@me.com", S(), "en"),
    ("taro@mac.com", S(), "ja"),
    ("taro@ocn.ne.jp", S(), "ja"),
    ("taro@xyz.ocn.ne.jp", S(), "en"),
    ("taro@nifty.com", S(), "ja"),
    ("taro@example.co.jp", S(), "ja"),
    ("taro@example.co.jp", S(), "en"),
    # your own level: their reply to you
    ("taro@example.co.jp", S(level=4), "ja"),
    ("taro@example.co.jp", S(level=4, reply_allowlisted=True), "en"),
    ("taro@gmail.com", S(level=4), "en"),
    ("taro@docomo.ne.jp", S(level=5), "ja"),
    ("taro@example.co.jp", S(level=6), "en"),
    ("taro@example.co.jp", S(level=3), "ja"),
    ("taro@docomo.ne.jp", S(level=1, allowlisted=True), "en"),
    ("taro@gmail.com", S(level=10), "ja"),
    ("taro@gmail.com", S(level=4, reply_allowlisted=True), "ja"),
    ("taro@docomo.ne.jp", S(level=5, reply_allowlisted=True), "en"),
    # normalization that is not a finding
    ("  Taro@DOCOMO.NE.JP.  ", S(), "ja"),
    ("taro@Gmail.Com\r\n", S(), "en"),
    ('"taro"@gmail.com', S(), "ja"),
    # legacy carrier addresses
    ("taro..yamada@docomo.ne.jp", S(), "ja"),
    ("taro.@ezweb.ne.jp", S(), "en"),
    (".taro@docomo.ne.jp", S(allowlisted=True), "ja"),
    ('"taro..yamada"@docomo.ne.jp', S(), "en"),
    ("taro@docomo.ne.jp.", S(), "en"),
    ("taro..yamada@gmail.com", S(), "ja"),
    ("taro.@example.jp", S(), "en"),
    (".taro@example.jp", S(), "ja"),
    # typos
    ("taro@docomo.co.jp", S(), "ja"),
    # Japanese habits: a provider's name with another ending
    ("taro@gmail.co.jp", S(), "ja"),
    ("taro@icloud.jp", S(), "en"),
    ("taro@docomo.jp", S(), "ja"),
    ("taro@ezweb.ne.jo", S(), "en"),
    ("taro@gmial.com", S(), "ja"),
    ("taro@gmail.con", S(), "en"),
    ("taro@xyz.ocn.ne.jo", S(), "ja"),
    ("taro@docomo.ne", S(), "en"),
    ("taro@ymail.com", S(), "ja"),
    ("taro@odn.ne.jp", S(), "en"),
    ("taro@yahoo.ne.jp", S(), "ja"),      # real (Y!mobile mail, protected.toml): not yahoo.co.jp
    ("taro@softbank.co.jp", S(), "en"),   # real (SoftBank's company domain): not softbank.ne.jp
    # full width, look-alikes, invisible and nasty characters
    ("ｔａｒｏ＠ｄｏｃｏｍｏ．ｎｅ．ｊｐ", S(), "ja"),
    ("taro＠gmail．com", S(), "en"),
    ("taro　@gmail.com", S(), "ja"),
    ("ｔａｒｏ@docomo.co.jp", S(), "ja"),
    ("taro@dоcomo.ne.jp", S(), "ja"),
    ("taro@dоcomo.ne.jp", S(), "en"),
    ("tаro@gmail.com", S(), "en"),
    ("taro@⒈example.jp", S(), "ja"),
    ("ta\u200bro@gmail.com", S(), "ja"),
    ("\u202etaro@gmail.com", S(), "en"),
    ("ta\x00ro@gmail.com", S(), "ja"),
    ("ta\tro@gmail.com", S(), "en"),
    ("taro @gmail.com", S(), "ja"),
    ("taro😀@gmail.com", S(), "en"),
    ("ta\ud800ro@gmail.com", S(), "ja"),
    ("ta\ue000ro@gmail.com", S(), "en"),
    ("山田太郎 <taro@docomo.ne.jp>", S(), "ja"),
    ("mailto:taro@gmail.com", S(), "en"),
    ("taro★docomo.ne.jp", S(), "ja"),
    ("taro(at)gmail.com", S(), "en"),
    ("", S(), "ja"),
    ("   ", S(), "en"),
    ("x" * 2000, S(), "ja"),
    ("@" * 3000, S(), "en"),
    # syntax, one reason each
    ("taro", S(), "ja"),
    ("taro@@gmail.com", S(), "en"),
    ("@gmail.com", S(), "ja"),
    ("taro@", S(), "en"),
    ("a" * 65 + "@example.jp", S(), "ja"),
    ("ta(ro)@example.jp", S(), "en"),
    ('"taro@example.jp', S(), "ja"),
    ('"taro yamada"@example.jp', S(), "en"),
    ("山田@example.jp", S(), "ja"),
    ("taro@exa..mple.jp", S(), "ja"),
    ("taro@exa_mple.jp", S(), "en"),
    ("taro@" + "a" * 64 + ".jp", S(), "ja"),
    ("taro@-example.jp", S(), "en"),
    ("taro@localhost", S(), "ja"),
    ("taro@example.123", S(), "en"),
    ("taro@example.c0m", S(), "ja"),
    ("taro@xn--0.jp", S(), "en"),
    ("taro@例え.jp", S(), "ja"),
    ("taro@[192.0.2.1]", S(), "en"),
    ("taro@[192.0.2.1]", S(level=4), "ja"),
    ("taro@[IPv6:2001:db8::1]", S(), "ja"),
    ("taro@[IPv6:::ffff:192.0.2.1]", S(), "en"),  # Python 3.13+ ipaddress writes it differently
    ("taro@[300.1.1.1]", S(), "en"),
    ("a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".jp", S(), "ja"),
]

_SURROGATE = re.compile("[\ud800-\udfff]")


def vectors() -> list[dict[str, object]]:
    from checker import Situation, check

    out: list[dict[str, object]] = []
    for text, situation, lang in CASES:
        r = check(text, situation=Situation(**situation), lang=lang)
        out.append({"input": text, "situation": situation, "lang": lang, "expected": r.to_dict()})
    return out


def dumps(doc: object) -> str:
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def main() -> int:
    doc = {
        "about": "Todoku checker golden vectors: check(input, situation=Situation(**situation), "
                 "lang=lang).to_dict() == expected. Regenerate with scripts/update_golden.py. "
                 "Inputs holding a lone surrogate (written \\udXXX: undecodable bytes) cannot cross "
                 "a JavaScript-to-Python string boundary unchanged: the Pyodide parity test "
                 "(tests/pyodide_golden.mjs) hands this file to Python as bytes, so they are compared too.",
        "vectors": vectors(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(dumps(doc), encoding="utf-8")
    print(f"wrote {len(doc['vectors'])} vectors to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
