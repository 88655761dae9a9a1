"""One list audit as one JSON line: what the command line and the page both show for it (rows as JSON Lines
records, the summary as data and as text, or the localized error). Shared, unchanged, by the Pyodide parity
test: tests/test_pyodide_parity.py imports it under CPython and tests/pyodide_golden.mjs runs this same file
inside Pyodide, so both sides serialize with the same code."""
from __future__ import annotations

import json


def audit_line(raw: bytes, lang: str) -> str:
    from checker.lists import report
    from checker.lists.audit import Audit
    from checker.lists.errors import AuditError

    try:
        a = Audit([raw[i:i + 4096] for i in range(0, len(raw), 4096)], lang=lang)
        rows = [report.json_record(a, row) for row in a]
        out = {"header": report.header(a), "cells": [report.cells(a, row) for row in a.summary.action],
               "rows": rows, "summary": report.summary_dict(a), "text": report.summary_text(a, "list.csv")}
    except AuditError as exc:
        out = {"error": exc.message(lang)}
    except Exception as exc:  # a difference to report, never a crash of the comparison
        out = {"exception": repr(exc)}
    return json.dumps(out, ensure_ascii=True, sort_keys=True)
