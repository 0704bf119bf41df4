"""Whether someone is away, so that the bot neither prompts nor reminds them, nor counts the
period missed: a public holiday where they are (their `country`, else the one their time zone
belongs to, where it belongs to one), or a chat status that says so (an emoji such as
:palm_tree:, or words such as "vacation" or "OOO"), until it expires. The org's admins may name
their own emoji and words (`settings org away …`)."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path

import holidays

from bot.core.ports import Status
from storage.models import Person, Tenant

ORG_KEY = "away"
EMOJI = (
    ":palm_tree:",
    ":desert_island:",
    ":beach_with_umbrella:",
    ":airplane:",
    ":face_with_thermometer:",
    ":thermometer:",
    ":sick:",
    ":mask:",
    ":hospital:",
    ":baby:",
    ":no_entry:",
)
WORDS = (
    "vacation",
    "vacationing",
    "holiday",
    "holidays",
    "ooo",
    "out of office",
    "out of the office",
    "pto",
    "on leave",
    "parental leave",
    "sick",
    "urlaub",
    "krank",
    "vacaciones",
    "de baja",
)


@dataclass(frozen=True)
class Presence:
    """What is known of someone as their check-in falls due: whether their status says they
    are away, and when they last updated every key result they own in a check-in."""

    away: bool = False
    updated_at: datetime | None = None


# A check-in submitted this close before the next one opens (a quarter of the period, at most
# two days) leaves nothing new to ask: the next period isn't prompted.
UP_TO_DATE_SHARE = 4
UP_TO_DATE_MOST = timedelta(days=2)


def up_to_date(presence: Presence, start: datetime, end: datetime) -> bool:
    """Whether the period from `start` to `end` needs no prompt: every key result was just
    updated (`checkin now` shortly before it opened, or since)."""
    if presence.updated_at is None:
        return False
    window = min((end - start) / UP_TO_DATE_SHARE, UP_TO_DATE_MOST)
    return presence.updated_at >= start - window


@dataclass(frozen=True)
class AwaySigns:
    emoji: frozenset[str] = frozenset(EMOJI)
    words: tuple[str, ...] = WORDS


def signs_of(tenant: Tenant) -> AwaySigns:
    raw = tenant.settings.get(ORG_KEY)
    raw = raw if isinstance(raw, Mapping) else {}
    emoji, words = raw.get("emoji"), raw.get("words")
    return AwaySigns(
        frozenset(e for e in emoji if isinstance(e, str))
        if isinstance(emoji, list)
        else frozenset(EMOJI),
        tuple(w for w in words if isinstance(w, str)) if isinstance(words, list) else WORDS,
    )


def away_by_status(status: Status | None, signs: AwaySigns, now: datetime) -> bool:
    """Whether a status says its person is away now: a sign in it, and not expired."""
    if status is None or (status.until is not None and status.until <= now):
        return False
    if status.emoji and status.emoji.lower() in signs.emoji:
        return True
    text = status.text.lower()
    return any(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) for word in signs.words)


def country_of(person: Person, zone: str | None) -> str | None:
    """The person's country: as the org import says, else the one their zone is in."""
    if person.country:
        return person.country.upper()
    return _zone_countries().get(zone or "")


def public_holiday(country: str | None, day: date) -> str | None:
    """The name of the public holiday on `day` in `country`, or None."""
    if not country:
        return None
    calendar = _calendar(country, day.year)
    return calendar.get(day) if calendar is not None else None


@lru_cache(maxsize=256)  # countries x years people are in: few, but never all kept
def _calendar(country: str, year: int) -> holidays.HolidayBase | None:
    try:
        return holidays.country_holidays(country, years=year)
    except NotImplementedError:
        return None  # a country the package has no calendar for


@cache
def _zone_countries() -> dict[str, str]:
    """IANA zone -> ISO country, from the tz database's zone.tab (a zone listed there belongs
    to one country)."""
    for folder in zoneinfo.TZPATH:
        table = Path(folder) / "zone.tab"
        if table.is_file():
            found = {}
            for line in table.read_text(encoding="utf-8").splitlines():
                if line and not line.startswith("#"):
                    parts = line.split("\t")
                    if len(parts) >= 3:
                        found[parts[2]] = parts[0]
            return found
    return {}
