"""The page audit's Python side: what web/todoku-audit-worker.mjs calls through Pyodide.

Bytes in (the dropped file, never sent anywhere), progress, summary and report bytes out. Pure: no
I/O, no clock; the same functions run in CPython (tests, benchmarks) and in the Web Worker::

    if needs_xlsx(head, options): ...       # a workbook: install openpyxl's wheels first (todoku-pyodide.mjs)
    job = start(content, '{"lang": "en"}')
    while not json.loads(step(job))["done"]: ...
    summary(job)      # JSON text: counts by verdict and category, the rows needing action grouped by problem
    report(job)       # the report: CSV (UTF-8 with a BOM) or an Excel workbook, as the input or options say
    report_type(job)  # its MIME type; report_name(name, lang, fmt) its file name
    warm_up(rows)     # the page's idle time after the start: a made-up list audited the same way

Every string the page shows comes from ``messages/web.toml`` (``audit-*``) and ``messages/audit.toml``
(the summary's headings): ``page_strings`` collects them; scripts/widget.py embeds them in the form.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypedDict

from .._data import Data, default_data
from .._model import finding_url
from ..lists.job import REPORT_TYPES, Job, is_workbook
from . import JsBytes, as_bytes

#: strings of messages/audit.toml the page uses for the summary (the CLI uses them too)
_AUDIT_KEYS = ("summary-input", "summary-by-verdict", "summary-by-category", "summary-top", "summary-problems",
               "summary-action", "summary-reply-blocked", "summary-line", "summary-more", "summary-all-arrive",
               "summary-no-rows")
#: rows listed in the page (it groups them by problem, so a few hundred stay short; "N more" after them)
MAX_LISTED = 500


def page_strings(lang: str, data: Data | None = None) -> dict[str, str]:
    """Every string of the page audit in ``lang``: ``web.audit-*`` (short keys, without ``audit-``)
    and the summary headings of ``messages/audit.toml`` (keys ``summary-*``), with their singular siblings
    (``<key>-one``: the page's ``t(key, params, count)`` takes it when count is 1)."""
    d = data or default_data()
    out = {k[len("web.audit-"):]: v.get(lang) for k, v in d.ui.items() if k.startswith("web.audit-")}
    out.update({k: d.ui[f"audit.{k}"].get(lang) for k in _AUDIT_KEYS})
    out.update({f"{k}-one": d.ui[f"audit.{k}-one"].get(lang) for k in _AUDIT_KEYS if f"audit.{k}-one" in d.ui})
    return out


class _Options(TypedDict):
    lang: str
    level: int
    links: bool
    attachments: bool
    allowlisted: bool
    reply_allowlisted: bool
    column: str | None
    sheet: str | None
    format: str | None


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
        "sheet": str(opts["sheet"]) if opts.get("sheet") else None,
        "format": opts["format"] if opts.get("format") in REPORT_TYPES else None,
    }


def needs_xlsx(head: bytes | bytearray | memoryview | JsBytes,
               options: str | Mapping[str, Any] | None = None) -> bool:
    """Whether the audit of a file starting with ``head`` needs openpyxl: the file is a workbook, or the
    options ask for an Excel report (``format: "xlsx"``). The worker then installs its wheels first."""
    return is_workbook(as_bytes(head)[:4]) or _options(options)["format"] == "xlsx"


def start(content: bytes | bytearray | memoryview | JsBytes, options: str | Mapping[str, Any] | None = None,
          data: Data | None = None) -> Job:
    """A Job over the file's bytes (a Pyodide JsProxy of a Uint8Array is converted with ``to_bytes``).

    An unreadable file (empty, binary, an old .xls, no address column, only a header) gives a Job whose
    ``error`` is the localized message; it never raises."""
    o = _options(options)
    return Job(as_bytes(content), column=o["column"], sheet=o["sheet"], level=o["level"], links=o["links"],
               attachments=o["attachments"], allowlisted=o["allowlisted"],
               reply_allowlisted=o["reply_allowlisted"], lang=o["lang"],
               data=data, max_listed=MAX_LISTED, fmt=o["format"])


def warm_list(rows: int, data: Data | None = None) -> bytes:
    """A made-up customer list for ``warm_up``: a header and ``rows`` rows (CP932, CRLF, as Excel saves one),
    on the data's own domains in turn, some of them typed the way lists go wrong (two letters of the domain
    swapped, a doubled dot, a full-width @, a display name, a trailing space)."""
    d = data or default_data()
    domains = [dom for p in d.providers for dom in p.domains if not dom.startswith("*.")] or ["example.jp"]
    lines = ["顧客番号,名前,メールアドレス"]
    for i in range(rows):
        dom = domains[i % len(domains)]
        local = f"customer{i}"
        kind = i % 10
        if kind == 3 and len(dom) > 3:
            dom = dom[0] + dom[2] + dom[1] + dom[3:]
        address = (f"{local}..x@{dom}" if kind == 5 else f"{local}＠{dom}" if kind == 7
                   else f"顧客 <{local}@{dom}>" if kind == 8 else f"{local}@{dom} " if kind == 9
                   else f"{local}@{dom}")
        lines.append(f"C{i:07d},顧客{i},{address}")
    return ("\r\n".join(lines) + "\r\n").encode("cp932")


def warm_up(rows: int = 100, lang: str = "ja", data: Data | None = None) -> int:
    """Audits ``warm_list(rows)`` the way the worker audits the reader's file (start, steps, summary, report)
    and returns the rows audited. The worker calls it in the page's idle time after the start, while no file
    has been chosen: V8 runs new WebAssembly in its baseline compiler and optimizes what runs hot, so the
    reader's own list then runs on optimized code (a 1,000-row list: 228 ms the first time in Chromium,
    134 ms the second, 65-71 ms from the third). Nothing stays but the per-domain caches, which change no
    answer."""
    job = start(warm_list(rows, data), {"lang": lang}, data)
    progress = json.loads(step(job, rows))
    while not progress["done"]:
        progress = json.loads(step(job, rows))
    summary(job)
    report(job)
    return int(progress["rows"])


def step(job: Job, rows: int = 2000) -> str:
    """Audit up to ``rows`` more rows; JSON ``{"done", "rows", "bytes", "total", "error"}``."""
    return json.dumps(job.step(rows))


def summary(job: Job) -> str:
    """The summary as JSON (``report.summary_dict``, plus each finding's article link in ``top`` and
    ``groups``), or for an unreadable file ``{"error": message, "error_code": code}`` with ``columns``
    (the first row's cells, to choose the address column from) and ``sheets`` (a workbook's) when known.
    The page's message never points to a command-line option (``page-error-<code>`` when it would)."""
    s = job.summary()
    if s is None:
        d = data_of(job)
        message = job.error
        key = f"audit.page-error-{job.error_code}"
        if key in d.ui:
            message = d.ui[key].get(job.lang)
        out: dict[str, object] = {"error": message, "error_code": job.error_code}
        out.update({k: v for k, v in job.error_detail.items() if k in ("columns", "sheets")})
        return json.dumps(out, ensure_ascii=False)
    assert job.audit is not None  # a summary means the file was read
    messages = job.audit.data.messages
    for entry in [*s["top"], *s["groups"]]:
        code = entry["code"] if "code" in entry else (entry["codes"] or [None])[0]
        if code in messages:
            entry["url"] = finding_url(code, job.lang)
    return json.dumps(s, ensure_ascii=False)


def data_of(job: Job) -> Data:
    return job.audit.data if job.audit is not None else default_data()


def report(job: Job) -> bytes:
    """The report: the same rows in the same order with our columns, as CSV (UTF-8 with a BOM) or as an
    Excel workbook (``report_type``)."""
    return job.report()


def report_format(job: Job) -> str:
    """The report's format: "csv" or "xlsx"."""
    return job.fmt


def report_type(job: Job) -> str:
    """The report's MIME type (for the download's Blob)."""
    return job.report_type


def report_name(name: str, lang: str = "ja", fmt: str = "csv", data: Data | None = None) -> str:
    """The download's file name: ``customers.csv`` -> ``customers-todoku.csv``, ``顧客.xlsx`` with ``fmt``
    "xlsx" -> ``顧客-todoku.xlsx`` (the pattern from web.toml, the extension the report's format's)."""
    d = data or default_data()
    stem = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    if "." in stem.strip("."):
        stem = stem[: stem.rfind(".")]
    out = d.ui["web.audit-report-name"].get(lang).format(stem=stem or "list")
    ext = "xlsx" if fmt == "xlsx" else "csv"
    return out[: out.rfind(".")] + "." + ext if "." in out else f"{out}.{ext}"
