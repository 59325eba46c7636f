"""Read an incident file (YAML or JSON) and validate it into an `Incident`.

YAML's own date parsing is switched off: PyYAML raises on an impossible date such as
2021-02-30 before validation could name the field, so dates stay text until
`parse_incident` checks them.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import yaml

from monell.domain.incident import IncidentError, Problem
from monell.domain.models import Incident


class _NoDatesLoader(yaml.SafeLoader):
    pass


_NoDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_incident_data(text: str, source: str) -> Any:
    stripped = text.lstrip()
    try:
        if source.endswith(".json") or stripped.startswith("{"):
            return json.loads(text)
        return yaml.load(text, Loader=_NoDatesLoader)  # a SafeLoader subclass
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise IncidentError([Problem("(file)", source, f"not valid YAML or JSON: {exc}")]) from exc


def load_incident(
    path: str | Path, today: dt.date | None = None, as_of: dt.date | None = None
) -> Incident:
    """Load and validate; `as_of` (the CLI's --as-of) overrides the file's evaluated_on."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise IncidentError([Problem("(file)", str(p), "file not found")]) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise IncidentError([Problem("(file)", str(p), f"cannot read the file: {exc}")]) from exc
    from monell.app.assessment import incident_from_data

    return incident_from_data(read_incident_data(text, p.name), today=today, as_of=as_of)
