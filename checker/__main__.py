"""``python -m checker``: the command-line shell. Sub-commands live in their own modules."""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "audit":
        from ._audit_cli import main as audit_main  # owned by the audit shell

        return audit_main(args[1:])
    if args and args[0] == "domain":
        from ._domain_cli import main as domain_main  # the sender-domain check (issue 11)

        return domain_main(args[1:])
    if args and args[0] == "message":
        from .cli_message import main as message_main  # owned by the message shell

        return message_main(args[1:])
    from .cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
