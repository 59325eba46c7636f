"""The JSON contract of `monell assess --format json` (schema: schema/assessment.schema.json)."""

from __future__ import annotations

import json
from typing import Any

from monell.domain.models import Assessment


def assessment_dict(
    assessment: Assessment, sections: dict[str, Any] | None = None
) -> dict[str, Any]:
    data = assessment.model_dump(mode="json")
    for key, value in (sections or {}).items():
        if key in data:
            raise ValueError(f"report section {key!r} would overwrite a core key")
        data[key] = value
    return data


def render_json(assessment: Assessment, sections: dict[str, Any] | None = None) -> str:
    return json.dumps(assessment_dict(assessment, sections), indent=2, ensure_ascii=False) + "\n"
