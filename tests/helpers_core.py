"""Shared by the core's tests: a small, fixed data set so that rule tests do not move with the
real provider data (tests against the real data live beside them and say so)."""
from __future__ import annotations

from checker._data import Data, parse, read_raw


def _p(pid: str, category: str, domains: list[str], level: int | None = None,
       settings: bool = False) -> dict:
    e: dict = {"id": pid, "name": {"ja": f"{pid}（日本語）", "en": f"{pid} (English)"},
               "category": category, "domains": domains, "source": f"https://{pid}.example/help"}
    if level is not None:
        e["level"] = level
    if settings:
        # the allowlist is named by its role, never taken as "the first setting"
        e["settings"] = [{"name": "なりすまし拒否", "en": "Spoofing refusal", "role": "spoofing",
                          "does": {"ja": "拒否します。", "en": "Refuses."}, "source": f"https://{pid}.example/help"},
                         {"name": "受信リスト設定", "en": "Receive list setting", "role": "allowlist",
                          "does": {"ja": "必ず受信します。", "en": "Always accepts."},
                          "source": f"https://{pid}.example/help"},
                         {"name": "URL付きメール拒否", "en": "URL refusal", "role": "url-filter",
                          "does": {"ja": "拒否します。", "en": "Refuses."}, "source": f"https://{pid}.example/help"}]
    return e


FIXTURE_PROVIDERS = [
    _p("docomo", "carrier", ["docomo.ne.jp"], settings=True),
    _p("au", "carrier", ["au.com", "ezweb.ne.jp", "*.ezweb.ne.jp"]),
    _p("gmail", "free", ["gmail.com", "googlemail.com"]),
    _p("yahoo-japan", "free", ["yahoo.co.jp"]),
    _p("icloud", "provider", ["icloud.com", "me.com", "mac.com"]),
    _p("ocn", "provider", ["ocn.ne.jp", "*.ocn.ne.jp"]),
    _p("hotmail", "free", ["hotmail.co.jp", "hotmail.com"]),
    # synthetic providers at the levels no real provider has, to exercise the whole model
    _p("strict", "provider", ["strict.example.jp"], level=4),
    _p("listed", "provider", ["listed.example.jp"], level=6),
    _p("broken", "provider", ["broken.example.jp"], level=2),
]


def fixture_data() -> Data:
    raw = read_raw()
    return parse(raw["levels"], raw["categories"], {"provider": FIXTURE_PROVIDERS}, raw["messages"],
                 raw["ui"])


def figures_report(title: str, figures: dict[str, str]):
    """A module-scoped autouse fixture that prints ``figures`` (name -> line) in pytest's terminal summary
    under ``title``: the measured figures a test module wants shown on every run (corpus agreement, parity).

    Use as ``_report = figures_report("corpus agreement (tests/test_corpora.py)", FIGURES)``."""
    import pytest

    class _Summary:
        def pytest_terminal_summary(self, terminalreporter) -> None:  # noqa: D401 - pytest hook
            if figures:
                terminalreporter.section(title)
                for name, line in figures.items():
                    terminalreporter.write_line(f"{name}: {line}")

    @pytest.fixture(scope="module", autouse=True)
    def _report(request):
        name = f"todoku-figures-{title}"
        if not request.config.pluginmanager.has_plugin(name):
            request.config.pluginmanager.register(_Summary(), name)
        yield

    return _report


def load_script(name: str):
    """The module ``scripts/<name>.py`` (scripts are files, not a package), registered in sys.modules."""
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def workbook(*sheets: tuple[str, list[list[object]]]) -> bytes:
    """An .xlsx file (openpyxl) with these sheets, in order: (title, rows)."""
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
