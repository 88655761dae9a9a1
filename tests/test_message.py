"""checker.message: reading bounces and received messages (core), hostile input, and the CLI contract."""
from __future__ import annotations

import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.cli.message import main as cli_main
from checker.message import read_message
from checker.message.parse import MAX_BYTES, decode_bytes

DSN = b"""From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.jp>
To: sender@example.jp
Subject: Returned mail: see transcript for details
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

   ----- Transcript of session follows -----
... while talking to mfsmax.docomo.ne.jp.:
>>> DATA
<<< 550 Unknown user taro@docomo.ne.jp

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.jp

Final-Recipient: RFC822; taro@docomo.ne.jp
Action: failed
Status: 5.1.1
Remote-MTA: DNS; mfsmax.docomo.ne.jp
Diagnostic-Code: SMTP; 550 Unknown user taro@docomo.ne.jp

Final-Recipient: RFC822; hanako@example.com
Action: failed
Status: 5.2.2
Diagnostic-Code: SMTP; 552 5.2.2 Mailbox full

--B
Content-Type: message/rfc822

From: sender@example.jp
To: taro@docomo.ne.jp, hanako@example.com
Subject: hello

hi
--B--
"""


def test_dsn_recipients_codes_and_docomo_data_filter() -> None:
    r = read_message(_dated("Wed, 2 Nov 2022 01:09:18 +0900"), "ja")  # before docomo's change of March 2025
    assert r.kind == "bounce"
    assert [x.address for x in r.recipients] == ["taro@docomo.ne.jp", "hanako@example.com"]
    taro, hanako = r.recipients
    # docomo's "Unknown user" after DATA was its filter, even with 5.1.1: the address exists
    assert (taro.reason, taro.command, taro.reply_code, taro.status, taro.hard) == ("filtered", "DATA", "550",
                                                                                      "5.1.1", False)
    assert (hanako.reason, hanako.reply_code, hanako.hard) == ("mailboxfull", "552", False)
    assert taro.url == "/bounces/#filtered"
    assert any(f.code == "docomo-data-filter" for f in r.findings)
    assert r.failed
    d = r.to_dict("x.eml")
    assert list(d) == ["file", "kind", "recipients", "authentication", "findings"]
    assert list(d["recipients"][0]) == ["address", "status", "reply_code", "command", "reason", "hard",
                                        "diagnostic", "message", "url"]


def test_unknown_user_at_rcpt_is_a_hard_userunknown_and_suggests_a_carrier_change() -> None:
    raw = DSN.replace(b">>> DATA", b">>> RCPT To:<taro@docomo.ne.jp>").replace(b"mfsmax.docomo", b"mx.other")
    r = read_message(raw, "en")
    taro = r.recipients[0]
    assert (taro.reason, taro.command, taro.hard) == ("userunknown", "RCPT", True)
    changed = [f for f in r.findings if f.code == "carrier-changed"]
    assert changed and changed[0].url == "/en/carrier-mail/#portability"


def test_au_anonymous_user_unknown_is_a_filter() -> None:
    text = ("From: MAILER-DAEMON@mx.example.jp\nSubject: Undelivered Mail Returned to Sender\n\n"
            "<jiro@ezweb.ne.jp>: host lsean.ezweb.ne.jp[27.85.176.228] said: 550 : User unknown\n"
            "    (in reply to end of DATA command)\n")
    r = read_message(text.encode(), "ja")
    assert r.recipients[0].reason == "filtered"
    assert {f.code for f in r.findings} >= {"carrier-anonymous-unknown"} or \
        {f.code for f in r.findings} >= {"carrier-data-filter"}


def _postfix(address: str, said: str, host: str = "mx.example.net", stage: str = "") -> bytes:
    tail = f"\n    (in reply to {stage} command)" if stage else ""
    return (f"From: MAILER-DAEMON@mail.example.jp\nSubject: Undelivered Mail Returned to Sender\n\n"
            f"<{address}>: host {host}[192.0.2.1] said: {said}{tail}\n").encode()


def test_unknown_user_is_a_filter_unless_the_status_or_the_rcpt_stage_confirms_it() -> None:
    # sisimai's rule: "unknown user" is the mailbox only when a 5.1.x status or the RCPT stage says so
    assert read_message(_postfix("a@example.net", "550 User unknown", stage="RCPT TO"), "en"
                        ).recipients[0].reason == "userunknown"
    assert read_message(_postfix("a@example.net", "550 5.1.1 User unknown"), "en").recipients[0].reason == "userunknown"
    assert read_message(_postfix("a@example.net", "550 User unknown"), "en").recipients[0].reason == "filtered"
    assert read_message(_postfix("a@example.net", "550 User unknown", stage="end of DATA"), "en"
                        ).recipients[0].reason == "filtered"


def test_receivers_own_tables_decide_first() -> None:
    # au: the address-less form is its filter, with the address the mailbox is gone (sisimai rhost/for-kddi.go)
    assert read_message(_postfix("b@ezweb.ne.jp", "550 <b@ezweb.ne.jp>: User unknown"), "en"
                        ).recipients[0].reason == "userunknown"
    # au's own report says the account is disabled, above the recipient (lhost/via-ezweb.go)
    text = ("From: Postmaster@ezweb.ne.jp\nSubject: Mail System Error - Returned Mail\n\n"
            "The user(s) account is disabled.\n\n<c@ezweb.ne.jp>: 550 user unknown (in reply to RCPT TO command)\n")
    assert read_message(text.encode(), "en").recipients[0].reason == "suspend"
    # a receiver's code decides: Orange's "OFR_999" is a block, Cox's AUP#CXDNS a missing PTR record
    assert read_message(_postfix("d@orange.fr", "421 mwinf ME Service refuse. OFR_999 [999]"), "en"
                        ).recipients[0].reason == "blocked"
    assert read_message(_postfix("e@cox.net", "554 rejected AUP#CXDNS see https://www.cox.com/"), "en"
                        ).recipients[0].reason == "requireptr"
    # the same words from another receiver are read by the general rules
    assert read_message(_postfix("f@example.org", "421 Service refuse. OFR_999 [999]"), "en"
                        ).recipients[0].reason != "blocked"


def test_a_temporary_lookup_failure_is_a_network_error_and_a_permanent_one_an_unknown_host() -> None:
    dsn = ("From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nSubject: Delivery Status Notification\n"
           "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=B\n\n--B\n"
           "Content-Type: message/delivery-status\n\nFinal-Recipient: rfc822; g@example.jp\nAction: {action}\n"
           "Status: {status}\nDiagnostic-Code: smtp; DNS Error: 1 DNS type 'mx' lookup of example.jp responded with "
           "code NXDOMAIN Domain name not found: example.jp\n\n--B--\n")
    later = read_message(dsn.format(action="delayed", status="4.0.0").encode(), "en").recipients[0]
    gone = read_message(dsn.format(action="failed", status="5.1.2").encode(), "en").recipients[0]
    assert (later.reason, later.hard) == ("networkerror", False)
    assert (gone.reason, gone.hard) == ("hostunknown", True)


def test_mta_codes_and_stages_from_their_own_reports() -> None:
    exchange = ("From: postmaster@example.com\nSubject: Undeliverable: hi\n\nYour message\n\n"
                "did not reach the following recipient(s):\n\nh@example.com on 4/29/99 9:19:59 AM\n"
                "    The recipient name is not recognized\n"
                "    MSEXCH:IMS:NEKO:CAT:STRAYCAT 0 (000C05A6) Unknown Recipient\n")
    assert read_message(exchange.encode(), "en").recipients[0].reason == "userunknown"
    qmail = ("From: MAILER-DAEMON@example.jp\nSubject: failure notice\n\nHi. This is the qmail-send program.\n\n"
             "<i@example.org>:\nSorry, I couldn't find a mail exchanger or IP address. (#5.4.4)\n")
    assert read_message(qmail.encode(), "en").recipients[0].reason == "notaccept"  # notqmail's Null MX answer
    # Postfix's status part drops the stage; its text gives it: refused at MAIL FROM, the sender was refused
    dsn = ("From: MAILER-DAEMON@mail.example.jp\nSubject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
           "Content-Type: multipart/report; report-type=delivery-status; boundary=B\n\n--B\n\n"
           "<j@example.net>: host mx.example.net[192.0.2.1] said: 550 5.7.1 Access denied (in reply to MAIL FROM\n"
           "    command)\n\n--B\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; j@example.net\n"
           "Action: failed\nStatus: 5.7.1\nDiagnostic-Code: smtp; 550 5.7.1 Access denied\n\n--B--\n")
    assert read_message(dsn.encode(), "en").recipients[0].reason == "rejected"


def test_a_forwarded_report_is_read_from_the_quoted_delivery_status() -> None:
    inner = ("From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.co.jp>\nSubject: Returned mail: User unknown\n"
             "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=I\n\n--I\n\n"
             "The original message was received at Thu, 15 Oct 2015\n\n--I\nContent-Type: message/delivery-status\n\n"
             "Final-Recipient: RFC822; k@example.co.jp\nAction: failed\nStatus: 5.1.1\n"
             "Diagnostic-Code: SMTP; 550 5.1.1 <k@example.co.jp>... User unknown\n\n--I--\n")
    outer = ("From: postmaster@example.co.jp\nSubject: Undeliverable\nMIME-Version: 1.0\n"
             "Content-Type: multipart/mixed; boundary=O\n\n--O\nContent-Type: text/plain\n\n"
             "The following addresses had permanent delivery errors\n\n--O\nContent-Type: message/rfc822\n\n"
             + inner + "\n--O--\n")
    r = read_message(outer.encode(), "en")
    assert [(x.address, x.status, x.reason) for x in r.recipients] == [("k@example.co.jp", "5.1.1", "userunknown")]


def test_japanese_bounce_in_iso2022jp_and_shift_jis() -> None:
    body = "送信先のメールボックスが一杯のため、送信できませんでした。\n\nCould not be delivered to: <a@ezweb.ne.jp>\n"
    for charset, codec in (("ISO-2022-JP", "iso2022_jp"), ("Shift_JIS", "cp932"), ("EUC-JP", "euc_jp")):
        raw = (f"From: Postmaster@ezweb.ne.jp\nSubject: =?ISO-2022-JP?B?GyRCJWEhPCVrJSglaSE8GyhC?=\n"
               f"MIME-Version: 1.0\nContent-Type: text/plain; charset={charset}\n\n").encode() + body.encode(codec)
        r = read_message(raw, "ja")
        assert r.subject == "メールエラー"
        assert r.recipients[0].address == "a@ezweb.ne.jp"
        assert r.recipients[0].reason == "mailboxfull"


def test_wrongly_labelled_charset_is_guessed() -> None:
    raw = (b"From: MAILER-DAEMON@example.jp\nSubject: failure notice\nContent-Type: text/plain; charset=iso-2022-jp\n\n"
           + "宛先が見つかりません <x@example.jp>\n".encode("euc_jp"))
    r = read_message(raw)
    assert "宛先が見つかりません" in r.recipients[0].diagnostic
    assert decode_bytes("テスト".encode("cp932"), "x-unknown-charset") == "テスト"
    assert decode_bytes(b"abc", "rot13") == "abc"  # not a text charset: ignored


def test_quoted_printable_and_pasted_text_without_headers() -> None:
    raw = (b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n"
           b"From: mailer-daemon@googlemail.com\nSubject: Delivery Status Notification (Failure)\n\n"
           b"The email account that you tried to reach does not exist =\n<no.one@gmail.com> 550 5.1.1\n")
    r = read_message(raw, "en")
    assert r.recipients[0].reason == "userunknown"
    pasted = ("\n\n  kijitora@example.org\n"
              "    SMTP error from remote mail server after RCPT TO:<kijitora@example.org>:\n"
              "    550 5.1.1 <kijitora@example.org>... User Unknown\n")
    r = read_message(("Subject: Mail delivery failed\n" + pasted).encode())
    assert r.kind == "bounce" and r.recipients[0].reason == "userunknown" and r.recipients[0].command == "RCPT"


def test_received_message_authentication_and_alignment() -> None:
    ok = (b"Authentication-Results: mx.google.com;\n dkim=pass header.i=@example.co.jp header.s=s1;\n"
          b" spf=pass (google.com: domain of bounce@mail.example.co.jp designates 192.0.2.1 as permitted sender)"
          b" smtp.mailfrom=bounce@mail.example.co.jp;\n dmarc=pass (p=NONE) header.from=example.co.jp\n"
          b"From: Shop <info@example.co.jp>\nTo: me@gmail.com\nSubject: test\n\nhello\n")
    r = read_message(ok, "en")
    assert r.kind == "message" and not r.recipients
    a = r.authentication
    assert a is not None and (a.spf, a.dkim, a.dmarc, a.aligned) == ("pass", "pass", "pass", True)
    assert [f.code for f in r.findings] == ["auth-ok"]
    bad = ok.replace(b"spf=pass", b"spf=softfail").replace(b"dkim=pass header.i=@example.co.jp",
                                                              b"dkim=pass header.i=@esp.example.net")
    bad = bad.replace(b"dmarc=pass", b"dmarc=fail")
    a = read_message(bad, "en").authentication
    assert a is not None and (a.spf, a.dkim, a.dmarc, a.aligned) == ("softfail", "pass", "fail", False)
    assert not read_message(bad).failed


def test_received_message_gets_the_receivers_view_of_the_sender_checks() -> None:
    """What docomo, Gmail... do with mail authenticated like this: the sender checks' rules (receivers.toml)."""
    raw = (b"Authentication-Results: mx.google.com; spf=softfail (google.com: domain of transitioning "
           b"x@example.co.jp does not designate 192.0.2.9 as permitted sender) smtp.mailfrom=x@example.co.jp;"
           b" dkim=none; dmarc=none header.from=example.co.jp\nFrom: a@example.co.jp\n\nhi\n")
    r = read_message(raw, "ja")
    codes = {f.code for f in r.findings}
    assert {"spf-fail", "docomo-dmarc-warning", "gmail-spf-fail"} <= codes
    gmail = next(f for f in r.findings if f.code == "gmail-spf-fail")
    assert "192.0.2.9" in gmail.message and gmail.url == "/sender/#gmail-spf-fail"
    clean = raw.replace(b"spf=softfail", b"spf=pass").replace(b"dkim=none", b"dkim=pass header.d=example.co.jp")
    clean = clean.replace(b"dmarc=none", b"dmarc=pass (p=REJECT)")
    assert [f.code for f in read_message(clean).findings] == ["auth-ok"]


def test_gmail_show_original_page_copied_whole() -> None:
    """The summary Gmail's "Show original" (メッセージのソースを表示) page puts above the source is skipped."""
    source = (b"Delivered-To: me@gmail.com\nReceived: by 2002:a05::1 with SMTP id x;\n"
              b"Authentication-Results: mx.google.com;\n       dkim=pass header.i=@example.co.jp;\n"
              b"       spf=pass (google.com: domain of bounce@example.co.jp designates 192.0.2.1 as permitted sender)"
              b" smtp.mailfrom=bounce@example.co.jp;\n       dmarc=pass (p=NONE) header.from=example.co.jp\n"
              b"From: Shop <info@example.co.jp>\nTo: me@gmail.com\nSubject: test\n\nhello\n")
    for summary in ("Original message\nMessage ID\t<a@example.co.jp>\nCreated at:\tMon, 1 Dec 2026\n"
                    "SPF:\tPASS with IP 192.0.2.1 Learn more\nDKIM:\t'PASS' with domain example.co.jp\n"
                    "DMARC:\t'PASS' Learn more\nDownload Original\tCopy to clipboard\n",
                    "元のメッセージ\nメッセージ ID\t<a@example.co.jp>\nSPF:\tPASS（IP: 192.0.2.1）\n"
                    "DKIM:\t'PASS'（ドメイン: example.co.jp）\nDMARC:\t'PASS'\n元のメッセージをダウンロード\n"):
        r = read_message(summary.encode() + source, "ja")
        assert r.kind == "message"
        a = r.authentication
        assert a is not None and (a.spf, a.dkim, a.dmarc, a.aligned) == ("pass", "pass", "pass", True)
    # a pasted bounce body is never cut at its quoted original's headers
    body = b"<a@example.jp>: 550 5.1.1 user unknown\n\nReceived: from x\nFrom: me@example.jp\n"
    assert read_message(b"Subject: failure notice\nFrom: MAILER-DAEMON@x.example\n\n" + body).recipients


def test_arf_and_autoreply_are_not_failures() -> None:
    arf = (b'From: abuse@example.net\nSubject: complaint\nContent-Type: multipart/report; report-type=feedback-report;'
           b' boundary="b"\n\n--b\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\n'
           b"Original-Rcpt-To: <user@example.net>\n--b--\n")
    r = read_message(arf)
    assert r.recipients[0].reason == "feedback" and not r.failed
    auto = b"From: boss@example.jp\nAuto-Submitted: auto-replied\nSubject: Out of office\n\naway\n"
    r = read_message(auto)
    assert r.recipients[0].reason == "vacation" and not r.failed


def test_the_guide_examples_are_classified_as_the_guide_says() -> None:
    """Every real answer shown in the bounce reference gets the reason the reference gives it."""
    from checker.message.reasons import classify, receiver_rule
    from checker.message.scan import reply_code
    from checker.message.table import default_rules

    rules = default_rules()
    assert {e.provider for e in rules.examples} >= {"docomo", "au", "softbank", "gmail", "outlook", "yahoo-japan"}
    for e in rules.examples:
        got = classify(e.status, reply_code(e.text), e.command, e.text, rules, e.action)
        got = receiver_rule(got, e.command, e.text, rules, e.text, e.date).reason
        assert got == e.reason, (e.provider, e.text, got)


# -- hostile input -------------------------------------------------------------------------------------------

def _nested(depth: int) -> bytes:
    head = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i) for i in range(depth))
    return b"From: MAILER-DAEMON@x.example\nSubject: failure notice\n" + head + b"Content-Type: text/plain\n\nx\n"


def test_hostile_inputs_never_raise() -> None:
    cases = {
        "empty": b"", "blank": b"  \n\r\n", "binary": bytes(range(256)) * 200, "nul": b"\x00" * 1000,
        "huge": (b"From: MAILER-DAEMON@x.example\nSubject: failure notice\n\n"
                 + b"a@b.example said: 550 x\n" * 1_000_000),
        "nested": _nested(5000), "nested-small": _nested(40),
        "no-boundary": (b'Content-Type: multipart/report; boundary="nope"\n'
                        b"From: postmaster@x.example\n\nbody <a@x.example>\n"),
        "bad-base64": b"From: MAILER-DAEMON@x\nContent-Transfer-Encoding: base64\n\n!!!!====@@@\n",
        "bad-charset": b"From: MAILER-DAEMON@x\nContent-Type: text/plain; charset=\"\x00\xff\"\n\n\xff\xfe\n",
        "bad-encoded-word": b"From: =?utf-8?B?////?= <MAILER-DAEMON@x>\nSubject: =?x-bogus?Q?=ZZ?=\n\nhi\n",
        "long-header": b"Subject: " + b"x" * 3_000_000 + b"\n\n",
        "many-addresses": b"From: MAILER-DAEMON@x\n\n" + b"<a@b.example>\n" * 200_000,
    }
    for name, raw in cases.items():
        r = read_message(raw, "en")
        json.dumps(r.to_dict(name), ensure_ascii=False)
        assert len(r.recipients) <= 100, name
    assert read_message(cases["empty"]).findings[0].code == "empty"
    assert read_message(cases["binary"]).kind == "unknown"
    assert any(f.code == "truncated" for f in read_message(cases["huge"]).findings)
    assert any(f.code == "limited" for f in read_message(cases["nested"]).findings)


def test_injected_headers_in_pasted_text_stay_in_the_body() -> None:
    raw = (b"From: MAILER-DAEMON@mx.example.jp\nSubject: failure notice\n\n"
           b"<a@example.jp>: 550 5.1.1 user unknown\nAuthentication-Results: x; spf=pass\n"
           b"X-Failed-Recipients: evil@example.com\n")
    r = read_message(raw)
    assert [x.address for x in r.recipients] == ["a@example.jp"]
    assert r.authentication is None


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_any_bytes_give_a_report(raw: bytes) -> None:
    r = read_message(raw)
    json.dumps(r.to_dict("f"))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=500))
def test_any_text_after_bounce_headers_gives_a_report(text: str) -> None:
    head = b"From: MAILER-DAEMON@x.example\nSubject: Undelivered Mail\n\n"
    r = read_message(head + text.encode("utf-8", "surrogatepass"))
    json.dumps(r.to_dict("f"))


# -- the command line ----------------------------------------------------------------------------------------

def _run(argv: list[str], stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli_main(argv, stdin=io.BytesIO(stdin), stdout=out, stderr=err, environ={})
    return code, out.getvalue(), err.getvalue()


def test_cli_json_contract_exit_codes_and_stdin(tmp_path) -> None:
    f = tmp_path / "b.eml"
    f.write_bytes(_dated("Wed, 2 Nov 2022 01:09:18 +0900"))  # before docomo's change of March 2025
    code, out, _ = _run([str(f), "-", "--json", "--lang", "en"], stdin=b"From: a@example.jp\nSubject: hi\n\nhi\n")
    assert code == 1
    lines = [json.loads(x) for x in out.splitlines()]
    assert [x["file"] for x in lines] == [str(f), "-"]
    assert [x["kind"] for x in lines] == ["bounce", "message"]
    assert lines[0]["recipients"][0]["url"] == "/en/bounces/#filtered"
    assert lines[1]["authentication"] is not None
    code, out, _ = _run(["-"], stdin=b"From: a@example.jp\nSubject: hi\n\nhi\n")
    assert code == 0 and "受信したメール" in out


def test_cli_errors_are_localized_with_exit_2(tmp_path) -> None:
    code, out, err = _run([])
    assert code == 2 and "ファイルがありません" in err and "Traceback" not in err
    code, _, err = _run(["--lang", "fr", "x"])
    assert code == 2
    code, out, err = _run([str(tmp_path / "missing.eml"), "--json", "--lang", "en"])
    assert code == 2 and "cannot read" in err
    assert json.loads(out)["kind"] == "unknown"
    code, out, err = _run([str(tmp_path), "--lang", "en"])  # a directory
    assert code == 2 and "cannot read" in err
    code, out, _ = _run(["--help"])
    assert code == 0 and "python -m checker message" in out


def test_cli_human_output_escapes_terminal_control_characters() -> None:
    raw = (b"From: MAILER-DAEMON@x.example\nSubject: failure \x1b[2J notice\n\n"
           b"<a@x.example>: 550 \x1b]0;owned\x07 user unknown\n")
    code, out, _ = _run(["-", "--lang", "en"], stdin=raw)
    assert code == 1 and "\x1b" not in out and "\x07" not in out


def test_truncation_limit_is_what_the_cli_reads(tmp_path) -> None:
    f = tmp_path / "big.eml"
    f.write_bytes(b"From: MAILER-DAEMON@x\n\n" + b"x" * (MAX_BYTES + 10))
    _, out, _ = _run([str(f), "--json"])
    assert any(x["code"] == "truncated" for x in json.loads(out)["findings"])


# ------------------------------------------------------------------------ docomo's answers, before and after March 2025
# From 13 February 2025 step by step, for all mail from 12 March 2025, docomo stores the mail its customers'
# reception settings refuse in their spam folder instead of bouncing it (bounces.toml [[receiver]], secondary
# sources): a docomo "550 Unknown user" dated before 13 March 2025 (in Japan) is the filter, after it the address.

def _dated(date: str, raw: bytes = DSN) -> bytes:
    return (f"Date: {date}\n".encode() if date else b"") + raw


def _docomo(date: str, lang: str = "en") -> tuple[str, bool, str, set[str]]:
    r = read_message(_dated(date), lang)
    taro = r.recipients[0]
    return taro.reason, taro.hard, taro.message, {f.code for f in r.findings}


def test_docomo_unknown_user_after_data_before_13_march_2025_is_the_customers_filter() -> None:
    reason, hard, message, codes = _docomo("Wed, 2 Nov 2022 01:09:18 +0900")
    assert (reason, hard) == ("filtered", False)
    assert "docomo-data-filter" in codes and "carrier-changed" not in codes
    assert message.startswith("The address exists")  # the documented form: the address exists
    # the last day of the old meaning, in Japan: 23:59 JST on 12 March, 14:59 UTC the same day
    assert _docomo("Wed, 12 Mar 2025 23:59:00 +0900")[0] == "filtered"
    assert _docomo("Wed, 12 Mar 2025 14:59:59 +0000")[0] == "filtered"


def test_docomo_unknown_user_from_13_march_2025_is_the_address() -> None:
    for date in ("Thu, 13 Mar 2025 00:00:00 +0900", "Wed, 12 Mar 2025 15:00:00 +0000",
                 "Sun, 29 Nov 2026 09:00:00 +0900"):
        reason, hard, _, codes = _docomo(date)
        assert (reason, hard) == ("userunknown", True), date
        assert {"docomo-no-filter-bounce", "carrier-changed"} <= codes, date
        assert "docomo-data-filter" not in codes and "carrier-data-filter" not in codes
    ja = read_message(_dated("Fri, 14 Mar 2025 10:00:00 +0900"), "ja")
    note = next(f for f in ja.findings if f.code == "docomo-no-filter-bounce")
    assert "迷惑メールフォルダー" in note.message and "2025年3月13日" in note.message
    assert note.url == "/bounces/#userunknown"


def test_docomo_date_falls_back_to_the_arrival_date_and_a_bounce_without_a_date_is_not_decided() -> None:
    late = DSN.replace(b"Reporting-MTA: dns; mx.example.jp\n",
                       b"Reporting-MTA: dns; mx.example.jp\nArrival-Date: Mon, 2 Jun 2025 10:00:00 +0900\n")
    assert read_message(late, "en").recipients[0].reason == "userunknown"
    early = late.replace(b"Mon, 2 Jun 2025", b"Mon, 2 Jun 2024")
    assert read_message(early, "en").recipients[0].reason == "filtered"
    # the Date header comes first
    assert read_message(_dated("Mon, 2 Jun 2025 10:00:00 +0900", early), "en").recipients[0].reason == "userunknown"
    # no readable date: no dated rule applies; the finding says why the reader cannot tell
    for date in ("", "someday soon"):
        r = read_message(_dated(date), "ja")
        codes = {f.code for f in r.findings}
        assert "docomo-undated" in codes and not codes & {"docomo-data-filter", "docomo-no-filter-bounce"}
        assert "Date" in next(f.message for f in r.findings if f.code == "docomo-undated")


def test_an_undated_docomo_filter_answer_is_explained_as_a_guess() -> None:
    text = ("From: MAILER-DAEMON@mail.example.jp\nSubject: Undelivered Mail Returned to Sender\n\n"
            "<taro@docomo.ne.jp>: host mfsmax.docomo.ne.jp[203.138.181.240] said: 550 Unknown user "
            "taro@docomo.ne.jp (in reply to end of DATA command)\n")
    undated = read_message(text.encode(), "en")
    assert undated.recipients[0].reason == "filtered"
    assert "may also not exist" in undated.recipients[0].message
    old = read_message(_dated("Tue, 1 Nov 2022 17:23:56 +0900", text.encode()), "en")
    assert (old.recipients[0].reason, old.recipients[0].message[:18]) == ("filtered", "The address exists")
    new = read_message(_dated("Tue, 1 Apr 2025 17:23:56 +0900", text.encode()), "en")
    assert new.recipients[0].reason == "userunknown"


def test_the_date_rule_leaves_other_receivers_and_docomos_other_answers_alone() -> None:
    # another receiver's "unknown user" after DATA stays filtered whatever the date (sisimai's definition)
    other = _postfix("a@example.net", "550 User unknown", stage="end of DATA")
    assert read_message(_dated("Fri, 14 Mar 2025 10:00:00 +0900", other), "en").recipients[0].reason == "filtered"
    # docomo's full mailbox is a full mailbox on both sides of the date
    full = _postfix("t@docomo.ne.jp", "552 Too much mail data", host="mfsmax.docomo.ne.jp", stage="end of DATA")
    for date in ("Tue, 1 Nov 2022 17:23:56 +0900", "Fri, 14 Mar 2025 10:00:00 +0900"):
        assert read_message(_dated(date, full), "en").recipients[0].reason == "mailboxfull"


def test_inferred_filter_does_not_claim_the_address_exists() -> None:
    # "User unknown" with neither a stage nor a 5.1.x status: sisimai reads it as filtered, a guess
    for lang, hedge, firm in (("en", "the address may also not exist", "The address exists"),
                              ("ja", "アドレスが本当にない可能性もあります", "アドレスはありますが")):
        guessed = read_message(_postfix("a@example.net", "550 User unknown"), lang).recipients[0]
        assert guessed.reason == "filtered" and hedge in guessed.message and firm not in guessed.message
        # the stage says it (after DATA), or a receiver's documented form (au's address-less answer): firm
        data = read_message(_postfix("a@example.net", "550 User unknown", stage="end of DATA"), lang).recipients[0]
        assert data.reason == "filtered" and data.message.startswith(firm)
        au = read_message(_postfix("b@ezweb.ne.jp", "550 : User unknown"), lang).recipients[0]
        assert au.reason == "filtered" and au.message.startswith(firm)
        # a filter named in words is not a guess either
        named = read_message(_postfix("c@example.net", "550 5.7.1 Message rejected by content filter"), lang)
        assert named.recipients[0].reason == "filtered" and named.recipients[0].message.startswith(firm)


def test_the_page_shows_the_readers_own_explanation() -> None:
    from checker.web.message import read as web_read

    view = json.loads(web_read(_postfix("a@example.net", "550 User unknown"), "en"))
    card = view["recipients"][0]
    assert card["reason"] == "filtered" and card["explain"] == card["message"] and card["unsure"] is True
    assert "may also not exist" in card["explain"]
    firm = json.loads(web_read(_postfix("a@example.net", "550 User unknown", stage="end of DATA"), "en"))
    assert firm["recipients"][0]["unsure"] is False


@given(st.integers(min_value=-2_000_000_000, max_value=8_000_000_000),
       st.integers(min_value=-56, max_value=56))
@settings(max_examples=300, deadline=None)
def test_the_day_in_japan_of_a_date_header_matches_the_standard_library(ts: int, quarter_hours: int) -> None:
    # the core computes it with integers only (no datetime, no clock); the test checks it against datetime
    import datetime
    import email.utils

    from checker.message.report import day_in_japan

    when = datetime.datetime.fromtimestamp(ts, datetime.timezone(datetime.timedelta(minutes=15 * quarter_hours)))
    want = when.astimezone(datetime.timezone(datetime.timedelta(hours=9))).date().isoformat()
    assert day_in_japan(email.utils.format_datetime(when)) == want
