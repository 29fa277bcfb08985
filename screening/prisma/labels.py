"""Box label texts of the PRISMA 2020 diagram, worded and wrapped as the PRISMA2020 package does.

Counts use thousands separators; ``None`` lines are dropped. No layout here (see ``layout``).
"""

from __future__ import annotations

import textwrap
from enum import StrEnum

from screening.prisma.model import PrismaCounts, Reasons

# A detail line (one database or register) starts with this; the SVG indents it.
DETAIL_INDENT = "  "


class BoxId(StrEnum):
    """Box names of the PRISMA2020 package (``box`` column of its template)."""

    PREVIOUS = "box1"
    IDENTIFIED = "box2"
    REMOVED = "box3"
    SCREENED = "box4"
    RECORDS_EXCLUDED = "box5"
    SOUGHT = "box6"
    NOT_RETRIEVED = "box7"
    ASSESSED = "box8"
    REPORTS_EXCLUDED = "box9"
    INCLUDED = "box10"
    OTHER_IDENTIFIED = "box11"
    OTHER_SOUGHT = "box12"
    OTHER_NOT_RETRIEVED = "box13"
    OTHER_ASSESSED = "box14"
    OTHER_EXCLUDED = "box15"
    TOTAL = "box16"
    META_ANALYSIS = "box17"


def n(value: int) -> str:
    """The package's number format: "(n = 1,850)"."""
    return f"(n = {value:,})"


def _wrap(text: str, width: int) -> str:
    return (
        "\n".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False))
        or text
    )


def identified_label(counts: PrismaCounts, detail: bool = False) -> str:
    """Box 2; with *detail*, one indented line per database and per register under its total."""
    lines = ["Records identified from:"]
    for title, total, specific in (
        ("Databases", counts.database_results, counts.database_specific_results),
        ("Registers", counts.register_results, counts.register_specific_results),
    ):
        if total is not None:
            lines.append(f"{title} {n(total)}")
        if detail and specific:
            lines.extend(f"{DETAIL_INDENT}{item.label} {n(item.n)}" for item in specific)
    return "\n".join(lines)


def removed_label(counts: PrismaCounts, detail: bool = False) -> str:
    """Box 3: the three lines of records removed before screening, each wrapped at 42.

    With *detail*, duplicates per database/register follow the duplicates line.
    """
    parts = [
        (text, value)
        for text, value in (
            ("Duplicate records", counts.duplicates),
            ("Records marked as ineligible by automation tools", counts.excluded_automatic),
            ("Records removed for other reasons", counts.excluded_other),
        )
        if value is not None
    ]
    if not parts:
        return "Records removed before screening:\n(n = 0)"
    lines = ["Records removed before screening:"]
    for text, value in parts:
        lines.append(_wrap(f"{text} {n(value)}", 42))
        if detail and text == "Duplicate records" and counts.duplicates_by_source:
            by_source = counts.duplicates_by_source
            lines.extend(f"{DETAIL_INDENT}{item.label} {n(item.n)}" for item in by_source)
    return "\n".join(lines)


def count_label(title: str, value: int | None) -> str:
    """Boxes 4 and 6-8, 12-14: a title and "(n = N)" on the next line."""
    return title if value is None else f"{title}\n{n(value)}"


def records_excluded_label(counts: PrismaCounts) -> str:
    """Box 5, with the human/automation split of footnote ** when the log has one."""
    label = count_label("Records excluded", counts.records_excluded)
    humans, automation = counts.records_excluded_humans, counts.records_excluded_automation
    if humans is None or automation is None or automation == 0:
        return label
    return f"{label}\nby a human {n(humans)}\nby automation tools {n(automation)}"


def reports_excluded_label(reasons: Reasons | None) -> str:
    """Boxes 9 and 15: one line per reason, reasons wrapped at 35; an unlabelled total alone."""
    items = reasons or ()
    if not any(item.label for item in items):
        return f"Reports excluded:\n{n(sum(item.n for item in items))}"
    lines = [f"{_wrap(item.label, 35)} {n(item.n)}" for item in items]
    return "\n".join(["Reports excluded:", *lines])


def included_label(counts: PrismaCounts) -> str:
    """Box 10; an updated review says "new" (official template wording for new reviews)."""
    updated = counts.previous_studies is not None
    studies = "New studies included in review" if updated else "Studies included in review"
    reports = "Reports of new included studies" if updated else "Reports of included studies"
    lines = [count_label(studies, counts.new_studies), count_label(reports, counts.new_reports)]
    return "\n".join(lines)


def other_identified_label(counts: PrismaCounts) -> str:
    """Box 11: websites, organisations and citation searching; absent kinds are dropped."""
    lines = ["Records identified from:"]
    for title, value in (
        ("Websites", counts.website_results),
        ("Organisations", counts.organisation_results),
        ("Citation searching", counts.citations_results),
    ):
        if value is not None:
            lines.append(f"{title} {n(value)}")
    return "\n".join(lines)


def previous_label(counts: PrismaCounts) -> str:
    """Box 1: studies and reports of the previous version of the review (wrapped at 40)."""
    parts = []
    if counts.previous_studies is not None:
        text = f"Studies included in previous version of review {n(counts.previous_studies)}"
        parts.append(_wrap(text, 40))
    if counts.previous_reports is not None:
        text = _wrap("Reports of studies included in previous version of review", 40)
        parts.append(f"{text}\n{n(counts.previous_reports)}")
    return "\n\n".join(parts)


def pair_label(
    studies_text: str, studies: int | None, reports_text: str, reports: int | None
) -> str:
    """Boxes 16 and 17: two lines "Total ... (n = N)", each wrapped at 33."""
    lines = [
        _wrap(f"{text} {n(value)}", 33)
        for text, value in ((studies_text, studies), (reports_text, reports))
        if value is not None
    ]
    return "\n".join(lines)


def box_labels(counts: PrismaCounts, detail: bool = True) -> dict[BoxId, str]:
    """Every box label the diagram needs (boxes of absent arms are left out)."""
    labels = {
        BoxId.IDENTIFIED: identified_label(counts, detail),
        BoxId.REMOVED: removed_label(counts, detail),
        BoxId.SCREENED: count_label("Records screened", counts.records_screened),
        BoxId.RECORDS_EXCLUDED: records_excluded_label(counts),
        BoxId.SOUGHT: count_label("Reports sought for retrieval", counts.dbr_sought_reports),
        BoxId.NOT_RETRIEVED: count_label("Reports not retrieved", counts.dbr_notretrieved_reports),
        BoxId.ASSESSED: count_label("Reports assessed for eligibility", counts.dbr_assessed),
        BoxId.REPORTS_EXCLUDED: reports_excluded_label(counts.dbr_excluded),
        BoxId.INCLUDED: included_label(counts),
    }
    if has_other_methods(counts):
        labels |= _other_labels(counts)
    if counts.previous_studies is not None or counts.previous_reports is not None:
        labels[BoxId.PREVIOUS] = previous_label(counts)
        labels[BoxId.TOTAL] = pair_label(
            "Total studies included in review",
            counts.total_studies,
            "Reports of total included studies",
            counts.total_reports,
        )
    if counts.total_studies_ma is not None or counts.total_reports_ma is not None:
        labels[BoxId.META_ANALYSIS] = pair_label(
            "Total studies included in meta-analysis",
            counts.total_studies_ma,
            "Reports of total included studies in meta-analysis",
            counts.total_reports_ma,
        )
    return labels


def has_other_methods(counts: PrismaCounts) -> bool:
    """The package shows the other-methods column unless all three identification counts are NA."""
    values = (counts.website_results, counts.organisation_results, counts.citations_results)
    return any(value is not None for value in values)


def _other_labels(counts: PrismaCounts) -> dict[BoxId, str]:
    return {
        BoxId.OTHER_IDENTIFIED: other_identified_label(counts),
        BoxId.OTHER_SOUGHT: count_label(
            "Reports sought for retrieval", counts.other_sought_reports
        ),
        BoxId.OTHER_NOT_RETRIEVED: count_label(
            "Reports not retrieved", counts.other_notretrieved_reports
        ),
        BoxId.OTHER_ASSESSED: count_label(
            "Reports assessed for eligibility", counts.other_assessed
        ),
        BoxId.OTHER_EXCLUDED: reports_excluded_label(counts.other_excluded),
    }
