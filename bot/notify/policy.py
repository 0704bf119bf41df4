"""When and what the bot may send someone: their quiet hours (by default 19:00 to 08:00 their
time, and weekends), and the kinds of message they turned off. Pure rules: no database, no
sending. The org sets the defaults and may lock a kind on; a person's own choices override the
defaults, never a lock. Their own replies are never held: only what the bot sends on its own.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from bot.checkins.cadence import local_to_utc

WEEKEND = (5, 6)  # Saturday, Sunday
MOST_DAYS = 8  # a quiet stretch ends within a weekend and a night


class Kind(Enum):
    """The kinds of message a person may turn off."""

    REMINDERS = "reminders"
    BLOCKER_ALERTS = "blocker alerts"
    FEEDBACK_REMINDERS = "feedback reminders"
    PULSE_REMINDERS = "pulse reminders"
    KUDOS = "kudos"
    ONEONONE_NUDGES = "1:1 nudges"


@dataclass(frozen=True)
class Quiet:
    """Quiet hours, local: from `start` to `end` (across midnight when start > end; none when
    equal), and the whole weekend when `weekends`."""

    start: time = time(19, 0)
    end: time = time(8, 0)
    weekends: bool = True

    def covers(self, moment: datetime) -> bool:
        """Whether a local moment falls in quiet hours."""
        if self.weekends and moment.weekday() in WEEKEND:
            return True
        at = moment.time()
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= at < self.end
        return at >= self.start or at < self.end


@dataclass(frozen=True)
class Choices:
    """What one person chose; None where they left the org's default."""

    quiet: Quiet | None = None
    off: frozenset[Kind] | None = None


@dataclass(frozen=True)
class OrgDefaults:
    quiet: Quiet = Quiet()
    off: frozenset[Kind] = frozenset()
    locked_on: frozenset[Kind] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Settings:
    """What holds for one person: their choices over the org's defaults, the org's locks over
    both."""

    quiet: Quiet
    off: frozenset[Kind]

    def allows(self, kind: Kind) -> bool:
        return kind not in self.off


def settings_for(choices: Choices, org: OrgDefaults) -> Settings:
    off = choices.off if choices.off is not None else org.off
    return Settings(choices.quiet or org.quiet, frozenset(off) - org.locked_on)


def quiet_until(quiet: Quiet, zone: ZoneInfo, now: datetime) -> datetime | None:
    """When the quiet hours `now` falls in end (UTC), or None when it falls in none: the first
    local minute after `now` that isn't quiet. Quiet only ends when the night does (at `end`) or
    a weekend does (at midnight), so the earliest of those that isn't quiet is the one."""
    local = now.astimezone(zone)
    if not quiet.covers(local):
        return None
    day = local.date()
    for ahead in range(MOST_DAYS):
        ends = sorted(e for e in _ends_on(quiet, day + timedelta(days=ahead), zone) if e > now)
        if ends:
            return ends[0]
    raise AssertionError("quiet hours end within eight days")


def _ends_on(quiet: Quiet, day: date, zone: ZoneInfo) -> list[datetime]:
    """The moments of `day` at which quiet hours may end, that aren't quiet themselves."""
    if quiet.weekends and day.weekday() in WEEKEND:
        return []
    times = {time(0, 0)} | ({quiet.end} if quiet.start != quiet.end else set())
    instants = (local_to_utc(day, at, zone) for at in times)
    return [i for i in instants if not quiet.covers(i.astimezone(zone))]


def turned_off(kinds: Collection[Kind], settings: Settings) -> bool:
    """Whether a message of these kinds is off for the person: any of them off."""
    return any(not settings.allows(kind) for kind in kinds)
