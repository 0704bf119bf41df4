"""When a 1:1 meets: `every 2 weeks tue 10:00` as people type it, in the starter's zone, and
its meetings one after another; each shown in the reader's own zone."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from babel.dates import get_day_names

from bot.checkins.cadence import (
    WEEKDAYS,
    CadenceError,
    local_to_utc,
    parse_days,
    parse_time,
    parse_zone,
    person_cadence,
)
from bot.core.i18n import DEFAULT, N_, catalog, current, day
from storage.models import OneOnOne, Person, Tenant
from storage.settings import settings_of

MOST_WEEKS = 4
_EVERY = re.compile(
    r"^(?:every\s+(?:(?P<n>\d{1,2})\s+weeks?|(?P<one>week)|other\s+week)|(?P<weekly>weekly)"
    r"|(?P<biweekly>biweekly|fortnightly))\s+(?P<day>[a-z]+)\s+(?:at\s+)?(?P<time>\d{1,2}:\d{2})$",
    re.IGNORECASE,
)
USAGE = N_("Say it like: 1on1 with @ana every 2 weeks tue 10:00 (or every week, weekly).")

_, ngettext = catalog("bot.oneonones")


class TimesError(ValueError):
    """Words that don't say when a 1:1 meets; the message is shown as is."""


def parse_when(text: str) -> tuple[int, int, str]:
    """'every 2 weeks tue 10:00' -> (every weeks, weekday, "HH:MM")."""
    found = _EVERY.match(" ".join(text.split()))
    if found is None:
        raise TimesError(_(USAGE))
    if found.group("n"):
        weeks = int(found.group("n"))
    elif found.group("one") or found.group("weekly"):
        weeks = 1
    else:
        weeks = 2
    if not 1 <= weeks <= MOST_WEEKS:
        raise TimesError(_("A 1:1 meets every 1 to {most} weeks.").format(most=MOST_WEEKS))
    try:
        days = parse_days(found.group("day"))
        at = parse_time(found.group("time"))
    except CadenceError as error:
        raise TimesError(str(error)) from None
    if len(days) != 1:
        raise TimesError(_("Name one day for a 1:1, like tue."))
    return weeks, days[0], at.strftime("%H:%M")


def first_meeting(series: OneOnOne, after: datetime) -> datetime:
    """The first meeting strictly after `after`, on the series' weekday and time."""
    zone = parse_zone(series.timezone)
    day = after.astimezone(zone).date()
    at = parse_time(series.at)
    for ahead in range(8):
        candidate = day + timedelta(days=ahead)
        if candidate.weekday() == series.weekday:
            instant = local_to_utc(candidate, at, zone)
            if instant > after:
                return instant
    raise AssertionError("the weekday comes round within eight days")


def next_meeting(series: OneOnOne, previous: datetime) -> datetime:
    """The meeting `every_weeks` after `previous`, at the same local time (whatever the clocks
    did in between)."""
    zone = parse_zone(series.timezone)
    day = previous.astimezone(zone).date() + timedelta(weeks=series.every_weeks)
    return local_to_utc(day, parse_time(series.at), zone)


def cadence_words(series: OneOnOne) -> str:
    """'every 2 weeks on Tue', in the language in force."""
    n = series.every_weeks
    every = ngettext("every week on {day}", "every {n} weeks on {day}", n)
    return every.format(n=n, day=weekday_name(series.weekday))


def weekday_name(weekday: int) -> str:
    """A weekday (0 is Monday) in a sentence: English's short "Tue"; German and Spanish write it
    whole ("Dienstag", "martes"), their short forms ("Di.", "mar") read poorly there."""
    language = current()
    if language == DEFAULT:
        return WEEKDAYS[weekday].capitalize()
    return str(get_day_names("wide", locale=language)[weekday])


def when_for(instant: datetime, zone_name: str) -> str:
    """A meeting's time in the reader's zone: 'Tue 8 Dec 10:00 (Europe/Berlin)'."""
    try:
        zone = parse_zone(zone_name)
    except CadenceError:
        zone = parse_zone("UTC")
    local = instant.astimezone(zone)
    return f"{day(local.date())} {local:%H:%M} ({zone.key})"


def zone_of(tenant: Tenant, person: Person) -> str:
    """The person's own time zone (or their team's, or the org's)."""
    return person_cadence(person, settings_of(tenant)).zone.key
