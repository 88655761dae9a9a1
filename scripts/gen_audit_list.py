#!/usr/bin/env python3
"""A deterministic customer list of realistic Japanese addresses and errors, as Excel saves it.

Used by scripts/bench_audit.py (100,000 and 1,000,000 rows) and by the page audit's browser test
(10,000 rows). CP932 (Shift_JIS) CSV with CRLF, header 顧客番号,氏名,メールアドレス,電話番号,登録日.

The mix follows what a Japanese shop's list looks like: carrier mail (docomo, au, SoftBank, Y!mobile,
UQ, Rakuten), free mail (Gmail, Yahoo! JAPAN, Outlook), provider mail (iCloud, OCN, nifty, BIGLOBE...),
company domains, and the errors people type: legacy carrier dots (``taro..yamada@docomo.ne.jp``),
full-width characters, domain typos (``docomo.ne.jo``, ``gmial.com``), invalid cells (no ``@``, two
``@``, a note instead of an address), blanks and duplicates. Same seed, same bytes.

    .venv/bin/python scripts/gen_audit_list.py 10000 > list.csv
"""
from __future__ import annotations

import csv
import io
import os
import random
import sys
from collections.abc import Iterator

SEED = 20261129
HEADER = ("顧客番号", "氏名", "メールアドレス", "電話番号", "登録日")

_FAMILY = [("山田", "yamada"), ("佐藤", "sato"), ("鈴木", "suzuki"), ("高橋", "takahashi"), ("田中", "tanaka"),
           ("伊藤", "ito"), ("渡辺", "watanabe"), ("中村", "nakamura"), ("小林", "kobayashi"), ("加藤", "kato"),
           ("吉田", "yoshida"), ("山本", "yamamoto"), ("松本", "matsumoto"), ("井上", "inoue"), ("木村", "kimura"),
           ("林", "hayashi"), ("清水", "shimizu"), ("斎藤", "saito"), ("山口", "yamaguchi"), ("森", "mori")]
_GIVEN = [("太郎", "taro"), ("花子", "hanako"), ("一郎", "ichiro"), ("次郎", "jiro"), ("美咲", "misaki"),
          ("翔太", "shota"), ("陽菜", "hina"), ("大輔", "daisuke"), ("由美", "yumi"), ("健", "ken"),
          ("恵", "megumi"), ("直樹", "naoki"), ("さくら", "sakura"), ("拓也", "takuya"), ("愛", "ai"),
          ("裕子", "yuko"), ("誠", "makoto"), ("麻衣", "mai"), ("亮", "ryo"), ("千尋", "chihiro")]

# (weight, domains) per kind of mail; weights are percent of the list
_CARRIER = ["docomo.ne.jp"] * 12 + ["ezweb.ne.jp"] * 5 + ["au.com"] * 4 + ["softbank.ne.jp"] * 3 + \
           ["i.softbank.jp"] * 3 + ["ymobile.ne.jp", "uqmobile.jp", "rakumail.jp", "disney.ne.jp", "emnet.ne.jp"]
_FREE = ["gmail.com"] * 15 + ["yahoo.co.jp"] * 10 + ["outlook.jp", "hotmail.co.jp", "outlook.com", "live.jp"]
_PROVIDER = ["icloud.com"] * 4 + ["ocn.ne.jp", "nifty.com", "biglobe.ne.jp", "so-net.ne.jp", "plala.or.jp",
                                  "zaq.ne.jp", "eonet.ne.jp", "kcn.dion.ne.jp", "me.com", "mac.com", "bbiq.jp"]
_COMPANY = ["example.co.jp", "sakura-shoji.co.jp", "yamada-kensetsu.co.jp", "tokyo-denki.jp",
            "city.example.lg.jp", "u-example.ac.jp", "clinic-mori.jp", "minato-law.or.jp", "hanaya.shop",
            "kaisha.com"]
_TYPOS = [("docomo.ne.jp", "docomo.ne.jo"), ("docomo.ne.jp", "docomo.co.jp"), ("docomo.ne.jp", "docono.ne.jp"),
          ("ezweb.ne.jp", "ezweb.ne.lp"), ("ezweb.ne.jp", "ezwed.ne.jp"), ("gmail.com", "gmial.com"),
          ("gmail.com", "gmail.co"), ("gmail.com", "gmail.con"), ("gmail.com", "gmai.com"),
          ("yahoo.co.jp", "yahoo.co.jo"), ("yahoo.co.jp", "yaho.co.jp"), ("yahoo.co.jp", "yahoo.jp"),
          ("softbank.ne.jp", "softbank.ne.jo"), ("icloud.com", "icloud.co"), ("outlook.jp", "outlok.jp")]
_NOT_ADDRESSES = ["なし", "不明", "090-1234-5678", "taro.yamada", "taro@", "@docomo.ne.jp", "taro@@gmail.com",
                  "taro yamada@gmail.com", "taro@gmail", "メール不要", "taro@docomo.ne.jp; hanako@gmail.com",
                  "-", "taro@-example.jp", "<taro@gmail.com>"]
_FW = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


def _local(rng: random.Random, given: str, family: str, carrier: bool) -> str:
    n = rng.random()
    if carrier and n < 0.45:  # carrier addresses are often free-form strings
        chars = "abcdefghijklmnopqrstuvwxyz0123456789"
        s = "".join(rng.choice(chars) for _ in range(rng.randint(6, 14)))
        for _ in range(rng.randint(0, 2)):
            i = rng.randint(1, len(s) - 1)
            s = s[:i] + rng.choice("._-") + s[i:]
        return s.strip("._-") or "x"
    sep = rng.choice((".", "_", "-", ""))
    style = rng.randint(0, 4)
    if style == 0:
        s = f"{given}{sep}{family}"
    elif style == 1:
        s = f"{family}{sep}{given}"
    elif style == 2:
        s = f"{given[0]}{sep}{family}"
    elif style == 3:
        s = f"{given}{rng.randint(1, 9999)}"
    else:
        s = f"{family}.{given}{rng.randint(1960, 2012)}"
    return s


def _address(rng: random.Random, given: str, family: str) -> str:
    r = rng.random() * 100
    if r < 33:
        return f"{_local(rng, given, family, True)}@{rng.choice(_CARRIER)}"
    if r < 60:
        return f"{_local(rng, given, family, False)}@{rng.choice(_FREE)}"
    if r < 71:
        return f"{_local(rng, given, family, False)}@{rng.choice(_PROVIDER)}"
    if r < 84:
        return f"{_local(rng, given, family, False)}@{rng.choice(_COMPANY)}"
    if r < 88:  # legacy carrier dots: consecutive dots, a dot before @
        local = _local(rng, given, family, False).replace(".", "") or "taro"
        i = rng.randint(1, max(1, len(local) - 1))
        local = rng.choice((local[:i] + ".." + local[i:], local + ".", "." + local, local[:i] + "..." + local[i:]))
        return f"{local}@{rng.choice(('docomo.ne.jp', 'ezweb.ne.jp', 'docomo.ne.jp'))}"
    if r < 91:  # full-width, whole or in part (a Japanese IME left on)
        a = f"{_local(rng, given, family, False)}@{rng.choice(_CARRIER + _FREE)}"
        return a.translate(_FW) if rng.random() < 0.6 else a.replace("@", "＠")
    if r < 95:
        good, bad = rng.choice(_TYPOS)
        return f"{_local(rng, given, family, False)}@{bad}"
    if r < 97:
        a = rng.choice(_NOT_ADDRESSES)
        return a.replace("taro", given) if rng.random() < 0.5 else a
    if r < 98:  # stray spaces copied from somewhere
        return f" {_local(rng, given, family, False)}@{rng.choice(_FREE)} "
    return ""  # blank


def rows(n: int, seed: int = SEED) -> Iterator[tuple[str, str, str, str, str]]:
    """The list's n data rows (tuples of str), deterministically."""
    rng = random.Random(seed)
    seen: list[str] = []
    for i in range(n):
        fam_kanji, fam = rng.choice(_FAMILY)
        giv_kanji, giv = rng.choice(_GIVEN)
        if seen and rng.random() < 0.03:  # the same customer registered twice
            addr = rng.choice(seen)
        else:
            addr = _address(rng, giv, fam)
            if len(seen) < 5000:
                seen.append(addr)
            else:
                seen[rng.randrange(5000)] = addr
        phone = f"0{rng.choice((90, 80, 70, 3, 6, 45))}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
        date = f"20{rng.randint(10, 26):02d}/{rng.randint(1, 12)}/{rng.randint(1, 28)}"
        yield (f"C{i + 1:07d}", f"{fam_kanji} {giv_kanji}", addr, phone, date)


def generate(n: int, seed: int = SEED) -> bytes:
    """The whole list as CP932 bytes (header + n rows, CRLF), as Japanese Excel saves a CSV."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(HEADER)
    w.writerows(rows(n, seed))
    return buf.getvalue().encode("cp932")


def write(path: str | os.PathLike[str], n: int, seed: int = SEED, chunk: int = 100_000) -> None:
    """Write the list to ``path`` in chunks (bounded memory for the 1,000,000-row list)."""
    with open(path, "wb") as f:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(HEADER)
        for i, row in enumerate(rows(n, seed), 1):
            w.writerow(row)
            if not i % chunk:
                f.write(buf.getvalue().encode("cp932"))
                buf.seek(0)
                buf.truncate()
        f.write(buf.getvalue().encode("cp932"))


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("rows", nargs="?", type=int, default=10_000, help="number of data rows (default 10000)")
    n = ap.parse_args().rows
    if n < 0:
        ap.error("rows must be 0 or more")
    sys.stdout.buffer.write(generate(n))
