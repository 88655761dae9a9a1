"""Shell 2: the Pyodide entry of the in-page checker (JSON text in, JSON text out).

The module Web Worker (web/todoku-worker.mjs) calls ``handle(request)`` with a JSON object::

    {"op": "check", "address": "taro@docomo.ne.jp", "lang": "ja",
     "level": 7, "links": false, "attachments": false, "allowlisted": false}

and gets back ``{"ok": true, "result": Result.to_dict(), "view": {...}}``: ``view`` holds what the widget
shows beside the result, already localized from ``messages/web.toml``, ``messages/cli.toml`` and the data:
both answers with their labels (``verdictLabel``/``verdict``: your mail; ``replyLabel``/``reply``: their
reply, None for an invalid address), each finding's severity label, the kind of mail, the provider page,
the suggestion's button text. The widget itself holds no user-facing string. Bad requests give
``{"ok": false, "error": "<code>"}``, never a traceback.
"""
from __future__ import annotations

import json
from typing import Any

from .._data import Data, default_data
from .._model import Result, Situation, provider_url
from ..address.check import check


class BadRequest(Exception):
    pass


def _flag(req: dict[str, Any], key: str) -> bool:
    v = req.get(key, False)
    if not isinstance(v, bool):
        raise BadRequest(f"bad-{key}")
    return v


def situation_from(req: dict[str, Any]) -> Situation:
    level = req.get("level", 7)
    if isinstance(level, str) and level.strip().isdigit():
        level = int(level.strip())
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 10:
        raise BadRequest("bad-level")
    return Situation(level=level, links=_flag(req, "links"), attachments=_flag(req, "attachments"),
                     allowlisted=_flag(req, "allowlisted"), reply_allowlisted=_flag(req, "reply_allowlisted"))


def view(result: Result, lang: str, data: Data) -> dict[str, Any]:
    """The localized labels the widget shows with ``result``."""
    ui = data.ui

    def t(key: str, **kw: object) -> str:
        return ui[key].get(lang).format(**kw)

    kind = None
    provider_name = page_url = None
    if result.provider is not None:
        p = data.provider(result.provider)
        provider_name = p.name.get(lang)
        # the link lands on the steps heading of the provider page (gen_docs: #steps when the data has steps,
        # else the table of the recipient's settings, #settings), not on the top of the page
        page_url = provider_url(p.id, lang) + ("#steps" if p.steps(lang) else "#settings" if p.settings else "")
    if result.category is not None and result.category in data.categories:
        cat = data.categories[result.category].name.get(lang)
        if provider_name is not None:
            kind = t("web.kind", category=cat, provider=provider_name, level=result.level)
        else:
            kind = t("web.kind-no-provider", category=cat, level=result.level)
    return {
        "heading": t("web.result-heading"),
        "verdictLabel": t("cli.label-mail"),
        "verdict": t(f"cli.verdict-{result.verdict}"),
        "replyLabel": t("cli.label-reply"),
        "reply": None if not result.valid else t(f"cli.verdict-{result.reply}"),
        "kind": kind,
        "providerPage": None if page_url is None else {
            "url": page_url, "text": t("web.provider-page", provider=provider_name)},
        "separator": t("web.separator"),
        "findingsHeading": t("web.findings-heading"),
        "severity": [t(f"web.severity-{f.severity}") for f in result.findings],
        "more": t("web.more"),
        "suggestion": None if result.suggestion is None else {
            "label": t("web.suggestion"), "apply": t("web.apply", address=result.suggestion)},
        "share": t("web.share"),
    }


def answer(req: Any, data: Data | None = None) -> dict[str, Any]:
    """The answer to one decoded request (a dict); never raises for bad input."""
    data = data or default_data()
    if not isinstance(req, dict):
        return {"ok": False, "error": "bad-request"}
    op = req.get("op", "check")
    lang = req.get("lang", "ja")
    if lang not in ("ja", "en"):
        return {"ok": False, "error": "bad-lang"}
    if op != "check":
        return {"ok": False, "error": "bad-op"}
    address = req.get("address")
    if not isinstance(address, str):
        return {"ok": False, "error": "bad-address"}
    try:
        situation = situation_from(req)
    except BadRequest as e:
        return {"ok": False, "error": str(e)}
    result = check(address, situation=situation, lang=lang, data=data)
    return {"ok": True, "result": result.to_dict(), "view": view(result, lang, data)}


def handle(request: str) -> str:
    """JSON text in, JSON text out (the worker's only entry point)."""
    try:
        req = json.loads(request)
    except (TypeError, ValueError):
        return json.dumps({"ok": False, "error": "bad-json"})
    return json.dumps(answer(req), ensure_ascii=False)
