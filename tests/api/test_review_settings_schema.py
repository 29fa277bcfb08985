"""The review settings schema is the core's rules in JSON: same defaults, same refusals."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from api.schemas.reviews import ReviewSettings, StageSettings
from screening import model as core


def test_the_schemas_defaults_are_the_cores() -> None:
    settings = ReviewSettings()
    assert settings.title_abstract.to_core() == core.StageSettings()
    assert settings.full_text.to_core() == core.StageSettings()


@pytest.mark.parametrize(
    ("rapid", "field"),
    [
        ({"dual_fraction": 0.19}, "dual_fraction"),
        ({"agreement_threshold": -1.01}, "agreement_threshold"),
        ({"calibration_size": core.MAX_CALIBRATION_SIZE + 1}, "calibration_size"),
        ({"extra_dual_batch": 0}, "extra_dual_batch"),
    ],
)
def test_what_the_core_refuses_the_schema_refuses(rapid: dict[str, Any], field: str) -> None:
    with pytest.raises(core.InvalidSettings, match=field):
        core.StageSettings(**rapid)
    with pytest.raises(ValidationError, match=field):
        StageSettings.model_validate({"mode": "rapid", "rapid": rapid})
