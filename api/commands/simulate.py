"""``winnow simulate DATASET.csv --output ORDER.txt [--seed N]``: replay prioritised screening.

The served ranking, model and retraining schedule: there is no other
(see screening.ranking.simulate).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(commands: Any) -> None:
    simulate = commands.add_parser(
        "simulate",
        help="replay a prioritised screening on a labelled set (id,title,abstract,label_included)",
    )
    simulate.add_argument("dataset", metavar="DATASET.csv", type=Path)
    simulate.add_argument("--output", required=True, type=Path, help="ids in the order seen")
    simulate.add_argument("--seed", type=int, default=0, help="fixes the ranker (default 0)")
    simulate.set_defaults(run=_simulate)


def _simulate(args: argparse.Namespace) -> int:
    from screening.model import ScreeningError
    from screening.ranking.simulate import read_labelled_csv, simulate

    try:
        text = args.dataset.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"winnow: error: cannot read {args.dataset}: {exc}", file=sys.stderr)
        return 2
    try:
        order, replay = simulate(read_labelled_csv(text), seed=args.seed)
    except ScreeningError as exc:
        print(f"winnow: error: {args.dataset}: {exc}", file=sys.stderr)
        return 2
    args.output.write_text("".join(f"{record_id}\n" for record_id in order), encoding="utf-8")
    print(
        f"wrote {len(order)} ids to {args.output} ({replay.fits} fits, at most "
        f"{replay.most_decisions_between_fits} decision(s) between fits)",
        file=sys.stderr,
    )
    return 0
