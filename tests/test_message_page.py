"""The message page (/message/, /en/message/) in Debian Chromium: a bounce pasted or a .eml dropped, one card
per recipient with the same reason as the command line, the sender authentication of a received message;
no request leaves 127.0.0.1. Screenshots at 390 px and desktop width, both languages, for people to look at."""
from __future__ import annotations

import json

import pytest

from checker.cli.message import json_line
from checker.message import read_message

pytestmark = pytest.mark.browser
FORM = 'form[data-todoku="message"]'
TIMEOUT = 240_000  # a cold Pyodide start on a busy 2-core machine can take tens of seconds

DOCOMO = """Return-Path: <MAILER-DAEMON@mx.example.jp>
From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.jp>
To: <shop@example.jp>
Subject: Returned mail: see transcript for details
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

   ----- The following addresses had permanent fatal errors -----
<taro.yamada@docomo.ne.jp>
    (reason: 550 Unknown user taro.yamada@docomo.ne.jp)

   ----- Transcript of session follows -----
... while talking to mfsmax.docomo.ne.jp.:
>>> DATA
<<< 550 Unknown user taro.yamada@docomo.ne.jp

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.jp

Final-Recipient: RFC822; taro.yamada@docomo.ne.jp
Action: failed
Status: 5.2.0
Remote-MTA: DNS; mfsmax.docomo.ne.jp
Diagnostic-Code: SMTP; 550 Unknown user taro.yamada@docomo.ne.jp

--B--
"""

POSTFIX = """From: MAILER-DAEMON@mail.example.jp (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender

<hanako@example.co.jp>: host mx.example.co.jp[192.0.2.1] said: 550 5.1.1
    <hanako@example.co.jp>: Recipient address rejected: User unknown in local
    recipient table (in reply to RCPT TO command)

<jiro@ezweb.ne.jp>: host lsean.ezweb.ne.jp[192.0.2.2] said: 552 5.2.2 Mailbox
    full (in reply to RCPT TO command)
"""

RECEIVED = """Authentication-Results: mx.google.com;
       dkim=pass header.i=@example.co.jp header.s=s1;
       spf=pass (google.com: domain of bounce@mail.example.co.jp designates 192.0.2.1 as permitted sender) smtp.mailfrom=bounce@mail.example.co.jp;
       dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.co.jp
From: Shop <info@example.co.jp>
To: me@gmail.com
Subject: test

hello
"""  # noqa: E501 (a real header line)


def read_in_page(page) -> None:
    page.wait_for_selector(f'{FORM}[data-state="done"], {FORM}[data-state="failed"], {FORM}[data-state="error"]',
                           timeout=TIMEOUT)
    assert page.get_attribute(FORM, "data-state") == "done", page.inner_text(FORM)


def paste(page, text: str) -> None:
    page.fill(f"{FORM} textarea", text)
    page.click(f"{FORM} button[type=submit]")
    read_in_page(page)


def cards(page) -> list[dict]:
    loc = page.locator(f"{FORM} article.todoku-message-card[data-reason]")
    return [{"reason": loc.nth(i).get_attribute("data-reason"), "hard": loc.nth(i).get_attribute("data-hard"),
             "text": loc.nth(i).inner_text()} for i in range(loc.count())]


def assert_local(page, base_url: str) -> None:
    assert page.todoku_requests
    outside = [u for u in page.todoku_requests if not u.startswith((base_url + "/", "blob:"))]
    assert not outside, outside


def shoot(page, path, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 1400 if width > 600 else 1600})
    page.locator(FORM).evaluate("e => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 70)")
    page.screenshot(path=str(path))


@pytest.mark.parametrize("lang, path", [("ja", "/message/"), ("en", "/en/message/")])
def test_pasted_docomo_bounce_gives_the_filter_card(page, base_url, screenshots, lang, path):
    page.goto(path)
    # the tool comes first under the title
    assert page.locator("article h1 + p + form.todoku-message, article h1 + form.todoku-message").count() == 1
    paste(page, DOCOMO)
    got = cards(page)
    want = json.loads(json_line(read_message(DOCOMO.encode(), lang), "-"))
    assert [c["reason"] for c in got] == [r["reason"] for r in want["recipients"]] == ["filtered"]
    assert "taro.yamada@docomo.ne.jp" in got[0]["text"]
    assert ("受信側のフィルター" if lang == "ja" else "recipient's filter") in got[0]["text"]
    for width in (390, 1280):
        shoot(page, screenshots / f"message-docomo-{lang}-{width}.png", width)
    assert_local(page, base_url)


def test_two_recipients_and_a_received_message(page, base_url, screenshots):
    page.goto("/en/message/")
    paste(page, POSTFIX)
    got = cards(page)
    assert [(c["reason"], c["hard"]) for c in got] == [("userunknown", "true"), ("mailboxfull", "false")]
    assert "Recipients that did not receive the mail: 2" in page.inner_text(f"{FORM} output")
    link = page.locator(f"{FORM} article.todoku-message-card a").first.get_attribute("href")
    assert link == "/en/bounces/#userunknown"
    shoot(page, screenshots / "message-postfix-en-1280.png", 1280)
    paste(page, RECEIVED)
    assert page.get_attribute(FORM, "data-kind") == "message"
    text = page.inner_text(f"{FORM} .todoku-message-auth")
    assert "SPF" in text and "pass" in text and "yes" in text
    shoot(page, screenshots / "message-received-en-390.png", 390)
    assert_local(page, base_url)


def test_eml_file_and_empty_input(page, base_url, tmp_path):
    f = tmp_path / "bounce.eml"
    f.write_bytes(DOCOMO.encode("utf-8"))
    page.goto("/message/")
    page.click(f"{FORM} button[type=submit]")
    assert page.get_attribute(FORM, "data-state") == "error"
    assert "貼り付ける" in page.inner_text(f"{FORM} output") or "貼り付けて" in page.inner_text(f"{FORM} output")
    page.locator(FORM).evaluate("f => f.removeAttribute('data-state')")  # wait for this file's answer, not the last
    page.set_input_files(f"{FORM} input[type=file]", str(f))
    read_in_page(page)
    assert [c["reason"] for c in cards(page)] == ["filtered"]
    page.fill(f"{FORM} textarea", "\x00\x01 not a message")
    page.click(f"{FORM} button[type=submit]")
    read_in_page(page)
    assert page.get_attribute(FORM, "data-kind") == "unknown"
    assert_local(page, base_url)


@pytest.mark.parametrize("lang, path", [("ja", "/bounces/"), ("en", "/en/bounces/")])
def test_bounce_reference_has_every_reason_and_example(page, base_url, screenshots, lang, path):
    """Every reason the reader can give has its anchor (the cards and the CLI link there), and the real
    examples of the six receivers are shown."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    from gen_docs import bounce_reasons

    page.goto(path)
    ids = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
    assert set(bounce_reasons()) <= ids
    assert {"reasons", "examples", "authentication", "reading", "docomo", "au", "softbank", "gmail", "outlook",
            "yahoo-japan"} <= ids
    page.set_viewport_size({"width": 390, "height": 1600})
    page.goto(path + "#examples")
    page.screenshot(path=str(screenshots / f"bounces-examples-{lang}-390.png"))
    assert_local(page, base_url)
