"""The sender page (/sender/, /en/sender/) in Debian Chromium, against a local DNS-over-HTTPS stub.

The page asks the public resolver the reader chose (its real https:// address, allowed by the page's CSP);
the test's Chromium resolves no host name but 127.0.0.1, and Playwright routes the resolvers' URLs to the local
stub (tests/doh_stub.py, RFC 8484 from a JSON zone), so no request leaves 127.0.0.1. Checked here: results
identical to the command line's `domain --json`, byte for byte; nothing sent before the button (a shared link
included); the CSP; an unreachable resolver and timeouts end in a clear message; screenshots (390 px and desktop,
both languages) for people to look at."""
from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from dnslib import QTYPE, DNSRecord

from checker._data import default_data, doh_resolvers
from checker.sender.dns import Query, Zone, drive, normalize_name
from conftest import CHROMIUM, CHROMIUM_ARGS
from dns_server import LocalDNS
from doh_stub import DohStub

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.browser
FORM = 'form[data-todoku="sender"]'
TIMEOUT = 240_000  # a cold Pyodide start on a busy 2-core machine can take tens of seconds
RESOLVERS = doh_resolvers()
RESOLVER_URL = re.compile("^(" + "|".join(re.escape(r.url) for r in RESOLVERS) + r")\?")

#: one zone, several sender domains (the command line's JSON zone format, checker.sender.dns.Zone)
ZONE: dict[str, object] = {
    # well configured: SPF via an include chain, DMARC reject with rua, DKIM key at "default"
    "good.example.jp": {"MX": [[10, "mx.good.example.jp"]], "A": ["192.0.2.10"],
                        "TXT": [["v=spf1 include:_spf.mail.example.net ip4:192.0.2.10 -all"]]},
    "mx.good.example.jp": {"A": ["192.0.2.25"]},
    "_dmarc.good.example.jp": {"TXT": [["v=DMARC1; p=reject; rua=mailto:dmarc@good.example.jp"]]},
    "default._domainkey.good.example.jp": {"TXT": [["v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"
                                                      "3n6Jx5ZJqF1c2ZlOQb3lU0dC9Yc7nq8t9r1jv2m0rGZ1wR7uJcQ6w8mJ1Y0"]]},
    "_spf.mail.example.net": {"TXT": [["v=spf1 ip4:198.51.100.0/24 include:_spf2.mail.example.net ~all"]]},
    "_spf2.mail.example.net": {"TXT": [["v=spf1 ip4:203.0.113.0/24 ~all"]]},
    # nothing published at all
    "bare.example.jp": {"A": ["192.0.2.20"]},
    # too many lookups, split TXT, DMARC p=none inherited by a subdomain
    "busy.example.jp": {"MX": [[10, "mx.busy.example.jp"]],
                        "TXT": [["v=spf1 ", "include:a.busy.example.jp include:b.busy.example.jp ",
                                 "include:c.busy.example.jp include:d.busy.example.jp include:e.busy.example.jp ",
                                 "include:f.busy.example.jp -all"]]},
    "news.busy.example.jp": {"A": ["192.0.2.30"]},
    "mx.busy.example.jp": {"A": ["192.0.2.31"]},
    "_dmarc.busy.example.jp": {"TXT": [["v=DMARC1; p=none"]]},
    **{f"{c}.busy.example.jp": {"TXT": [[f"v=spf1 a mx include:x{c}.busy.example.jp ~all"]], "A": ["192.0.2.50"],
                                "MX": [[10, "mx.busy.example.jp"]]} for c in "abcdef"},
    **{f"x{c}.busy.example.jp": {"TXT": [["v=spf1 ip4:192.0.2.0/24 ~all"]]} for c in "abcdef"},
    # a DNS server that fails
    "flaky.example.jp": {"MX": [[10, "mx.flaky.example.jp"]], "TXT": "SERVFAIL"},
    "_dmarc.flaky.example.jp": "SERVFAIL",
}
DOMAINS = ["good.example.jp", "bare.example.jp", "busy.example.jp", "news.busy.example.jp", "flaky.example.jp",
           "missing.example.jp"]
#: a zone where the resolver never answers some names (the page's per-request time limit applies)
SLOW_ZONE: dict[str, object] = {"slow.example.jp": {"MX": [[10, "mx.slow.example.jp"]], "TXT": "TIMEOUT"},
                                "_dmarc.slow.example.jp": "TIMEOUT"}


def core_line(domain: str, lang: str, zone: dict[str, object], **kw: object) -> str:
    from checker.sender.domain import check_domain

    result = drive(check_domain(domain, lang=lang, **kw), Zone.from_json(zone).resolve_batch)
    return json.dumps(result.to_dict(), ensure_ascii=False)


def cli_lines(domains: list[str], lang: str, nameserver: str) -> list[str]:
    """What `python -m checker domain --json` prints for ``domains`` asking the DNS server at ``nameserver``."""
    proc = subprocess.run([sys.executable, "-m", "checker", "domain", *domains, "--json", "--lang", lang,
                           "--nameserver", nameserver], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.stdout.splitlines()


# ---- the browser, the stub, the routing ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def local_browser(browser):
    """Debian's Chromium that can resolve no host name but 127.0.0.1: a request that escaped the routing fails.
    Launched by the session's Playwright (conftest's ``browser``: one Playwright per process)."""
    b = browser.browser_type.launch(executable_path=CHROMIUM, args=[
        *CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"])
    yield b
    b.close()


class Session:
    """One browser context on the site, its DoH routed to ``stub`` (or refused), every request recorded."""

    def __init__(self, browser, base_url: str, stub: DohStub | None, lang: str = "ja",
                 viewport: dict[str, int] | None = None) -> None:
        self.context = browser.new_context(base_url=base_url, locale="ja-JP" if lang == "ja" else "en-US",
                                           viewport=viewport or {"width": 1280, "height": 1000})
        self.requests: list[str] = []
        self.doh: list[tuple[str, str, str]] = []  # (resolver URL, name, type) the page asked
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.stub = stub
        self.context.route(RESOLVER_URL, self._route)
        self.page = self.context.new_page()
        self.page.add_init_script("""window.__csp = [];
            document.addEventListener('securitypolicyviolation',
                e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));""")

    def _route(self, route) -> None:
        parts = urlsplit(route.request.url)
        param = parse_qs(parts.query).get("dns", [""])[0]
        q = DNSRecord.parse(base64.urlsafe_b64decode(param + "=" * (-len(param) % 4))).q
        name, rtype = normalize_name(str(q.qname)), str(QTYPE.get(q.qtype))
        self.doh.append((f"{parts.scheme}://{parts.netloc}{parts.path}", name, rtype))
        assert route.request.headers.get("accept") == "application/dns-message"
        if self.stub is None:
            route.abort("connectionrefused")
            return
        if self.stub.zone.resolve(Query(name, rtype)).rcode == "TIMEOUT":
            return  # never answered: the page's own time limit must end the wait
        route.fulfill(response=route.fetch(url=f"{self.stub.url}?{parts.query}", max_redirects=0))

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session(local_browser, base_url):
    made: list[Session] = []

    def make(stub: DohStub | None, lang: str = "ja", **kw: object) -> Session:
        s = Session(local_browser, base_url, stub, lang, **kw)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


def prefix(lang: str) -> str:
    return "/" if lang == "ja" else "/en/"


def check_in_page(page, domain: str, *, resolver: str | None = None, ip: str = "", selectors: str = "") -> str:
    form = page.locator(FORM)
    form.locator('input[name="domain"]').fill(domain)
    if resolver:
        form.locator(f'input[name="resolver"][value="{resolver}"]').check()
    if ip or selectors:
        form.locator("details.todoku-sender-advanced summary").click()
        form.locator('input[name="ip"]').fill(ip)
        form.locator('input[name="selectors"]').fill(selectors)
    page.eval_on_selector(FORM, "f => f.removeAttribute('data-state')")
    form.locator('button[type="submit"]').click()
    page.wait_for_selector(f'{FORM}[data-state="done"], {FORM}[data-state="error"], {FORM}[data-state="failed"], '
                           f'{FORM}[data-state="unreachable"]', timeout=TIMEOUT)
    return page.get_attribute(FORM, "data-state")


def page_line(page) -> str:
    return page.locator(f"{FORM} pre.todoku-sender-json code").text_content()


# ---- the tests -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["ja", "en"])
def test_page_results_are_the_command_lines_byte_for_byte(session, lang):
    # the command line asks a local authoritative DNS server (dnslib) serving ZONE; the page asks the DoH stub
    with LocalDNS(ZONE) as server:
        cli = cli_lines(DOMAINS, lang, server.address)
        proc = subprocess.run([sys.executable, "-m", "checker", "domain", "good.example.jp", "--json", "--lang", lang,
                               "--ip", "192.0.2.10", "--dkim-selector", "default", "--nameserver", server.address],
                              capture_output=True, text=True, cwd=ROOT, timeout=120)
        cli_ip = proc.stdout.splitlines()
    assert len(cli) == len(DOMAINS) and len(cli_ip) == 1
    with DohStub(ZONE) as stub:
        s = session(stub, lang)
        s.page.goto(f"{prefix(lang)}sender/")
        for domain, line in zip(DOMAINS, cli):
            assert check_in_page(s.page, domain) == "done", s.page.inner_text(FORM)
            assert page_line(s.page) == line, domain
            assert line == core_line(domain, lang, ZONE)  # and both are the core's answer for the zone
        assert check_in_page(s.page, "good.example.jp", ip="192.0.2.10", selectors="default") == "done"
        assert page_line(s.page) == cli_ip[0]
        assert s.page.evaluate("window.__csp") == []
        # every request went to the site or, routed to the stub, to the chosen resolver
        site = urlsplit(s.page.url).netloc
        assert [u for u in s.requests if urlsplit(u).netloc != site and not RESOLVER_URL.match(u)] == []
        assert {u for u, _, _ in s.doh} == {RESOLVERS[0].url}
        assert ("_dmarc.good.example.jp", "TXT") in stub.queries


def test_nothing_is_sent_before_the_button_even_from_a_shared_link(session):
    with DohStub(ZONE) as stub:
        s = session(stub)
        s.page.goto(f"/sender/#domain=good.example.jp&resolver={RESOLVERS[1].id}")
        form = s.page.locator(FORM)
        assert form.get_attribute("data-state") == "shared"
        assert form.locator('input[name="domain"]').input_value() == "good.example.jp"
        assert form.locator(f'input[name="resolver"][value="{RESOLVERS[1].id}"]').is_checked()
        assert "good.example.jp" in form.locator("output").inner_text()
        s.page.wait_for_selector(f"{FORM}[data-ready]", timeout=TIMEOUT)  # the checker is loaded, and waits
        s.page.wait_for_timeout(1500)
        assert s.doh == [] and stub.queries == []
        assert not any(RESOLVER_URL.match(u) for u in s.requests)
        assert check_in_page(s.page, "taro@good.example.jp") == "done"  # an address: only its domain is used
        assert {u for u, _, _ in s.doh} == {RESOLVERS[1].url}  # the resolver the link chose
        assert "taro" not in s.page.url and "domain=good.example.jp" in s.page.url
        assert all("taro" not in n for _, n, _ in s.doh)
        sent = s.page.locator(f"{FORM} ol.todoku-sender-sent li").all_inner_texts()
        assert len(sent) == len(s.doh) and all("@" not in x for x in sent)


def test_an_unreachable_resolver_ends_in_a_clear_message(session):
    s = session(None)
    s.page.goto("/sender/")
    # not a domain: said so, and nothing is asked
    assert check_in_page(s.page, "example..jp") == "error"
    assert "example..jp" in s.page.locator(f"{FORM} output").inner_text() and s.doh == []
    assert check_in_page(s.page, "good.example.jp") == "unreachable"
    text = s.page.locator(f"{FORM} output").inner_text()
    assert RESOLVERS[0].name.ja in text and "接続できません" in text
    assert s.page.locator(f"{FORM} .todoku-sender-result").inner_text() == ""
    assert not s.page.locator(f"{FORM} button[type=submit]").is_disabled()


def test_timeouts_end_in_a_result_that_says_so(session):
    with DohStub(SLOW_ZONE, hold=8) as stub:
        s = session(stub, "en")
        s.page.goto("/en/sender/")
        assert check_in_page(s.page, "slow.example.jp") == "done"
        assert page_line(s.page) == core_line("slow.example.jp", "en", SLOW_ZONE)
        warning = s.page.locator(f"{FORM} .todoku-sender-warning").inner_text()
        assert "timeout" in warning and "5 s" in warning


def test_the_csp_allows_the_resolvers_on_this_page_only(site_dir, session):
    origins = sorted({r.origin for r in RESOLVERS})
    pages = sorted(site_dir.rglob("*.html"))
    sender_pages = set()
    for p in pages:
        html = p.read_text(encoding="utf-8")
        policy = dict((d.split(" ", 1) + [""])[:2] for d in re.findall(
            r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)[0].split("; "))
        if 'data-todoku="sender"' in html:
            sender_pages.add(p.relative_to(site_dir).as_posix())
            assert policy["connect-src"].split() == ["'self'", *origins]
        else:
            assert policy["connect-src"] == "'self'", p
    assert sender_pages == {"sender/index.html", "en/sender/index.html"}
    # and the browser enforces it: the page cannot reach any other host
    s = session(None)
    s.page.goto("/sender/")
    blocked = s.page.evaluate("""() => fetch('https://example.org/x').then(() => 'sent', () => 'blocked')""")
    assert blocked == "blocked"
    assert any(v.startswith("connect-src https://example.org") for v in s.page.evaluate("window.__csp"))


@pytest.mark.parametrize("path", ["", "checker/", "audit/", "carrier-mail/", "en/", "en/checker/"])
def test_other_pages_make_no_outbound_request(session, path):
    s = session(None)
    s.page.goto(f"/{path}")
    s.page.wait_for_load_state("load")
    s.page.wait_for_timeout(3000)  # the checker's early start (its worker fetches Pyodide) has begun
    base = s.page.url.split("/")[2]
    assert [u for u in s.requests if urlsplit(u).netloc != base] == []


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_screenshots(session, screenshots, lang):
    with DohStub(ZONE) as stub:
        for name, viewport in (("390", {"width": 390, "height": 844}), ("desktop", {"width": 1280, "height": 1000})):
            s = session(stub, lang, viewport=viewport)
            s.page.goto(f"{prefix(lang)}sender/")
            s.page.screenshot(path=str(screenshots / f"sender-{lang}-{name}-form.png"))
            assert check_in_page(s.page, "busy.example.jp", selectors="default") == "done"
            s.page.locator(FORM).screenshot(path=str(screenshots / f"sender-{lang}-{name}.png"))
            width = s.page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"] + 1, "the page scrolls sideways"
