"""The ``winnow`` command: serve the API, manage users, and run the core on files.

Commands import only what they use: ``winnow --help`` reads the one-line helps below, and a
command loads its own module (``winnow dedupe`` never imports the web stack or scikit-learn).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

DESCRIPTION = """\
Winnow: evidence synthesis for systematic and rapid reviews.

Configuration comes from WINNOW_* environment variables (see the README); the database is
WINNOW_DATABASE_URL (default: sqlite:///./winnow.db)."""

# Every command, in the order --help lists them: the module that registers it, and its help
# (tests check these against the modules' own). Add new commands here.
COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("api.commands.serve", "migrate the database and serve the API and web app"),
    "migrate": ("api.commands.serve", "upgrade the database schema to the latest"),
    "users": ("api.commands.users", "manage accounts"),
    "parse": ("api.commands.files", "parse a reference file without a database"),
    "import": ("api.commands.files", "import a file or a PubMed search into a review"),
    "simulate": (
        "api.commands.simulate",
        "replay a prioritised screening on a labelled set (id,title,abstract,label_included)",
    ),
    "prisma": ("api.commands.reports", "a review's PRISMA 2020 counts, CSV or diagram"),
    "export": (
        "api.commands.reports",
        "a review's references with decisions (RIS, CSV) or its extracted data",
    ),
    "dedupe": ("api.commands.dedupe", "deduplicate CSV files of references without a database"),
    "screening": ("api.commands.screening", "the stored screening state of a review"),
}


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = _parser(_chosen(arguments))
    args = parser.parse_args(arguments)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        code: int = args.run(args)
    except Exception as exc:
        errors = sys.modules.get("api.services.errors")  # loaded by whatever could raise them
        if errors is None or not isinstance(exc, errors.WinnowError):
            raise
        print(f"winnow: error: {exc.detail}", file=sys.stderr)
        return 1
    return code


def _chosen(arguments: Sequence[str]) -> str | None:
    """The command named on the command line (the first word that is not an option)."""
    return next((word for word in arguments if not word.startswith("-")), None)


def _parser(chosen: str | None) -> argparse.ArgumentParser:
    """The full parser of the *chosen* command's module; the others by name and help only."""
    parser = argparse.ArgumentParser(
        prog="winnow", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    loaded = COMMANDS[chosen][0] if chosen in COMMANDS else None
    for name, (module, help_text) in COMMANDS.items():
        if module != loaded:
            commands.add_parser(name, help=help_text)
        elif name == next(n for n, (m, _h) in COMMANDS.items() if m == loaded):
            importlib.import_module(module).register(commands)
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
