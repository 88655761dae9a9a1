"""The command-line contract (issue 2, section 5): in-process for speed, plus real subprocesses for
what only a process shows (exit status, stdin bytes, no traceback)."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from checker.cli import main

ROOT = Path(__file__).resolve().parent.parent
KEYS = ["input", "address", "valid", "category", "provider", "level", "verdict", "reply", "findings", "suggestion"]


def cli(*argv: str, stdin: str = "", env: dict | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdin=io.StringIO(stdin), stdout=out, stderr=err, environ=env or {})
    return code, out.getvalue(), err.getvalue()


def proc(*argv: str, stdin: bytes = b"", env: dict | None = None) -> subprocess.CompletedProcess:
    e = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "checker", *argv], input=stdin, capture_output=True,
                          cwd=ROOT, env=e, timeout=60)


def test_json_one_object_per_address_per_line():
    code, out, err = cli("check", "taro@gmail.com", "taro@docomo.ne.jp", "--json", "--lang", "en")
    lines = out.splitlines()
    assert len(lines) == 2 and err == ""
    objs = [json.loads(line) for line in lines]
    assert [list(o) for o in objs] == [KEYS, KEYS]
    assert objs[0]["verdict"] == "spam-folder" and objs[1]["verdict"] == "at-risk"
    assert all(set(f) == {"code", "severity", "message", "url"} for o in objs for f in o["findings"])
    assert objs[1]["findings"][0]["url"] == "/en/findings/#carrier-filter"  # site-relative in JSON
    assert code == 1


@pytest.mark.parametrize("argv,expected", [
    (["taro@gmail.com"], 0),                       # spam-folder arrives
    (["taro@example.co.jp"], 0),                   # deliver
    (["taro@docomo.ne.jp"], 1),                    # at-risk
    (["taro@docomo.ne.jp", "--allowlisted"], 0),
    (["taro@docomo.ne.jp", "--allowlisted", "--links"], 0),
    (["taro@docomo.ne.jp", "--links"], 1),
    (["taro@gmail.com", "--level", "4"], 0),       # their reply is refused: never the exit code
    (["taro@gmail.com", "--level", "2"], 0),
    (["taro@docomo.ne.jp", "--level", "4", "--allowlisted"], 0),
    (["taro@gmail.com", "--level=4", "--reply-allowlisted"], 0),
    (["taro@gmail.com", "not-an-address"], 1),     # any failing address
    (["taro@gmail.com", "taro@example.co.jp"], 0),
])
def test_exit_status(argv, expected):
    assert cli("check", *argv)[0] == expected


def test_options_reach_the_situation():
    _, out, _ = cli("check", "taro@docomo.ne.jp", "--attachments", "--json")
    assert [f["code"] for f in json.loads(out)["findings"]] == ["carrier-filter", "carrier-attachments"]
    _, out, _ = cli("check", "taro@docomo.ne.jp", "--level", "5", "--json")
    assert "reply-links" in [f["code"] for f in json.loads(out)["findings"]]


def test_stdin_dash_reads_one_address_per_line():
    code, out, _ = cli("check", "-", "--json", stdin="\ufefftaro@gmail.com\r\n\n  \nｔａｒｏ@gmail.com\n")
    objs = [json.loads(line) for line in out.splitlines()]
    assert [o["input"] for o in objs] == ["taro@gmail.com", "ｔａｒｏ@gmail.com"]
    assert objs[1]["suggestion"] == "taro@gmail.com" and code == 1
    code, out, _ = cli("check", "a@gmail.com", "-", "b@gmail.com", "--json", stdin="c@gmail.com\n")
    assert [json.loads(line)["input"] for line in out.splitlines()] == ["a@gmail.com", "c@gmail.com",
                                                                      "b@gmail.com"]


def test_human_output_is_localized_and_links_are_absolute():
    code, out, _ = cli("check", "taro@docomo.ne.jp")
    assert "自社からのメール: 届かないおそれがあります\n  お客様からの返信: 届きます\n" in out
    assert "http://127.0.0.1:8000/findings/#carrier-filter" in out
    assert "http://127.0.0.1:8000/providers/docomo/" in out
    code, out, _ = cli("check", "taro@docomo.ne.jp", "--lang", "en", env={"TODOKU_SITE_URL": "https://t.example/"})
    assert "Your mail: At risk: may not arrive\n  Their reply: Arrives\n" in out
    assert "https://t.example/en/findings/#carrier-filter" in out
    assert "自社" not in out
    _, out, _ = cli("check", "b@gmail.com", "--level", "4", "--lang", "en")
    assert "Your mail: Arrives (may land in the spam folder)\n  Their reply: Will not arrive (refused)\n" in out
    _, out, _ = cli("check", "not-an-address", "--lang", "en")
    assert "Your mail: Not a valid" in out and "Their reply" not in out  # no reply without an address


def test_human_output_shows_suggestion_and_summary():
    _, out, _ = cli("check", "taro@docomo.co.jp", "taro@gmail.com", "--lang", "en")
    assert "Suggestion: taro@docomo.ne.jp" in out
    assert "1 of 2 addresses may not receive your mail." in out
    _, out, _ = cli("check", "taro@gmail.com", "hanako@gmail.com")
    assert "2 件すべてに届きます。" in out


def test_human_output_escapes_invisible_characters():
    _, out, _ = cli("check", "ta\u202ero@gmail.com")
    assert "\u202e" not in out and "\\u202e" in out


@pytest.mark.parametrize("argv,lang,needle", [
    ([], "ja", "コマンドがありません"),
    (["frobnicate"], "ja", "「frobnicate」というコマンドはありません"),
    (["check"], "ja", "調べるアドレスがありません"),
    (["check", "--lang", "en"], "en", "No address to check"),
    (["check", "a@b.jp", "--level"], "ja", "--level には値が必要です"),
    (["check", "a@b.jp", "--level", "0"], "ja", "--level は 1〜10 の整数です（「0」"),
    (["check", "a@b.jp", "--level", "11", "--lang", "en"], "en",
     "--level must be a whole number from 1 to 10, not “11”"),
    (["check", "a@b.jp", "--level", "seven"], "ja", "「seven」"),
    (["check", "a@b.jp", "--lang", "fr"], "ja", "--lang は ja か en です（「fr」"),
    (["check", "a@b.jp", "--bogus"], "ja", "「--bogus」というオプションはありません"),
    (["check", "a@b.jp", "--json=yes", "--lang=en"], "en", "--json takes no value"),
    (["check", "-", "-"], "ja", "標準入力"),
])
def test_usage_errors(argv, lang, needle):
    code, out, err = cli(*argv)
    assert code == 2 and out == ""
    assert needle in err, err
    assert "Traceback" not in err
    assert ("使い方は" in err) == (lang == "ja")


def test_help():
    code, out, _ = cli("check", "--help")
    assert code == 0 and "TODOKU_SITE_URL" in out and "--reply-allowlisted" in out and "使い方" in out
    code, out, _ = cli("check", "-h", "--lang", "en")
    assert code == 0 and "Usage: python -m checker check" in out
    code, out, _ = cli("--help")
    assert code == 0 and "audit" in out


def test_double_dash_allows_addresses_starting_with_dash():
    code, out, err = cli("check", "--json", "--", "-taro@gmail.com")
    assert json.loads(out)["address"] == "-taro@gmail.com" and err == ""


# ---------------------------------------------------------------- real processes

def test_process_exit_codes_and_no_traceback():
    p = proc("check", "taro@gmail.com", "--json")
    assert p.returncode == 0 and json.loads(p.stdout)["provider"] == "gmail"
    p = proc("check", "--level", "x")
    assert p.returncode == 2 and b"Traceback" not in p.stderr and b"--level" in p.stderr
    p = proc("check", "taro@docomo.ne.jp")
    assert p.returncode == 1 and "自社からのメール".encode() in p.stdout


def test_process_stdin_with_undecodable_bytes():
    p = proc("check", "-", "--json", stdin=b"ok@gmail.com\nbad\xff@gmail.com\n\x00@x\n")
    assert p.returncode == 1 and b"Traceback" not in p.stderr
    objs = [json.loads(line) for line in p.stdout.decode("utf-8").splitlines()]
    assert [o["findings"][0]["code"] for o in objs[1:]] == ["surrogate", "control-char"]
    # nothing the user gave is lost: the undecodable byte comes back as the text \xff (as the audit shows
    # it), never as a lone surrogate that strict JSON readers refuse
    assert objs[1]["input"] == "bad\\xff@gmail.com" and b"\\udc" not in p.stdout


def test_process_in_an_ascii_locale_does_not_crash():
    p = proc("check", "taro@docomo.ne.jp", env={"PYTHONIOENCODING": "ascii", "LC_ALL": "C"})
    assert p.returncode == 1 and b"Traceback" not in p.stderr and p.stdout


def test_process_broken_pipe_is_quiet():
    e = {**os.environ}
    cmd = f"{sys.executable} -m checker check - --json | head -n 1"
    data = "\n".join(f"user{i}@gmail.com" for i in range(20000)).encode()
    p = subprocess.run(["bash", "-c", cmd], input=data, capture_output=True, cwd=ROOT, env=e, timeout=120)
    assert p.stdout.count(b"\n") == 1 and b"Traceback" not in p.stderr


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_unknown_company_domain_is_shown_as_unknown(lang):
    from checker import default_data

    data = default_data()
    code, out, _ = cli("check", "taro@example.co.jp", "--lang", lang)
    assert code == 0
    assert data.categories["unknown"].name.get(lang) in out
    assert data.categories["domain"].name.get(lang) not in out
    code, out, _ = cli("check", "taro@example.co.jp", "--json")
    assert json.loads(out)["category"] == "unknown"


def test_process_bad_input_of_every_kind_gets_a_finding_never_a_traceback():
    """Issue 2, bad input, through the real command: empty, 1 MB, NUL, lone surrogates (undecodable
    bytes), bidi marks, emoji. JSON keeps every input whole; the human output does not echo a megabyte."""
    big = "a" * (1 << 20) + "@gmail.com"
    lines = [big, "\x00@gmail.com", "ta\u202ero@gmail.com", "taro@gmail.com\u200f", "😀@gmail.com"]
    data = "\n".join(lines).encode("utf-8") + b"\nbad\xed\xa0\x80@x.jp\n"
    expected = ["too-long", "control-char", "invisible-char", "invisible-char", "emoji", "surrogate"]
    p = proc("check", "-", "--json", stdin=data)
    assert p.returncode == 1 and p.stderr == b""
    objs = [json.loads(line) for line in p.stdout.decode("utf-8").splitlines()]
    assert [o["findings"][0]["code"] for o in objs] == expected
    assert objs[0]["input"] == big and all(o["verdict"] == "invalid" for o in objs)
    p = proc("check", "-", "--lang", "en", stdin=data)
    assert p.returncode == 1 and p.stderr == b""
    out = p.stdout.decode("utf-8")
    assert len(out) < 10_000 and f"({len(big)} characters; --json prints all of it)" in out
    assert "\u202e" not in out and "\\u202e" in out
    p = proc("check", "", "--json")
    assert p.returncode == 1 and json.loads(p.stdout)["findings"][0]["code"] == "empty"


def test_process_undecodable_argv_is_a_surrogate_finding():
    p = subprocess.run([sys.executable.encode(), b"-m", b"checker", b"check", b"bad\xff@x.jp", b"--json"],
                       capture_output=True, cwd=ROOT, timeout=60)
    assert p.returncode == 1 and p.stderr == b""
    o = json.loads(p.stdout)
    assert o["findings"][0]["code"] == "surrogate" and o["input"] == "bad\\xff@x.jp"
    assert b"\\udc" not in p.stdout  # the byte as the text \xff: no lone surrogate in the JSON
