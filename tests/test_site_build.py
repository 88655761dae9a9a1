"""The guide builds with `mkdocs build --strict` in both languages without a single warning, quickly."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def generated():
    subprocess.run([sys.executable, "scripts/gen_docs.py"], cwd=ROOT, check=True, capture_output=True)


@pytest.mark.parametrize("config", ["mkdocs.yml", "mkdocs.en.yml"])
def test_strict_build_has_no_warnings(generated, config, tmp_path):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", config, "-d", str(tmp_path / "out")],
                       cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.monotonic() - t0
    print(f"{config}: built in {elapsed:.2f} s")
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert "WARNING" not in out and "ERROR" not in out, out
    assert (tmp_path / "out" / "index.html").is_file()
