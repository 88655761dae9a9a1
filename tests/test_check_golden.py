"""Golden vectors (tests/golden/vectors.json): the checker's observable contract, shared with the
Pyodide parity test. On an intended change: scripts/update_golden.py, then review the diff."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers_core import load_script

from checker import Situation, check, default_data

ROOT = Path(__file__).resolve().parent.parent
FILE = ROOT / "tests" / "golden" / "vectors.json"
DOC = json.loads(FILE.read_text(encoding="utf-8"))
VECTORS = DOC["vectors"]


def _script():
    return load_script("update_golden")


@pytest.mark.parametrize("v", VECTORS, ids=[f"{i}:{v['input'][:30]!r}" for i, v in enumerate(VECTORS)])
def test_vector(v):
    got = check(v["input"], situation=Situation(**v["situation"]), lang=v["lang"]).to_dict()
    assert got == v["expected"], "run scripts/update_golden.py and review the diff if this change is intended"


def test_file_matches_the_script():
    mod = _script()
    assert [(v["input"], v["situation"], v["lang"]) for v in VECTORS] == \
        [(t, s, lang) for t, s, lang in mod.CASES]
    assert FILE.read_text(encoding="utf-8") == mod.dumps(DOC)  # plain, stable formatting


#: codes the shipped data cannot produce: no provider or category has a recipient level of 6, 4 or
#: 3..1 (the model supports them; tests/test_check.py exercises them with fixture data)
UNREACHABLE_WITH_SHIPPED_DATA = {"listed-senders", "allowlist-only", "recipient-refuses-all"}


def test_vectors_cover_every_code_verdict_and_language():
    data = default_data()
    levels = {p.level for p in data.providers} | {c.level for c in data.categories.values()}
    unreachable = {code for code, lv in (("listed-senders", 6), ("allowlist-only", 4),
                                         ("recipient-refuses-all", 3)) if lv not in levels}
    assert unreachable <= UNREACHABLE_WITH_SHIPPED_DATA
    seen = {f["code"] for v in VECTORS for f in v["expected"]["findings"]}
    retired = {code for code, m in data.messages.items() if m.retired is not None}
    assert not seen & retired, f"retired codes in the golden vectors: {sorted(seen & retired)}"
    # the MX rule's findings need DNS answers: tests/test_dns_option.py shows them
    dns_codes = {"no-such-domain", "null-mx", "dns-unanswered"}
    missing = set(data.messages) - seen - unreachable - retired - dns_codes
    assert not missing, f"no golden vector shows {sorted(missing)}: add cases to scripts/update_golden.py"
    assert {v["expected"]["verdict"] for v in VECTORS} == {"deliver", "spam-folder", "at-risk", "block", "invalid"}
    assert {v["lang"] for v in VECTORS} == {"ja", "en"}
    assert any(v["expected"]["suggestion"] for v in VECTORS)
    assert 70 <= len(VECTORS) <= 150
