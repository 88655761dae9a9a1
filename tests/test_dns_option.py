"""``check --dns`` and ``audit --dns``: the recipient domain's MX answer (checker.sender.recipient), asked once
per domain against a local DNS server; nothing is asked without --dns."""
from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from dns_server import LocalDNS

import checker.cli.dns as dns_shell
from checker import check
from checker._data import default_data
from checker.cli import main as check_main  # the dispatcher: check_main(["check", ...])
from checker.cli.audit import main as audit_main
from checker.sender.dns import Answer
from checker.sender.recipient import mx_query, with_mx

ZONE = {"ok.example": {"MX": [[10, "mx.ok.example"]]}, "null.example": {"MX": [[0, ""]]},
        "slow.example": "TIMEOUT", "xn--wgv71a119e.jp": {"MX": [[10, "mx.example"]]}}
ENV = {"TODOKU_DNS_LIFETIME": "0.5"}


@pytest.fixture(scope="module")
def server() -> Iterator[LocalDNS]:
    with LocalDNS(ZONE) as s:
        yield s


def test_with_mx_is_pure_and_precise() -> None:
    data = default_data()
    r = check("taro@example.jp", lang="en")
    assert mx_query(r) is not None and mx_query(r).name == "example.jp"  # type: ignore[union-attr]
    assert with_mx(r, Answer("NOERROR", ((10, "mx.example.jp"),)), lang="en", data=data) == r
    gone = with_mx(r, Answer("NXDOMAIN"), lang="en", data=data)
    assert gone.verdict == "block" and gone.findings[-1].code == "no-such-domain"
    assert gone.findings[-1].url == "/en/findings/#no-such-domain"
    null = with_mx(r, Answer("NOERROR", ((0, ""),)), lang="ja", data=data)
    assert null.verdict == "block" and null.findings[-1].code == "null-mx"
    mixed = with_mx(r, Answer("NOERROR", ((0, ""), (10, "mx.example.jp"))), lang="en", data=data)
    assert mixed == r
    slow = with_mx(r, Answer("TIMEOUT"), lang="en", data=data)
    assert slow.verdict == r.verdict and slow.findings[-1].code == "dns-unanswered"
    bad = check("not an address", lang="en")
    assert mx_query(bad) is None and with_mx(bad, Answer("NXDOMAIN"), lang="en", data=data) == bad


def test_check_dns(server: LocalDNS) -> None:
    out = io.StringIO()
    code = check_main(["check", "a@ok.example", "b@gone.example", "c@null.example", "d@slow.example",
                       "e@日本語.jp", "A@OK.example", "--dns", "--nameserver", server.address, "--json"],
                      stdout=out, stderr=io.StringIO(), environ=ENV)
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [r["verdict"] for r in rows] == ["deliver", "block", "block", "deliver", "deliver", "deliver"]
    assert "dns-unanswered" in [f["code"] for f in rows[3]["findings"]]
    assert code == 1
    assert server.resolver.queries["ok.example/MX"] == 1  # once per domain (A@OK.example included)


def test_audit_dns(server: LocalDNS, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "list.csv"
    src.write_text("名前,メール\n" + "".join(f"{i},u{i}@{d}\n" for i, d in enumerate(
        ["ok.example", "gone.example", "null.example", "ok.example"] * 50)), encoding="cp932")
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setenv("TODOKU_DNS_LIFETIME", ENV["TODOKU_DNS_LIFETIME"])
    before = server.resolver.queries["gone.example/MX"]
    code = audit_main([str(src), "--dns", "--nameserver", server.address, "-o", "-", "--format", "jsonl"],
                      stdout=out, stderr=err)
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert len(rows) == 200 and [r["line"] for r in rows] == list(range(2, 202))  # every row, in order
    assert [r["verdict"] for r in rows[:4]] == ["deliver", "block", "block", "deliver"]
    assert {c for r in rows for c in r["codes"]} >= {"no-such-domain", "null-mx"}
    assert code == 1 and "no-such-domain" in err.getvalue()
    assert server.resolver.queries["gone.example/MX"] == before + 1  # once per domain, 50 rows


def test_nothing_is_asked_without_dns(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def forbidden(*a: object, **k: object) -> None:
        raise AssertionError("DNS asked without --dns")

    monkeypatch.setattr(dns_shell.Resolver, "__init__", forbidden)
    src = tmp_path / "l.csv"
    src.write_text("email\na@gone.example\n", encoding="utf-8")
    assert audit_main([str(src)], stdout=io.StringIO(), stderr=io.StringIO()) == 0
    assert check_main(["check", "a@gone.example"], stdout=io.StringIO(), stderr=io.StringIO(), environ={}) == 0


@pytest.mark.parametrize("argv", [["check", "a@b.jp", "--dns", "--nameserver", "name.example"],
                                  ["check", "a@b.jp", "--dns", "--nameserver"]])
def test_check_usage_errors(argv: list[str]) -> None:
    err = io.StringIO()
    assert check_main(argv, stdout=io.StringIO(), stderr=err, environ={}) == 2
    assert "--nameserver" in err.getvalue() and "Traceback" not in err.getvalue()


def test_audit_usage_error(tmp_path: Path) -> None:
    err = io.StringIO()
    assert audit_main(["x.csv", "--dns", "--nameserver", "::1:99999"], stdout=io.StringIO(), stderr=err) == 2
    assert "--nameserver" in err.getvalue()
