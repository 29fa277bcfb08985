"""End to end: DOMAIN.md's worked numbers, maybe policies, rapid mode, full text, concurrency."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from api.services.screening import prioritization
from tests.api.builders import Builder, screening_records
from tests.api.test_screening import TA, World, make_world
from tests.api.test_screening import world as world  # the shared fixture

FT = "full_text"


def _vote_table(world: World, table: list[list[int]], labels: list[str]) -> None:
    """Reviewer one votes the row label, reviewer two the column label, on fresh records."""
    records = iter(world.records)
    for row, row_label in enumerate(labels):
        for column, column_label in enumerate(labels):
            for _ in range(table[row][column]):
                record_id = next(records)
                assert world.vote(world.one, record_id, row_label).status_code == 201
                assert world.vote(world.two, record_id, column_label).status_code == 201


def test_agreement_reproduces_domain_example_1(build: Builder) -> None:
    world = make_world(build, n=200)
    _vote_table(world, [[20, 5], [10, 165]], ["include", "exclude"])
    body = world.client.get(world.url(f"/agreement?stage={TA}"), headers=world.lead.headers).json()
    assert body["n"] == 200
    assert body["percent_agreement"] == pytest.approx(0.925)
    assert body["kappa"] == pytest.approx(13 / 19, abs=1e-6)
    assert body["pabak"] == pytest.approx(0.85)
    assert body["conflicts"] == 15
    assert body["pairs"][0]["reviewers"] == sorted([world.one.id, world.two.id])
    conflicts = world.client.get(world.url(f"/conflicts?stage={TA}"), headers=world.lead.headers)
    assert conflicts.json()["total"] == 15
    assert len(conflicts.json()["items"]) == 15
    # Paged in import order: pages of 4 cover the same 15 records once each.
    pages = [
        world.client.get(
            world.url(f"/conflicts?stage={TA}&limit=4&offset={offset}"), headers=world.lead.headers
        ).json()
        for offset in range(0, 16, 4)
    ]
    assert {page["total"] for page in pages} == {15}
    paged = [item["record_id"] for page in pages for item in page["items"]]
    assert paged == [item["record_id"] for item in conflicts.json()["items"]] == sorted(paged)


def test_the_three_maybe_policies_give_domain_example_2_conflict_counts(build: Builder) -> None:
    world = make_world(build, n=200)
    table = [[15, 3, 2], [4, 6, 5], [1, 4, 160]]
    _vote_table(world, table, ["include", "maybe", "exclude"])
    counts = {}
    for policy in ("include", "neutral", "conflict"):
        world.patch_settings({"title_abstract": {"maybe_semantics": policy}})
        response = world.client.get(world.url(f"/conflicts?stage={TA}"), headers=world.lead.headers)
        counts[policy] = response.json()["total"]
    assert counts == {"include": 12, "neutral": 3, "conflict": 25}
    body = world.client.get(world.url(f"/agreement?stage={TA}"), headers=world.lead.headers).json()
    assert body["maybe_as_include"] is True
    assert body["kappa"] == pytest.approx(0.787423, abs=1e-6)


def test_rapid_gate_opens_is_recorded_and_single_exclusions_are_verified(build: Builder) -> None:
    rapid = {"mode": "rapid", "rapid": {"calibration_size": 2, "dual_fraction": 0.2}}
    world = make_world(build, n=20, settings={"title_abstract": rapid})
    progress = world.client.get(world.url("/progress"), headers=world.lead.headers).json()
    gate = progress["title_abstract"]["rapid"]
    assert gate == {
        "opened": False,
        "opened_at": None,
        "calibration": 2,
        "dual": 4,
        "kappa": None,
        "batches_added": 0,
    }
    # Both reviewers screen the dual set (ceil(0.2 x 20) = 4) and agree perfectly.
    decisions: dict[int, str] = {}
    while (response := world.next(world.one)).status_code == 200:
        record_id = response.json()["record"]["id"]
        decisions[record_id] = "include" if len(decisions) % 2 else "exclude"
        world.vote(world.one, record_id, decisions[record_id])
    for record_id, decision in decisions.items():
        world.vote(world.two, record_id, decision)
    assert len(decisions) == 4  # outside the dual set nothing is served before the switch
    progress = world.client.get(world.url("/progress"), headers=world.lead.headers).json()
    gate = progress["title_abstract"]["rapid"]
    assert gate["opened"] is True
    assert gate["kappa"] == pytest.approx(1.0)
    # Single phase: reviewer one excludes a record; it waits for reviewer two's check.
    record_id = world.next(world.one).json()["record"]["id"]
    world.vote(world.one, record_id, "exclude")
    progress = world.client.get(world.url("/progress"), headers=world.lead.headers).json()
    assert progress["title_abstract"]["by_state"]["awaiting_verification"] == 1
    world.vote(world.two, record_id, "include")  # liberal rule: the verifier's include wins
    progress = world.client.get(world.url("/progress"), headers=world.lead.headers).json()
    assert progress["title_abstract"]["by_state"]["awaiting_verification"] == 0
    votes = world.client.get(
        world.url(f"/records/{record_id}/decisions?stage={TA}"), headers=world.one.headers
    ).json()
    assert len(votes) == 2  # settled: both votes visible now
    methods = world.client.get(world.url("/screening/methods"), headers=world.two.headers)
    text = methods.json()["text"]
    assert "Cochrane Rapid Reviews" in text
    assert "(n = 4)" in text
    assert "every exclusion checked by a second reviewer" in text


def test_full_text_upload_queue_and_reasons(world: World) -> None:
    record_id = world.records[0]
    reasons = world.client.get(world.url("/exclusion-reasons"), headers=world.one.headers).json()
    assert [r["label"] for r in reasons][:2] == ["Wrong population", "Wrong intervention"]
    assert len(reasons) == 8
    added = world.client.post(
        world.url("/exclusion-reasons"),
        json={"stage": FT, "label": "Wrong dose"},
        headers=world.lead.headers,
    )
    assert added.status_code == 201
    again = world.client.post(
        world.url("/exclusion-reasons"),
        json={"stage": FT, "label": "wrong dose"},
        headers=world.lead.headers,
    )
    assert again.status_code == 409
    for who in (world.one, world.two):
        world.vote(who, record_id, "include")
    assert world.next(world.one, FT).status_code == 204  # not retrieved yet
    url = world.url(f"/records/{record_id}/full-text")
    not_pdf = world.client.put(
        url, files={"file": ("x.pdf", b"<html>", "application/pdf")}, headers=world.one.headers
    )
    assert not_pdf.status_code == 422
    assert "%PDF-" in not_pdf.json()["detail"]
    too_big = world.client.put(
        url,
        files={"file": ("x.pdf", b"%PDF-" + b"0" * 2_000_000, "application/pdf")},
        headers=world.one.headers,
    )
    assert too_big.status_code == 413
    pdf = b"%PDF-1.4 a real enough report"
    stored = world.client.put(
        url, files={"file": ("trial.pdf", pdf, "application/pdf")}, headers=world.one.headers
    )
    assert stored.status_code == 200, stored.text
    assert stored.json()["status"] == "retrieved"
    assert world.client.get(url, headers=world.two.headers).content == pdf
    assert world.next(world.one, FT).json()["record"]["id"] == record_id
    no_reason = world.vote(world.one, record_id, "exclude", stage=FT)
    assert no_reason.status_code == 422
    assert "exactly one exclusion reason" in no_reason.json()["detail"]
    reason_id = added.json()["id"]
    for who in (world.one, world.two):
        assert (
            world.vote(who, record_id, "exclude", stage=FT, reason_id=reason_id).status_code == 201
        )
    progress = world.client.get(world.url("/progress"), headers=world.lead.headers).json()
    assert progress["full_text"]["by_state"]["excluded"] == 1
    other = world.records[1]
    gone = world.client.put(
        world.url(f"/records/{other}/full-text"),
        json={"status": "not_retrieved"},
        headers=world.one.headers,
    )
    assert gone.json()["status"] == "not_retrieved"


def test_studies_list_and_link_reports(world: World) -> None:
    # Paged as {"items", "total"} (issue 15; it was a bare list of every study).
    page = world.client.get(world.url("/studies"), headers=world.one.headers).json()
    assert page["total"] == len(page["items"]) == len(world.records)
    studies = page["items"]
    assert [s["reports"][0]["record_id"] for s in studies] == world.records
    included = world.client.get(world.url("/studies?status=included"), headers=world.one.headers)
    assert included.json() == {"items": [], "total": 0}
    target = studies[0]["id"]
    linked = world.client.post(
        world.url(f"/studies/{target}/reports"),
        json={"record_ids": world.records[1:3]},
        headers=world.lead.headers,
    )
    assert linked.status_code == 200, linked.text
    assert [r["record_id"] for r in linked.json()["reports"]] == world.records[:3]
    after = world.client.get(world.url("/studies?limit=2&offset=1"), headers=world.one.headers)
    assert after.json()["total"] == len(world.records) - 2  # the linked studies are empty now
    assert [s["reports"][0]["record_id"] for s in after.json()["items"]] == world.records[3:5]
    one = world.client.get(world.url(f"/studies/{target}"), headers=world.one.headers).json()
    assert one == linked.json()
    missing = world.client.post(
        world.url("/studies/999999/reports"), json={"record_ids": [1]}, headers=world.lead.headers
    )
    assert missing.status_code == 404
    gone = studies[1]["id"]  # its record is a report of the target study now
    assert (
        world.client.get(world.url(f"/studies/{gone}"), headers=world.one.headers).status_code
        == 404
    )


def test_progress_counts_and_the_stopping_estimate(world: World) -> None:
    world.vote(world.one, world.records[0], "include")
    world.vote(world.two, world.records[0], "exclude")
    body = world.client.get(world.url("/progress"), headers=world.two.headers).json()
    stage = body["title_abstract"]
    assert stage["total"] == 6
    assert stage["conflicts"] == 1
    mine = next(r for r in stage["reviewers"] if r["reviewer_id"] == world.two.id)
    assert mine == {"reviewer_id": world.two.id, "done": 1, "to_do": 5, "conflicts": 1}
    stopping = stage["stopping"]
    assert "Callaghan" in stopping["method"]
    assert "not a certainty" in stopping["caveat"]
    assert stopping["unscreened"] == 5


@pytest.mark.parametrize("threads", [30])
def test_concurrent_votes_same_reviewer_one_current_vote(world: World, threads: int) -> None:
    record_id = world.records[0]
    barrier = threading.Barrier(threads)

    def click(i: int) -> int:
        barrier.wait()
        decision = "include" if i % 2 else "exclude"
        return int(world.vote(world.one, record_id, decision).status_code)

    with ThreadPoolExecutor(threads) as pool:
        statuses = list(pool.map(click, range(threads)))
    assert set(statuses) <= {200, 201, 409}
    assert 500 not in statuses
    votes = world.client.get(
        world.url(f"/records/{record_id}/decisions?stage={TA}"), headers=world.one.headers
    ).json()
    assert len(votes) == 1  # exactly one current vote, whatever the interleaving


def test_concurrent_votes_by_many_reviewers_all_count(build: Builder) -> None:
    world = make_world(build, n=2)
    reviewers = [build.member(world.lead, world.rid, "reviewer") for _ in range(50)]
    barrier = threading.Barrier(len(reviewers))
    record_id = world.records[0]

    def vote(i: int) -> int:
        barrier.wait()
        return int(world.vote(reviewers[i], record_id, "include").status_code)

    with ThreadPoolExecutor(len(reviewers)) as pool:
        statuses = list(pool.map(vote, range(len(reviewers))))
    assert statuses == [201] * len(reviewers)
    log = world.client.get(world.url("/decisions/export"), headers=world.lead.headers).json()
    assert log["total"] == len(reviewers)  # settled (all include): every vote visible


def test_concurrent_next_calls_in_single_mode_never_collide(build: Builder) -> None:
    world = make_world(build, n=12, settings={"title_abstract": {"mode": "single"}})
    reviewers = [build.member(world.lead, world.rid, "reviewer") for _ in range(10)]
    barrier = threading.Barrier(len(reviewers))

    def ask(i: int) -> int:
        barrier.wait()
        return int(world.next(reviewers[i]).json()["record"]["id"])

    with ThreadPoolExecutor(len(reviewers)) as pool:
        served = list(pool.map(ask, range(len(reviewers))))
    assert len(set(served)) == len(reviewers)


def test_next_switches_to_the_ranker_after_one_include_and_one_exclude(build: Builder) -> None:
    world = make_world(build, n=0, settings={"title_abstract": {"mode": "single"}})
    relevant = ("Exercise therapy for chronic low back pain", "Exercise reduced back pain.")
    other = ("Rat liver enzymes", "Enzyme kinetics in rats.")
    ids = screening_records(
        build.engine, world.rid, [relevant, other, other, other, other, relevant]
    )
    served = []
    for decision in ("include", "exclude"):  # cold start: the default order
        card = world.next(world.one).json()
        served.append((card["record"]["id"], card["prioritised"]))
        world.vote(world.one, card["record"]["id"], decision)
        prioritization.wait_idle()
    assert served == [(ids[0], False), (ids[1], False)]
    # The worker retrains after each decision (issue 13): ranked from the next record on.
    ranked = world.next(world.one).json()
    assert ranked["prioritised"] is True
    assert ranked["record"]["id"] == ids[5]  # the back-pain record jumps the rat ones
