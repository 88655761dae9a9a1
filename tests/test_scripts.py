"""The repository's own commands as a newcomer runs them: scripts/setup on a machine without Node, scripts/serve's
options and a busy port (both answered before any set-up or build), the licence stated once."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _path_without(tmp_path: Path, *, missing: set[str]) -> str:
    """A PATH of symlinks to the tools the scripts use, minus ``missing`` (e.g. node, npm): a machine without
    them. python3 is the real interpreter behind this test's (not a shim)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    tools = {"bash", "dirname", "fc-list", "grep", "sed", "cat", "id", "node", "npm"} - missing
    for tool in tools:
        where = shutil.which(tool)
        if where:
            (bin_dir / tool).symlink_to(where)
    if "python3" not in missing:
        (bin_dir / "python3").symlink_to(os.path.realpath(sys.executable))
    return str(bin_dir)


def _run(args: list[str], path: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {"PATH": path, "HOME": os.environ.get("HOME", "/tmp"), "LANG": "C.UTF-8"}
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def test_setup_names_exactly_the_debian_packages_missing(tmp_path):
    path = _path_without(tmp_path, missing={"node", "npm"})
    r = _run(["scripts/setup", "--check", "--no-browser"], path)
    assert r.returncode == 1
    assert "missing Debian packages: nodejs npm " in r.stdout
    assert "sudo apt-get install -y nodejs npm" in r.stdout
    assert "python3-venv" not in r.stdout and "chromium" not in r.stdout  # present / not asked for


def test_setup_check_passes_here_and_rejects_unknown_options(tmp_path):
    if not (shutil.which("node") and shutil.which("npm")):
        return  # this machine lacks them: the test above covers the message
    r = _run(["scripts/setup", "--check", "--no-browser"], os.environ["PATH"])
    assert r.returncode == 0 and "every Debian package" in r.stdout
    bad = _run(["scripts/setup", "--frobnicate"], os.environ["PATH"])
    assert bad.returncode == 2 and "unknown option: --frobnicate" in bad.stderr


def test_setup_without_python3_asks_for_it(tmp_path):
    path = _path_without(tmp_path, missing={"python3"})
    r = _run(["scripts/setup", "--check", "--no-browser"], path)
    assert r.returncode == 1 and "python3 python3-venv" in r.stdout


def test_serve_help_answers_before_any_setup(tmp_path):
    # no python3, node or npm on this PATH: anything beyond printing the help would fail
    path = _path_without(tmp_path, missing={"python3", "node", "npm"})
    r = _run(["scripts/serve", "--port", "9", "--help"], path)
    assert r.returncode == 0, r.stderr
    assert "--port N" in r.stdout and "--bind ADDR" in r.stdout and "busy port" in r.stdout
    assert "setup:" not in r.stdout + r.stderr


def test_serve_reports_a_busy_port_before_the_setup_and_the_build(tmp_path):
    # node and npm missing: were setup reached, it would complain about them instead
    path = _path_without(tmp_path, missing={"node", "npm"})
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = _run(["scripts/serve", "--port", str(port)], path)
    assert r.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in r.stderr and f"--port {port + 1}" in r.stderr
    assert "setup:" not in r.stderr and "build" not in r.stdout


def test_serve_py_check_port_prints_the_url_of_a_free_port(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = _run([os.path.realpath(sys.executable), "scripts/serve.py", "--check-port", "--port", str(port)],
             os.environ["PATH"])
    assert r.returncode == 0 and r.stdout.strip() == f"http://127.0.0.1:{port}/"
    bad = _run([os.path.realpath(sys.executable), "scripts/serve.py", "--port", "70000"], os.environ["PATH"])
    assert bad.returncode == 2 and "between 1 and 65535" in bad.stderr


def test_one_licence_everywhere():
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["license"] == "MIT"
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"][""]["license"] == "MIT"


def test_the_package_builds_without_packaging_warnings(tmp_path):
    """No screen of setuptools warnings on every set-up: the licence is an SPDX string and every directory under
    checker/ (the TOML-only data directories too) is a listed package. The wheel carries the licence."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "checker", src / "checker", ignore=shutil.ignore_patterns("__pycache__"))
    r = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path / "d"),
                        str(src)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    out = r.stdout + r.stderr
    for noise in ("deprecated", "Package would be ignored", "absent from the `packages`", "BuildBackendWarning"):
        assert noise not in out, noise
    import zipfile
    (wheel,) = (tmp_path / "d").glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "checker/data/messages/findings.toml" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
