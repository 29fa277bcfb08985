"""The review settings' public schema mapped onto the screening core's settings, in one place."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from api.schemas.reviews import ReviewSettings as SettingsSchema
from screening.model import ReviewSettings


def core_settings(stored: dict[str, Any]) -> ReviewSettings:
    """Stored settings (JSON, validated by the schema) as `screening.model.ReviewSettings`."""
    return _parsed(json.dumps(stored, sort_keys=True))


@lru_cache(maxsize=256)
def _parsed(stored: str) -> ReviewSettings:
    # Every vote reads its review's settings: validating them once per distinct value (the
    # result is immutable) keeps that off the hot path.
    schema = SettingsSchema.model_validate_json(stored)
    return ReviewSettings(
        title_abstract=schema.title_abstract.to_core(),
        full_text=schema.full_text.to_core(),
        include_keywords=tuple(schema.keywords.include),
        exclude_keywords=tuple(schema.keywords.exclude),
    )


def designated_resolvers(stored: dict[str, Any]) -> frozenset[int]:
    return frozenset(SettingsSchema.model_validate(stored).resolvers)
