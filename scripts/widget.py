"""The static markup of the in-page checker widget, per language, from checker/data/messages/web.toml.

scripts/gen_docs.py writes it into snippets/<lang>/checker-widget.md so authors embed the widget with
`--8<-- "checker-widget.md"`. The JavaScript in web/ enhances this form; without JavaScript the page
stays readable and the <noscript> text points to the command-line tool.

Nothing typed may ever reach a server, even when the script never runs (JavaScript off, a slow network, an
old browser): the forms say ``method="dialog"`` (outside a <dialog> a submission does nothing: no request, no
navigation, no ``?address=`` in any URL) and the checker's button is ``disabled`` until the script enables
it (a disabled default button also stops implicit submission by Enter).
"""
from __future__ import annotations

import json
from html import escape

from checker._data import Data

#: web.toml keys the widget script shows before (or without) Pyodide: states and load failures. They are put
#: into the form's markup (data-strings) so even "WebAssembly is unavailable" is localized with no request.
STATE_KEYS = ("loading", "queued", "empty", "error-load", "reason-no-wasm",
              "reason-no-worker", "reason-fetch", "reason-timeout", "reason-crash", "cli-link")


#: the files the page audit reads: text lists and Excel workbooks
_ACCEPT = ".csv,.tsv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

def widget_html(lang: str, data: Data) -> str:

    def t(key: str) -> str:
        return escape(data.ui[f"web.{key}"].get(lang))

    levels = "".join(
        f'<option value="{n}"{" selected" if n == 7 else ""}>{n}</option>' for n in (7, 6, 5, 4)
    )
    strings = json.dumps({k: data.ui[f"web.{k}"].get(lang) for k in STATE_KEYS}, ensure_ascii=False)
    return (
        f'<form class="todoku-check" data-todoku="check" data-lang="{lang}" method="dialog" autocomplete="off" '
        f'data-strings="{escape(strings)}">\n'
        f'<label>{t("address")} <input name="address" type="text" inputmode="email" spellcheck="false" '
        'autocapitalize="off"></label>\n'
        f'<label>{t("level")} <select name="level">{levels}</select></label>\n'
        f'<label><input type="checkbox" name="links"> {t("links")}</label>\n'
        f'<label><input type="checkbox" name="attachments"> {t("attachments")}</label>\n'
        f'<label><input type="checkbox" name="allowlisted"> {t("allowlisted")}</label>\n'
        f'<button type="submit" disabled>{t("submit")}</button>\n'
        f'<noscript><p>{t("noscript")}</p></noscript>\n'
        f'<output class="todoku-result" aria-live="polite"></output>\n'
        "</form>\n"
    )


def audit_html(lang: str, data: Data) -> str:
    """The static markup of the in-page list audit (a file input; web/todoku-audit.js does the rest).

    The page's strings (messages/web.toml ``audit-*`` and the summary headings of messages/audit.toml)
    travel with the form as a JSON data block, so the script shows them before Pyodide has loaded."""
    from checker.web.audit import page_strings


    def t(key: str) -> str:

        return escape(data.ui[f"web.{key}"].get(lang))

    strings = json.dumps(page_strings(lang, data), ensure_ascii=False, sort_keys=True)
    strings = strings.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return (
        f'<form class="todoku-audit" data-todoku="audit" data-lang="{lang}" method="dialog">\n'
        f'<label>{t("audit-file")} <input name="file" type="file" accept="{_ACCEPT}"></label>\n'
        f'<noscript><p>{t("audit-noscript")}</p></noscript>\n'
        f'<output class="todoku-audit-result" aria-live="polite"></output>\n'
        f'<script type="application/json" class="todoku-audit-strings">{strings}</script>\n'
        "</form>\n"
    )


def sender_strings(lang: str, data: Data) -> dict[str, str]:
    """Every string the sender page's script shows: messages/web-sender.toml, and the verdict and severity
    labels of messages/cli.toml (keys without their file prefix, ``verdict-deliver``, ``severity-error``)."""
    out = {}
    for key, text in data.ui.items():
        stem, _, name = key.partition(".")
        if stem == "web-sender" or (stem == "cli" and name.startswith(("verdict-", "severity-"))):
            out[name] = text.get(lang)
    return out


def _json_block(obj: object) -> str:
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def sender_html(lang: str, data: Data) -> str:
    """The static markup of the sender page's domain check (web/todoku-sender.js does the rest).

    The resolvers (checker/data/doh.toml) are radio buttons, the first chosen; nothing is sent before the
    reader presses the button. Strings and the resolvers' endpoints travel with the form as JSON data blocks."""
    from checker._data import doh_resolvers

    t = lambda key: escape(data.ui[f"web-sender.{key}"].get(lang))  # noqa: E731
    resolvers = doh_resolvers()
    radios = "".join(
        f'<label><input type="radio" name="resolver" value="{escape(r.id)}"{" checked" if i == 0 else ""}> '
        f'{escape(r.name.get(lang))}</label>\n'
        for i, r in enumerate(resolvers)
    )
    first = resolvers[0].name.get(lang)
    endpoints = [{"id": r.id, "name": r.name.get(lang), "url": r.url} for r in resolvers]
    return (
        f'<form class="todoku-sender" data-todoku="sender" data-lang="{lang}" autocomplete="off">\n'
        f'<label class="todoku-sender-domain">{t("domain")} <input name="domain" type="text" inputmode="url" '
        'spellcheck="false" autocapitalize="off" placeholder="example.co.jp"></label>\n'
        f'<fieldset class="todoku-sender-resolvers"><legend>{t("resolver")}</legend>\n{radios}</fieldset>\n'
        f'<details class="todoku-sender-advanced"><summary>{t("advanced")}</summary>\n'
        f'<label>{t("ip")} <input name="ip" type="text" inputmode="decimal" spellcheck="false" '
        'autocapitalize="off" placeholder="192.0.2.1"></label>\n'
        f'<label>{t("selectors")} <input name="selectors" type="text" spellcheck="false" autocapitalize="off" '
        'placeholder="default google selector1"></label>\n</details>\n'
        f'<p class="todoku-sender-what">{escape(data.ui["web-sender.what-sent"].get(lang).format(resolver=first))}'
        "</p>\n"
        f'<button type="submit">{escape(data.ui["web-sender.submit"].get(lang).format(resolver=first))}</button>\n'
        f'<noscript><p>{t("noscript")}</p></noscript>\n'
        '<output class="todoku-sender-status" aria-live="polite"></output>\n'
        '<div class="todoku-sender-result"></div>\n'
        f'<script type="application/json" class="todoku-sender-strings">{_json_block(sender_strings(lang, data))}'
        "</script>\n"
        f'<script type="application/json" class="todoku-sender-endpoints">{_json_block(endpoints)}</script>\n'
        "</form>\n"
    )


def message_html(lang: str, data: Data) -> str:
    """The static markup of the message page's reader (a paste area and a file input; web/todoku-message.js
    does the rest). Its strings (messages/message.toml ``page-*``) travel with the form as a JSON data block."""
    from checker.web.message import page_strings


    def t(key: str) -> str:

        return escape(data.ui[f"message.{key}"].get(lang))

    strings = json.dumps(page_strings(lang, data), ensure_ascii=False, sort_keys=True)
    strings = strings.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return (
        f'<form class="todoku-message" data-todoku="message" data-lang="{lang}" autocomplete="off">\n'
        f'<label for="todoku-message-source-{lang}">{t("page-paste")}</label>\n'
        f'<textarea id="todoku-message-source-{lang}" name="source" spellcheck="false" '
        f'placeholder="{t("page-placeholder")}"></textarea>\n'
        f'<div class="todoku-message-actions">\n'
        f'<label>{t("page-file")} <input name="file" type="file" accept=".eml,.txt,.msg,message/rfc822,text/plain">'
        f'</label>\n'
        f'<button type="submit">{t("page-submit")}</button>\n'
        f'</div>\n'
        f'<p class="todoku-message-private">{t("page-private")}</p>\n'
        f'<noscript><p>{t("page-noscript")}</p></noscript>\n'
        f'<output class="todoku-message-status" aria-live="polite"></output>\n'
        f'<div class="todoku-message-result" hidden></div>\n'
        f'<script type="application/json" class="todoku-message-strings">{strings}</script>\n'
        "</form>\n"
    )


#: Snippets that scripts/gen_docs.py writes to snippets/<lang>/<name> for `--8<-- "<name>"` includes.
SNIPPETS = {"checker-widget.md": widget_html, "audit-widget.md": audit_html, "message-widget.md": message_html,
            "sender-widget.md": sender_html}
