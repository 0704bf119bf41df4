"""Away, as rules: a status that says so until it expires, a public holiday where someone is
(their country, else the one their zone belongs to), a check-in just done."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.core.ports import Status
from bot.notify.away import (
    AwaySigns,
    Presence,
    away_by_status,
    country_of,
    public_holiday,
    signs_of,
    up_to_date,
)
from storage.models import Person, Tenant

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
SIGNS = AwaySigns()


def test_a_status_says_away_by_its_emoji_or_its_words_until_it_expires() -> None:
    assert away_by_status(Status(":palm_tree:"), SIGNS, NOW)
    assert away_by_status(Status(":coffee:", "OOO until Monday"), SIGNS, NOW)
    assert away_by_status(Status("", "Out of office, back on the 14th"), SIGNS, NOW)
    assert away_by_status(Status("", "Urlaub"), SIGNS, NOW)
    assert not away_by_status(Status(":palm_tree:", "", NOW - timedelta(minutes=1)), SIGNS, NOW)
    assert not away_by_status(Status(":coffee:", "in a meeting"), SIGNS, NOW)
    assert not away_by_status(Status("", "Looking at the sicknote template"), SIGNS, NOW)
    assert not away_by_status(None, SIGNS, NOW)


def test_the_org_names_its_own_signs() -> None:
    tenant = Tenant(id="t", platform="slack", external_id="T", settings={})
    assert signs_of(tenant) == SIGNS
    tenant.settings = {"away": {"emoji": [":ski:"], "words": ["sabbatical"]}}
    signs = signs_of(tenant)
    assert away_by_status(Status(":ski:"), signs, NOW)
    assert away_by_status(Status("", "On sabbatical"), signs, NOW)
    assert not away_by_status(Status(":palm_tree:"), signs, NOW)


def test_public_holidays_of_a_country_or_of_the_zone_it_belongs_to() -> None:
    person = Person(tenant_id="t", email="a@x.com")
    assert country_of(person, "Europe/Berlin") == "DE"
    assert country_of(person, "America/New_York") == "US"
    assert country_of(person, "UTC") is None
    person.country = "es"
    assert country_of(person, "Europe/Berlin") == "ES"
    assert public_holiday("DE", date(2026, 10, 3)) == "German Unity Day"
    assert public_holiday("ES", date(2026, 1, 6)) is not None  # Epiphany
    assert public_holiday("US", date(2026, 11, 26)) is not None  # Thanksgiving
    assert public_holiday("GB", date(2026, 11, 26)) is None
    assert public_holiday("XX", date(2026, 1, 1)) is None
    assert public_holiday(None, date(2026, 1, 1)) is None


def test_a_check_in_just_done_leaves_the_next_period_nothing_to_ask() -> None:
    start, end = NOW, NOW + timedelta(days=7)
    assert up_to_date(Presence(updated_at=NOW - timedelta(hours=3)), start, end)
    assert up_to_date(Presence(updated_at=NOW - timedelta(days=1, hours=18)), start, end)
    assert not up_to_date(Presence(updated_at=NOW - timedelta(days=3)), start, end)
    daily = NOW + timedelta(days=1)
    assert up_to_date(Presence(updated_at=NOW - timedelta(hours=5)), start, daily)
    assert not up_to_date(Presence(updated_at=NOW - timedelta(hours=7)), start, daily)
    assert not up_to_date(Presence(), start, end)
