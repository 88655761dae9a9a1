"""The command line as a whole (issue 13), through real processes: `check -` reads what `audit` reads
(CP932, UTF-16, with no lone surrogate in its JSON), one style of errors in each language for every command,
`--lang` and `--help` anywhere, `help` as a command, a top-level help that lists every command, and the
installed `todoku` command."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from checker import cli

ROOT = Path(__file__).resolve().parent.parent
TODOKU = Path(sys.executable).parent / "todoku"


def proc(*argv: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "checker", *argv], input=stdin, capture_output=True,
                          cwd=ROOT, timeout=120, env={**os.environ, "TODOKU_SITE_URL": "http://x.test"})


def json_lines(p: subprocess.CompletedProcess[bytes]) -> list[dict]:
    return [json.loads(line) for line in p.stdout.decode("utf-8").splitlines()]


# ------------------------------------------------------------------ check - : the encodings audit reads

@pytest.mark.parametrize("encoding", ["cp932", "shift_jis", "utf-8", "utf-8-sig", "utf-16", "utf-16-be",
                                      "utf-16-le"])
def test_check_stdin_reads_what_audit_reads(encoding):
    """Full-width letters and a display name, saved in each encoding, are read as typed: the fix is
    offered, nothing is garbled (``utf-16`` writes a BOM; ``utf-16-le`` without a BOM is recognised too)."""
    text = "ｔａｒｏ@docomo.ne.jp\r\n山田 <b@gmail.com>\r\n\r\nhanako@au.com\r\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    p = proc("check", "-", "--json", stdin=data)
    assert p.returncode == 1 and p.stderr == b""
    objs = json_lines(p)
    assert [o["input"] for o in objs] == ["ｔａｒｏ@docomo.ne.jp", "山田 <b@gmail.com>", "hanako@au.com"]
    assert objs[0]["findings"][0]["code"] == "fullwidth" and objs[0]["suggestion"] == "taro@docomo.ne.jp"
    assert objs[1]["findings"][0]["code"] == "display-name" and objs[1]["suggestion"] == "b@gmail.com"
    assert all(f["code"] != "surrogate" for o in objs for f in o["findings"])


def test_check_stdin_undecodable_bytes_never_become_lone_surrogates_in_json():
    """A byte that is neither UTF-8 nor CP932 is reported as garbled and written as the text \\xNN: strict
    JSON readers (which refuse lone surrogates) read every line."""
    p = proc("check", "-", "--json", stdin=b"ok@gmail.com\n\xff\xfe\xfdbad@gmail.com\n")
    assert b"\\ud" not in p.stdout.lower()
    objs = json_lines(p)
    assert objs[1]["findings"][0]["code"] == "surrogate"
    assert objs[1]["input"].startswith("\\x")
    assert all(not ("\ud800" <= c <= "\udfff") for o in objs for c in json.dumps(o, ensure_ascii=False))


def test_check_stdin_and_audit_agree_on_a_cp932_list(tmp_path):
    addresses = ["ｊｉｒｏ＠ezweb.ne.jp", "髙橋@example.co.jp", "taro.@docomo.ne.jp", "x@gmial.com"]
    one_per_line = "\r\n".join(addresses).encode("cp932")
    p = proc("check", "-", "--json", stdin=one_per_line)
    listed = tmp_path / "list.csv"
    listed.write_bytes(("メールアドレス\r\n" + "\r\n".join(addresses)).encode("cp932"))
    report = tmp_path / "r.jsonl"
    a = proc("audit", str(listed), "-o", str(report))
    assert a.returncode == 1
    audited = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    checked = json_lines(p)
    assert [r["input"] for r in audited] == [o["input"] for o in checked] == addresses
    for rec, obj in zip(audited, checked, strict=True):
        for key in ("address", "valid", "category", "provider", "level", "verdict", "suggestion"):
            assert rec[key] == obj[key], key
        assert rec["codes"] == [f["code"] for f in obj["findings"]]


# ------------------------------------------------------------------ one style of errors

UNKNOWN_OPTION = {"ja": "エラー: 「--frobnicate」というオプションはありません。",
                  "en": "Error: There is no option “--frobnicate”."}


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("command", ["check", "audit"])
def test_every_command_says_an_unknown_option_the_same_way(command, lang):
    p = proc(command, "x.csv", "--frobnicate", "--lang", lang)
    first, hint = p.stderr.decode("utf-8").splitlines()
    assert p.returncode == 2 and p.stdout == b""
    assert first == UNKNOWN_OPTION[lang]
    assert hint == {"ja": f"使い方は python -m checker {command} --help で確認できます。",
                    "en": f"See python -m checker {command} --help for usage."}[lang]


@pytest.mark.parametrize("argv", [
    ["check", "a@b.jp", "--level", "11"], ["audit", "x.csv", "--level", "11"], ["frob"], [],
    ["check"], ["audit"], ["audit", "nope.csv"], ["check", "--lang"], ["audit", "x.csv", "-o", "r.xls"],
])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_error_line_has_one_prefix_per_language(argv, lang):
    p = proc(*argv, "--lang", lang) if argv != ["check", "--lang"] else proc(*argv)
    err = p.stderr.decode("utf-8")
    assert p.returncode == 2 and "Traceback" not in err
    first = err.splitlines()[0]
    expected = "エラー: " if (lang == "ja" or argv == ["check", "--lang"]) else "Error: "
    assert first.startswith(expected), first
    assert not first.startswith(("error:", "ERROR", "usage", "Usage"))


def test_the_level_error_is_the_same_sentence_in_check_and_audit():
    c = proc("check", "a@b.jp", "--level", "0").stderr.decode().splitlines()[0]
    a = proc("audit", "x.csv", "--level", "0").stderr.decode().splitlines()[0]
    assert c == a == "エラー: --level は 1〜10 の整数です（「0」が指定されました）。"


# ------------------------------------------------------------------ --lang and --help anywhere, help

def test_lang_and_help_before_the_command_or_without_one():
    p = proc("--lang", "en", "--help")
    out = p.stdout.decode()
    assert p.returncode == 0 and out.startswith("Usage: python -m checker <command>")
    assert proc("--help", "--lang", "en").stdout == p.stdout
    assert proc("help", "--lang", "en").stdout == p.stdout
    assert proc("--lang=en", "help").stdout == p.stdout
    ja = proc("help").stdout.decode()
    assert ja.startswith("使い方: python -m checker <コマンド>")


@pytest.mark.parametrize("argv", [
    ["--lang", "en", "check", "--help"], ["check", "--help", "--lang", "en"], ["--help", "check", "--lang", "en"],
    ["help", "check", "--lang", "en"], ["--lang", "en", "help", "check"], ["check", "-h", "--lang=en"],
])
def test_a_commands_help_from_anywhere(argv):
    p = proc(*argv)
    assert p.returncode == 0 and p.stdout.decode().startswith("Usage: python -m checker check ADDRESS...")


def test_help_of_audit_and_options_before_the_command():
    p = proc("help", "audit")
    assert p.returncode == 0 and p.stdout.decode().startswith("使い方: python -m checker audit 入力ファイル")
    p = proc("--lang", "en", "check", "taro@gmail.com", "--json")
    assert p.returncode == 0 and json_lines(p)[0]["findings"][0]["message"].startswith("Gmail")


def test_top_level_help_lists_every_command():
    out = proc("--help", "--lang", "en").stdout.decode()
    listed = [line.split()[0] for line in out.split("Commands:\n")[1].split("\n\n")[0].splitlines()]
    assert listed == [*cli.available(), "help"]
    assert {"check", "audit"} <= set(listed)
    for name in cli.COMMANDS:  # every command module that exists is listed, and only those
        exists = (ROOT / "checker" / "cli" / f"{name}.py").exists()
        assert (name in listed) is exists, name


def test_a_command_added_to_the_table_is_dispatched_and_listed(monkeypatch, tmp_path, capsys):
    """Extending the dispatcher is one line in COMMANDS (plus the module and its summary)."""
    monkeypatch.setitem(cli.COMMANDS, "echo", "checker_test_echo")
    monkeypatch.setattr(cli, "available", lambda: ["check", "audit", "echo"])
    (tmp_path / "checker_test_echo.py").write_text("def main(argv):\n    print('echo', argv)\n    return 7\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert cli.main(["--lang", "en", "echo", "a", "--x"]) == 7
    assert capsys.readouterr().out == "echo ['--lang', 'en', 'a', '--x']\n"
    assert "\n  echo\n" in cli.top_help("en")  # listed (its summary would come from cli.toml)


def test_every_command_has_its_summary_in_both_languages():
    from checker._data import default_data
    ui = default_data().ui
    for name in [*cli.COMMANDS, "help"]:
        assert ui[f"cli.command-{name}"].ja and ui[f"cli.command-{name}"].en, name


def test_unknown_command_names_the_commands():
    p = proc("frobnicate", "--lang", "en")
    first, hint = p.stderr.decode().splitlines()
    assert first == f"Error: There is no command “frobnicate” (commands: {', '.join(cli.available())})."
    assert hint == "See python -m checker --help for usage."


@pytest.mark.skipif(not TODOKU.exists(), reason="the todoku script is installed by scripts/setup")
def test_the_installed_todoku_command_names_itself():
    p = subprocess.run([str(TODOKU), "--help", "--lang", "en"], capture_output=True, timeout=60)
    assert p.returncode == 0 and p.stdout.decode().startswith("Usage: todoku <command>")
    p = subprocess.run([str(TODOKU), "check", "--bogus"], capture_output=True, timeout=60)
    assert p.returncode == 2 and "使い方は todoku check --help で確認できます。" in p.stderr.decode()


# ------------------------------------------------------------------ one argument reader (common.parse_args)

COMMANDS = {"check": ["a@b.jp"], "domain": ["example.jp"], "audit": ["x.csv"], "message": ["x.eml"]}


def run(*argv: str) -> tuple[int, str, str]:
    """In-process (the whole table of cases would take minutes as processes); never reaches DNS: every case
    is a usage error or an unreadable file."""
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), stdin=io.BytesIO(b""), stdout=out, stderr=err, environ={})
    return code, out.getvalue(), err.getvalue()


def usage_error(code: int, out: str, err: str, command: str, lang: str) -> str:
    """The first line of a usage error, after checking its shape: exit 2, nothing on stdout, the hint line."""
    assert code == 2 and out == "" and "Traceback" not in err, (code, out, err)
    first, hint = err.splitlines()
    assert first.startswith("エラー: " if lang == "ja" else "Error: "), first
    assert f"python -m checker {command} --help" in hint and (("使い方は" in hint) == (lang == "ja")), hint
    return first


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("where", ["before the command", "before the option", "after the operand"])
def test_lang_anywhere_and_an_unknown_option_in_every_command(command, where):
    operand = COMMANDS[command]
    argv = {"before the command": ["--lang", "en", command, "--bogus", *operand],
            "before the option": [command, "--lang=en", "--bogus", *operand],
            "after the operand": [command, "--bogus", *operand, "--lang", "en"]}[where]
    first = usage_error(*run(*argv), command, "en")
    assert first == "Error: There is no option “--bogus”."
    first = usage_error(*run(command, "--bogus", *operand), command, "ja")
    assert first == "エラー: 「--bogus」というオプションはありません。"


@pytest.mark.parametrize("command", COMMANDS)
def test_lang_without_a_value_or_with_an_unknown_one(command):
    assert usage_error(*run(command, *COMMANDS[command], "--lang"), command, "ja") == \
        "エラー: --lang には値が必要です（例: --lang en）。"
    assert usage_error(*run(command, *COMMANDS[command], "--lang=fr"), command, "ja") == \
        "エラー: --lang は ja か en です（「fr」が指定されました）。"


@pytest.mark.parametrize("command", ["check", "domain", "message"])
def test_json_takes_no_value_in_every_command_that_has_it(command):
    """`message --json=yes` said "there is no option --json" (its own parser); now the sentence of the others."""
    first = usage_error(*run(command, *COMMANDS[command], "--json=yes", "--lang", "en"), command, "en")
    assert first == "Error: --json takes no value."


@pytest.mark.parametrize("command", ["check", "audit"])
@pytest.mark.parametrize("value", ["²", "٥", "+5", "1_0", " 5", "5.0", "0", "11", ""])
def test_level_is_read_the_same_way_by_check_and_audit(command, value):
    """`audit --level ²` was a traceback (isdigit() is true for superscripts, int() refuses them); `check` took
    `+5` and `1_0` that `audit` refused. Both read ASCII digits, 1 to 10."""
    first = usage_error(*run(command, *COMMANDS[command], "--level", value), command, "ja")
    assert first == f"エラー: --level は 1〜10 の整数です（「{value}」が指定されました）。"


@pytest.mark.parametrize("command", ["check", "domain", "message"])
def test_standard_input_only_once(command):
    first = usage_error(*run(command, "-", "-"), command, "ja")
    assert first == "エラー: - （標準入力）は 1 回だけ指定できます。"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_missing_file_is_a_localized_error_with_status_2(lang, tmp_path):
    missing = str(tmp_path / "nope")
    code, out, err = run("audit", missing + ".csv", "--lang", lang)
    assert code == 2 and out == "" and "Traceback" not in err
    said = "エラー: ファイルが見つかりません: " if lang == "ja" else "Error: No such file: "
    assert err == said + missing + ".csv\n"
    code, out, err = run("message", missing + ".eml", "--lang", lang)
    assert code == 2 and "Traceback" not in err
    assert err.startswith("エラー: " if lang == "ja" else "Error: ") and missing + ".eml" in err
