"""The report of an audit, in its formats: the report's CSV cells (the input's row, then our columns),
JSON Lines records, and the summary as plain data (the page) or as aligned text (the terminal).

Pure: the functions return text or plain data; the shells decide where it goes. Every label comes
from ``messages/audit.toml`` (``audit.<key>``), in the audit's language.
"""
from __future__ import annotations

import csv
import io
import json
import unicodedata
from typing import NotRequired, TypedDict

from .audit import Audit, Row
from .errors import text

#: the verdicts in the summary's order
_VERDICTS = ("deliver", "spam-folder", "at-risk", "block", "invalid")
#: the columns the audit adds to a report, in order (their names: messages/audit.toml col-*)
OUR_COLUMNS = ("verdict", "reply", "category", "provider", "findings", "suggestion", "reason")


class VerdictCount(TypedDict):
    verdict: str
    label: str
    count: int


class CategoryCount(TypedDict):
    category: str
    label: str
    count: int


class CodeCount(TypedDict):
    code: str
    title: str
    count: int
    #: the finding's article (added by the page's entry, checker.web.audit)
    url: NotRequired[str]


class ListedRow(TypedDict):
    line: int
    address: str
    verdict: str
    verdict_label: str
    codes: list[str]
    reason: str


class SummaryDict(TypedDict):
    """The summary as plain data (the page renders it; JSON keys in this order)."""

    rows: int
    arriving: int
    all_arrive: bool
    reply_blocked: int
    encoding: str
    delimiter: str
    column: str
    by_verdict: list[VerdictCount]
    by_category: list[CategoryCount]
    top: list[CodeCount]
    action: list[ListedRow]
    action_count: int
    problems: list[ListedRow]
    problem_count: int


# ----------------------------------------------------------------------------------------------
# The rows


def header(audit: Audit) -> list[str]:
    """The report's header: the input's header (or "column N") and our columns, localized."""
    if audit.header is not None:
        base = list(audit.header)
    else:
        base = [text(audit.data, "col-n", audit.lang, n=i + 1) for i in range(audit.width)]
    return base + [text(audit.data, f"col-{c}", audit.lang) for c in OUR_COLUMNS]


def cells(audit: Audit, row: Row) -> list[str]:
    """The row's cells followed by ours (verdict, reply, category, provider, codes, suggestion, reason).

    Our columns always start right after the header's width: a short row is padded with empty
    cells, and the surplus cells of a long row (a stray delimiter) follow ours, so nothing is
    dropped and the columns stay aligned in a spreadsheet."""
    r = row.result
    fields = list(row.fields[:audit.width])
    fields += [""] * (audit.width - len(fields))  # short rows are padded so our columns line up
    return [*fields, r.verdict, r.reply, r.category or "", r.provider or "", " ".join(row.codes),
            r.suggestion or "", row.reason(audit.lang, audit.data), *row.fields[audit.width:]]


def json_record(audit: Audit, row: Row) -> dict[str, object]:
    """One JSON Lines record (keys are stable English names)."""
    r = row.result
    return {"line": row.line, "fields": list(row.fields), "address": row.address,
            "verdict": r.verdict, "reply": r.reply, "category": r.category, "provider": r.provider,
            "findings": list(row.codes), "suggestion": r.suggestion,
            "reason": row.reason(audit.lang, audit.data)}

# ----------------------------------------------------------------------------------------------
# The summary


def describe_column(audit: Audit) -> str:
    if audit.column_name is not None:
        return text(audit.data, "column-named", audit.lang, name=audit.column_name, n=audit.column + 1)
    return text(audit.data, "column-numbered", audit.lang, n=audit.column + 1)


def summary_dict(audit: Audit) -> SummaryDict:
    """The summary as plain data with localized labels (the page renders it)."""
    s, d, lang = audit.summary, audit.data, audit.lang

    def listed(rows: list[Row]) -> list[ListedRow]:
        return [{"line": r.line, "address": r.address, "verdict": r.result.verdict,
                 "verdict_label": text(d, f"verdict-{r.result.verdict}", lang),
                 "codes": list(r.codes), "reason": r.reason(lang, d)} for r in rows]

    return {
        "rows": s.rows, "arriving": s.arriving, "all_arrive": s.all_arrive,
        "reply_blocked": s.reply_blocked,
        "encoding": audit.table.encoding_name,
        "delimiter": text(d, f"delimiter-{_DELIM_KEYS[audit.delimiter]}", lang),
        "column": describe_column(audit),
        "by_verdict": [{"verdict": v, "label": text(d, f"verdict-{v}", lang), "count": s.by_verdict[v]}
                       for v in _VERDICTS if s.by_verdict[v]],
        "by_category": [{"category": c, "label": _category_label(audit, c), "count": n}
                        for c, n in sorted(s.by_category.items(), key=lambda kv: (-kv[1], kv[0]))],
        "top": [{"code": c, "title": _code_title(audit, c), "count": n} for c, n in s.top()],
        "action": listed(s.action), "action_count": s.action_count,
        "problems": listed(s.problem_rows), "problem_count": s.problem_count,
    }


def _category_label(audit: Audit, category: str) -> str:
    cat = audit.data.categories.get(category)
    return cat.name.get(audit.lang) if cat else text(audit.data, "category-none", audit.lang)


def _code_title(audit: Audit, code: str) -> str:
    m = audit.data.messages.get(code)
    if m is not None:
        return m.title.get(audit.lang)
    key = f"audit.problem-{code}-title"
    return audit.data.ui[key].get(audit.lang) if key in audit.data.ui else code


def summary_text(audit: Audit, name: str = "") -> str:
    """The summary for a terminal, localized, aligned (East Asian wide characters count 2)."""
    s, d, lang = audit.summary, audit.data, audit.lang

    def t(key: str, **p: object) -> str:
        return text(d, key, lang, **p)

    info = summary_dict(audit)
    out = [t("summary-title", rows=_n(s.rows), name=name or "-"),
           t("summary-input", encoding=info["encoding"], delimiter=info["delimiter"],
             column=info["column"]), ""]
    out.append(t("summary-by-verdict"))
    out += _table([(e["label"], _n(e["count"])) for e in info["by_verdict"]])
    out.append(t("summary-by-category"))
    out += _table([(e["label"], _n(e["count"])) for e in info["by_category"]])
    if s.by_code:
        out.append(t("summary-top"))
        out += _table([(e["code"], _n(e["count"]), e["title"]) for e in info["top"]])
    if s.problem_count:
        out.append(t("summary-problems", n=_n(s.problem_count)))
        for r in s.problem_rows:
            out.append("  " + t("summary-line", line=r.line) + "  "
                       + " ".join(p.message(lang, d) for p in r.problems))
        if s.problem_count > len(s.problem_rows):
            out.append("  " + t("summary-more", n=_n(s.problem_count - len(s.problem_rows))))
    if s.reply_blocked:
        out.append(t("summary-reply-blocked", n=_n(s.reply_blocked)))
    if s.action_count:
        out.append(t("summary-action", n=_n(s.action_count)))
        for r in s.action:
            out.append("  " + t("summary-line", line=r.line) + "  " + (r.address.strip() or '""')
                       + "  " + t(f"verdict-{r.result.verdict}") + "  " + r.reason(lang, d))
        if s.action_count > len(s.action):
            out.append("  " + t("summary-more", n=_n(s.action_count - len(s.action))))
    elif s.rows:
        out.append(t("summary-all-arrive"))
    else:
        out.append(t("summary-no-rows"))
    return "\n".join(out) + "\n"


_DELIM_KEYS = {",": "comma", "\t": "tab", ";": "semicolon"}


def _n(n: object) -> str:
    return f"{n:,}" if isinstance(n, int) else str(n)


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    if not rows:
        return []
    w0 = max(_width(r[0]) for r in rows)
    w1 = max(_width(r[1]) for r in rows)
    out = []
    for r in rows:
        line = "  " + r[0] + " " * (w0 - _width(r[0])) + "  " + " " * (w1 - _width(r[1])) + r[1]
        if len(r) > 2:
            line += "  " + r[2]
        out.append(line)
    return out


# ----------------------------------------------------------------------------------------------
# Writers (pure: they return text; the shell decides where it goes)


class CsvWriter:
    """Formats rows as CSV text, one line at a time (CRLF, as Excel writes it)."""

    def __init__(self) -> None:
        self._buf = io.StringIO()
        self._w = csv.writer(self._buf, lineterminator="\r\n")

    def line(self, cells: list[str]) -> str:
        self._w.writerow(cells)
        s = self._buf.getvalue()
        self._buf.seek(0)
        self._buf.truncate()
        return s


def jsonl_line(obj: dict[str, object]) -> str:
    return json.dumps(obj, ensure_ascii=False) + "\n"

