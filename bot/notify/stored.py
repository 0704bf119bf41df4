"""Notification settings as they are kept: a person's choices on their row (`Person.notify`, and
the older `reminders` and `weekly_blockers` switches, which stay in step), the org's defaults
and locks in its settings (`notify`). Read leniently: a value of the wrong shape counts as not
set."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import time
from typing import Any

from bot.notify.policy import Choices, Kind, OrgDefaults, Quiet, Settings, settings_for
from storage.models import Person, Tenant

ORG_KEY = "notify"
KINDS = {kind.value: kind for kind in Kind}


def choices_of(person: Person) -> Choices:
    raw = person.notify if isinstance(person.notify, Mapping) else {}
    off = _kinds(raw.get("off")) if "off" in raw else None
    # The switches `checkin reminders off` and `checkin blockers weekly` set before settings
    # existed: they say "off" too.
    legacy = {Kind.REMINDERS} if not person.reminders else set()
    legacy |= {Kind.BLOCKER_ALERTS} if person.weekly_blockers else set()
    if legacy:
        off = frozenset(off or ()) | legacy
    return Choices(_quiet(raw.get("quiet")), off)


def org_defaults(tenant: Tenant) -> OrgDefaults:
    raw = tenant.settings.get(ORG_KEY)
    raw = raw if isinstance(raw, Mapping) else {}
    return OrgDefaults(
        _quiet(raw.get("quiet")) or Quiet(),
        _kinds(raw.get("off")),
        _kinds(raw.get("locked_on")),
    )


def settings_of_person(person: Person, tenant: Tenant) -> Settings:
    return settings_for(choices_of(person), org_defaults(tenant))


def keep_choices(person: Person, choices: Choices) -> None:
    """Write `choices` on the person's row (None parts: the org's default)."""
    raw: dict[str, Any] = {}
    if choices.quiet is not None:
        raw["quiet"] = written_quiet(choices.quiet)
    if choices.off is not None:
        raw["off"] = sorted(kind.value for kind in choices.off)
    person.notify = raw or None
    off = choices.off or frozenset()
    person.reminders = Kind.REMINDERS not in off
    person.weekly_blockers = Kind.BLOCKER_ALERTS in off


def keep_org_defaults(tenant: Tenant, defaults: OrgDefaults) -> None:
    settings = dict(tenant.settings)
    settings[ORG_KEY] = {
        "quiet": written_quiet(defaults.quiet),
        "off": sorted(kind.value for kind in defaults.off),
        "locked_on": sorted(kind.value for kind in defaults.locked_on),
    }
    tenant.settings = settings


def written_quiet(quiet: Quiet) -> dict[str, Any]:
    return {
        "start": quiet.start.strftime("%H:%M"),
        "end": quiet.end.strftime("%H:%M"),
        "weekends": quiet.weekends,
    }


def _quiet(raw: object) -> Quiet | None:
    if not isinstance(raw, Mapping):
        return None
    start, end = _time(raw.get("start")), _time(raw.get("end"))
    weekends = raw.get("weekends")
    if start is None or end is None or not isinstance(weekends, bool):
        return None
    return Quiet(start, end, weekends)


def _time(raw: object) -> time | None:
    try:
        return time.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


def _kinds(raw: object) -> frozenset[Kind]:
    values: Iterable[object] = raw if isinstance(raw, list | tuple) else ()
    return frozenset(KINDS[value] for value in values if isinstance(value, str) and value in KINDS)
