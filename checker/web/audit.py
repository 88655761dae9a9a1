"""The page audit's Python side: what web/todoku-audit-worker.mjs calls through Pyodide.

Bytes in (the dropped file, never sent anywhere), progress, summary and report bytes out. Pure: no
I/O, no clock; the same functions run in CPython (tests, benchmarks) and in the Web Worker::

    job = start(content, '{"lang": "en"}')
    while not json.loads(step(job))["done"]: ...
    summary(job)  # JSON text: counts by verdict and category, top problems, rows needing action
    report(job)   # the CSV report: UTF-8 with a BOM (Excel opens it as is)

Every string the page shows comes from ``messages/web.toml`` (``audit-*``) and ``messages/audit.toml``
(the summary's headings): ``page_strings`` collects them; scripts/widget.py embeds them in the form.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypedDict

from .._data import Data, default_data
from .._model import finding_url
from ..lists.job import Job
from . import JsBytes, as_bytes

#: strings of messages/audit.toml the page uses for the summary (the CLI uses them too)
_AUDIT_KEYS = ("summary-input", "summary-by-verdict", "summary-by-category", "summary-top", "summary-problems",
               "summary-action", "summary-reply-blocked", "summary-line", "summary-more", "summary-all-arrive",
               "summary-no-rows")
#: rows listed in the page (it groups them by problem, so a few hundred stay short; "N more" after them)
MAX_LISTED = 500


def page_strings(lang: str, data: Data | None = None) -> dict[str, str]:
    """Every string of the page audit in ``lang``: ``web.audit-*`` (short keys, without ``audit-``)
    and the summary headings of ``messages/audit.toml`` (keys ``summary-*``)."""
    d = data or default_data()
    out = {k[len("web.audit-"):]: v.get(lang) for k, v in d.ui.items() if k.startswith("web.audit-")}
    out.update({k: d.ui[f"audit.{k}"].get(lang) for k in _AUDIT_KEYS})
    return out


class _Options(TypedDict):
    lang: str
    level: int
    links: bool
    attachments: bool
    allowlisted: bool
    reply_allowlisted: bool
    column: str | None


def _options(options: str | Mapping[str, Any] | None) -> _Options:
    given: Mapping[str, Any] = json.loads(options or "{}") if isinstance(options, str) else (options or {})
    opts = dict(given)
    level = opts.get("level", 7)
    return {
        "lang": "en" if opts.get("lang") == "en" else "ja",
        "level": level if isinstance(level, int) and 1 <= level <= 10 else 7,
        "links": bool(opts.get("links")), "attachments": bool(opts.get("attachments")),
        "allowlisted": bool(opts.get("allowlisted")), "reply_allowlisted": bool(opts.get("reply_allowlisted")),
        "column": str(opts["column"]) if opts.get("column") else None,
    }


def start(content: bytes | bytearray | memoryview | JsBytes, options: str | Mapping[str, Any] | None = None,
          data: Data | None = None) -> Job:
    """A Job over the file's bytes (a Pyodide JsProxy of a Uint8Array is converted with ``to_bytes``).

    An unreadable file (empty, binary, an Excel workbook, no address column) gives a Job whose
    ``error`` is the localized message; it never raises."""
    o = _options(options)
    return Job(as_bytes(content), column=o["column"], level=o["level"], links=o["links"],
               attachments=o["attachments"], allowlisted=o["allowlisted"],
               reply_allowlisted=o["reply_allowlisted"], lang=o["lang"],
               data=data, max_listed=MAX_LISTED)


def step(job: Job, rows: int = 2000) -> str:
    """Audit up to ``rows`` more rows; JSON ``{"done", "rows", "bytes", "total", "error"}``."""
    return json.dumps(job.step(rows))


def summary(job: Job) -> str:
    """The summary as JSON (``Audit.summary_dict``, plus each top finding's article link), or
    ``{"error": message}`` for an unreadable file."""
    s = job.summary()
    if s is None:
        answer: dict[str, object] = {"error": job.error}
        # when the audit core names the columns it could not choose from, the page lets the reader pick one
        columns = getattr(job, "columns", None)
        if columns:
            answer["columns"] = list(columns)
        return json.dumps(answer, ensure_ascii=False)
    assert job.audit is not None  # a summary means the file was read
    messages = job.audit.data.messages
    for entry in s["top"]:
        if entry["code"] in messages:
            entry["url"] = finding_url(entry["code"], job.lang)
    return json.dumps(s, ensure_ascii=False)


def report(job: Job) -> bytes:
    """The report: the same rows in the same order with our columns, CSV, UTF-8 with a BOM."""
    return job.report()


def report_name(name: str, lang: str = "ja", data: Data | None = None) -> str:
    """The download's file name: ``customers.csv`` -> ``customers-todoku.csv`` (from web.toml)."""
    d = data or default_data()
    stem = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    if "." in stem.strip("."):
        stem = stem[: stem.rfind(".")]
    return d.ui["web.audit-report-name"].get(lang).format(stem=stem or "list")
