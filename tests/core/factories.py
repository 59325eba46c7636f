"""A valid incident to start from; each test changes only what it is about."""

from __future__ import annotations

import copy
from typing import Any

BASE: dict[str, Any] = {
    "incident_date": "2021-03-10",
    "state": "MO",
    "city": "St. Louis",
    "agency": {"name": "St. Louis Metropolitan Police Department", "kind": "municipal_police"},
    "officers": [{"name": "A. Doe", "badge": "1234"}],
    "person": {"custody": "arrested"},
    "conduct": ["excessive_force"],
    "criminal_case": {"status": "none"},
    "evaluated_on": "2024-01-10",
}


def incident_data(**changes: Any) -> dict[str, Any]:
    """BASE with top-level keys replaced; a value of `...` deletes the key."""
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        if value is ...:
            data.pop(key, None)
        else:
            data[key] = value
    return data
