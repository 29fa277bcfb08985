"""Extraction forms: versioned field definitions, and values validated against them.

Pure: forms and values arrive as JSON-shaped data and leave as frozen dataclasses or plain
JSON values; every error names the field (``values.arms[2].n``) so the API can say where.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from screening.model import ScreeningError

JSONValue = Any  # what json.loads gives: None, bool, int, float, str, list, dict
MAX_FIELDS = 300
MAX_TEXT = 20_000
MAX_GROUP_ITEMS = 200
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


class ExtractionError(ScreeningError):
    """Base of extraction errors (the API maps it to 422)."""


class InvalidForm(ExtractionError):
    """A form definition that cannot be used; the message names the field."""


class InvalidValues(ExtractionError):
    """Values that do not fit the form; one message per problem, each naming its field."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


class FieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    MULTICHOICE = "multichoice"
    DATE = "date"
    GROUP = "group"  # a repeated group (arms, outcomes): a list of items with their own fields


@dataclass(frozen=True, slots=True)
class FormField:
    """One question. ``fields`` is set only for a group (one level deep: no groups in groups)."""

    key: str
    label: str
    type: FieldType
    required: bool = False
    options: tuple[str, ...] = ()
    help: str = ""
    fields: tuple[FormField, ...] = ()

    def to_dict(self) -> dict[str, JSONValue]:
        data: dict[str, JSONValue] = {
            "key": self.key,
            "label": self.label,
            "type": self.type.value,
            "required": self.required,
        }
        if self.options:
            data["options"] = list(self.options)
        if self.help:
            data["help"] = self.help
        if self.fields:
            data["fields"] = [f.to_dict() for f in self.fields]
        return data


@dataclass(frozen=True, slots=True)
class ExtractionForm:
    """A version of a review's form; entries keep the version they were made with."""

    version: int
    fields: tuple[FormField, ...]

    def field(self, key: str) -> FormField | None:
        return next((f for f in self.fields if f.key == key), None)

    @property
    def groups(self) -> tuple[FormField, ...]:
        return tuple(f for f in self.fields if f.type is FieldType.GROUP)

    def to_dicts(self) -> list[dict[str, JSONValue]]:
        return [f.to_dict() for f in self.fields]


def parse_form(raw_fields: object, *, version: int = 1) -> ExtractionForm:
    """Build a form from ``[{"key", "label", "type", "options"?, "required"?, "help"?}]``."""
    fields = _parse_fields(raw_fields, "fields", nested=False)
    if not fields:
        raise InvalidForm("fields: a form needs at least one field")
    return ExtractionForm(version=version, fields=fields)


def _parse_fields(raw: object, where: str, *, nested: bool) -> tuple[FormField, ...]:
    if not isinstance(raw, list):
        raise InvalidForm(f"{where}: must be a list of fields")
    if len(raw) > MAX_FIELDS:
        raise InvalidForm(f"{where}: at most {MAX_FIELDS} fields")
    parsed = tuple(_parse_field(item, f"{where}[{i}]", nested) for i, item in enumerate(raw))
    seen: set[str] = set()
    for index, form_field in enumerate(parsed):
        if form_field.key in seen:
            raise InvalidForm(f"{where}[{index}]: key {form_field.key!r} is used twice")
        seen.add(form_field.key)
    return parsed


_FIELD_KEYS = frozenset({"key", "label", "type", "required", "options", "help", "fields"})


def _parse_field(raw: object, where: str, nested: bool) -> FormField:
    if not isinstance(raw, Mapping):
        raise InvalidForm(f"{where}: must be an object with key, label and type")
    key = raw.get("key")
    if not isinstance(key, str) or not _KEY.match(key):
        raise InvalidForm(
            f"{where}.key: {key!r} must be lower-case letters, digits and _, starting with a letter"
        )
    where = f"{where} ({key})"
    unknown = sorted(set(raw) - _FIELD_KEYS)
    if unknown:
        raise InvalidForm(f"{where}: unknown attribute(s) {', '.join(map(str, unknown))}")
    field_type = _field_type(raw.get("type"), where, nested)
    label = raw.get("label", key)
    help_text = raw.get("help", "")
    required = raw.get("required", False)
    if not isinstance(label, str) or not label.strip():
        raise InvalidForm(f"{where}.label: must be a non-empty string")
    if not isinstance(help_text, str):
        raise InvalidForm(f"{where}.help: must be a string")
    if not isinstance(required, bool):
        raise InvalidForm(f"{where}.required: must be true or false")
    return FormField(
        key=key,
        label=label.strip(),
        type=field_type,
        required=required,
        options=_options(raw.get("options"), field_type, where),
        help=help_text,
        fields=_group_fields(raw.get("fields"), field_type, where),
    )


def _field_type(raw: object, where: str, nested: bool) -> FieldType:
    try:
        field_type = FieldType(str(raw))
    except ValueError:
        allowed = ", ".join(t.value for t in FieldType)
        raise InvalidForm(f"{where}.type: {raw!r} is not one of {allowed}") from None
    if nested and field_type is FieldType.GROUP:
        raise InvalidForm(f"{where}.type: a group cannot hold another group")
    return field_type


def _options(raw: object, field_type: FieldType, where: str) -> tuple[str, ...]:
    takes_options = field_type in (FieldType.CHOICE, FieldType.MULTICHOICE)
    if raw is None:
        if takes_options:
            raise InvalidForm(f"{where}.options: a {field_type.value} field needs options")
        return ()
    if not takes_options:
        raise InvalidForm(f"{where}.options: only choice and multichoice fields take options")
    if not isinstance(raw, list) or not raw:
        raise InvalidForm(f"{where}.options: must be a non-empty list of strings")
    options: list[str] = []
    for index, option in enumerate(raw):
        if not isinstance(option, str) or not option.strip():
            raise InvalidForm(f"{where}.options[{index}]: must be a non-empty string")
        if option.strip() in options:
            raise InvalidForm(f"{where}.options[{index}]: {option!r} is listed twice")
        options.append(option.strip())
    return tuple(options)


def _group_fields(raw: object, field_type: FieldType, where: str) -> tuple[FormField, ...]:
    if field_type is not FieldType.GROUP:
        if raw is not None:
            raise InvalidForm(f"{where}.fields: only a group field has fields")
        return ()
    fields = _parse_fields(raw, f"{where}.fields", nested=True)
    if not fields:
        raise InvalidForm(f"{where}.fields: a group needs at least one field")
    return fields


def validate_values(form: ExtractionForm, values: object) -> dict[str, JSONValue]:
    """The values, checked and normalised (numbers typed, dates ISO, blanks dropped).

    Raises InvalidValues listing every problem; unknown keys and missing required fields too.
    """
    problems: list[str] = []
    cleaned = _validate_item(form.fields, values, "values", problems)
    if problems:
        raise InvalidValues(problems)
    return cleaned


def _validate_item(
    fields: tuple[FormField, ...], values: object, where: str, problems: list[str]
) -> dict[str, JSONValue]:
    if not isinstance(values, Mapping):
        problems.append(f"{where}: must be an object of field keys to values")
        return {}
    known = {f.key for f in fields}
    problems.extend(
        f"{where}.{key}: no such field in the form" for key in values if key not in known
    )
    cleaned: dict[str, JSONValue] = {}
    for form_field in fields:
        value = values.get(form_field.key)
        path = f"{where}.{form_field.key}"
        if _is_blank(value):
            if form_field.required:
                problems.append(f"{path}: '{form_field.label}' is required")
            continue
        result = _validate_value(form_field, value, path, problems)
        if result is not None:
            cleaned[form_field.key] = result
    return cleaned


def _is_blank(value: object) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def _validate_value(
    form_field: FormField, value: object, path: str, problems: list[str]
) -> JSONValue:
    if form_field.type is FieldType.GROUP:
        return _validate_group(form_field, value, path, problems)
    try:
        return _CHECKS[form_field.type](form_field, value)
    except ValueError as error:
        problems.append(f"{path}: {form_field.type.value} field '{form_field.label}' {error}")
        return None


def _validate_group(
    form_field: FormField, value: object, path: str, problems: list[str]
) -> JSONValue:
    if not isinstance(value, list):
        problems.append(f"{path}: group '{form_field.label}' expects a list of items")
        return None
    if len(value) > MAX_GROUP_ITEMS:
        problems.append(f"{path}: group '{form_field.label}' holds at most {MAX_GROUP_ITEMS}")
        return None
    return [
        _validate_item(form_field.fields, item, f"{path}[{i}]", problems)
        for i, item in enumerate(value)
    ]


def _text(form_field: FormField, value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expects a string, got {value!r}")
    if len(value) > MAX_TEXT:
        raise ValueError(f"holds at most {MAX_TEXT} characters")
    return value.strip()


def _number(form_field: FormField, value: object) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expects a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"expects a finite number, got {value!r}")
    return value


def _integer(form_field: FormField, value: object) -> int:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expects a whole number, got {value!r}")
    return value


def _boolean(form_field: FormField, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expects true or false, got {value!r}")
    return value


def _choice(form_field: FormField, value: object) -> str:
    if not isinstance(value, str) or value.strip() not in form_field.options:
        raise ValueError(f"expects one of {', '.join(form_field.options)}; got {value!r}")
    return value.strip()


def _multichoice(form_field: FormField, value: object) -> list[str]:
    if not isinstance(value, list):
        raise ValueError(f"expects a list of options, got {value!r}")
    chosen = [_choice(form_field, item) for item in value]
    if len(set(chosen)) != len(chosen):
        raise ValueError("lists an option twice")
    # Stored in the form's order, so two extractors' answers compare equal.
    return [option for option in form_field.options if option in chosen]


def _date(form_field: FormField, value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expects a date as YYYY-MM-DD, got {value!r}")
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise ValueError(f"expects a date as YYYY-MM-DD, got {value!r}") from None


_CHECKS = {
    FieldType.TEXT: _text,
    FieldType.NUMBER: _number,
    FieldType.INTEGER: _integer,
    FieldType.BOOLEAN: _boolean,
    FieldType.CHOICE: _choice,
    FieldType.MULTICHOICE: _multichoice,
    FieldType.DATE: _date,
}
