"""The report of an audit, in its formats: the report's cells (the input's row, then our columns, in
the audit's language: CSV and Excel), JSON Lines records (codes, stable English keys), and the summary
as plain data (the page) or as aligned text (the terminal).

Pure: the functions return text or plain data; the shells decide where it goes. Every label comes
from ``messages/audit.toml`` (``audit.<key>``) and the data (categories, providers), in the audit's language.
"""
from __future__ import annotations

import csv
import io
import json
import unicodedata
from functools import lru_cache
from typing import Any, TypedDict

from .._data import Data
from .audit import Audit, Group, Row
from .errors import text

#: the verdicts in the summary's order
_VERDICTS = ("deliver", "spam-folder", "at-risk", "block", "invalid")
#: the columns the audit adds to a report, in order (their names: messages/audit.toml col-*); "extra"
#: holds the surplus cells of a row longer than the header (a stray delimiter), so that they keep a header
OUR_COLUMNS = ("verdict", "reply", "category", "provider", "findings", "suggestion", "reason", "extra")
#: rows of one group the terminal summary lists (the page lists more)
TEXT_ROWS_PER_GROUP = 5
#: distinct reasons of one group the terminal summary shows
TEXT_REASONS_PER_GROUP = 3


class ListedRow(TypedDict):
    line: int
    address: str
    verdict: str
    verdict_label: str
    codes: list[str]
    reason: str


# ----------------------------------------------------------------------------------------------
# The rows


@lru_cache(maxsize=8)
def labels(data: Data, lang: str) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """What the report's verdict, category and provider cells say in ``lang``: {code: label} each."""
    verdicts = {v: text(data, f"verdict-{v}", lang) for v in _VERDICTS}
    categories = {c: cat.name.get(lang) for c, cat in data.categories.items()}
    providers = {p.id: p.name.get(lang) for p in data.providers}
    return verdicts, categories, providers


def header(audit: Audit) -> list[str]:
    """The report's header: the input's header (or "column N") and our columns, localized."""
    if audit.header is not None:
        base = list(audit.header)
        base += [text(audit.data, "col-n", audit.lang, n=i + 1) for i in range(len(base), audit.width)]
    else:
        base = [text(audit.data, "col-n", audit.lang, n=i + 1) for i in range(audit.width)]
    return base + [text(audit.data, f"col-{c}", audit.lang) for c in OUR_COLUMNS]


def cells(audit: Audit, row: Row) -> list[str]:
    """The row's cells followed by ours, in the audit's language: verdict, reply, category and provider
    as words (届かないおそれ, キャリアメール, ドコモメール (NTTドコモ)), the finding codes, the suggestion,
    the reason, and the surplus cells of a long row.

    Our columns always start right after the header's width: a short row is padded with empty cells;
    the surplus cells of a long row (a stray delimiter) go, joined by the delimiter, into the last column
    (with its header), so nothing is dropped and the columns stay aligned in a spreadsheet."""
    r = row.result
    verdicts, categories, providers = labels(audit.data, audit.lang)
    width = audit.width
    fields = list(row.fields[:width])
    if len(fields) < width:
        fields += [""] * (width - len(fields))  # short rows are padded so our columns line up
    extra = (audit.delimiter or "\t").join(row.fields[width:]) if len(row.fields) > width else ""
    category = categories.get(r.category, r.category) if r.category else ""
    return [*fields, verdicts[r.verdict], verdicts[r.reply], category,
            providers.get(r.provider, r.provider) if r.provider else "", " ".join(row.codes),
            r.suggestion or "", row.reason(audit.lang, audit.data), extra]



def json_record(audit: Audit, row: Row) -> dict[str, object]:
    """One JSON Lines record: codes, not words, under the keys of ``check --json`` where they mean the
    same thing (``input`` the cell as read, ``address`` the normalized address or null, ``valid``,
    ``category``, ``provider``, ``level``, ``verdict``, ``reply``, ``suggestion``), plus the row's ``line`` and
    ``fields``, ``codes`` (input problems then findings) and ``reason`` (in the audit's language)."""
    r = row.result
    return {"line": row.line, "fields": list(row.fields), "input": row.address, "address": r.address,
            "valid": r.valid, "category": r.category, "provider": r.provider, "level": r.level,
            "verdict": r.verdict, "reply": r.reply, "codes": list(row.codes), "suggestion": r.suggestion,
            "reason": row.reason(audit.lang, audit.data)}

# ----------------------------------------------------------------------------------------------
# The summary


def describe_column(audit: Audit) -> str:
    if audit.column_name is not None:
        return text(audit.data, "column-named", audit.lang, name=audit.column_name, n=audit.column + 1)
    return text(audit.data, "column-numbered", audit.lang, n=audit.column + 1)


def column_note(audit: Audit) -> str | None:
    """Why the address column is not the one its header names (a sentence), or None."""
    note = audit.table.column_note
    return text(audit.data, note[0], audit.lang, **note[1]) if note else None


def describe_input(audit: Audit) -> str:
    """What was read: "文字コード CP932 (Shift_JIS)、区切り カンマ、アドレスの列 ..." or the workbook's sheet."""
    d, lang, table = audit.data, audit.lang, audit.table
    if table.encoding == "xlsx":
        return text(d, "summary-input-xlsx", lang, sheet=table.sheet or "", column=describe_column(audit))
    return text(d, "summary-input", lang, encoding=table.encoding_name,
                delimiter=text(d, f"delimiter-{_DELIM_KEYS[audit.delimiter]}", lang), column=describe_column(audit))


def group_title(audit: Audit, g: Group) -> str:
    """A group's name: its first code's title (findings.toml, or an input problem's), else its verdict."""
    return _code_title(audit, g.codes[0]) if g.codes else text(audit.data, f"verdict-{g.verdict}", audit.lang)


def summary_dict(audit: Audit) -> dict[str, Any]:
    """The summary as plain data with localized labels (the page renders it)."""
    s, d, lang = audit.summary, audit.data, audit.lang
    table = audit.table

    def listed(rows: list[Row]) -> list[ListedRow]:
        return [{"line": r.line, "address": r.address, "verdict": r.result.verdict,
                 "verdict_label": text(d, f"verdict-{r.result.verdict}", lang),
                 "codes": list(r.codes), "reason": r.reason(lang, d)} for r in rows]

    groups = [{"verdict": g.verdict, "verdict_label": text(d, f"verdict-{g.verdict}", lang),
               "codes": list(g.codes), "title": group_title(audit, g), "count": g.count,
               "reasons": [{"reason": reason, "count": n} for reason, n in g.reasons.most_common()],
               "reasons_more": g.other_reasons,
               "rows": [{"line": r.line, "address": r.address, "reason": r.reason(lang, d)} for r in g.rows],
               "more": g.count - len(g.rows)} for g in s.groups]
    return {
        "rows": s.rows, "arriving": s.arriving, "all_arrive": s.all_arrive,
        "input": {"kind": "xlsx" if table.encoding == "xlsx" else "csv", "sheet": table.sheet,
                  "sheets": list(table.sheets)},
        "encoding": table.encoding_name,
        "delimiter": text(d, f"delimiter-{_DELIM_KEYS[audit.delimiter]}", lang) if audit.delimiter else "",
        "reply_blocked": s.reply_blocked,
        "column": describe_column(audit),
        "column_note": column_note(audit),
        "by_verdict": [{"verdict": v, "label": text(d, f"verdict-{v}", lang), "count": s.by_verdict[v]}
                       for v in _VERDICTS if s.by_verdict[v]],
        "by_category": [{"category": c, "label": _category_label(audit, c), "count": n}
                        for c, n in sorted(s.by_category.items(), key=lambda kv: (-kv[1], kv[0]))],
        "top": [{"code": c, "title": _code_title(audit, c), "count": n} for c, n in s.top()],
        "groups": groups, "ungrouped": s.ungrouped,
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
    """The summary for a terminal, localized, aligned (East Asian wide characters count 2). The rows
    that need action come grouped by problem, the worst first (invalid, refused, at risk), each
    group with its count, its distinct reasons counted, and its first rows."""
    s, d, lang = audit.summary, audit.data, audit.lang

    def t(key: str, count: int | None = None, /, **p: object) -> str:
        return text(d, key, lang, count, **p)

    info = summary_dict(audit)
    out = [t("summary-title", s.rows, rows=_n(s.rows), name=name or "-"), describe_input(audit)]
    note = column_note(audit)
    if note:
        out.append(note)
    out.append("")
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
        out.append(t("summary-reply-blocked", s.reply_blocked, n=_n(s.reply_blocked)))
    if s.action_count:
        out.append(t("summary-action", n=_n(s.action_count)))
        for g in s.groups:
            out.append("  " + t("summary-group", g.count, verdict=t(f"verdict-{g.verdict}"),
                                title=group_title(audit, g), n=_n(g.count)))
            reasons = g.reasons.most_common()
            if len(reasons) == 1 and not g.other_reasons:
                out.append("    " + reasons[0][0])
            else:
                for reason, n in reasons[:TEXT_REASONS_PER_GROUP]:
                    out.append("    " + t("summary-reason-count", n, n=_n(n)) + "  " + reason)
                rest = sum(n for _, n in reasons[TEXT_REASONS_PER_GROUP:]) + g.other_reasons
                if rest:
                    out.append("    " + t("summary-reason-more", rest, n=_n(rest)))
            shown = g.rows[:TEXT_ROWS_PER_GROUP]
            for r in shown:
                out.append("      " + t("summary-line", line=r.line) + "  " + _shown(r.address))
            if g.count > len(shown):
                out.append("      " + t("summary-more", n=_n(g.count - len(shown))))
        if s.ungrouped:
            out.append("  " + t("summary-ungrouped", s.ungrouped, n=_n(s.ungrouped)))
    elif s.rows:
        out.append(t("summary-all-arrive"))
    else:
        out.append(t("summary-no-rows"))
    return "\n".join(out) + "\n"


def _shown(address: str) -> str:
    """An address as the terminal lists it: stripped, at most 80 characters, never an empty string."""
    a = address.strip()
    if not a:
        return '""'
    return a if len(a) <= 80 else a[:79] + "…"


_DELIM_KEYS = {",": "comma", "\t": "tab", ";": "semicolon", "": "none"}


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
    """Formats rows as CSV text (CRLF, as Excel writes it): one line at a time (``line``), or all of them
    gathered (``write`` each, then ``text``)."""

    def __init__(self) -> None:
        self._buf = io.StringIO()
        self._w = csv.writer(self._buf, lineterminator="\r\n")
        #: writes one row into the gathered text
        self.write = self._w.writerow

    def line(self, cells: list[str]) -> str:
        self._w.writerow(cells)
        s = self._buf.getvalue()
        self._buf.seek(0)
        self._buf.truncate()
        return s

    def text(self) -> str:
        """Everything written so far."""
        return self._buf.getvalue()


def jsonl_line(obj: dict[str, object]) -> str:
    return json.dumps(obj, ensure_ascii=False) + "\n"

