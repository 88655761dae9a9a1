"""The message page's Python side: what web/todoku-message-worker.mjs calls through Pyodide.

Bytes in (the pasted text or the dropped .eml, never sent anywhere), one JSON view out, for the page's
per-recipient cards. Pure: no I/O, no clock; the same function runs in CPython (tests) and in the Web Worker::

    read(content, "ja")  # JSON text: kind, subject, recipients (with title, explanation, fix), authentication, findings

Every string the page shows comes from ``messages/message.toml`` (``page-*`` and the reasons' strings);
``page_strings`` collects the static ones, which scripts/widget.py embeds in the form.
"""
from __future__ import annotations

import json

from .._data import Data, default_data
from ..message import read_message
from . import JsBytes, as_bytes


def page_strings(lang: str, data: Data | None = None) -> dict[str, str]:
    """The page's own strings in ``lang``: ``message.page-*`` (keys without ``page-``), the kinds and the
    severities."""
    d = data or default_data()
    out = {k[len("message.page-"):]: v.get(lang) for k, v in d.ui.items() if k.startswith("message.page-")}
    for kind in ("bounce", "message", "unknown"):
        out[f"kind-{kind}"] = d.ui[f"message.kind-{kind}"].get(lang)
    for sev in ("error", "warning", "info"):
        out[f"severity-{sev}"] = d.ui[f"cli.severity-{sev}"].get(lang)
    return out


def read(content: bytes | bytearray | memoryview | JsBytes, lang: str = "ja", data: Data | None = None) -> str:
    """The view of one message as JSON text (a Pyodide JsProxy of a Uint8Array is converted with ``to_bytes``)."""
    lang = "en" if lang == "en" else "ja"
    d = data or default_data()
    report = read_message(as_bytes(content), lang, d)

    def t(key: str) -> str:
        return d.ui[f"message.{key}"].get(lang)

    a = report.authentication
    view = {
        "kind": report.kind,
        "subject": report.subject,
        "failed": report.failed,
        "recipients": [
            {**r.to_dict(), "failed": r.failed, "title": t(f"title-{r.reason}"), "explain": r.message,
             "unsure": r.inferred, "fix": t(f"fix-{r.reason}")}
            for r in report.recipients
        ],
        "authentication": a.to_dict() | {"from_domain": a.from_domain} if a is not None else None,
        "findings": [{"code": f.code, "severity": f.severity, "message": f.message, "url": f.url}
                     for f in report.findings],
    }
    return json.dumps(view, ensure_ascii=False)
