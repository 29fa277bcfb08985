"""The ``winnow`` command: serve the API, manage users, and run the core on files."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from api.commands import dedupe, files, reports, screening, serve, simulate, users
from api.errors import WinnowError

DESCRIPTION = """\
Winnow: evidence synthesis for systematic and rapid reviews.

Configuration comes from WINNOW_* environment variables (see the README); the database is
WINNOW_DATABASE_URL (default: sqlite:///./winnow.db)."""

# Each module adds its subcommands; add new ones here.
COMMAND_MODULES = (serve, users, files, simulate, reports, dedupe, screening)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        code: int = args.run(args)
    except WinnowError as exc:
        print(f"winnow: error: {exc.detail}", file=sys.stderr)
        return 1
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="winnow", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
