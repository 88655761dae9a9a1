"""Shell: the command line (``python -m checker`` and the installed ``todoku`` command). One module per
command (``check.py``, ``audit.py``, ``domain.py``, ``message.py``; ``dns.py`` is the dnspython resolver,
``common.py`` what the commands share); this one only dispatches. The argument parsing, the file and
terminal I/O and the exit status live in the commands, never in the core.

Adding a command: a module ``checker/cli/<name>.py`` with ``main(argv, ...) -> int`` (argv: the arguments
after the command's name), one line in ``COMMANDS`` below and its one-line summary ``command-<name>`` in
``messages/cli.toml``: the top-level help lists it, ``help <name>`` and ``<name> --help`` reach it, and
``--lang``/``--help`` work before or after its name. A listed command whose module is not there (yet) is left
out of the help and answered as an unknown command.
"""
from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
from typing import Any, TextIO

from .._data import default_data
from .common import HELP, UsageError, lang_hint, prog, report_usage, ui

#: command -> its module (relative to this package), in the order the help lists them
COMMANDS: dict[str, str] = {
    "check": ".check",
    "audit": ".audit",
    "domain": ".domain",
    "message": ".message",
}


def available() -> list[str]:
    """The commands whose module is installed, in COMMANDS order."""
    return [name for name, mod in COMMANDS.items() if importlib.util.find_spec(mod, __name__) is not None]


def _split(args: list[str]) -> tuple[str | None, list[str]]:
    """The command named in ``args`` (the first word that is no option and no ``--lang`` value), and the
    arguments for it: every other argument, in order (options before the name are the command's too)."""
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            return None, args
        if a == "--lang":
            i += 2
            continue
        if a.startswith("-"):
            i += 1
            continue
        return a, args[:i] + args[i + 1:]
    return None, args


def top_help(lang: str) -> str:
    data = default_data()
    names = available()
    width = max(len(n) for n in [*names, "help"])
    lines = [ui(data, "top-usage", lang, prog=prog_name()), "", ui(data, "top-about", lang), "",
             ui(data, "top-commands", lang)]
    for name in [*names, "help"]:
        summary = ui(data, f"command-{name}", lang) if f"cli.command-{name}" in data.ui else ""
        lines.append(f"  {name.ljust(width)}  {summary}".rstrip())
    lines += ["", ui(data, "top-options", lang), "", ui(data, "top-more", lang, prog=prog_name())]
    return "\n".join(lines) + "\n"


def prog_name() -> str:
    return prog()


def main(argv: list[str] | None = None, **streams: Any) -> int:
    """Run the command named in ``argv``; the exit status. ``help [COMMAND]`` and ``--help`` without a
    command print the help; ``--lang`` may come before or after the command's name. ``streams``
    (``stdin``, ``stdout``, ``stderr``, ``environ``: tests run in-process) go to the command."""
    args = sys.argv[1:] if argv is None else list(argv)
    stdout: TextIO = streams.get("stdout") or sys.stdout
    stderr: TextIO = streams.get("stderr") or sys.stderr
    lang = lang_hint(args)
    data = default_data()
    command, rest = _split(args)
    try:
        if command == "help":
            wanted, _ = _split(rest)
            if wanted is None:
                stdout.write(top_help(lang))
                return 0
            command, rest = wanted, [a for a in rest if a != wanted] + ["--help"]
        if command is None:
            if any(a in HELP for a in rest):
                stdout.write(top_help(lang))
                return 0
            raise UsageError("no-command", commands=", ".join(available()))
        if command not in available():
            raise UsageError("unknown-command", command=command, commands=", ".join(available()))
    except UsageError as exc:
        return report_usage(data, lang, exc, None, stderr)
    module = importlib.import_module(COMMANDS[command], __name__)
    accepted = inspect.signature(module.main).parameters
    return int(module.main(rest, **{k: v for k, v in streams.items() if k in accepted}))
