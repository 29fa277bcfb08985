"""The served ranking, replayed through the API, against `winnow simulate` on the same set.

Run: `.venv/bin/python -m benchmarks.prioritize_service [--sets NAME,...]` (default: the two
smallest development sets). Needs ../shared (skips cleanly without it).

Per set, one lead screens a fresh single-screening review on a new SQLite database through the
app's API, as a reviewer does: the set is imported as its CSV file (`POST /imports`), then
`GET /screening/title_abstract/next` and `POST /records/{id}/decisions` with the set's label,
until every inclusion has been met. The app's own background ranking worker ranks the stage
(the child process, `screening.ranking.ranker`, the core schedule of
`screening.ranking.schedule`). A reviewer spends seconds on an abstract, longer than a fit takes
on these sets, so after each decision the replay waits until the worker has done what that
decision asked for (the rest the worker keeps between two fits of a stage, a guard for many
reviewers on one machine, is set to zero: at machine speed it would otherwise stand for minutes
of reading). The order served is scored with ../shared/bench/screen_eval.py, as is `winnow
simulate`'s order on the same file, run in the same process; the bar is |WSS@95 difference|
<= 1 point.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.prioritize import DATA, SCORER, Scores, score_order

DEFAULT_SETS = ("Cohen_2006_Antihistamines", "Cohen_2006_NSAIDS")
EMAIL, PASSWORD = "bench@example.org", "benchmark password"
SEED = 0  # the service's ranker and `winnow simulate` both default to seed 0
API = "/api/v1"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sets", default=",".join(DEFAULT_SETS))
    args = parser.parse_args()
    if not DATA.is_dir() or not SCORER.is_file():
        print(f"skipped: {DATA} or {SCORER} is absent (a clone without ../shared)")
        return 0
    names = [name.strip() for name in args.sets.split(",") if name.strip()]
    print(
        f"{'set':<30} {'records':>7} {'served WSS@95':>13} {'simulate':>9} {'diff':>6} "
        f"{'served R@10%':>12} {'simulate':>9} {'fits':>5} {'wall s':>7}"
    )
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            row = _compare(name, Path(tmp))
            worst = max(worst, abs(row["diff"]))
            print(
                f"{name:<30} {row['records']:>7} {row['served']['wss_95']:>13.1f} "
                f"{row['simulate']['wss_95']:>9.1f} {row['diff']:>+6.1f} "
                f"{row['served']['recall_at_10pct']:>12.1f} "
                f"{row['simulate']['recall_at_10pct']:>9.1f} "
                f"{row['fits']:>5} {row['wall']:>7.1f}"
            )
    met = worst <= 1.0
    print(
        f"bar: served WSS@95 within 1 point of winnow simulate on every set: "
        f"{'met' if met else 'MISSED'} (largest difference {worst:.1f})"
    )
    return 0 if met else 1


def _compare(name: str, tmp: Path) -> dict[str, Any]:
    from screening.ranking.simulate import read_labelled_csv, simulate

    dataset = DATA / f"{name}.csv"
    labelled = read_labelled_csv(dataset.read_text(encoding="utf-8"))
    simulated, _ = simulate(labelled, seed=SEED)
    started = time.perf_counter()
    served, fits = _served_order(dataset, [r.id for r in labelled], tmp / f"{name}.sqlite")
    wall = time.perf_counter() - started
    served_scores = _points(score_order(dataset, served, tmp / f"{name}.served.txt"))
    simulate_scores = _points(score_order(dataset, simulated, tmp / f"{name}.simulate.txt"))
    return {
        "records": len(labelled),
        "served": served_scores,
        "simulate": simulate_scores,
        "diff": served_scores["wss_95"] - simulate_scores["wss_95"],
        "fits": fits,
        "wall": wall,
    }


def _served_order(dataset: Path, ids: list[str], database: Path) -> tuple[list[str], int]:
    """Labelled ids in the order the API served them; the rest in file order (they cannot
    change a recall figure once every inclusion was met); and how many rankings were written."""
    from fastapi.testclient import TestClient
    from sqlmodel import Session

    from api.db import make_engine
    from api.migrate import upgrade_to_head
    from api.repositories.screening.prioritization import RankingRepository
    from api.services.accounts import create_user
    from api.services.screening import prioritization
    from api.settings import Settings
    from screening.model import Stage
    from screening.ranking.simulate import read_labelled_csv

    labels = {r.id: r.included for r in read_labelled_csv(dataset.read_text(encoding="utf-8"))}
    url = f"sqlite:///{database}"
    upgrade_to_head(url)
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        create_user(session, email=EMAIL, name="Bench", password=PASSWORD, is_admin=False)
    prioritization.MIN_REST, prioritization.REST_FACTOR = 0.0, 0.0  # see the module docstring
    from api.main import create_app

    app = create_app(engine, Settings(database_url=url))
    with TestClient(app) as client:
        token = client.post(f"{API}/auth/token", data={"username": EMAIL, "password": PASSWORD})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        settings = {"title_abstract": {"mode": "single"}}
        body = {"title": dataset.stem, "settings": settings}
        rid = _ok(client.post(f"{API}/reviews", json=body, headers=headers))["id"]
        source = _ok(
            client.post(f"{API}/reviews/{rid}/sources", json={"name": "set"}, headers=headers)
        )
        with dataset.open("rb") as upload:
            report = _ok(
                client.post(
                    f"{API}/reviews/{rid}/imports",
                    files={"file": (dataset.name, upload, "text/csv")},
                    data={"source_id": str(source["id"])},
                    headers=headers,
                )
            )
        record_ids = _record_ids(client, rid, headers)
        if len(record_ids) != len(ids):
            raise SystemExit(
                f"{dataset.name}: {len(ids)} rows but {len(record_ids)} records "
                f"imported ({report.get('summary', report)})"
            )
        by_record = dict(zip(record_ids, ids, strict=True))
        remaining = sum(labels.values())
        order: list[str] = []
        while remaining:
            response = client.get(
                f"{API}/reviews/{rid}/screening/title_abstract/next", headers=headers
            )
            if response.status_code == 204:
                break
            record_id = _ok(response)["record"]["id"]
            labelled = by_record[record_id]
            decision = "include" if labels[labelled] else "exclude"
            _ok(
                client.post(
                    f"{API}/reviews/{rid}/records/{record_id}/decisions",
                    json={"stage": "title_abstract", "decision": decision},
                    headers=headers,
                )
            )
            order.append(labelled)
            remaining -= labels[labelled]
            prioritization.wait_idle(timeout=600)
    with Session(engine) as session:
        fits = RankingRepository(session).stage(rid, Stage.TITLE_ABSTRACT).ranked_epoch
    engine.dispose()
    met = set(order)
    return order + [i for i in ids if i not in met], fits


def _record_ids(client: Any, rid: int, headers: dict[str, str]) -> list[int]:
    found: list[int] = []
    while True:
        page = _ok(
            client.get(
                f"{API}/reviews/{rid}/records",
                params={"limit": 500, "offset": len(found)},
                headers=headers,
            )
        )
        items = page["items"] if isinstance(page, dict) else page
        found.extend(item["id"] for item in items)
        if not items:
            return sorted(found)


def _points(scores: Scores) -> dict[str, float]:
    """The two figures compared, in points (percent), as benchmarks.prioritize prints them."""
    return {key: 100 * float(scores[key]) for key in ("wss_95", "recall_at_10pct")}


def _ok(response: Any) -> Any:
    if response.status_code >= 300:
        raise SystemExit(
            f"{response.request.method} {response.request.url}: "
            f"{response.status_code} {response.text[:300]}"
        )
    return response.json()


if __name__ == "__main__":
    raise SystemExit(main())
