"""The core is sans-I/O: stdlib imports only (from an allowlist) and no print/open/input, clock,
randomness or sockets. The shells (cli.py, __main__.py, web.py, the audit CLI) are exempt, and
``_data.read_raw`` is the one reader of the package's own files."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "checker"
SHELLS = {"cli.py", "__main__.py", "web.py", "_audit_cli.py", "_domain_cli.py", "_dns_resolver.py",
          "cli_message.py", "web_message.py"}
ALLOWED_IMPORTS = {
    "__future__", "dataclasses", "typing", "types", "functools", "unicodedata", "encodings",
    "encodings.idna", "ipaddress", "re", "enum", "collections", "collections.abc", "itertools",
    "math", "string", "bisect", "tomllib", "importlib", "importlib.resources", "json", "csv", "io", "operator",
    "base64", "binascii",
    # checker/message/: reading mail is the stdlib email package's job
    "email", "email.header", "email.policy", "email.message", "codecs",
}
FORBIDDEN_CALLS = {"print", "open", "input", "exec", "eval", "breakpoint", "__import__"}
FORBIDDEN_MODULES = {"time", "datetime", "random", "secrets", "socket", "os", "sys", "subprocess",
                     "urllib", "http", "ssl", "select", "asyncio", "threading", "pathlib", "shutil",
                     "tempfile", "uuid"}
#: (file, function) pairs allowed to do the one read of the package's own data
READERS = {("_data.py", "read_raw"), ("table.py", "read_rules_doc")}

#: core subpackages (issue 15's layout); their modules are checked too
CORE_PACKAGES = ("sender", "message")
CORE = sorted([p for p in PKG.glob("*.py") if p.name not in SHELLS]
              + [p for sub in CORE_PACKAGES for p in (PKG / sub).glob("*.py")])


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.name)
def test_core_module_is_pure(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    problems = []
    reader_nodes = {id(n) for f in _functions(tree) if (path.name, f.name) in READERS for n in ast.walk(f)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name not in ALLOWED_IMPORTS:
                    problems.append(f"line {node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module not in ALLOWED_IMPORTS:
                problems.append(f"line {node.lineno}: from {node.module} import ...")
        elif isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else (f.attr if isinstance(f, ast.Attribute) else None)
            owner = f.value.id if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) else None
            if name in FORBIDDEN_CALLS and owner is None:
                problems.append(f"line {node.lineno}: call to {name}()")
            if owner in FORBIDDEN_MODULES:
                problems.append(f"line {node.lineno}: call to {owner}.{name}()")
            if name in ("read_text", "read_bytes", "iterdir", "files") and id(node) not in reader_nodes:
                problems.append(f"line {node.lineno}: file access {name}() outside {READERS}")
    assert not problems, f"{path.name} is not pure:\n" + "\n".join(problems)


def test_the_purity_check_catches_violations(tmp_path):
    """The check above is not vacuous: a module with each kind of violation fails it."""
    bad = tmp_path / "bad.py"
    bad.write_text("import time\nimport random as r\nfrom socket import socket\n"
                   "def f():\n    print(1)\n    open('x')\n    return time.time()\n", encoding="utf-8")
    with pytest.raises(AssertionError) as exc:
        test_core_module_is_pure(bad)
    for needle in ("import time", "import random", "from socket", "print()", "open()", "time.time()"):
        assert needle in str(exc.value)


def test_core_modules_are_checked():
    names = {p.name for p in CORE}
    assert {"_check.py", "_syntax.py", "_normalize.py", "_typo.py", "_rules.py", "_model.py",
            "_data.py", "__init__.py", "dns.py", "spf.py"} <= names
