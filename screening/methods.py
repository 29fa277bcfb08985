"""The screening paragraph of a methods section (PRISMA item 8), from settings and figures.

Says how many reviewers screened each record, whether independently and blinded, how conflicts
were resolved, the agreement reached and, in rapid mode, when screening switched to single.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from screening.agreement import AgreementStats
from screening.model import MaybePolicy, Mode, ReviewSettings, Stage, StageSettings
from screening.rapid import RapidGate

NUMBER_WORDS = ("No", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten")
WHAT = {Stage.TITLE_ABSTRACT: "titles and abstracts", Stage.FULL_TEXT: "full-text reports"}


class ResolvedBy(StrEnum):
    DISCUSSION = "discussion"
    THIRD_REVIEWER = "third_reviewer"
    LEAD = "lead"


RESOLVED_BY_TEXT = {
    ResolvedBy.DISCUSSION: "by discussion between the two reviewers",
    ResolvedBy.THIRD_REVIEWER: "by a third reviewer",
    ResolvedBy.LEAD: "by the review lead",
}


@dataclass(frozen=True, slots=True)
class StageFigures:
    """What happened at one stage; ``agreement`` from `agreement.stage_agreement(...).overall`."""

    records: int
    team_size: int = 2
    agreement: AgreementStats | None = None
    conflicts: int = 0
    resolved_by: ResolvedBy = ResolvedBy.THIRD_REVIEWER
    rapid: RapidGate | None = None
    maybe_as_include: bool = True  # how `agreement` was computed


def methods_paragraph(settings: ReviewSettings, figures: Mapping[Stage, StageFigures]) -> str:
    """One paragraph, stage by stage, for the stages present in ``figures``."""
    sentences: list[str] = []
    for stage in Stage:
        if stage in figures:
            sentences.extend(_stage_sentences(stage, settings.for_stage(stage), figures[stage]))
    if Stage.FULL_TEXT in figures:
        sentences.append("Each excluded full-text report was given one primary reason.")
    return " ".join(s for s in sentences if s)


def _stage_sentences(stage: Stage, settings: StageSettings, fig: StageFigures) -> list[str]:
    if settings.mode is Mode.SINGLE:
        return [f"One reviewer screened the {WHAT[stage]} of {_n(fig.records)} records."]
    if settings.mode is Mode.RAPID:
        return _rapid_sentences(stage, settings, fig)
    team = f" (from a team of {number_word(fig.team_size).lower()})" if fig.team_size > 2 else ""
    sentences = [
        f"Two reviewers{team} independently screened the {WHAT[stage]} of "
        f"{_n(fig.records)} records{_agreement(fig.agreement)}{_blinding(settings)}."
    ]
    sentences.extend(_conflict_sentences(settings, fig))
    return sentences


def _rapid_sentences(stage: Stage, settings: StageSettings, fig: StageFigures) -> list[str]:
    gate = fig.rapid
    sentences = [
        f"Following the Cochrane Rapid Reviews Methods Group guidance, {_n(fig.records)} "
        f"{WHAT[stage]} were screened in a rapid-review design."
    ]
    if gate is not None and gate.calibration:
        sentences.append(
            f"{_everyone(len(gate.team))} first screened the same "
            f"calibration set of {_n(len(gate.calibration))} records."
        )
    dual = len(gate.dual) if gate is not None else 0
    share = f"{dual / fig.records:.0%}" if fig.records else "0%"
    sentences.append(
        f"Two reviewers independently screened a random {share} sample (n = {_n(dual)}) of the "
        f"records{_agreement(fig.agreement)}{_blinding(settings)}."
    )
    threshold = f"{settings.agreement_threshold:.2f}"
    if gate is not None and gate.opened:
        sentences.append(
            f"Once agreement reached the prespecified threshold (kappa of at least {threshold}), "
            f"the remaining {_n(fig.records - dual)} records were screened by one reviewer, "
            "with every exclusion checked by a second reviewer."
        )
    else:
        sentences.append(
            f"Agreement had not reached the prespecified threshold (kappa of at least "
            f"{threshold}), so dual screening continued."
        )
    sentences.extend(_conflict_sentences(settings, fig))
    return sentences


def _conflict_sentences(settings: StageSettings, fig: StageFigures) -> list[str]:
    how = RESOLVED_BY_TEXT[fig.resolved_by]
    if fig.conflicts:
        noun = "Disagreement" if fig.conflicts == 1 else "Disagreements"
        verb = "was" if fig.conflicts == 1 else "were"
        first = f"{noun} (n = {_n(fig.conflicts)}) {verb} resolved {how}."
    else:
        first = f"Disagreements were to be resolved {how}; none arose."
    return [first, _conflict_rule(settings.maybe_policy), _agreement_rule(fig)]


def _conflict_rule(policy: MaybePolicy) -> str:
    if policy is MaybePolicy.INCLUDE:
        return "An 'unsure' vote counted as include when identifying disagreements."
    if policy is MaybePolicy.NEUTRAL:
        return "Only include against exclude counted as a disagreement."
    return "Any 'unsure' vote on a dual-screened record counted as a disagreement."


def _agreement_rule(fig: StageFigures) -> str:
    if fig.agreement is None or fig.agreement.n == 0:
        return ""
    how = "as include" if fig.maybe_as_include else "as a third category"
    return f"Agreement was computed on each reviewer's first independent vote, with 'unsure' {how}."


def _agreement(stats: AgreementStats | None) -> str:
    if stats is None or stats.n == 0 or stats.pabak is None:
        return ""
    kappa = "Cohen's kappa undefined" if stats.kappa is None else f"Cohen's kappa {stats.kappa:.2f}"
    return f" ({kappa}; PABAK {stats.pabak:.2f}; agreement {stats.percent_agreement or 0:.1%})"


def _blinding(settings: StageSettings) -> str:
    return ", blinded to each other's decisions" if settings.blinding else ""


def _everyone(team: int) -> str:
    return "Both reviewers" if team == 2 else f"All {number_word(team).lower()} reviewers"


def _n(value: int) -> str:
    return f"{value:,}"


def number_word(value: int) -> str:
    """'Two' for 2, up to ten; digits beyond."""
    return NUMBER_WORDS[value] if 0 <= value < len(NUMBER_WORDS) else f"{value:,}"
