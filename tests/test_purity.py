"""The layout's rules, enforced (ARCHITECTURE.md):

* the core is sans-I/O: stdlib imports only (from an allowlist) and no print/open/input, clock,
  randomness or sockets; ``_data.read_raw`` is the one reader of the package's own files;
* imports go one way: the core (``address/``, ``lists/``, ``sender/``, ``message/``, ``_model.py``, the
  package's ``__init__.py``) never imports a shell (``cli/``, ``web/``, ``__main__.py``); ``_data.py``
  imports nothing of ours; ``_model.py`` imports only ``_data.py``; the shells are free to do I/O.
"""
from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "checker"
#: the shells: they do the I/O and may import anything of ours
SHELLS = ("cli", "web", "__main__")
#: the core packages, one per capability
CORE_PACKAGES = ("address", "lists", "sender", "message")
ALLOWED_IMPORTS = {
    "__future__", "dataclasses", "typing", "types", "functools", "unicodedata", "encodings",
    "encodings.idna", "ipaddress", "re", "enum", "collections", "collections.abc", "itertools",
    "math", "string", "bisect", "tomllib", "importlib", "importlib.resources", "json", "csv", "io", "operator",
    "base64", "binascii",
    # checker/message/: reading mail is the stdlib email package's job
    "email", "email.header", "email.policy", "email.message", "codecs",
    # parsedate_tz only: a Date header's fields, as written in the message (never the clock)
    "email.utils",
}
FORBIDDEN_CALLS = {"print", "open", "input", "exec", "eval", "breakpoint", "__import__"}
FORBIDDEN_MODULES = {"time", "datetime", "random", "secrets", "socket", "os", "sys", "subprocess",
                     "urllib", "http", "ssl", "select", "asyncio", "threading", "pathlib", "shutil",
                     "tempfile", "uuid"}
#: (file, function) pairs allowed to do the one read of the package's own data
READERS = {("_data.py", "read_raw")}
#: optional dependencies a core module may import INSIDE its functions (never at module level), so that the
#: package, and every other core module, import and run without them: openpyxl for Excel workbooks
OPTIONAL_IMPORTS = {"lists/xlsx.py": {"openpyxl"}}


def _module(rel: str) -> str:
    """``lists/read.py`` -> ``checker.lists.read``; ``address/__init__.py`` -> ``checker.address``."""
    parts = ("checker", *rel.removesuffix(".py").split("/"))
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_shell(module: str) -> bool:
    parts = module.split(".")
    return len(parts) > 1 and parts[1] in SHELLS


def _rel(path: Path) -> str:
    return path.relative_to(PKG).as_posix()


CORE = sorted(p for p in PKG.rglob("*.py") if not _is_shell(_module(_rel(p))))


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def _ours(rel: str, tree: ast.AST) -> list[tuple[int, str]]:
    """Every module of ours that the module at ``rel`` imports, absolute (``from ..lists import report``
    in ``address/check.py`` -> ``checker.lists.report``), with its line."""
    here = _module(rel)
    package = here if rel.endswith("__init__.py") else here.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "checker"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.split(".")[0] == "checker":
                target = node.module
            else:
                continue
            # "from . import rules" names modules; "from .x import name" names the module x
            out += [(node.lineno, target if node.module else f"{target}.{a.name}") for a in node.names]
    return out


def impurities(rel: str, source: str) -> list[str]:
    """What makes the core module at ``rel`` (relative to ``checker/``) not sans-I/O."""
    tree = ast.parse(source)
    problems = []
    reader_nodes = {id(n) for f in _functions(tree) if (rel, f.name) in READERS for n in ast.walk(f)}
    optional = OPTIONAL_IMPORTS.get(rel, set())
    in_functions = {id(n) for f in _functions(tree) for n in ast.walk(f)}

    def allowed(module: str, node: ast.AST) -> bool:
        return module in ALLOWED_IMPORTS or (module.split(".")[0] in optional and id(node) in in_functions)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not allowed(alias.name, node) and alias.name.split(".")[0] != "checker":
                    problems.append(f"line {node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and not allowed(node.module or "", node):
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
    return problems


def wrong_way_imports(rel: str, source: str) -> list[str]:
    """The imports of the core module at ``rel`` that go the wrong way."""
    here = _module(rel)
    bad = []
    for line, target in _ours(rel, ast.parse(source)):
        if _is_shell(target):
            bad.append(f"line {line}: the core imports the shell {target}")
        if here == "checker._data":
            bad.append(f"line {line}: the data layer imports {target}")
        if here == "checker._model" and not target.startswith("checker._data"):
            bad.append(f"line {line}: the shared values import {target}")
    return bad


@pytest.mark.parametrize("path", CORE, ids=_rel)
def test_core_module_is_pure(path: Path) -> None:
    problems = impurities(_rel(path), path.read_text(encoding="utf-8"))
    assert not problems, f"{_rel(path)} is not pure:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", CORE, ids=_rel)
def test_imports_go_one_way(path: Path) -> None:
    """The core never imports a shell; the data layer imports nothing of ours; the shared values
    (``_model``) only the data layer."""
    bad = wrong_way_imports(_rel(path), path.read_text(encoding="utf-8"))
    assert not bad, f"{_rel(path)}:\n" + "\n".join(bad)


def test_an_optional_import_only_inside_a_function_of_its_module() -> None:
    inside = "def f():\n    import openpyxl\n    from openpyxl.cell import WriteOnlyCell\n"
    assert impurities("lists/xlsx.py", inside) == []
    assert impurities("lists/xlsx.py", "import openpyxl\n") == ["line 1: import openpyxl"]
    assert impurities("lists/read.py", inside) == ["line 2: import openpyxl", "line 3: from openpyxl.cell import ..."]


def test_the_core_imports_without_its_optional_dependencies() -> None:
    """Importing the package and every core module pulls in no optional dependency (openpyxl)."""
    import subprocess
    import sys
    modules = sorted(_module(_rel(p)) for p in CORE)
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules)
            + "print(sorted(m for m in sys.modules if m.split('.')[0] in {'openpyxl', 'et_xmlfile'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_purity_check_catches_violations() -> None:
    """The check above is not vacuous: a module with each kind of violation fails it."""
    found = "\n".join(impurities("address/bad.py", "import time\nimport random as r\nfrom socket import socket\n"
                                 "def f():\n    print(1)\n    open('x')\n    return time.time()\n"))
    for needle in ("import time", "import random", "from socket", "print()", "open()", "time.time()"):
        assert needle in found


@pytest.mark.parametrize("source, rel, expected", [
    ("from ..cli import check\n", "address/bad.py", "the core imports the shell checker.cli"),
    ("from ..web.audit import start\n", "lists/bad.py", "the core imports the shell checker.web.audit"),
    ("import checker.cli.check\n", "address/bad.py", "the core imports the shell checker.cli.check"),
    ("from .. import web\n", "lists/__init__.py", "the core imports the shell checker.web"),
    ("from .__main__ import main\n", "_model.py", "the core imports the shell checker.__main__"),
    ("from .cli import main\n", "__init__.py", "the core imports the shell checker.cli"),
    ("from ._model import Situation\n", "_data.py", "the data layer imports checker._model"),
    ("from .address import syntax\n", "_model.py", "the shared values import checker.address"),
])
def test_the_direction_check_catches_wrong_way_imports(source: str, rel: str, expected: str) -> None:
    assert expected in "\n".join(wrong_way_imports(rel, source))


def test_the_direction_check_lets_the_core_import_the_shared_layers() -> None:
    src = ("from .._data import Data\nfrom .._model import Result\nfrom ..address.check import check\n"
           "from . import read\n")
    assert wrong_way_imports("lists/audit.py", src) == []


def test_core_modules_are_checked() -> None:
    names = {_rel(p) for p in CORE}
    assert {"address/check.py", "address/syntax.py", "address/normalize.py", "address/typo.py",
            "address/rules.py", "lists/read.py", "lists/decode.py", "lists/audit.py", "lists/report.py",
            "sender/dns.py", "sender/spf.py", "_model.py", "_data.py", "__init__.py"} <= names
    assert not any(n.startswith(("cli/", "web/")) or n == "__main__.py" for n in names)


def test_every_package_is_core_or_shell() -> None:
    """A new package under checker/ must say what it is: a core capability (CORE_PACKAGES, checked
    above) or a shell (SHELLS)."""
    packages = {p.parent.name for p in PKG.glob("*/__init__.py")}
    assert packages <= set(CORE_PACKAGES) | set(SHELLS), packages - set(CORE_PACKAGES) - set(SHELLS)
