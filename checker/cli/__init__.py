"""Shell: the command line (``python -m checker`` and the installed ``todoku`` command). One module per
command (``check.py``, ``audit.py``, ``domain.py``, ``message.py``; ``dns.py`` is the dnspython resolver); this
one only dispatches. The argument parsing, the file and
terminal I/O and the exit status live here, never in the core."""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run the command named by ``argv[0]`` (``check`` when no other command is named); the exit status."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "audit":
        from .audit import main as audit_main

        return audit_main(args[1:])
    if args and args[0] == "domain":
        from .domain import main as domain_main

        return domain_main(args[1:])
    if args and args[0] == "message":
        from .message import main as message_main

        return message_main(args[1:])
    from .check import main as check_main

    return check_main(args)
