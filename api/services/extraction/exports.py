"""Extracted data of the included studies: wide CSV/JSON (one row per study) and long format."""

from __future__ import annotations

import io
import json
from typing import Any

from sqlmodel import Session

from api.repositories.extraction import ExtractionRepository
from api.schemas.extraction import ExtractionExportFormat, ExtractionLayout
from api.services.extraction.entries import core_form, current_form, study_states
from api.services.reports.exports import ExportFile
from api.services.reports.outcomes import record_outcomes
from api.tables import Review
from screening import csv_cells
from screening.extraction.compare import StudyExtraction, StudyState
from screening.extraction.export import (
    LONG_COLUMNS,
    StudyValues,
    export_fields,
    long_rows,
    wide_columns,
    wide_row,
)


def included_study_ids(session: Session, review: Review) -> list[int]:
    """Studies with at least one report included at full text."""
    outcomes = record_outcomes(session, review)
    return sorted({o.fact.study_id for o in outcomes if o.included and o.fact.study_id})


def export_extraction(
    session: Session, review: Review, *, fmt: ExtractionExportFormat, layout: ExtractionLayout
) -> ExportFile:
    """One row per included study (its final values: agreed, consensus or verified)."""
    assert review.id is not None
    repo = ExtractionRepository(session)
    forms = {fid: core_form(row) for fid, row in repo.forms(review.id).items()}
    fields = export_fields([*forms.values(), core_form(current_form(session, review))])
    states = study_states(session, review)
    form_of_entry = {row.id: forms[row.form_id] for row in repo.entries(review.id)}
    labels = repo.study_labels(review.id)
    latest = core_form(current_form(session, review))
    studies: list[tuple[StudyValues, StudyExtraction]] = []
    for sid in included_study_ids(session, review):
        state = states.get(sid, StudyExtraction(StudyState.NOT_STARTED))
        form = form_of_entry.get(state.final_seq, latest) if state.final_seq else latest
        studies.append((StudyValues(sid, labels.get(sid, ""), form, state.final or {}), state))
    name = f"extraction-review-{review.id}-{layout.value}"
    if fmt is ExtractionExportFormat.JSON:
        return ExportFile(_json(fields, studies, layout), "application/json", f"{name}.json")
    return ExportFile(_csv(fields, studies, layout), "text/csv; charset=utf-8", f"{name}.csv")


def _csv(fields: Any, studies: list[tuple[StudyValues, StudyExtraction]], layout: Any) -> str:
    buffer = io.StringIO()
    values = [s for s, _ in studies]
    if layout is ExtractionLayout.LONG:
        columns: list[str] = list(LONG_COLUMNS)
        rows = long_rows(fields, values)
    else:
        columns = [*wide_columns(fields, values), "state"]
        rows = [wide_row(fields, s) | {"state": state.state.value} for s, state in studies]
    writer = csv_cells.dict_writer(buffer, columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _json(fields: Any, studies: list[tuple[StudyValues, StudyExtraction]], layout: Any) -> str:
    if layout is ExtractionLayout.LONG:
        body: Any = long_rows(fields, [s for s, _ in studies])
    else:
        body = {
            "fields": [f.to_dict() for f in fields],
            "studies": [
                {
                    "study_id": s.study_id,
                    "study": s.label,
                    "state": state.state.value,
                    "form_version": s.form.version,
                    "extractors": list(state.extractors),
                    "values": dict(s.values),
                }
                for s, state in studies
            ],
        }
    return json.dumps(body, ensure_ascii=False, indent=2)
