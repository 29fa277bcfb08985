"""The decision log as state: superseding, first votes and record states per mode."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screening.decisions import (
    RapidPhase,
    RecordState,
    RecordStatus,
    current_votes,
    first_votes,
    record_vote,
    stage_statuses,
    superseded_seqs,
)
from screening.model import (
    DecisionEvent,
    InvalidDecision,
    MaybePolicy,
    Mode,
    Resolution,
    Stage,
    StageSettings,
    Vote,
)
from tests.screening.log_builders import T0, Log

TA = Stage.TITLE_ABSTRACT
FT = Stage.FULL_TEXT


def _cast(
    events: list[DecisionEvent], seq: int, record_id: int, reviewer_id: int, vote: str, **kw: Any
) -> DecisionEvent | None:
    event = record_vote(
        events,
        seq=seq,
        record_id=record_id,
        reviewer_id=reviewer_id,
        stage=kw.pop("stage", TA),
        vote=Vote(vote),
        at=T0,
        **kw,
    )
    if event is not None:
        events.append(event)
    return event


def test_changed_vote_supersedes_and_both_stay():
    events: list[DecisionEvent] = []
    first = _cast(events, 1, 10, 1, "exclude")
    second = _cast(events, 2, 10, 1, "include")
    assert first is not None
    assert second is not None
    assert second.supersedes == first.seq
    assert events == [first, second]
    assert current_votes(events, TA)[(10, 1)] == second
    assert first_votes(events, TA)[(10, 1)] == first
    assert superseded_seqs(events) == {1}


def test_repeating_the_current_vote_records_nothing():
    events: list[DecisionEvent] = []
    _cast(events, 1, 10, 1, "include", note="ok")
    assert _cast(events, 2, 10, 1, "include", note="ok") is None
    assert _cast(events, 3, 10, 1, "include", note="changed note") is not None
    assert len(events) == 2


def test_votes_are_per_stage_and_per_reviewer():
    events: list[DecisionEvent] = []
    _cast(events, 1, 10, 1, "include")
    full_text = _cast(events, 2, 10, 1, "exclude", stage=FT, reason_id=3)
    other = _cast(events, 3, 10, 2, "exclude")
    assert full_text is not None
    assert full_text.supersedes is None
    assert other is not None
    assert other.supersedes is None


def test_out_of_order_seq_is_refused():
    events: list[DecisionEvent] = []
    _cast(events, 5, 10, 1, "include")
    with pytest.raises(InvalidDecision, match="seq 4 must follow"):
        _cast(events, 4, 10, 1, "exclude")


vote_stream = st.lists(
    st.tuples(st.integers(1, 4), st.integers(1, 3), st.sampled_from(list(Vote))), max_size=40
)


@given(vote_stream)
def test_superseding_never_loses_events(stream):
    events: list[DecisionEvent] = []
    for seq, (record_id, reviewer_id, vote) in enumerate(stream, start=1):
        _cast(events, seq, record_id, reviewer_id, vote)
    current = current_votes(events, TA)
    superseded = superseded_seqs(events)
    # Every event is either current or superseded, never both, never dropped.
    assert {e.seq for e in current.values()} | superseded == {e.seq for e in events}
    assert not {e.seq for e in current.values()} & superseded
    # The current vote is each reviewer's last distinct choice.
    for (record_id, reviewer_id), event in current.items():
        last = [v for r, u, v in stream if (r, u) == (record_id, reviewer_id)][-1]
        assert event.vote == last
    # A supersedes chain links each non-first event to the previous one of the same key.
    by_seq = {e.seq: e for e in events}
    for event in events:
        if event.supersedes is not None:
            earlier = by_seq[event.supersedes]
            assert (earlier.record_id, earlier.reviewer_id) == (event.record_id, event.reviewer_id)


def _states(
    log: Log,
    settings: StageSettings,
    records: tuple[int, ...] = (1,),
    stage: Stage = TA,
    resolutions: tuple[Resolution, ...] = (),
    **kw: Any,
) -> dict[int, RecordState]:
    statuses = stage_statuses(records, log.events, list(resolutions), settings, stage, **kw)
    return {r: s.state for r, s in statuses.items()}


DUAL = StageSettings()
SINGLE = StageSettings(mode=Mode.SINGLE)


@pytest.mark.parametrize(
    ("settings", "votes", "state", "needed"),
    [
        (DUAL, [], RecordState.NEEDS_VOTES, 2),
        (DUAL, ["include"], RecordState.NEEDS_VOTES, 1),
        (DUAL, ["include", "include"], RecordState.INCLUDED, 0),
        (DUAL, ["exclude", "exclude"], RecordState.EXCLUDED, 0),
        (DUAL, ["include", "exclude"], RecordState.CONFLICT, 0),
        (DUAL, ["maybe", "maybe"], RecordState.INCLUDED, 0),
        (SINGLE, [], RecordState.NEEDS_VOTES, 1),
        (SINGLE, ["exclude"], RecordState.EXCLUDED, 0),
        (SINGLE, ["maybe"], RecordState.INCLUDED, 0),
    ],
)
def test_states_per_mode(settings, votes, state, needed):
    log = Log()
    for reviewer, vote in enumerate(votes, start=1):
        log.vote(1, reviewer, vote)
    status = stage_statuses([1], log.events, [], settings, TA)[1]
    assert (status.state, status.votes_needed) == (state, needed)
    assert status.voters == frozenset(range(1, len(votes) + 1))


def test_neutral_maybe_goes_forward_at_title_abstract_but_awaits_a_lead_at_full_text():
    settings = StageSettings(maybe_policy=MaybePolicy.NEUTRAL)
    for stage, expected in ((TA, RecordState.INCLUDED), (FT, RecordState.UNDECIDED)):
        log = Log()
        log.vote(1, 1, "maybe", stage=stage)
        log.vote(1, 2, "exclude", stage=stage, reason_id=2)
        assert _states(log, settings, stage=stage) == {1: expected}


def test_changed_vote_can_turn_a_conflict_into_agreement():
    log = Log()
    log.vote(1, 1, "include")
    log.vote(1, 2, "exclude")
    assert _states(log, DUAL) == {1: RecordState.CONFLICT}
    log.vote(1, 2, "include")
    assert _states(log, DUAL) == {1: RecordState.INCLUDED}


def test_resolution_settles_a_conflict_with_its_reason():
    log = Log()
    log.vote(1, 1, "include", stage=FT)
    log.vote(1, 2, "exclude", stage=FT, reason_id=4)
    resolution = log.resolution(1, "exclude", stage=FT, reason_id=4, reason="wrong population")
    status = stage_statuses([1], log.events, [resolution], DUAL, FT)[1]
    assert status.state is RecordState.EXCLUDED
    assert status.reason_id == 4
    assert status.resolution == resolution


def test_full_text_exclusion_reason_carries_into_status():
    log = Log()
    log.vote(1, 1, "exclude", stage=FT, reason_id=6)
    log.vote(1, 2, "exclude", stage=FT, reason_id=6)
    assert stage_statuses([1], log.events, [], DUAL, FT)[1].reason_id == 6


def test_removed_reviewer_open_records_return_to_the_queue():
    log = Log()
    log.vote(1, 1, "include")
    log.vote(1, 3, "exclude")  # conflict involving reviewer 3
    log.vote(2, 1, "include")
    log.vote(2, 3, "include")  # settled: stays settled after reviewer 3 leaves
    log.vote(3, 3, "exclude")  # reviewer 3 alone
    statuses = stage_statuses([1, 2, 3], log.events, [], DUAL, TA, active_reviewers={1, 2})
    assert statuses[1].state is RecordState.NEEDS_VOTES
    assert statuses[1].voters == {1}
    assert statuses[2].state is RecordState.INCLUDED
    assert (statuses[3].state, statuses[3].votes_needed) == (RecordState.NEEDS_VOTES, 2)


RAPID = StageSettings(mode=Mode.RAPID)


def _rapid_state(
    votes: list[str],
    *,
    stage: Stage = TA,
    gate_open: bool = True,
    record_id: int = 9,
    settings: StageSettings = RAPID,
) -> RecordStatus:
    log = Log()
    for reviewer, vote in enumerate(votes, start=1):
        log.vote(record_id, reviewer, vote, stage=stage, reason_id=1 if vote == "exclude" else None)
    phase = RapidPhase(
        calibration=frozenset({1}),
        dual=frozenset({1, 2}),
        team=frozenset({1, 2, 3}),
        gate_open=gate_open,
    )
    return stage_statuses([record_id], log.events, [], settings, stage, rapid=phase)[record_id]


@pytest.mark.parametrize(
    ("votes", "stage", "state"),
    [
        ([], TA, RecordState.NEEDS_VOTES),
        (["include"], TA, RecordState.INCLUDED),  # an include goes forward unchecked
        (["maybe"], TA, RecordState.INCLUDED),
        (["exclude"], TA, RecordState.AWAITING_VERIFICATION),
        (["exclude", "exclude"], TA, RecordState.EXCLUDED),
        (["exclude", "include"], TA, RecordState.INCLUDED),  # liberal rule
        (["exclude", "maybe"], TA, RecordState.INCLUDED),
        (["exclude"], FT, RecordState.AWAITING_VERIFICATION),
        (["maybe"], FT, RecordState.INCLUDED),  # maybe counts as include by default
    ],
)
def test_rapid_single_phase_verifies_every_exclusion(votes, stage, state):
    assert _rapid_state(votes, stage=stage).state is state


def test_rapid_full_text_maybe_needs_a_check_unless_maybe_counts_as_include():
    neutral = StageSettings(mode=Mode.RAPID, maybe_policy=MaybePolicy.NEUTRAL)
    assert _rapid_state(["maybe"], stage=FT, settings=neutral).state is (
        RecordState.AWAITING_VERIFICATION
    )
    assert _rapid_state(["maybe", "maybe"], stage=FT, settings=neutral).state is (
        RecordState.UNDECIDED
    )


def test_rapid_records_outside_the_dual_set_wait_for_the_gate():
    assert _rapid_state([], gate_open=False).state is RecordState.AWAITING_GATE


def test_rapid_dual_and_calibration_records_need_two_and_everyone():
    dual = _rapid_state(["include"], record_id=2, gate_open=False)
    assert (dual.state, dual.votes_needed) == (RecordState.NEEDS_VOTES, 1)
    calibration = _rapid_state(["include", "include"], record_id=1, gate_open=False)
    assert (calibration.state, calibration.votes_needed) == (RecordState.NEEDS_VOTES, 1)
    done = _rapid_state(["include", "include", "exclude"], record_id=1, gate_open=False)
    assert done.state is RecordState.CONFLICT


def test_a_reviewer_joining_after_the_switch_reopens_no_calibration_record():
    # The phase's team has three members but only two voted: fine once the gate is open.
    after = _rapid_state(["include", "include"], record_id=1, gate_open=True)
    assert after.state is RecordState.INCLUDED


def test_rapid_mode_without_phase_is_a_programming_error():
    with pytest.raises(ValueError, match="RapidPhase"):
        stage_statuses([1], [], [], RAPID, TA)


def test_settled_property():
    assert {s for s in RecordState if s.settled} == {RecordState.INCLUDED, RecordState.EXCLUDED}


pair_votes = st.lists(
    st.tuples(st.sampled_from(list(Vote)), st.sampled_from(list(Vote))), min_size=1, max_size=12
)


@given(pair_votes, st.sampled_from(list(MaybePolicy)), st.sampled_from(list(Stage)))
def test_dual_state_does_not_depend_on_who_voted_first(pairs, policy, stage):
    settings = StageSettings(maybe_policy=policy)
    forward, backward = Log(), Log()
    for record_id, (one, two) in enumerate(pairs, start=1):
        forward.vote(record_id, 1, one, stage=stage)
        forward.vote(record_id, 2, two, stage=stage)
        backward.vote(record_id, 2, two, stage=stage)
        backward.vote(record_id, 1, one, stage=stage)
    records = range(1, len(pairs) + 1)
    first = stage_statuses(records, forward.events, [], settings, stage)
    second = stage_statuses(records, backward.events, [], settings, stage)
    assert {r: s.state for r, s in first.items()} == {r: s.state for r, s in second.items()}
    for status in first.values():
        assert status.votes_needed == 0
        assert status.state is not RecordState.NEEDS_VOTES
