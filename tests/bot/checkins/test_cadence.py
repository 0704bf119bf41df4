"""Periods in each person's own time zone: DST, odd offsets, every N weeks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.checkins.cadence import (
    CadenceError,
    local_to_utc,
    make_cadence,
    next_period,
    parse_days,
    period_at,
)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon", (0,)),
        ("Mon,Thu", (0, 3)),
        ("mon thu", (0, 3)),
        ("thursday", (3,)),
        ("mon-fri", (0, 1, 2, 3, 4)),
        ("fri-mon", (0, 4, 5, 6)),
        ("weekdays", (0, 1, 2, 3, 4)),
        ("daily", tuple(range(7))),
        ("sat;sun", (5, 6)),
    ],
)
def test_days_are_read_in_the_ways_people_write_them(text: str, days: tuple[int, ...]) -> None:
    assert parse_days(text) == days


@pytest.mark.parametrize("bad", ["", "funday", "mo", "mongoose"])
def test_unknown_days_are_a_clear_error(bad: str) -> None:
    with pytest.raises(CadenceError):
        parse_days(bad)


@pytest.mark.parametrize("bad", [("fri", "25:00", 1), ("fri", "9", 1), ("fri", "09:00", 3)])
def test_bad_times_and_repeats_are_refused(bad: tuple[str, str, int]) -> None:
    with pytest.raises(CadenceError):
        make_cadence(*bad, "UTC")


def test_an_unknown_zone_is_refused() -> None:
    with pytest.raises(CadenceError, match="not a time zone"):
        make_cadence("fri", "09:00", 1, "Mars/Olympus")


def test_nine_on_monday_stays_nine_local_across_dst() -> None:
    cadence = make_cadence("mon", "09:00", 1, "Europe/Berlin")
    before = period_at(cadence, utc(2026, 3, 24))  # opened Mon 23 Mar, CET (UTC+1)
    after = next_period(cadence, before)  # Mon 30 Mar, CEST (UTC+2)
    assert before.start == utc(2026, 3, 23, 8)
    assert after.start == utc(2026, 3, 30, 7)
    assert after.start.astimezone(cadence.zone).time() == time(9, 0)


def test_a_skipped_local_time_moves_to_the_next_valid_minute() -> None:
    # 02:30 does not exist in New York on 8 March 2026: clocks jump from 02:00 to 03:00.
    instant = local_to_utc(date(2026, 3, 8), time(2, 30), ZoneInfo("America/New_York"))
    assert instant.astimezone(ZoneInfo("America/New_York")).time() == time(3, 0)


def test_a_repeated_local_time_means_its_first_occurrence() -> None:
    # 01:30 happens twice in New York on 1 November 2026; the first is EDT (UTC-4).
    instant = local_to_utc(date(2026, 11, 1), time(1, 30), ZoneInfo("America/New_York"))
    assert instant == utc(2026, 11, 1, 5, 30)


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Asia/Kolkata", utc(2026, 11, 20, 3, 30)),  # +05:30
        ("Asia/Kathmandu", utc(2026, 11, 20, 3, 15)),  # +05:45
        ("Australia/Lord_Howe", utc(2026, 11, 19, 22, 0)),  # +11:00 in summer (half-hour DST)
        ("Pacific/Kiritimati", utc(2026, 11, 19, 19, 0)),  # +14:00
        ("Etc/GMT+12", utc(2026, 11, 20, 21, 0)),  # -12:00
    ],
)
def test_odd_offsets_open_at_the_local_minute(zone: str, expected: datetime) -> None:
    cadence = make_cadence("fri", "09:00", 1, zone)
    assert period_at(cadence, utc(2026, 11, 25)).start == expected


def test_a_period_lasts_until_the_next_check_in_day() -> None:
    cadence = make_cadence("mon,thu", "09:30", 1, "UTC")
    period = period_at(cadence, utc(2026, 11, 25, 12))  # a Wednesday
    assert (period.label, period.end) == ("2026-11-23", utc(2026, 11, 26, 9, 30))
    assert period_at(cadence, utc(2026, 11, 26, 9, 29)).label == "2026-11-23"
    assert period_at(cadence, utc(2026, 11, 26, 9, 30)).label == "2026-11-26"


def test_every_two_weeks_skips_the_odd_weeks() -> None:
    cadence = make_cadence("fri", "15:00", 2, "UTC")
    period = period_at(cadence, utc(2026, 11, 25))
    assert (period.end - period.start).days == 14
    assert next_period(cadence, period).start == period.end
