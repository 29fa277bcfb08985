"""``winnow screening rebuild [--check] REVIEW``: the stored screening state against the log."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from api.settings import Settings

SHOWN = 20  # differences printed in full; the rest are counted


def register(commands: Any) -> None:
    screening = commands.add_parser("screening", help="the stored screening state of a review")
    actions = screening.add_subparsers(title="actions", metavar="ACTION")
    rebuild = actions.add_parser(
        "rebuild",
        help="recompute a review's stage state from its decision log and report differences",
    )
    rebuild.add_argument("review", metavar="REVIEW", type=int, help="the review id")
    rebuild.add_argument(
        "--check",
        action="store_true",
        help="only compare: change nothing, exit 1 when the stored state differs from the log",
    )
    rebuild.set_defaults(run=_rebuild)
    screening.set_defaults(run=lambda _args: _usage(screening))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _rebuild(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from api.commands.database import open_database
    from api.db import consistent_snapshot
    from api.services.errors import NotFound
    from api.services.screening.store import rebuild
    from api.tables import Review

    engine = open_database(Settings().database_url)
    try:
        with Session(engine) as session, session.begin():
            consistent_snapshot(session)  # the log and the rows read at one moment
            review = session.get(Review, args.review)
            if review is None:
                raise NotFound("review", args.review)
            differences = rebuild(session, review, write=not args.check)
    finally:
        engine.dispose()
    for difference in differences[:SHOWN]:
        print(difference)
    if len(differences) > SHOWN:
        print(f"... and {len(differences) - SHOWN} more")
    verb = "found" if args.check else "repaired"
    print(
        f"review {args.review}: {len(differences)} difference(s) {verb} between the stored "
        "screening state and the decision log",
        file=sys.stderr,
    )
    return 1 if args.check and differences else 0
