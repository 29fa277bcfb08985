"""The generated methods paragraph, from settings and figures computed on real logs."""

from __future__ import annotations

from screening.agreement import cohen_kappa, stage_agreement
from screening.methods import ResolvedBy, StageFigures, methods_paragraph, number_word
from screening.model import MaybePolicy, Mode, ReviewSettings, Stage, StageSettings
from screening.rapid import evaluate_gate
from tests.screening.log_builders import EXAMPLE_1, RAPID_DUAL, Log, table_pairs

TA = Stage.TITLE_ABSTRACT
FT = Stage.FULL_TEXT


def test_dual_screening_paragraph_states_reviewers_blinding_agreement_and_resolution():
    log = Log()
    log.pairs(table_pairs(EXAMPLE_1))
    stats = stage_agreement(log.events, TA).overall
    figures = {TA: StageFigures(records=1234, agreement=stats, conflicts=stats.conflicts)}
    text = methods_paragraph(ReviewSettings(), figures)
    assert text == (
        "Two reviewers independently screened the titles and abstracts of 1,234 records "
        "(Cohen's kappa 0.68; PABAK 0.85; agreement 92.5%), blinded to each other's decisions. "
        "Disagreements (n = 15) were resolved by a third reviewer. "
        "An 'unsure' vote counted as include when identifying disagreements. "
        "Agreement was computed on each reviewer's first independent vote, with 'unsure' as "
        "include."
    )


def test_single_full_text_and_unblinded_team_variants():
    settings = ReviewSettings(
        title_abstract=StageSettings(blinding=False, maybe_policy=MaybePolicy.CONFLICT),
        full_text=StageSettings(mode=Mode.SINGLE),
    )
    figures = {
        TA: StageFigures(records=50, team_size=4, conflicts=1, resolved_by=ResolvedBy.LEAD),
        FT: StageFigures(records=12),
    }
    text = methods_paragraph(settings, figures)
    assert "Two reviewers (from a team of four) independently screened" in text
    assert "blinded" not in text
    assert "Disagreement (n = 1) was resolved by the review lead." in text
    assert "Any 'unsure' vote on a dual-screened record counted as a disagreement." in text
    assert text.endswith(
        "One reviewer screened the full-text reports of 12 records. "
        "Each excluded full-text report was given one primary reason."
    )
    assert "Agreement was computed" not in text  # no agreement figures given


def test_no_conflicts_and_neutral_policy():
    settings = ReviewSettings(title_abstract=StageSettings(maybe_policy=MaybePolicy.NEUTRAL))
    text = methods_paragraph(
        settings, {TA: StageFigures(records=10, resolved_by=ResolvedBy.DISCUSSION)}
    )
    assert "resolved by discussion between the two reviewers; none arose." in text
    assert "Only include against exclude counted as a disagreement." in text


def test_rapid_paragraph_from_the_worked_example():
    settings = StageSettings(mode=Mode.RAPID, calibration_size=40, dual_fraction=0.2)
    order = tuple(range(1, 1851))
    log = Log()
    for record_id, (one, two) in zip(order, table_pairs(RAPID_DUAL), strict=False):
        log.vote(record_id, 1, one)
        log.vote(record_id, 2, two)
    gate = evaluate_gate(order, log.events, settings, TA, team={1, 2})
    stats = stage_agreement(log.events, TA, records=set(gate.dual)).overall
    figures = {TA: StageFigures(records=1850, agreement=stats, conflicts=20, rapid=gate)}
    text = methods_paragraph(ReviewSettings(title_abstract=settings), figures)
    assert "Cochrane Rapid Reviews Methods Group" in text
    assert "Both reviewers first screened the same calibration set of 40 records." in text
    assert "a random 20% sample (n = 370) of the records (Cohen's kappa 0.72; PABAK 0.89" in text
    assert (
        "the remaining 1,480 records were screened by one reviewer, with every exclusion "
        "checked by a second reviewer." in text
    )
    assert "kappa of at least 0.60" in text
    assert "Disagreements (n = 20) were resolved by a third reviewer." in text


def test_rapid_paragraph_before_the_switch():
    settings = StageSettings(mode=Mode.RAPID, calibration_size=0)
    gate = evaluate_gate((1, 2, 3), [], settings, TA, team={1, 2})
    text = methods_paragraph(
        ReviewSettings(title_abstract=settings), {TA: StageFigures(records=3, rapid=gate)}
    )
    assert "dual screening continued" in text
    assert "calibration" not in text


def test_undefined_kappa_is_said_not_hidden():
    stats = cohen_kappa([[0, 0], [0, 9]])
    text = methods_paragraph(ReviewSettings(), {TA: StageFigures(records=9, agreement=stats)})
    assert "(Cohen's kappa undefined; PABAK 1.00; agreement 100.0%)" in text


def test_number_words():
    assert [number_word(n) for n in (1, 2, 10, 11, 1200)] == ["One", "Two", "Ten", "11", "1,200"]
