"""What a directory says of a person, as the org stores it: cut to the columns' lengths, a
time zone only if the scheduler can use it, and empty fields filled, never overwritten."""

from __future__ import annotations

from datetime import datetime

from bot.checkins.cadence import CadenceError, parse_zone
from bot.core.ports import Profile
from storage.models import Person

NAME_LENGTH, EMAIL_LENGTH, ZONE_LENGTH, LOCALE_LENGTH = 200, 320, 64, 35  # Person's columns


def fits(profile: Profile) -> bool:
    return len((profile.email or "").strip()) <= EMAIL_LENGTH


def filled(person: Person, profile: Profile) -> int:
    """Fills in what the org leaves empty; returns how many fields it filled."""
    changes = 0
    if profile.name and not person.name:
        person.name, changes = profile.name[:NAME_LENGTH], changes + 1
    zone = _zone(profile.timezone)
    if zone and not person.timezone:
        person.timezone, changes = zone, changes + 1
    if profile.locale and not person.locale:
        person.locale, changes = profile.locale[:LOCALE_LENGTH], changes + 1
    if profile.admin and not person.is_admin:
        person.is_admin, changes = True, changes + 1  # a workspace owner or admin
    return changes


def _zone(name: str | None) -> str | None:
    """An IANA zone the scheduler can use, or None."""
    if not name or len(name) > ZONE_LENGTH:
        return None
    try:
        return parse_zone(name).key
    except CadenceError:
        return None


def new_person(tenant_id: str, profile: Profile, now: datetime) -> Person:
    locale = profile.locale[:LOCALE_LENGTH] if profile.locale else None
    return Person(
        tenant_id=tenant_id,
        email=(profile.email or "").strip(),
        name=(profile.name or "")[:NAME_LENGTH],
        timezone=_zone(profile.timezone),
        locale=locale,
        is_admin=profile.admin,
        created_at=now,
    )
