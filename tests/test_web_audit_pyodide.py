"""The page audit's Excel path runs in Pyodide as it runs here (issue 13): an .xlsx list in, an .xlsx
report out, through checker.web.audit with openpyxl's pure wheels installed from the files the site serves
(scripts/build_web.py's own copy, hashes checked). The same summary, the same report cells, in Node's Pyodide
(npm ``pyodide``, offline) and in CPython."""
from __future__ import annotations

import base64
import io
import json
import subprocess
from collections.abc import Sequence

import openpyxl
import pytest
from helpers_core import load_script
from test_pyodide_parity import PYODIDE, ROOT, require_runtime

from checker.web import audit as web_audit

SCRIPT = ROOT / "tests" / "pyodide_xlsx.mjs"


def _workbook(rows: Sequence[Sequence[object]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.active.title = "顧客一覧"
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cells(workbook: bytes) -> list[tuple[object, ...]]:
    return list(openpyxl.load_workbook(io.BytesIO(workbook)).active.iter_rows(values_only=True))


def _cpython(raw: bytes, options: dict) -> dict:
    job = web_audit.start(raw, json.dumps(options))
    while not json.loads(web_audit.step(job, 3))["done"]:
        pass
    summary = json.loads(web_audit.summary(job))
    report = web_audit.report(job) if "error" not in summary else b""
    return {"summary": summary, "report": report, "type": web_audit.report_type(job),
            "format": web_audit.report_format(job), "needs_xlsx": web_audit.needs_xlsx(raw[:8], options)}


@pytest.fixture(scope="module")
def wheels(tmp_path_factory) -> list[str]:
    build_web = load_script("build_web")
    out = tmp_path_factory.mktemp("wheels")
    try:
        ours = build_web.build_wheel(out)
        extra = build_web.copy_web_wheels(out)
    except SystemExit as exc:
        pytest.fail(f"the page's wheels: {exc}")
    assert sorted(w.name.split("-")[0] for w in extra) == ["et_xmlfile", "openpyxl"]
    return [str(ours), *map(str, extra)]


def test_the_page_audits_excel_in_pyodide_as_in_cpython(wheels, tmp_path):
    node = require_runtime(PYODIDE)
    rows = [["氏名", "E-mail", "連絡先"]] + [[f"客{i}", f"090-{i:04d}", f"u{i}@docomo.ne.jp"] for i in range(9)]
    rows += [["全角", "", "ｚｅｎ＠gmail.com"], ["空", "", ""], ["長い", "", "x@au.com", "余分"]]
    cases = [
        (_workbook(rows), {"lang": "ja"}),
        (_workbook(rows), {"lang": "en", "format": "csv"}),
        ("メールアドレス\r\ntaro@docomo.ne.jp\r\n".encode("cp932"), {"lang": "ja", "format": "xlsx"}),
        (_workbook([["mail"]]), {"lang": "ja"}),
    ]
    listed = []
    for i, (raw, options) in enumerate(cases):
        p = tmp_path / f"case{i}"
        p.write_bytes(raw)
        listed.append({"path": str(p), "options": options})
    spec = tmp_path / "cases.json"
    spec.write_text(json.dumps(listed), encoding="utf-8")
    proc = subprocess.run([node, str(SCRIPT), str(spec), *wheels], capture_output=True, timeout=900, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")[-3000:]
    results = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert len(results) == len(cases)
    for (raw, options), got in zip(cases, results, strict=True):
        want = _cpython(raw, options)
        assert got["summary"] == want["summary"]
        assert (got["type"], got["format"], got["needs_xlsx"]) == (want["type"], want["format"], want["needs_xlsx"])
        report = base64.b64decode(got["report"])
        if want["format"] == "xlsx" and want["report"]:
            assert report[:4] == b"PK\x03\x04" and _cells(report) == _cells(want["report"])
        else:
            assert report == want["report"]
    first = results[0]
    assert first["needs_xlsx"] and first["format"] == "xlsx" and first["summary"]["column_note"]
    cells = _cells(base64.b64decode(first["report"]))
    # a sheet is as wide as its widest row: the cell beyond the titled columns gets the header "列4"
    assert cells[0][3:8] == ("列4", "判定", "返信の判定", "メールの種類", "事業者") and cells[1][4] == "届かないおそれ"
    assert cells[12][3] == "余分"
    assert results[2]["needs_xlsx"] and _cells(base64.b64decode(results[2]["report"]))[1][1] == "届かないおそれ"
    assert results[3]["summary"]["error_code"] == "header-only"
