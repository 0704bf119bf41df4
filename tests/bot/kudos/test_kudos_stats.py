"""`kudos stats [team] [quarter]`: kudos given and received per person and per value, for a
manager about the people under them and for admins about anyone; counts only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.messages import Card
from storage.db import Database
from tests.bot.org_world import World, seed_world


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    world = await seed_world(
        sqlite_db,
        {
            "ada": ("Ada Admin", None, True, None),
            "mo": ("Mo Manager", None, False, "Growth"),
            "ana": ("Ana Lopez", "mo", False, "Growth"),
            "ben": ("Ben Report", "mo", False, "Growth"),
            "cy": ("Cy Quiet", "mo", False, "Growth"),
            "zed": ("Zed Sales", None, False, "Sales"),
        },
    )
    await world.say("ada", 'kudos values add "Customer first" #customer-first')
    await world.say("ada", 'kudos values add "Craft" #craft')
    await world.say("ben", "kudos <@U_ANA> for the launch #customer-first #craft")
    await world.say("zed", "kudos <@U_ANA> <@U_BEN> for the demo #customer-first")
    await world.say("ana", "kudos <@U_ZED> for the deal #craft private")
    world.clock.current = datetime(2026, 4, 2, 10, 0, tzinfo=UTC)  # the next quarter
    await world.say("ana", "kudos <@U_BEN> for the fix #craft")
    return world


def stats(world: World, who: str) -> Card:
    card = world.messages_to(who)[-1]
    assert isinstance(card, Card), card
    return card


def fields(card: Card, title: str) -> list[tuple[str, str]]:
    section = next(s for s in card.sections if s.title == title)
    return [(f.label, f.value) for f in section.fields]


async def test_a_manager_sees_their_org_per_person_and_per_value(world: World) -> None:
    await world.command("mo", "kudos", "stats 2026-Q1")
    card = stats(world, "mo")
    assert card.title == "Kudos in 2026-Q1: your org"
    assert fields(card, "People") == [
        ("Ana Lopez", "received 2 · given 1"),  # the private one she gave counts
        ("Ben Report", "received 1 · given 1"),
    ]
    people = next(s for s in card.sections if s.title == "People")
    assert people.text == "3 kudos, 2 people recognised. None yet for Cy Quiet."
    assert fields(card, "Values") == [
        ("Customer first #customer-first", "2"),
        ("Craft #craft", "2"),
    ]
    assert "the deal" not in card.fallback_text() and "launch" not in card.fallback_text()

    await world.command("mo", "kudos", "stats")  # this quarter: 2026-Q2
    assert fields(stats(world, "mo"), "People") == [
        ("Ben Report", "received 1 · given 0"),
        ("Ana Lopez", "received 0 · given 1"),
    ]


async def test_admins_see_anyone_and_teams_by_name(world: World) -> None:
    await world.command("ada", "kudos", "stats sales Q1 2026")
    card = stats(world, "ada")
    assert card.title == "Kudos in 2026-Q1: Sales"
    assert fields(card, "People") == [("Zed Sales", "received 1 · given 1")]
    await world.command("ada", "kudos", "stats 2026-Q1")
    assert stats(world, "ada").title == "Kudos in 2026-Q1: everyone"


async def test_who_may_not_and_bad_words(world: World) -> None:
    await world.command("ben", "kudos", "stats")
    assert world.last("ben") == (
        "kudos stats is for managers, about the people under them, and for admins."
    )
    await world.command("mo", "kudos", "stats Sales")
    assert (
        world.last("mo") == "The Sales kudos stats are for the managers of all of it, and admins."
    )
    await world.command("mo", "kudos", "stats Nowhere")
    assert world.last("mo") == "Which team? kudos stats TEAM [quarter]. Teams: Growth, Sales."
    await world.command("mo", "kudos", "stats Growth 2026-Q5")
    assert "is not a quarter" in world.last("mo")
