"""Quarters as objectives name them ("2027-Q1"): read as people type them, and placed in time.

A quarter is the person's own: the one their local date falls in, so an objective set on
New Year's Eve in Sydney belongs to the new quarter there."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.checkins.cadence import person_cadence
from bot.core.i18n import catalog
from storage.models import Person, Tenant
from storage.settings import settings_of

_, ngettext = catalog("bot.goals")

CLOSE_OUT_DAYS = 7  # the quarter's last week: its objectives are closed and graded
SET_UP_DAYS = 7  # the quarter's first week: people with no goals for it are asked to set some

# "2027-Q1", "2027 Q1", "Q1 2027", "q1-2027", "2027q1"
_YEAR_FIRST = re.compile(r"^(\d{4})[\s\-/]*q([1-4])$")
_QUARTER_FIRST = re.compile(r"^q([1-4])[\s\-/]*(\d{4})$")


class PeriodError(ValueError):
    """Words that don't name a quarter; the message is shown to the person as is."""


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1..4

    @property
    def label(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def in_last_week(self, day: date) -> bool:
        return self.last_day - timedelta(days=CLOSE_OUT_DAYS - 1) <= day <= self.last_day

    def in_first_week(self, day: date) -> bool:
        return self.first_day <= day < self.first_day + timedelta(days=SET_UP_DAYS)


def quarter_of_day(day: date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def local_now(person: Person, tenant: Tenant, now: datetime) -> datetime:
    """The person's own time now, in their time zone (or their team's or org's)."""
    return now.astimezone(person_cadence(person, settings_of(tenant)).zone)


def local_day(person: Person, tenant: Tenant, now: datetime) -> date:
    return local_now(person, tenant, now).date()


def current_quarter(person: Person, tenant: Tenant, now: datetime) -> Quarter:
    return quarter_of_day(local_day(person, tenant, now))


def parse_quarter(text: str) -> Quarter:
    """'2027-Q1', 'Q1 2027', '2027q1' -> Quarter; anything else is a PeriodError."""
    words = " ".join(text.lower().split())
    year_first, quarter_first = _YEAR_FIRST.match(words), _QUARTER_FIRST.match(words)
    if year_first:
        year, number = int(year_first.group(1)), int(year_first.group(2))
    elif quarter_first:
        number, year = int(quarter_first.group(1)), int(quarter_first.group(2))
    else:
        raise PeriodError(
            _("“{text}” is not a quarter; write it like 2027-Q1.").format(text=text[:20])
        )
    if not 2000 <= year <= 2999:
        raise PeriodError(
            _("{year} is not a year goals are set for; write it like 2027-Q1.").format(year=year)
        )
    return Quarter(year, number)


def looks_like_quarter(text: str) -> bool:
    try:
        parse_quarter(text)
    except PeriodError:
        return False
    return True


def of_quarter(period: str, quarter: Quarter) -> bool:
    """Whether an objective of `period` belongs in `quarter`'s views: its own, or a period that
    is no quarter at all (a year, "ongoing"), which every quarter shows."""
    return period == quarter.label or not looks_like_quarter(period)
