"""An org's settings, typed. They are stored as one JSON document on the tenant row; this is
its schema, read leniently (a value of the wrong type counts as not set, and keys this version
doesn't know are kept) and written back with only what is set."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from storage.models import Tenant

QuestionKind = Literal["text", "mood"]


@dataclass(frozen=True)
class CadenceDefaults:
    """The org's (or a team's) default check-in cadence; what is unset falls back further."""

    days: str | None = None  # "mon,thu"
    time: str | None = None  # "09:30", local
    every_weeks: int | None = None
    timezone: str | None = None  # IANA

    @classmethod
    def read(cls, raw: object) -> CadenceDefaults:
        raw = raw if isinstance(raw, Mapping) else {}
        weeks = raw.get("every_weeks")
        return cls(
            _text(raw.get("days")),
            _text(raw.get("time")),
            weeks if isinstance(weeks, int) and not isinstance(weeks, bool) else None,
            _text(raw.get("timezone")),
        )

    def written(self) -> dict[str, Any]:
        pairs = {"days": self.days, "time": self.time, "every_weeks": self.every_weeks}
        pairs["timezone"] = self.timezone
        return {key: value for key, value in pairs.items() if value is not None}


@dataclass(frozen=True)
class ClosingQuestion:
    """One of the org's own questions after the key results (blockers, wins, mood…)."""

    key: str
    text: str
    kind: QuestionKind = "text"


@dataclass(frozen=True)
class OrgSettings:
    cadence: CadenceDefaults = CadenceDefaults()
    team_cadence: Mapping[str, CadenceDefaults] = field(default_factory=dict)
    holidays: frozenset[str] = frozenset()  # local ISO dates with no check-ins
    reminder_hours: float | None = None
    checkin_questions: tuple[ClosingQuestion, ...] = ()  # empty: the default set
    pulse_k: int | None = None
    kudos_daily_cap: int | None = None  # kudos one person may give a day; None: the default
    # Where kudos are posted: the channel as `kudos channel` typed there gave it; None: nowhere.
    kudos_channel: Mapping[str, Any] | None = None
    teams_service_url: str | None = None
    # Days the bookkeeping rows are kept (bot/housekeeping); None: DEFAULT_RETENTION_DAYS.
    retention_days: int | None = None
    # Keys this version doesn't know, kept as they were.
    other: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def read(cls, raw: Mapping[str, Any]) -> OrgSettings:
        teams = raw.get("team_cadence")
        hours = raw.get("reminder_hours")
        k = raw.get("pulse_k")
        return cls(
            cadence=CadenceDefaults.read(raw.get("cadence")),
            team_cadence={
                str(team): CadenceDefaults.read(value)
                for team, value in (teams.items() if isinstance(teams, Mapping) else ())
            },
            holidays=frozenset(day for day in _list(raw.get("holidays")) if isinstance(day, str)),
            reminder_hours=hours if isinstance(hours, int | float) and _number(hours) else None,
            checkin_questions=tuple(_questions(raw.get("checkin_questions"))),
            pulse_k=_whole(k),
            kudos_daily_cap=_whole(raw.get("kudos_daily_cap")),
            kudos_channel=_channel(raw.get("kudos_channel")),
            teams_service_url=_text(raw.get("teams_service_url")),
            retention_days=_whole(raw.get("retention_days")),
            other={key: value for key, value in raw.items() if key not in _KNOWN},
        )

    def written(self) -> dict[str, Any]:
        """The JSON document: only what is set, in the shape earlier versions wrote."""
        document: dict[str, Any] = dict(self.other)
        if self.cadence.written():
            document["cadence"] = self.cadence.written()
        if self.team_cadence:
            document["team_cadence"] = {t: c.written() for t, c in self.team_cadence.items()}
        if self.holidays:
            document["holidays"] = sorted(self.holidays)
        keys = (
            "reminder_hours",
            "pulse_k",
            "kudos_daily_cap",
            "kudos_channel",
            "teams_service_url",
            "retention_days",
        )
        for key in keys:
            if getattr(self, key) is not None:
                document[key] = getattr(self, key)
        if self.checkin_questions:
            document["checkin_questions"] = [
                {"key": q.key, "text": q.text, "kind": q.kind} for q in self.checkin_questions
            ]
        return document

    def but(self, **changes: Any) -> OrgSettings:
        return replace(self, **changes)


_KNOWN = {f for f in OrgSettings.__dataclass_fields__ if f != "other"}


def settings_of(tenant: Tenant) -> OrgSettings:
    return OrgSettings.read(tenant.settings)


def set_settings(tenant: Tenant, settings: OrgSettings) -> None:
    tenant.settings = settings.written()


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _whole(value: object) -> int | None:
    """A whole number as earlier versions read one: 7, 7.0 or "7"."""
    if isinstance(value, bool):
        return None
    try:
        return int(value) if isinstance(value, int | float | str) else None
    except (ValueError, OverflowError):
        return None


def _channel(value: object) -> Mapping[str, Any] | None:
    """A channel as a command typed there gave it: at least its key."""
    if isinstance(value, Mapping) and isinstance(value.get("key"), str) and value["key"]:
        return dict(value)
    return None


def _list(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []


def _questions(raw: object) -> list[ClosingQuestion]:
    questions = []
    for entry in _list(raw):
        if isinstance(entry, Mapping) and entry.get("key") and entry.get("text"):
            kind: QuestionKind = "mood" if entry.get("kind") == "mood" else "text"
            questions.append(ClosingQuestion(str(entry["key"]), str(entry["text"]), kind))
    return questions
