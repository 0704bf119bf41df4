"""Quiet hours and kinds turned off, as pure rules: across zones and clock changes, a quiet
moment ends at the first local minute that isn't quiet; choices override the org's defaults,
never its locks."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.notify.policy import (
    Choices,
    Kind,
    OrgDefaults,
    Quiet,
    quiet_until,
    settings_for,
    turned_off,
)

BERLIN = ZoneInfo("Europe/Berlin")
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe"]
moments = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
times = st.times().map(lambda t: t.replace(second=0, microsecond=0))
quiets = st.builds(Quiet, times, times, st.booleans())


def at(zone: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=zone).astimezone(UTC)


def test_the_default_quiet_hours_are_nights_and_weekends() -> None:
    quiet = Quiet()
    friday_evening = at(BERLIN, 2026, 12, 4, 21, 0)
    assert quiet_until(quiet, BERLIN, friday_evening) == at(BERLIN, 2026, 12, 7, 8, 0)
    assert quiet_until(quiet, BERLIN, at(BERLIN, 2026, 12, 8, 21, 0)) == at(
        BERLIN, 2026, 12, 9, 8, 0
    )
    assert quiet_until(quiet, BERLIN, at(BERLIN, 2026, 12, 9, 7, 59)) == at(
        BERLIN, 2026, 12, 9, 8, 0
    )
    assert quiet_until(quiet, BERLIN, at(BERLIN, 2026, 12, 9, 8, 0)) is None
    assert quiet_until(quiet, BERLIN, at(BERLIN, 2026, 12, 9, 18, 59)) is None


def test_a_night_that_ends_in_a_clock_change_ends_at_its_local_time() -> None:
    # Berlin springs forward on Sunday 29 March 2026: Monday 08:00 is 06:00 UTC, not 07:00.
    saturday = at(BERLIN, 2026, 3, 28, 12, 0)
    assert quiet_until(Quiet(), BERLIN, saturday) == datetime(2026, 3, 30, 6, 0, tzinfo=UTC)


def test_no_night_hours_and_no_weekends_is_never_quiet() -> None:
    never = Quiet(time(0, 0), time(0, 0), weekends=False)
    assert quiet_until(never, BERLIN, at(BERLIN, 2026, 12, 5, 3, 0)) is None


@settings(max_examples=300)
@given(quiet=quiets, zone=st.sampled_from(ZONES), now=moments)
def test_quiet_ends_at_the_first_moment_that_isnt_quiet(
    quiet: Quiet, zone: str, now: datetime
) -> None:
    tz = ZoneInfo(zone)
    end = quiet_until(quiet, tz, now)
    if end is None:
        assert not quiet.covers(now.astimezone(tz))
        return
    assert end > now and not quiet.covers(end.astimezone(tz))
    # Quiet all the way: on the hour, and the minute before the end.
    probe = now
    while probe < end - timedelta(minutes=1):
        assert quiet.covers(probe.astimezone(tz)), probe
        probe += timedelta(hours=1)
    assert quiet.covers((end - timedelta(minutes=1)).astimezone(tz))


def test_choices_override_defaults_but_never_a_lock() -> None:
    org = OrgDefaults(off=frozenset({Kind.PULSE_REMINDERS}), locked_on=frozenset({Kind.REMINDERS}))
    default = settings_for(Choices(), org)
    assert not default.allows(Kind.PULSE_REMINDERS) and default.allows(Kind.KUDOS)
    mine = settings_for(Choices(off=frozenset({Kind.KUDOS, Kind.REMINDERS})), org)
    assert not mine.allows(Kind.KUDOS)
    assert mine.allows(Kind.REMINDERS)  # locked on by the org
    assert mine.allows(Kind.PULSE_REMINDERS)  # their own choice: everything else on
    assert turned_off([Kind.KUDOS, Kind.REMINDERS], mine)
    assert not turned_off([Kind.REMINDERS], mine)
    late = Quiet(time(22, 0), time(7, 0), weekends=False)
    assert settings_for(Choices(quiet=late), org).quiet == late
