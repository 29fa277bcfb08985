"""Settings validation: every bad value is refused with a message that names the field."""

from __future__ import annotations

from typing import Any

import pytest

from screening.model import (
    InvalidSettings,
    MaybePolicy,
    Mode,
    ReviewSettings,
    ScreeningError,
    Stage,
    StageSettings,
)


def test_defaults_are_dual_blinded_and_maybe_as_include():
    settings = ReviewSettings()
    for stage in Stage:
        stage_settings = settings.for_stage(stage)
        assert stage_settings.mode is Mode.DUAL
        assert stage_settings.blinding is True
        assert stage_settings.maybe_policy is MaybePolicy.INCLUDE


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"dual_fraction": 0.19}, "dual_fraction must be between 0.2 and 1"),
        ({"dual_fraction": 1.5}, "dual_fraction must be between 0.2 and 1"),
        ({"dual_fraction": float("nan")}, "dual_fraction"),
        ({"dual_fraction": "0.3"}, "dual_fraction must be a number"),
        ({"agreement_threshold": 1.2}, "agreement_threshold is a kappa"),
        ({"agreement_threshold": -1.01}, "agreement_threshold is a kappa"),
        ({"calibration_size": 1001}, "calibration_size must be an integer >= 0 and <= 1000"),
        ({"extra_dual_batch": 10_001}, "extra_dual_batch must be an integer >= 1 and <= 10000"),
        ({"calibration_size": -1}, "calibration_size must be an integer >= 0"),
        ({"calibration_size": 2.5}, "calibration_size must be an integer"),
        ({"extra_dual_batch": 0}, "extra_dual_batch must be an integer >= 1"),
        ({"mode": "triple"}, "mode must be one of dual, single, rapid"),
        ({"maybe_policy": "sometimes"}, "maybe_policy must be one of include, neutral, conflict"),
        ({"blinding": "yes"}, "blinding must be true or false"),
        ({"reason_mismatch_is_conflict": 1}, "reason_mismatch_is_conflict"),
    ],
)
def test_bad_stage_settings_are_refused(kwargs: dict[str, Any], message: str):
    with pytest.raises(InvalidSettings, match=message):
        StageSettings(**kwargs)


def test_string_enums_are_coerced():
    settings = StageSettings(mode="rapid", maybe_policy="neutral")  # type: ignore[arg-type]
    assert settings.mode is Mode.RAPID
    assert settings.maybe_policy is MaybePolicy.NEUTRAL


@pytest.mark.parametrize("words", [("",), ("  ",), ("*",), (3,)])
def test_empty_keywords_are_refused(words: tuple[Any, ...]):
    with pytest.raises(InvalidSettings, match=r"include_keywords\[0\]"):
        ReviewSettings(include_keywords=words)


def test_domain_errors_share_a_base():
    assert issubclass(InvalidSettings, ScreeningError)
