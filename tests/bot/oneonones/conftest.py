"""Ada (an admin), Mo, Ana (his report) and Pat, all in UTC, on Monday 2 March 2026 at 10:00;
and the steps most 1:1 tests take."""

from __future__ import annotations

import pytest

from app.scheduling import build_scheduler
from bot.core.messages import Card, Question
from storage.db import Database
from tests.bot.org_world import World, seed_world


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    return await seed_world(
        sqlite_db,
        {
            "ada": ("Ada Admin", None, True, None),
            "mo": ("Mo Manager", None, False, "Growth"),
            "ana": ("Ana Lopez", "mo", False, "Growth"),
            "pat": ("Pat Peer", None, False, "Growth"),
        },
    )  # the clock: Monday 2 March 2026, 10:00 UTC, everyone in UTC


async def tick(world: World) -> None:
    await build_scheduler(world.engine, 1).run_until_idle()


def cards(world: World, who: str) -> list[Card]:
    return [m for m in world.messages_to(who) if isinstance(m, Card)]


def agenda(card: Card) -> dict[str, list[tuple[str, str]]]:
    return {s.title: [(f.label, f.value) for f in s.fields] for s in card.sections}


async def set_up(world: World) -> None:
    await world.say("mo", "1on1 with <@U_ANA> every 2 weeks tue 10:00")
    assert world.last("mo") == (
        "Asked Ana Lopez to confirm a 1:1 every 2 weeks on Tue at 10:00 (UTC). "
        "I'll tell you when they answer."
    )
    [asked] = [m for m in world.messages_to("ana") if isinstance(m, Question)]
    assert "Mo Manager asks for a 1:1 with you every 2 weeks on Tue at 10:00 (UTC)" in asked.text
    assert "Tue 3 Mar 10:00 (UTC)" in asked.text
    await world.click("ana", asked.prompt_id, "confirm")
    assert world.last("ana").startswith("Confirmed: a 1:1 with Mo Manager every 2 weeks on Tue")
    assert "Ana Lopez confirmed your 1:1: the first is Tue 3 Mar 10:00 (UTC)" in world.last("mo")
