"""Benchmark of the sender-domain check beside checkdmarc (issue 11), on the same local zone.

    .venv/bin/python scripts/bench_sender.py [--repeat 3]

Both tools ask the same local authoritative DNS server (tests/dns_server.py in its own process) about every
domain of the tests' sender zone (tests/sender_zone.py): ours through ``checker.sender.domain.check_domain`` and
its dnspython shell, checkdmarc through ``check_spf`` and ``check_dmarc``. Printed: agreement on SPF validity,
SPF DNS-lookup counts, void-lookup counts and DMARC validity; every difference with its justification
(``JUSTIFIED`` below; an unexplained difference is marked so); the time of each tool.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from sender_zone import DOMAINS, ZONE  # noqa: E402

from checker.cli.dns import Resolver  # noqa: E402
from checker.sender.dns import drive  # noqa: E402
from checker.sender.domain import check_domain  # noqa: E402

#: (domain, field) -> why the two tools differ there and which is right
JUSTIFIED: dict[tuple[str, str], str] = {
    ("cname.example", "spf_valid"):
        "todoku is right: the include target is a CNAME chain ending in a TXT record. Resolvers follow CNAMEs "
        "(RFC 1034 3.6.2); the test server answers with the chain's head only, as an authoritative server does "
        "for a target it does not serve, and checkdmarc does not follow it, so it reports 'no SPF record'. "
        "Through a recursive resolver both tools would agree.",
    ("incslow.example", "spf_valid"):
        "todoku is right: the include target times out, which is temperror (RFC 7208 5.2: an include whose "
        "check_host() returns temperror makes the whole result temperror), not permerror. todoku keeps the "
        "record valid and reports spf-temperror; checkdmarc calls it invalid and words the timeout as "
        "'has no SPF record ... permanent error'.",
    ("ptr.example", "void"):
        "A matter of definition without a client IP: ptr's lookup is the PTR record of the *connecting* address "
        "(RFC 7208 5.5), unknown when a domain is inspected, so todoku counts the lookup (1, in both tools) but "
        "cannot call it void; checkdmarc counts a void lookup for it.",
}


def ours(domains: list[str], host: str, port: int) -> dict[str, dict[str, Any]]:
    out = {}
    with Resolver([(host, port)], timeout=0.5, lifetime=1.0) as resolver:
        for d in domains:
            r = drive(check_domain(d, selectors=("default",)), resolver.resolve_batch).to_dict()
            spf, dmarc = r["spf"], r["dmarc"]
            out[d] = {"spf_valid": spf["valid"], "lookups": spf["lookups"] if spf["record"] else None,
                      "void": spf["void_lookups"] if spf["record"] else None, "dmarc_valid": dmarc["valid"],
                      "spf_error": next((f["code"] for f in r["findings"] if f["code"].startswith("spf-")
                                         and f["severity"] == "error"), None),
                      "dmarc_error": next((f["code"] for f in r["findings"] if f["code"].startswith("dmarc-")
                                           and f["severity"] == "error"), None)}
    return out


def theirs(domains: list[str], host: str, port: int) -> dict[str, dict[str, Any]]:
    import dns.resolver
    from checkdmarc.dmarc import check_dmarc  # type: ignore[import-untyped]
    from checkdmarc.spf import check_spf  # type: ignore[import-untyped]
    from dns.nameserver import Do53Nameserver

    res = dns.resolver.Resolver(configure=False)
    res.nameservers = [Do53Nameserver(host, port)]
    res.timeout, res.lifetime = 0.5, 1.0
    out = {}
    for d in domains:
        spf = check_spf(d, resolver=res, timeout=1.0, retries=0)
        dmarc = check_dmarc(d, resolver=res, timeout=1.0, retries=0)
        out[d] = {"spf_valid": bool(spf.get("valid")) and spf.get("record") is not None,
                  "lookups": spf.get("dns_lookups"), "void": spf.get("void_dns_lookups"),
                  "dmarc_valid": bool(dmarc.get("valid")) and dmarc.get("record") is not None,
                  "spf_error": spf.get("error"), "dmarc_error": dmarc.get("error")}
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        zone_file = Path(tmp) / "zone.json"
        zone_file.write_text(json.dumps(ZONE), encoding="utf-8")
        server = subprocess.Popen([sys.executable, str(ROOT / "tests" / "dns_server.py"), str(zone_file)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert server.stdout is not None
            host, _, port = server.stdout.readline().strip().rpartition(":")
            times: dict[str, list[float]] = {"todoku": [], "checkdmarc": []}
            results: dict[str, dict[str, dict[str, Any]]] = {}
            for _ in range(a.repeat):
                for name, fn in (("todoku", ours), ("checkdmarc", theirs)):
                    t = time.perf_counter()
                    results[name] = fn(DOMAINS, host, int(port))
                    times[name].append(time.perf_counter() - t)
        finally:
            assert server.stdin is not None
            server.stdin.close()
            server.wait(timeout=30)
    us, them = results["todoku"], results["checkdmarc"]
    print(f"{len(DOMAINS)} domains of tests/sender_zone.py, local DNS server; best of {a.repeat} runs")
    for name, ts in times.items():
        print(f"  {name:<11} {min(ts):6.2f} s  ({min(ts) / len(DOMAINS) * 1000:.0f} ms per domain; SPF + DMARC"
              + (" + MX + one DKIM selector + receivers" if name == "todoku" else "") + ")")
    unexplained = 0
    for field, label in (("spf_valid", "SPF validity"), ("lookups", "SPF DNS lookups"),
                         ("void", "SPF void lookups"), ("dmarc_valid", "DMARC validity")):
        comparable = [d for d in DOMAINS if field not in ("lookups", "void")
                      or (us[d]["spf_valid"] and them[d]["spf_valid"])]
        differ = [d for d in comparable if us[d][field] != them[d][field]]
        print(f"\n{label}: agree on {len(comparable) - len(differ)}/{len(comparable)}"
              + (" (domains whose SPF both tools find valid)" if field in ("lookups", "void") else ""))
        for d in differ:
            why = JUSTIFIED.get((d, field))
            if why is None:
                unexplained += 1
                why = "UNEXPLAINED"
            err = "spf_error" if field != "dmarc_valid" else "dmarc_error"
            print(f"  {d}: todoku {us[d][field]!r} ({us[d][err]}), checkdmarc {them[d][field]!r} ({them[d][err]})")
            print(f"      {why}")
    print(f"\nunexplained differences: {unexplained}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
