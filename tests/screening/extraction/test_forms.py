"""Extraction forms: definitions, validation with messages naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from screening.extraction.forms import (
    FieldType,
    InvalidForm,
    InvalidValues,
    parse_form,
    validate_values,
)

FORM_FIELDS: list[dict[str, Any]] = [
    {"key": "design", "label": "Study design", "type": "choice", "options": ["RCT", "Cohort"]},
    {"key": "sample_size", "label": "Sample size", "type": "integer", "required": True},
    {"key": "mean_age", "label": "Mean age", "type": "number", "help": "years"},
    {"key": "blinded", "label": "Blinded", "type": "boolean"},
    {"key": "outcomes", "label": "Outcomes", "type": "multichoice", "options": ["pain", "qol"]},
    {"key": "start", "label": "Start date", "type": "date"},
    {"key": "notes", "label": "Notes", "type": "text"},
    {
        "key": "arms",
        "label": "Arms",
        "type": "group",
        "fields": [
            {"key": "name", "label": "Arm name", "type": "text", "required": True},
            {"key": "n", "label": "Allocated", "type": "integer"},
        ],
    },
]


def form() -> Any:
    return parse_form(FORM_FIELDS, version=3)


def test_a_form_round_trips_through_its_dict_shape() -> None:
    parsed = form()
    assert parsed.version == 3
    assert [f.type for f in parsed.fields][-1] is FieldType.GROUP
    assert parse_form(parsed.to_dicts(), version=3) == parsed
    assert parsed.field("mean_age") is not None
    assert parsed.field("mean_age").help == "years"
    assert [g.key for g in parsed.groups] == ["arms"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ([], "fields: a form needs at least one field"),
        ("nope", "fields: must be a list"),
        ([{"key": "Bad Key", "type": "text"}], "fields[0].key: 'Bad Key' must be lower-case"),
        ([{"key": "a", "type": "colour"}], "fields[0] (a).type: 'colour' is not one of"),
        ([{"key": "a", "type": "choice"}], "fields[0] (a).options: a choice field needs options"),
        (
            [{"key": "a", "type": "text", "options": ["x"]}],
            "fields[0] (a).options: only choice and multichoice fields take options",
        ),
        (
            [{"key": "a", "type": "choice", "options": ["x", "x"]}],
            "fields[0] (a).options[1]: 'x' is listed twice",
        ),
        ([{"key": "a", "type": "text"}, {"key": "a", "type": "date"}], "key 'a' is used twice"),
        ([{"key": "a", "type": "text", "required": "yes"}], "(a).required: must be true or false"),
        ([{"key": "a", "type": "text", "colour": 1}], "(a): unknown attribute(s) colour"),
        ([{"key": "g", "type": "group", "fields": []}], "(g).fields: a group needs at least one"),
        (
            [{"key": "g", "type": "group", "fields": [{"key": "h", "type": "group"}]}],
            "a group cannot hold another group",
        ),
        ([{"key": "a", "type": "text", "fields": []}], "only a group field has fields"),
        ([{"key": "a", "type": "text", "label": " "}], "(a).label: must be a non-empty string"),
    ],
)
def test_bad_forms_are_refused_naming_the_field(fields: Any, message: str) -> None:
    with pytest.raises(InvalidForm) as error:
        parse_form(fields)
    assert message in str(error.value)


def test_valid_values_are_normalised() -> None:
    values = validate_values(
        form(),
        {
            "design": " RCT ",
            "sample_size": 120.0,
            "mean_age": 41.5,
            "blinded": False,
            "outcomes": ["qol", "pain"],
            "start": "2019-03-01",
            "notes": "  ",
            "arms": [{"name": "Exercise", "n": 60}, {"name": "Usual care"}],
        },
    )
    assert values == {
        "design": "RCT",
        "sample_size": 120,
        "mean_age": 41.5,
        "blinded": False,
        "outcomes": ["pain", "qol"],  # the form's order
        "start": "2019-03-01",
        "arms": [{"name": "Exercise", "n": 60}, {"name": "Usual care"}],
    }


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"sample_size": "many"},
            "values.sample_size: integer field 'Sample size' expects a whole",
        ),
        ({"sample_size": 12.5}, "values.sample_size: integer field 'Sample size' expects a whole"),
        ({"sample_size": True}, "values.sample_size: integer field"),
        ({"sample_size": 1, "mean_age": "old"}, "values.mean_age: number field 'Mean age'"),
        ({"sample_size": 1, "mean_age": float("nan")}, "expects a finite number"),
        ({"sample_size": 1, "blinded": "yes"}, "values.blinded: boolean field"),
        ({"sample_size": 1, "design": "Case series"}, "expects one of RCT, Cohort"),
        ({"sample_size": 1, "outcomes": "pain"}, "values.outcomes: multichoice field"),
        ({"sample_size": 1, "outcomes": ["pain", "pain"]}, "lists an option twice"),
        ({"sample_size": 1, "start": "01/03/2019"}, "values.start: date field 'Start date'"),
        ({"sample_size": 1, "notes": 5}, "values.notes: text field 'Notes' expects a string"),
        ({"sample_size": 1, "colour": "red"}, "values.colour: no such field in the form"),
        ({}, "values.sample_size: 'Sample size' is required"),
        ({"sample_size": 1, "arms": {"name": "x"}}, "values.arms: group 'Arms' expects a list"),
        ({"sample_size": 1, "arms": [{"n": 3}]}, "values.arms[0].name: 'Arm name' is required"),
        ({"sample_size": 1, "arms": [{"name": "a", "n": "x"}]}, "values.arms[0].n: integer"),
        ({"sample_size": 1, "arms": ["x"]}, "values.arms[0]: must be an object"),
    ],
)
def test_bad_values_are_refused_naming_the_field(values: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValues) as error:
        validate_values(form(), values)
    assert message in str(error.value)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(InvalidValues) as error:
        validate_values(form(), {"sample_size": "many", "blinded": 2, "extra": 1})
    assert len(error.value.problems) == 3


def test_values_must_be_an_object() -> None:
    with pytest.raises(InvalidValues, match="values: must be an object"):
        validate_values(form(), ["not", "an", "object"])
