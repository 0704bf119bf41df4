"""Org and team defaults for check-ins: the cadence people get unless they set their own."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.cadence import WEEKDAYS, CadenceError, make_cadence


def updated_defaults(
    settings: Mapping[str, Any],
    *,
    team: str | None,
    days: str | None,
    at: str | None,
    every_weeks: int | None,
    timezone: str | None,
    reminder_hours: float | None,
) -> dict[str, Any]:
    """New tenant settings with these defaults; raises CadenceError with a clear message."""
    current = dict(
        settings.get("team_cadence", {}).get(team, {}) if team else settings.get("cadence", {})
    )
    for key, value in (
        ("days", days),
        ("time", at),
        ("every_weeks", every_weeks),
        ("timezone", timezone),
    ):
        if value is not None:
            current[key] = value
    merged: dict[str, Any] = {"days": "fri", "time": "15:00", "every_weeks": 1, "timezone": "UTC"}
    merged |= dict(settings.get("cadence", {})) | current
    cadence = make_cadence(
        str(merged["days"]),
        str(merged["time"]),
        int(merged["every_weeks"]),
        str(merged["timezone"]),
    )
    if "days" in current:
        current["days"] = ",".join(WEEKDAYS[d] for d in cadence.days)
    if "time" in current:
        current["time"] = cadence.at.strftime("%H:%M")
    result = dict(settings)
    if team:
        result["team_cadence"] = {**settings.get("team_cadence", {}), team: current}
    else:
        result["cadence"] = current
    if reminder_hours is not None:
        if not 0 < reminder_hours <= 7 * 24:
            raise CadenceError("Reminders go out between a few minutes and a week later.")
        result["reminder_hours"] = reminder_hours
    return result
