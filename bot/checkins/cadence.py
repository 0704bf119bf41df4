"""When check-ins happen: a person's cadence, in their own time zone, turned into periods.

A period opens at a scheduled local day and time and lasts until the next one opens. Answers
count for a period until then, so late answers are fine; when it ends, an unfinished run is
missed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core import i18n
from bot.core.i18n import catalog
from storage.models import Person
from storage.settings import CadenceDefaults, OrgSettings

_, ngettext = catalog("bot.checkins")

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Every-N-weeks cadences count weeks from this Monday, so everyone's fortnight lines up.
WEEK_ANCHOR = date(2024, 1, 1)
ALLOWED_EVERY_WEEKS = (1, 2, 4)


class CadenceError(ValueError):
    """A cadence setting that can't be used; the message is shown to the person as is."""


@dataclass(frozen=True)
class Cadence:
    days: tuple[int, ...]  # 0 = Monday
    at: time
    every_weeks: int
    zone: ZoneInfo

    def is_check_in_day(self, day: date) -> bool:
        weeks = (day - WEEK_ANCHOR).days // 7
        return day.weekday() in self.days and weeks % self.every_weeks == 0


@dataclass(frozen=True)
class Period:
    label: str  # the local date the period opened
    start: datetime  # UTC
    end: datetime  # UTC; the next period's start


def parse_days(text: str) -> tuple[int, ...]:
    """'mon,thu', 'Mon Thu', 'mon-fri', 'weekdays', 'daily' -> weekday numbers."""
    words = text.lower().replace(";", ",").replace("|", ",").replace(" ", ",").split(",")
    days: set[int] = set()
    for word in filter(None, (w.strip() for w in words)):
        if word in ("weekdays", "workdays"):
            days.update(range(5))
        elif word in ("daily", "everyday", "all"):
            days.update(range(7))
        elif "-" in word:
            first, _dash, last = word.partition("-")
            a, b = _weekday(first), _weekday(last)
            days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
        else:
            days.add(_weekday(word))
    if not days:
        raise CadenceError(_("Name at least one day, like mon or mon,thu."))
    return tuple(sorted(days))


_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekday(word: str) -> int:
    # "thu", "thur", "thurs" and "thursday" all name Thursday.
    for number, full in enumerate(_FULL_NAMES):
        if len(word) >= 3 and full.startswith(word):
            return number
    raise CadenceError(
        _("“{word}” is not a day of the week; use mon, tue, … sun.").format(word=word[:20])
    )


def parse_time(text: str) -> time:
    """'09:30', '9:30', '16:00' -> time."""
    hours, sep, minutes = text.strip().partition(":")
    # isdecimal, not isdigit: int() refuses "²" (and more than 4300 digits, hence the length).
    if not (sep and hours.isdecimal() and len(hours) <= 2) or not (
        minutes.isdecimal() and len(minutes) == 2
    ):
        raise CadenceError(
            _("“{text}” is not a time; use 24-hour HH:MM, like 09:30.").format(text=text[:20])
        )
    h, m = int(hours), int(minutes)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise CadenceError(
            _("“{text}” is not a time of day; use 00:00 to 23:59.").format(text=text[:20])
        )
    return time(h, m)


def parse_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise CadenceError(
            _("“{name}” is not a time zone; use a name like Europe/Berlin.").format(name=name[:40])
        ) from None


def org_zone(settings: OrgSettings) -> ZoneInfo:
    """The org's own time zone: its dates (due dates, quarters, Monday mornings) are its."""
    return parse_zone(settings.cadence.timezone or "UTC")


@lru_cache(maxsize=1024)  # a wave asks for the same few cadences thousands of times
def make_cadence(days: str, at: str, every_weeks: int, zone: str) -> Cadence:
    if every_weeks not in ALLOWED_EVERY_WEEKS:
        raise CadenceError(_("Check-ins repeat every 1, 2 or 4 weeks."))
    return Cadence(parse_days(days), parse_time(at), every_weeks, parse_zone(zone))


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall time.

    A time skipped by a spring-forward change moves to the next minute that exists; a time
    repeated by a fall-back change means its first occurrence.
    """
    wall = datetime.combine(day, at)
    for minutes in range(0, 48 * 60):
        candidate = (wall + timedelta(minutes=minutes)).replace(tzinfo=zone, fold=0)
        instant = candidate.astimezone(UTC)
        if instant.astimezone(zone).replace(tzinfo=None) == candidate.replace(tzinfo=None):
            return instant
    raise CadenceError(f"{day} {at} does not exist in {zone.key}")  # no zone skips two days


def _opening(cadence: Cadence, day: date) -> datetime:
    return local_to_utc(day, cadence.at, cadence.zone)


@lru_cache(maxsize=4096)  # pure; everyone in a wave is due at the same few instants
def period_at(cadence: Cadence, instant: datetime) -> Period:
    """The period that contains `instant`: from the last opening at or before it to the next."""
    today = instant.astimezone(cadence.zone).date()
    span = 7 * cadence.every_weeks + 2
    start_day = next(
        day
        for day in (today - timedelta(days=back) for back in range(span))
        if cadence.is_check_in_day(day) and _opening(cadence, day) <= instant
    )
    return _period_from(cadence, start_day)


def read_day(word: str, today: date) -> date | None:
    """A day as people type it: today, tomorrow, a weekday (the next one, never today) or
    2026-12-04. None when it is none of these."""
    word = word.strip().lower()
    if word == "today":
        return today
    if word == "tomorrow":
        return today + timedelta(days=1)
    if len(word) >= 3 and word[:3] in WEEKDAYS:
        return today + timedelta(days=(WEEKDAYS.index(word[:3]) - today.weekday()) % 7 or 7)
    try:
        return date.fromisoformat(word)
    except ValueError:
        return None


def friendly_day(label: str) -> str:
    """A period label ("2026-11-20") as people say it, in the language in force: "Fri 20 Nov",
    "Fr. 20. Nov.", "vie 20 nov"."""
    try:
        when = date.fromisoformat(label)
    except ValueError:
        return label
    return i18n.day(when)


def next_period(cadence: Cadence, period: Period) -> Period:
    return period_at(cadence, period.end)


def _period_from(cadence: Cadence, start_day: date) -> Period:
    end_day = next(
        day
        for day in (start_day + timedelta(days=ahead) for ahead in range(1, 7 * 4 + 2))
        if cadence.is_check_in_day(day)
    )
    return Period(start_day.isoformat(), _opening(cadence, start_day), _opening(cadence, end_day))


DEFAULT_CADENCE = {"days": "fri", "time": "15:00", "every_weeks": 1, "timezone": "UTC"}


def person_cadence(person: Person, settings: OrgSettings) -> Cadence:
    """The person's own setting wins over their team's default, which wins over the org's."""
    team = settings.team_cadence.get(person.team or "", CadenceDefaults())
    merged = {**DEFAULT_CADENCE, **settings.cadence.written(), **team.written()}
    try:
        return make_cadence(
            person.checkin_days or str(merged["days"]),
            person.checkin_time or str(merged["time"]),
            person.cadence_weeks or int(merged["every_weeks"]),
            person.timezone or str(merged["timezone"]),
        )
    except CadenceError:
        d = DEFAULT_CADENCE
        return make_cadence(str(d["days"]), str(d["time"]), 1, str(d["timezone"]))
