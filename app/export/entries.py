"""What every section of the export is made of: JSON objects, people named by their email, and
instants in ISO 8601."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

Entry = dict[str, Any]
# Person id to email: how the export names people, whoever they are to the viewer.
Emails = Mapping[int | None, str]


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
