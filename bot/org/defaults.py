"""Org and team defaults for check-ins: the cadence people get unless they set their own."""

from __future__ import annotations

from typing import Any

from bot.checkins.cadence import WEEKDAYS, CadenceError, make_cadence
from bot.housekeeping.retention import RetentionError, checked_retention
from bot.privacy.pulse_slices import MIN_K
from storage.settings import CadenceDefaults, OrgSettings


def updated_defaults(
    settings: OrgSettings,
    *,
    team: str | None,
    days: str | None,
    at: str | None,
    every_weeks: int | None,
    timezone: str | None,
    reminder_hours: float | None,
    pulse_k: int | None = None,
    retention_days: int | None = None,
) -> OrgSettings:
    """New org settings with these defaults; raises CadenceError with a clear message."""
    before = settings.team_cadence.get(team, CadenceDefaults()) if team else settings.cadence
    current: dict[str, Any] = before.written()
    for key, value in (
        ("days", days),
        ("time", at),
        ("every_weeks", every_weeks),
        ("timezone", timezone),
    ):
        if value is not None:
            current[key] = value
    merged: dict[str, Any] = {"days": "fri", "time": "15:00", "every_weeks": 1, "timezone": "UTC"}
    merged |= settings.cadence.written() | current
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
    defaults = CadenceDefaults.read(current)
    if team:
        result = settings.but(team_cadence={**settings.team_cadence, team: defaults})
    else:
        result = settings.but(cadence=defaults)
    if reminder_hours is not None:
        if not 0 < reminder_hours <= 7 * 24:
            raise CadenceError("Reminders go out between a few minutes and a week later.")
        result = result.but(reminder_hours=reminder_hours)
    if pulse_k is not None:
        if team:
            raise CadenceError("The pulse threshold is the org's: leave out --team.")
        if not MIN_K <= pulse_k <= 50:
            raise CadenceError(
                f"The pulse threshold is between {MIN_K} (the least that keeps answers "
                "anonymous) and 50."
            )
        result = result.but(pulse_k=pulse_k)
    if retention_days is not None:
        if team:
            raise CadenceError("Bookkeeping is kept for the whole org: leave out --team.")
        try:
            result = result.but(retention_days=checked_retention(retention_days))
        except RetentionError as error:
            raise CadenceError(str(error)) from None
    return result
