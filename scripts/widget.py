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
        f'<label>{t("audit-file")} <input name="file" type="file" accept=".csv,.tsv,.txt,text/csv"></label>\n'
        f'<noscript><p>{t("audit-noscript")}</p></noscript>\n'
        f'<output class="todoku-audit-result" aria-live="polite"></output>\n'
        f'<script type="application/json" class="todoku-audit-strings">{strings}</script>\n'
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
SNIPPETS = {"checker-widget.md": widget_html, "audit-widget.md": audit_html, "message-widget.md": message_html}
