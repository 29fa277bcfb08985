"""The reviewer's queue and blinding, over statuses derived from a real log."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from screening.decisions import RecordState, RecordStatus, stage_statuses
from screening.model import Mode, Stage, StageSettings, Vote
from screening.queue import (
    ReviewerProgress,
    needs_vote_from,
    queue_for,
    stage_progress,
    visible_votes,
)
from tests.screening.log_builders import Log

TA = Stage.TITLE_ABSTRACT
DUAL = StageSettings()


def _statuses(log: Log, records, settings=DUAL):
    return stage_statuses(records, log.events, [], settings, TA)


def test_queue_skips_voted_settled_and_duplicate_records_in_priority_order():
    log = Log()
    log.vote(1, 1, "include")  # reviewer 1 voted: never again for them
    log.vote(2, 2, "exclude")
    log.vote(2, 3, "exclude")  # settled
    log.vote(3, 2, "include")  # one vote so far: still wants reviewer 1
    statuses = _statuses(log, range(1, 7))
    order = [6, 3, 2, 1, 5, 4, 3]
    assert queue_for(1, order, statuses, duplicates={5}) == (6, 3, 4)
    assert queue_for(2, order, statuses, duplicates={5}) == (6, 1, 4)
    assert queue_for(1, order, statuses, limit=1) == (6,)


def test_conflicts_are_not_served_to_reviewers():
    log = Log()
    log.vote(1, 1, "include")
    log.vote(1, 2, "exclude")
    assert queue_for(3, [1], _statuses(log, [1])) == ()


def test_third_reviewer_joining_later_gets_only_records_still_needing_a_vote():
    log = Log()
    for record_id in range(1, 5):
        log.vote(record_id, 1, "include")
    for record_id in range(1, 3):
        log.vote(record_id, 2, "include")
    statuses = _statuses(log, range(1, 7))
    assert queue_for(3, range(1, 7), statuses) == (3, 4, 5, 6)


def test_claims_prevent_two_reviewers_taking_the_last_slot():
    log = Log()
    log.vote(1, 1, "include")
    statuses = _statuses(log, [1, 2])
    # Reviewer 2 was just served record 1: reviewer 3 must not get it too.
    assert queue_for(3, [1, 2], statuses, claims={1: {2}}) == (2,)
    # Record 2 needs two votes, so one claim still leaves a slot.
    assert queue_for(3, [1, 2], statuses, claims={2: {2}}) == (1, 2)
    assert queue_for(3, [2], statuses, claims={2: {2, 4}}) == ()
    # The caller's own claim never blocks them.
    assert queue_for(2, [1], statuses, claims={1: {2}}) == (1,)


def test_single_mode_serves_each_record_once():
    log = Log()
    log.vote(1, 1, "exclude")
    statuses = _statuses(log, [1, 2], StageSettings(mode=Mode.SINGLE))
    assert queue_for(2, [1, 2], statuses) == (2,)


def test_awaiting_verification_is_served_to_someone_else():
    status = RecordStatus(1, RecordState.AWAITING_VERIFICATION, frozenset({1}), votes_needed=1)
    assert needs_vote_from(status, 2)
    assert not needs_vote_from(status, 1)
    gate = RecordStatus(2, RecordState.AWAITING_GATE)
    assert not needs_vote_from(gate, 1)


def test_unknown_records_are_skipped():
    assert queue_for(1, [42], {}) == ()


def test_blinding_hides_other_votes_until_settled():
    log = Log()
    mine = log.vote(1, 1, "include")
    theirs = log.vote(1, 2, "exclude")
    conflict = _statuses(log, [1])[1]
    assert conflict.state is RecordState.CONFLICT
    assert visible_votes(1, conflict, [mine, theirs]) == (mine,)
    assert visible_votes(3, conflict, [mine, theirs]) == ()
    assert visible_votes(3, conflict, [mine, theirs], blinding=False) == (mine, theirs)
    agreed = log.vote(1, 2, "include")
    settled = _statuses(log, [1])[1]
    assert visible_votes(1, settled, [mine, agreed]) == (mine, agreed)


votes = st.lists(
    st.tuples(st.integers(1, 8), st.integers(1, 4), st.sampled_from(list(Vote))), max_size=30
)


@given(votes, st.integers(1, 4), st.lists(st.integers(1, 8), max_size=3))
def test_queue_invariants(stream, caller, duplicates):
    log = Log()
    for record_id, reviewer_id, vote in stream:
        log.vote(record_id, reviewer_id, vote)
    statuses = _statuses(log, range(1, 9))
    queue = queue_for(caller, [8, 7, 6, 5, 4, 3, 2, 1], statuses, duplicates=duplicates)
    assert len(set(queue)) == len(queue)
    voted = {e.record_id for e in log.events if e.reviewer_id == caller}
    for record_id in queue:
        assert record_id not in voted
        assert record_id not in duplicates
        assert not statuses[record_id].state.settled
    assert list(queue) == sorted(queue, reverse=True)  # priority order is kept
    for record_id, status in statuses.items():
        if status.state is RecordState.NEEDS_VOTES and record_id not in voted | set(duplicates):
            assert record_id in queue
    progress = stage_progress(statuses, [caller])
    oracle = sum(needs_vote_from(status, caller) for status in statuses.values())
    assert progress.reviewers[0].to_do == oracle
    assert progress.reviewers[0].done == sum(caller in s.voters for s in statuses.values())


def test_stage_progress_counts_per_state_and_per_reviewer():
    log = Log()
    log.vote(1, 1, "include")
    log.vote(1, 2, "include")  # included
    log.vote(2, 1, "include")
    log.vote(2, 2, "exclude")  # conflict
    log.vote(3, 1, "exclude")  # needs one more
    statuses = _statuses(log, [1, 2, 3, 4])
    progress = stage_progress(statuses, [2, 1, 3])
    assert progress.total == 4
    assert progress.by_state[RecordState.INCLUDED] == 1
    assert progress.by_state[RecordState.NEEDS_VOTES] == 2
    assert progress.by_state[RecordState.EXCLUDED] == 0
    assert progress.conflicts == 1
    assert progress.reviewers == (
        ReviewerProgress(1, done=3, to_do=1, conflicts=1),
        ReviewerProgress(2, done=2, to_do=2, conflicts=1),
        ReviewerProgress(3, done=0, to_do=2, conflicts=0),
    )
