"""Extraction export shapes: wide with suffixed group columns, long per value, old versions kept."""

from __future__ import annotations

from screening.extraction.export import (
    StudyValues,
    cell,
    export_fields,
    long_rows,
    wide_columns,
    wide_row,
)
from screening.extraction.forms import parse_form

V1 = parse_form(
    [
        {"key": "design", "label": "Design", "type": "text"},
        {"key": "country", "label": "Country", "type": "text"},
    ],
    version=1,
)
V2 = parse_form(
    [
        {"key": "design", "label": "Design", "type": "text"},
        {"key": "tags", "label": "Tags", "type": "multichoice", "options": ["a", "b"]},
        {
            "key": "arms",
            "label": "Arms",
            "type": "group",
            "fields": [
                {"key": "name", "label": "Arm", "type": "text"},
                {"key": "n", "label": "N", "type": "integer"},
            ],
        },
    ],
    version=2,
)
OLD = StudyValues(1, "Smith 2019", V1, {"design": "RCT", "country": "NZ"})
NEW = StudyValues(
    2,
    "Jones 2020",
    V2,
    {"design": "Cohort", "tags": ["a", "b"], "arms": [{"name": "X", "n": 3}, {"name": "Y"}]},
)


def test_fields_of_the_newest_form_come_first_and_old_ones_stay() -> None:
    assert [f.key for f in export_fields([V1, V2])] == ["design", "tags", "arms", "country"]


def test_wide_rows_suffix_group_items_and_keep_old_version_values() -> None:
    fields = export_fields([V1, V2])
    columns = wide_columns(fields, [OLD, NEW])
    assert columns == [
        "study_id",
        "study",
        "form_version",
        "design",
        "tags",
        "arms1_name",
        "arms1_n",
        "arms2_name",
        "arms2_n",
        "country",
    ]
    assert wide_row(fields, OLD) == {
        "study_id": 1,
        "study": "Smith 2019",
        "form_version": 1,
        "design": "RCT",
        "tags": None,
        "country": "NZ",
    }
    new = wide_row(fields, NEW)
    assert (new["tags"], new["arms2_name"], new.get("arms2_n")) == ("a; b", "Y", None)


def test_long_rows_have_one_row_per_value() -> None:
    rows = long_rows(export_fields([V2]), [NEW])
    assert [(r["group"], r["item"], r["field"], r["value"]) for r in rows] == [
        (None, None, "design", "Cohort"),
        (None, None, "tags", "a; b"),
        ("arms", 1, "name", "X"),
        ("arms", 1, "n", 3),
        ("arms", 2, "name", "Y"),
    ]
    assert all(r["study_id"] == 2 for r in rows)


def test_cells_are_plain() -> None:
    assert cell({"a": 1}) == "{'a': 1}"
    assert cell(True) is True
