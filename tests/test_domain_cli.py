"""``python -m checker domain`` against a local authoritative DNS server (tests/dns_server.py): the same JSON as
the core fed from memory, truncation -> TCP, timeouts as findings in bounded time, exit codes, usage errors."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from dns_server import LocalDNS
from sender_zone import DOMAINS, ZONE

from checker.sender.dns import Zone, drive
from checker.sender.domain import check_domain

ENV = {"TODOKU_DNS_LIFETIME": "0.6", "TODOKU_SITE_URL": "https://todoku.example"}


@pytest.fixture(scope="module")
def server() -> Iterator[LocalDNS]:
    with LocalDNS(ZONE) as s:
        yield s


def run(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    assert argv[:1] == ["domain"], argv
    out, err = io.StringIO(), io.StringIO()
    code = _domain(argv[1:], stdin, out, err)
    return code, out.getvalue(), err.getvalue()


def _domain(argv: list[str], stdin: str, out: io.StringIO, err: io.StringIO) -> int:
    from checker.cli.domain import main as domain_main

    return domain_main(argv, stdin=io.StringIO(stdin), stdout=out, stderr=err, environ=ENV)


def test_real_dns_gives_the_same_json_as_the_zone(server: LocalDNS) -> None:
    zone = Zone.from_json(ZONE)
    for ip in (None, "192.0.2.9"):
        extra = ["--ip", ip] if ip else []
        code, out, err = run(["domain", *DOMAINS, "--dkim-selector", "default", "--json",
                              "--nameserver", server.address, *extra])
        assert err == "" and code == 1
        lines = out.splitlines()
        assert len(lines) == len(DOMAINS)
        for d, line in zip(DOMAINS, lines, strict=True):
            expected = drive(check_domain(d, ip=ip, selectors=("default",)), zone.resolve_batch)
            assert line == json.dumps(expected.to_dict(), ensure_ascii=False), d


def test_truncated_answers_are_retried_over_tcp(server: LocalDNS) -> None:
    before = server.resolver.queries["tcp"]
    code, out, _ = run(["domain", "big.example", "--ip", "192.0.2.1", "--json", "--nameserver", server.address])
    assert json.loads(out)["spf"]["result"] == "pass"
    assert server.resolver.queries["tcp"] > before


def test_a_timeout_is_a_finding_in_bounded_time(server: LocalDNS) -> None:
    t = time.monotonic()
    code, out, err = run(["domain", "slow.example", "dmarcslow.example", "--json", "--nameserver", server.address])
    assert time.monotonic() - t < 15
    a, b = (json.loads(x) for x in out.splitlines())
    assert a["exists"] is None and "dns-temperror" in {f["code"] for f in a["findings"]}
    assert "dmarc-temperror" in {f["code"] for f in b["findings"]}
    assert code == 1 and err == ""


def test_human_output_and_exit_codes(server: LocalDNS) -> None:
    code, out, err = run(["domain", "ok.example", "--ip", "192.0.2.9", "--dkim-selector", "default",
                          "--nameserver", server.address, "--lang", "en"])
    assert code == 0 and err == ""
    assert out.startswith("✔ ok.example\n  Verdict (the strictest receiver): Arrives\n")
    assert "sent from 192.0.2.9: pass" in out and "https://todoku.example/en/sender/#spf-ip-pass" in out
    code, out, _ = run(["domain", "bare.example", "--nameserver", server.address])
    assert code == 1 and "✖ bare.example" in out and "https://todoku.example/sender/#gmail-auth-required" in out
    assert "出典: https://support.google.com/a/answer/81126" in out
    assert "よく使われるセレクタを調べました: default, google" in out


def test_standard_input_reports_every_line(server: LocalDNS) -> None:
    code, out, err = run(["domain", "-", "--json", "--nameserver", server.address],
                         stdin="\ufeffok.example\n\nnot a domain\nbare.example\n")
    assert [json.loads(x)["domain"] for x in out.splitlines()] == ["ok.example", "bare.example"]
    assert "not a domain" in err and code == 2


@pytest.mark.parametrize("argv, needle", [
    (["domain"], "調べるドメインがありません"),
    (["domain", "a..jp"], "ドメイン名ではありません"),
    (["domain", "ok.example", "--ip", "1.2.3"], "--ip は IP アドレスです"),
    (["domain", "ok.example", "--ip"], "--ip には値が必要です"),
    (["domain", "ok.example", "--ip", "fe80::1%eth0"], "--ip は IP アドレスです"),
    (["domain", "ok.example", "--nameserver", "dns.example:53", "--lang", "en"], "--nameserver must be an IP"),
    (["domain", "ok.example", "--dkim-selector", "a b"], "DKIM のセレクタとして使えない"),
    (["domain", "ok.example", "--lang", "fr"], "--lang は ja か en"),
    (["domain", "ok.example", "--bogus"], "--bogus"),
    (["domain", "ok.example", "--json=1"], "値を付けません"),
])
def test_usage_errors(argv: list[str], needle: str) -> None:
    code, out, err = run(argv)
    assert code == 2 and out == "" and needle in err and "Traceback" not in err


def test_help_and_dispatch() -> None:
    code, out, _ = run(["domain", "--help", "--lang", "en"])
    assert code == 0 and out.startswith("Usage: python -m checker domain DOMAIN...")
    p = subprocess.run([sys.executable, "-m", "checker", "domain"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and "Traceback" not in p.stderr
