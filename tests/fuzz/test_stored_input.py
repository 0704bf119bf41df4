"""Input a database refuses: NUL in text (PostgreSQL), half an emoji (a lone surrogate, which
a JSON escape can carry; both databases), ids longer than their column (PostgreSQL). Found by
reading the fuzzing's inputs against the schema; checked here on both databases."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.core.events import TextReceived
from bot.engine.engine import SORRY
from bot.imports.goals_import import import_goals
from storage.db import Database
from storage.models import Answer, ProcessedEvent, Survey
from tests.bot.org_world import TENANT, World, seed_world
from tests.fuzz.test_fuzz_commands import GOALS, PEOPLE
from tests.seeded import SEEDED_AT


@pytest.fixture
async def world(any_db: Database) -> World:
    world = await seed_world(any_db, PEOPLE)
    assert not (await import_goals(any_db, TENANT, GOALS, "goals.yaml", now=SEEDED_AT)).problems
    return world


async def test_a_nul_or_half_an_emoji_in_an_answer_is_dropped_not_a_failure(world: World) -> None:
    await world.command("sid", "checkin", "now")
    for reply in ("400", "7", "20", "7", "yes", "blocked\x00 by review", "shipped \ud83dit", "4"):
        await world.say("sid", reply)
    assert not any(SORRY in text for text in world.to("sid"))
    async with world.database.session() as session:
        texts = {a.text for a in (await session.exec(select(Answer))).all() if a.text}
    assert {"blocked by review", "shipped ?it"} <= texts


async def test_a_nul_in_a_survey_title_is_dropped_not_a_failure(world: World) -> None:
    await world.command("ada", "pulse", "send Q\x00uick to everyone: text Anything\x00 new?")
    assert any(text.startswith("Sent “Quick”") for text in world.to("ada"))  # she's asked too
    async with world.database.session() as session:
        [survey] = (await session.exec(select(Survey))).all()
    assert survey.questions[0]["text"] == "Anything new?"


@pytest.mark.parametrize("event_id", ["e" * 500, "ev\x00nt", "ev\ud83dnt"])
async def test_an_event_id_the_column_cant_hold_is_still_deduped(
    world: World, event_id: str
) -> None:
    event = TextReceived(world.actor("sid"), "help", event_id)
    first = await world.engine.handle(event)
    again = await world.engine.handle(event)
    assert first.replies and not any(SORRY in m.fallback_text() for m in first.replies)
    assert again.duplicate
    async with world.database.session() as session:
        [seen] = (await session.exec(select(ProcessedEvent))).all()
    assert seen.event_id.startswith("sha256:") and len(seen.event_id) <= 200
