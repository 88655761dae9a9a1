"""Same answers everywhere: the checker in Pyodide (Node, npm ``pyodide`` from node_modules, fully
offline) gives byte-identical JSON to CPython for every golden vector and for a few thousand generated
inputs (random Unicode from every plane, characters newer than CPython 3.11's Unicode, lone surrogates,
bidi marks, emoji, look-alikes, full-width forms, long inputs, near-miss domains, IP literals), and the
list audit (checker.lists, which the page runs too) gives the same rows, summary and text for every audit
fixture and for lists made of those inputs (tests/parity_audit.py, shared by both sides).

The wheel is the one the site ships (``scripts/build_web.py``: ``python -m build --wheel``, pure ``py3-none-any``),
put unchanged on ``sys.path`` as the page does (no micropip) by ``tests/pyodide_golden.mjs``, which prints,
per case, exactly the line ``python -m checker check --json`` prints (``checker.cli.check.json_line``). The
CPython side computes the same line here. Lone surrogates cross no JavaScript string: the cases go into
Pyodide's file system as bytes and are parsed by Python's ``json``.

Not skipped when Node or node_modules is missing: that fails, with the command that fixes it
(``scripts/setup`` runs ``npm ci``). Figures are printed at the end of the run.
"""
from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest
from helpers_core import figures_report, load_script
from sender_zone import DOMAINS as SENDER_DOMAINS
from sender_zone import ZONE as SENDER_ZONE

from checker import Situation, check
from checker.address.normalize import ucd_kind
from checker.cli.check import json_line

pytestmark = pytest.mark.node

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "pyodide_golden.mjs"
PYODIDE = ROOT / "node_modules" / "pyodide" / "pyodide.mjs"
GOLDEN = json.loads((ROOT / "tests" / "golden" / "vectors.json").read_text(encoding="utf-8"))["vectors"]
FIGURES: dict[str, str] = {}
GENERATED = 4000

#: characters assigned after Unicode 14.0 (CPython 3.11), known to Pyodide's CPython 3.14 (16.0):
#: before the frozen table (checker/_unicode_table.py) each of these gave a different answer there
NEWER = [
    0x1CCF0, 0x1CCF5, 0x1CCF9,  # OUTLINED DIGIT ZERO/FIVE/NINE (16.0): NFKC gives ASCII digits
    0x2427, 0x2428, 0x2429,     # control pictures (16.0)
    0x31E4, 0x31E5,             # CJK strokes (16.0)
    0xA7CB, 0xA7CC, 0xA7CD, 0xA7DA, 0xA7DB, 0xA7DC,  # Latin letters with case pairs (16.0)
    0x10D40, 0x10D4E, 0x10D50, 0x10D8E,  # Garay (16.0)
    0x105C0, 0x11380, 0x1E5D0, 0x16100, 0x16D40,  # Todhri, Tulu-Tigalari, Ol Onal, Gurung Khema, Kirat Rai
    0x1FA89, 0x1FAE9, 0x1FADF, 0x1FAC6,  # emoji (16.0)
    0x1FAE8, 0x1FA77, 0x1F6DC, 0x11F00, 0x1E4D0, 0x31350,  # Unicode 15.0 / 15.1 (CPython 3.12, 3.13)
    0x2FFC, 0x2FFD, 0x31EF,                                # ideographic description characters (15.1)
]
BASES = ["taro@docomo.ne.jp", "hanako@gmail.com", "x@example.co.jp", "a..b@ezweb.ne.jp", "jiro@softbank.ne.jp",
         "taro@yahoo.co.jp", "saburo@xyz.ocn.ne.jp", "info@例え.jp", '"a b"@au.com', "山田@example.jp",
         "taro@icloud.com", "user@[192.0.2.1]", "taro@gmial.com", "taro@docomo.co.jp", "x@ezweb.ne.jo",
         # ipaddress writes IPv4-mapped IPv6 differently from Python 3.13 on: the checker must not
         "u@[IPv6:::ffff:192.0.2.1]", "u@[IPv6:2001:db8:0:0:1:0:0:1]", "u@[IPv6:fe80::1%eth0]",
         "taro@yahoo.ne.jp", "x@softbank.co.jp", "İ★docomo.ne.jp"]
SPECIALS = ["\u200b", "\u200e", "\u202e", "\u2066", "\ufeff", "\u00a0", "\u3000", "\uff20", "\uff0e",
            "\u3002", "\u30fc", "\u0430", "\u043e", "\u03bf", "\U0001f600", "\U0001f1ef\U0001f1f5", "\ufe0f",
            "\x00", "\x7f", "\x85", "\ud800", "\udfff", "\udc80", "\t", " ", "..", "@", '"', "\\", "★", "(at)",
            "mailto:", "<", ">", "\u2460", "\U0001d41a", "\u2488", "\uff34", "\u0130", "\u1e9e", "\u00df",
            "\u0131", "xn--", "-", "İ"]


def _random_char(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.25:
        return chr(rng.choice(NEWER))
    if r < 0.45:
        return rng.choice(SPECIALS)
    if r < 0.65:
        return chr(rng.randrange(0x80, 0x3400))  # scripts, symbols, Japanese kana
    if r < 0.85:
        return chr(rng.randrange(0x80, 0x110000))  # any plane (surrogates and unassigned included)
    return chr(rng.randrange(0x1F000, 0x1FB00))  # emoji blocks


def generated_cases(n: int = GENERATED, seed: int = 20261129) -> list[dict]:
    """Deterministic pseudo-random inputs, with every situation option and both languages."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        kind = i % 5
        if i < len(BASES):  # every base once as it is
            text = BASES[i]
        elif kind == 4:  # a random string, not address-shaped
            text = "".join(_random_char(rng) for _ in range(rng.randrange(0, 12)))
        else:
            chars = list(rng.choice(BASES))
            for _ in range(rng.randrange(1, 4)):
                op = rng.random()
                pos = rng.randrange(len(chars) + 1)
                if op < 0.6 or not chars:
                    chars.insert(pos, _random_char(rng))
                elif op < 0.8:
                    chars[min(pos, len(chars) - 1)] = _random_char(rng)
                else:
                    del chars[min(pos, len(chars) - 1)]
            text = "".join(chars)
            if kind == 3 and rng.random() < 0.1:  # long inputs: around the 254 and 1024 limits
                text = text * rng.choice([8, 30, 80])
        flags = ("links", "attachments", "allowlisted", "reply_allowlisted")
        situation: dict[str, bool | int] = {k: True for k in flags if rng.random() < 0.2}
        if rng.random() < 0.3:
            situation["level"] = rng.randrange(1, 11)
        out.append({"input": text, "situation": situation, "lang": rng.choice(["ja", "en"])})
    return out


#: the sender-domain check (issue 11) driven from recorded DNS answers (tests/sender_zone.py): every domain,
#: without and with --ip (v4 and v6), both languages; each line is what `python -m checker domain --json` prints
SENDER_CASES = [{"domain": d, "ip": ip, "selectors": ["default"], "lang": lang}
                for d in SENDER_DOMAINS for ip in (None, "192.0.2.9", "2001:db8::1") for lang in ("ja", "en")]


def sender_line(v: dict) -> str:
    from checker.cli.domain import json_line as domain_json_line
    from checker.sender.dns import Zone, drive
    from checker.sender.domain import check_domain

    zone = Zone.from_json(SENDER_ZONE)
    try:
        return domain_json_line(drive(check_domain(v["domain"], ip=v["ip"], selectors=tuple(v["selectors"]),
                                                   lang=v["lang"]), zone.resolve_batch))
    except Exception as exc:
        return json.dumps({"exception": repr(exc)})


def cpython_line(v: dict) -> str:
    try:
        return json_line(check(v["input"], situation=Situation(**v["situation"]), lang=v["lang"]))
    except Exception as exc:  # reported as a difference, like the Node side does
        return json.dumps({"exception": repr(exc)})


_report = figures_report("Pyodide parity (tests/test_pyodide_parity.py)", FIGURES)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel the site ships, built from this checkout by scripts/build_web.py's own function
    (``python -m build --wheel`` in a clean copy: no build/ litter, no compiled files)."""
    mod = load_script("build_web")
    try:
        path = mod.build_wheel(tmp_path_factory.mktemp("wheel"))
    except SystemExit as exc:  # build_web reports failures this way
        pytest.fail(f"building the wheel failed: {exc}")
    assert path.name.endswith("-py3-none-any.whl"), path
    return Path(path)


@pytest.fixture(scope="module")
def start(wheel: Path, tmp_path_factory) -> tuple[Path, Path]:
    """What the page starts from, made by scripts/build_web.py's own function from that wheel: the memory
    snapshot and the standard library trimmed to the traced imports (the parity runs go through both)."""
    require_runtime(PYODIDE)
    mod = load_script("build_web")
    try:
        snapshot, stdlib, info = mod.make_start(wheel, tmp_path_factory.mktemp("start"))
    except SystemExit as exc:
        pytest.fail(f"making the snapshot failed: {exc}")
    assert {"checker.web.check", "checker.web.audit", "checker.web.message"} <= set(info["entries"]), info["entries"]
    assert stdlib is not None
    FIGURES["start files"] = (f"snapshot {snapshot.stat().st_size / 1e6:.1f} MB; trimmed standard library "
                              f"{info['stdlibFiles']} files of the whole zip's "
                              f"{len(zipfile.ZipFile(PYODIDE.parent / 'python_stdlib.zip').namelist())}")
    return snapshot, stdlib


def audit_lists(cases: list[dict], tmp: Path) -> list[Path]:
    """The audit fixtures (every encoding and shape) plus two lists made of the cases' inputs: UTF-8 and
    Excel's CP932 (inputs with control characters, or that the encoding cannot write, are left out)."""
    import csv
    import io

    out = sorted(p for p in (ROOT / "tests" / "fixtures" / "audit").iterdir() if p.is_file())
    for enc, n in (("utf-8", 800), ("cp932", 400)):
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(["名前", "メールアドレス"])
        for i, v in enumerate(cases[:n]):
            if any(c < " " or c == "\x7f" for c in v["input"]):
                continue  # a control character makes a file binary for the audit: one such list is a fixture
            try:
                v["input"].encode(enc)
            except UnicodeError:
                continue
            w.writerow([f"n{i}", v["input"]])
        path = tmp / f"generated-{enc}.csv"
        path.write_bytes(buf.getvalue().encode(enc))
        out.append(path)
    return out


def require_runtime(pyodide: Path) -> str:
    """Node's path; fails (never skips) when Node or npm's pyodide is missing."""
    node = shutil.which("node") or "/usr/bin/node"
    if not Path(node).exists():
        pytest.fail("node not found: the Pyodide parity test needs Node (Debian: apt-get install nodejs)")
    if not pyodide.is_file():
        pytest.fail(f"{pyodide} missing: run scripts/setup (it runs npm ci)")
    return node


def test_a_missing_runtime_fails_rather_than_skips(tmp_path):
    with pytest.raises(pytest.fail.Exception, match="run scripts/setup"):
        require_runtime(tmp_path / "node_modules" / "pyodide" / "pyodide.mjs")


@pytest.fixture(scope="module")
def pyodide_run(wheel: Path, start: tuple[Path, Path], tmp_path_factory) -> dict:
    """One Node process runs every case: the golden vectors, then the generated ones, then the audits; it
    starts as the page does, from the memory snapshot (the normal start: test_the_normal_start_agrees)."""
    node = require_runtime(PYODIDE)
    golden = [{k: v[k] for k in ("input", "situation", "lang")} for v in GOLDEN]
    cases = golden + generated_cases()
    tmp = tmp_path_factory.mktemp("cases")
    audits = [{"path": str(p), "lang": lang} for p in audit_lists(cases, tmp) for lang in ("ja", "en")]
    messages = message_cases(tmp)
    path = tmp / "cases.json"
    # ensure_ascii: lone surrogates are written as \udXXX escapes, read back unchanged by Python's json
    sender = {"zone": SENDER_ZONE, "cases": SENDER_CASES}
    path.write_text(json.dumps({"vectors": cases, "audits": audits, "messages": messages, "sender": sender},
                               ensure_ascii=True),
                    encoding="ascii")
    snapshot, stdlib = start
    cmd = [node, str(SCRIPT), str(wheel), str(path), "--snapshot", str(snapshot), "--stdlib", str(stdlib)]
    proc = subprocess.run(cmd,
                          capture_output=True, timeout=600, cwd=ROOT)
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 0, f"node failed ({proc.returncode}):\n{stderr[-3000:]}"
    meta = dict(item.split("=", 1) for line in stderr.splitlines() if line.startswith("pyodide: ")
                for item in line[len("pyodide: "):].split())
    lines = proc.stdout.decode("utf-8").split("\n")
    assert lines[-1] == "", "output must end with a newline"
    lines = lines[:-1]
    assert len(lines) == len(cases) + len(audits) + len(messages) + len(SENDER_CASES), \
        (len(lines), len(cases), len(audits), len(messages))
    end = len(cases) + len(audits)
    end_messages = end + len(messages)
    return {"cases": cases, "lines": lines[:len(cases)], "golden": len(golden), "meta": meta,
            "audits": audits, "audit_lines": lines[len(cases):end], "messages": messages,
            "message_lines": lines[end:end_messages], "sender_lines": lines[end_messages:]}


def message_cases(tmp: Path) -> list[dict]:
    """``message --json`` inputs: every bounce of the sisimai corpus (in place) in both languages, and hostile
    or Japanese-encoded messages written here."""
    from message_corpus import CORPUS

    made = {
        "empty": b"", "binary": bytes(range(256)) * 64,
        "nested": b"From: MAILER-DAEMON@x.example\nSubject: failure notice\n" + b"".join(
            b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i) for i in range(300)),
        "sjis": b"From: MAILER-DAEMON@x.example\nSubject: =?ISO-2022-JP?B?GyRCJWEhPCVrJSglaSE8GyhC?=\n"
                b"Content-Type: text/plain; charset=Shift_JIS\n\n"
                + ("<a@docomo.ne.jp>: 550 Unknown user (in reply to end of DATA command)\n"
                   "送信できませんでした\n").encode("cp932"),
        "eucjp-mislabelled": b"From: postmaster@x.example\nSubject: error\n"
                             b"Content-Type: text/plain; charset=iso-2022-jp\n\n"
                             + "<b@ezweb.ne.jp>: 550 : User unknown\n宛先不明\n".encode("euc_jp"),
        "auth": b"Authentication-Results: mx.google.com; dkim=pass header.i=@example.co.jp; spf=fail "
                b"smtp.mailfrom=x@example.co.jp; dmarc=fail header.from=example.co.jp\nFrom: a@example.co.jp\n\nhi\n",
    }
    out = []
    for name, raw in made.items():
        path = tmp / f"message-{name}.eml"
        path.write_bytes(raw)
        out += [{"path": str(path), "name": name, "lang": lang} for lang in ("ja", "en")]
    if CORPUS.is_dir():
        out += [{"path": str(p), "name": p.name, "lang": lang}
                for p in sorted(CORPUS.glob("*.eml")) for lang in ("ja", "en")]
    return out


def _diffs(cases: list[dict], lines: list[str]) -> list[tuple[dict, str, str]]:
    out = []
    for v, theirs in zip(cases, lines, strict=True):
        ours = cpython_line(v)
        if ours != theirs:
            out.append((v, ours, theirs))
    return out


def _show(diffs: list[tuple[dict, str, str]], limit: int = 8) -> str:
    return "\n".join(f"input {ascii(v['input'])} {v['situation']} {v['lang']}:\n  CPython: {ours}\n  Pyodide: {theirs}"
                     for v, ours, theirs in diffs[:limit])


def _host() -> str:
    v = sys.version_info
    return f"CPython {v.major}.{v.minor}.{v.micro} (Unicode {unicodedata.unidata_version})"


def test_pyodide_is_the_pinned_runtime(pyodide_run):
    meta = pyodide_run["meta"]
    # npm pyodide 314.0.7 is CPython 3.14.2 with Unicode 16.0.0: a newer Unicode than CPython 3.11's,
    # which is what makes this comparison worth running
    assert meta.get("python", "").startswith("3.14."), meta
    assert meta.get("unicodedata") == "16.0.0", meta
    assert meta.get("cases") == str(len(pyodide_run["cases"])), meta
    assert meta.get("start") == "snapshot", meta  # the page's start path


def test_the_normal_start_agrees(wheel, start, pyodide_run):
    """The page falls back to booting Python (from the same trimmed standard library) when the snapshot
    cannot be used: the same golden answers and audits that way too."""
    mod = load_script("build_web")
    n = pyodide_run["golden"]
    fixtures = [a for a in pyodide_run["audits"] if "/fixtures/" in a["path"]]
    lines, summary = mod.run_in_pyodide(wheel, {"vectors": pyodide_run["cases"][:n], "audits": fixtures},
                                        stdlib=start[1])
    assert "start=boot" in summary, summary
    audit_lines = dict(zip((json.dumps(a) for a in pyodide_run["audits"]), pyodide_run["audit_lines"], strict=True))
    assert lines[:n] == pyodide_run["lines"][:n]
    assert lines[n:] == [audit_lines[json.dumps(a)] for a in fixtures]
    FIGURES["normal start"] = f"{n} golden vectors and {len(fixtures)} audits: the same lines as from the snapshot"


def test_golden_vectors_are_byte_identical(pyodide_run):
    n = pyodide_run["golden"]
    cases, lines = pyodide_run["cases"][:n], pyodide_run["lines"][:n]
    diffs = _diffs(cases, lines)
    surrogates = sum(any("\ud800" <= c <= "\udfff" for c in v["input"]) for v in cases)
    meta = pyodide_run["meta"]
    FIGURES["golden vectors"] = (f"{n} compared ({surrogates} with lone surrogates), {len(diffs)} differ; "
                                 f"Pyodide CPython {meta.get('python')} (Unicode {meta.get('unicodedata')}, "
                                 f"load {meta.get('load_ms')} ms) vs {_host()}")
    assert n == len(GOLDEN) and n >= 70
    assert not diffs, f"{len(diffs)} of {n} golden vectors differ in Pyodide:\n{_show(diffs)}"
    # the golden file itself is CPython's answer (tests/test_check_golden.py): Pyodide gives it too
    # (written as `check --json` writes it: a lone surrogate of undecodable input as a \\udXXX escape)
    from checker.cli.common import no_surrogates

    for v, line in zip(GOLDEN, lines, strict=True):
        assert line == no_surrogates(json.dumps(v["expected"], ensure_ascii=False)), v["input"]


def test_generated_inputs_are_byte_identical(pyodide_run):
    n = pyodide_run["golden"]
    cases, lines = pyodide_run["cases"][n:], pyodide_run["lines"][n:]
    diffs = _diffs(cases, lines)
    newer = sum(any(ord(c) in NEWER for c in v["input"]) for v in cases)
    FIGURES["generated inputs"] = (f"{len(cases)} compared ({newer} with characters newer than Unicode "
                                   f"14.0), {len(diffs)} differ")
    assert len(cases) == GENERATED
    assert not diffs, f"{len(diffs)} of {len(cases)} generated inputs differ in Pyodide:\n{_show(diffs)}"


def test_list_audits_are_byte_identical(pyodide_run):
    """The page's list audit runs the same checker.lists: the same rows, summary and text for every fixture."""
    from parity_audit import audit_line

    audits, lines = pyodide_run["audits"], pyodide_run["audit_lines"]
    diffs = [(a, ours, theirs) for a, theirs in zip(audits, lines, strict=True)
             if (ours := audit_line(Path(a["path"]).read_bytes(), a["lang"])) != theirs]
    rows = sum(len(json.loads(line).get("rows", ())) for line in lines)
    FIGURES["list audits"] = f"{len(audits)} compared ({rows} rows, both languages), {len(diffs)} differ"
    assert len(audits) >= 20 and rows >= 1000
    assert sum("error" in json.loads(line) for line in lines) >= 2  # the unreadable fixtures: messages compared
    assert not diffs, "\n".join(f"{a}:\n  CPython: {o[:600]}\n  Pyodide: {t[:600]}" for a, o, t in diffs[:3])


def test_sender_domains_are_byte_identical(pyodide_run):
    """`domain --json` from recorded answers: the sender core gives the same bytes in Pyodide."""
    lines = pyodide_run["sender_lines"]
    diffs = [(v, ours, theirs) for v, theirs in zip(SENDER_CASES, lines, strict=False)  # lengths: asserted below
             if (ours := sender_line(v)) != theirs]
    FIGURES["sender domains"] = f"{len(SENDER_CASES)} domain checks compared (`domain --json`), {len(diffs)} differ"
    assert len(lines) == len(SENDER_CASES) >= 250
    assert not any("exception" in json.loads(line) for line in lines)
    assert not diffs, "\n".join(f"{v}:\n  CPython: {o[:800]}\n  Pyodide: {t[:800]}" for v, o, t in diffs[:3])


def test_generated_inputs_reach_the_interesting_cases():
    """The generator is not vacuous: it produces what used to differ and every verdict."""
    cases = generated_cases()
    assert sum(any(ord(c) in NEWER for c in v["input"]) for v in cases) >= 500
    assert sum(any("\ud800" <= c <= "\udfff" for c in v["input"]) for v in cases) >= 50
    assert all(ucd_kind(cp) == "u" for cp in NEWER)  # unassigned for the checker, on every Python
    verdicts = {json.loads(cpython_line(v))["verdict"] for v in cases}
    assert verdicts == {"deliver", "spam-folder", "at-risk", "block", "invalid"}
    codes = {f["code"] for v in cases for f in json.loads(cpython_line(v))["findings"]}
    for code in ("surrogate", "invisible-char", "emoji", "unusable-char", "lookalike", "fullwidth",
                 "control-char", "typo", "too-long", "legacy-dots", "domain-literal", "at-replaced"):
        assert code in codes, code
    assert any(json.loads(cpython_line(v))["address"] == "u@[IPv6:::ffff:c000:201]" for v in cases)
    assert generated_cases() == cases  # deterministic


def test_messages_are_byte_identical(pyodide_run):
    """``python -m checker message --json`` gives the same line in Pyodide for every corpus bounce and the
    hostile and Japanese-encoded messages (the /message/ page runs the same core in its worker)."""
    from checker.cli.message import json_line as message_line
    from checker.message import read_message

    diffs = []
    for m, theirs in zip(pyodide_run["messages"], pyodide_run["message_lines"], strict=True):
        ours = message_line(read_message(Path(m["path"]).read_bytes(), m["lang"]), m["name"])
        if ours != theirs:
            diffs.append((m["name"], m["lang"], ours, theirs))
    corpus = sum(1 for m in pyodide_run["messages"] if m["name"].endswith(".eml"))
    FIGURES["messages"] = (f"{len(pyodide_run['messages'])} compared ({corpus} corpus bounces x languages), "
                           f"{len(diffs)} differ")
    assert not diffs, "\n".join(f"{n} {lang}:\n  CPython: {o}\n  Pyodide: {t}" for n, lang, o, t in diffs[:5])
