"""The review settings' public schema mapped onto the screening core's settings, in one place."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from api.schemas.reviews import ReviewSettings as SettingsSchema
from api.schemas.reviews import StageSettings as StageSchema
from screening.model import MaybePolicy, Mode, ReviewSettings, StageSettings


def core_settings(stored: dict[str, Any]) -> ReviewSettings:
    """Stored settings (JSON, validated by the schema) as `screening.model.ReviewSettings`."""
    return _parsed(json.dumps(stored, sort_keys=True))


@lru_cache(maxsize=256)
def _parsed(stored: str) -> ReviewSettings:
    # Every vote reads its review's settings: validating them once per distinct value (the
    # result is immutable) keeps that off the hot path.
    schema = SettingsSchema.model_validate_json(stored)
    return ReviewSettings(
        title_abstract=_stage(schema.title_abstract),
        full_text=_stage(schema.full_text),
        include_keywords=tuple(schema.keywords.include),
        exclude_keywords=tuple(schema.keywords.exclude),
    )


def designated_resolvers(stored: dict[str, Any]) -> frozenset[int]:
    return frozenset(SettingsSchema.model_validate(stored).resolvers)


def _stage(stage: StageSchema) -> StageSettings:
    return StageSettings(
        mode=Mode(stage.mode.value),
        blinding=stage.blinding,
        maybe_policy=MaybePolicy(stage.maybe_semantics.value),
        reason_mismatch_is_conflict=stage.reason_mismatch_is_conflict,
        calibration_size=stage.rapid.calibration_size,
        dual_fraction=stage.rapid.dual_fraction,
        agreement_threshold=stage.rapid.agreement_threshold,
        extra_dual_batch=stage.rapid.extra_dual_batch,
    )
