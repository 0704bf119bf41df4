"""What a pulse answer keeps: a comment that says there's nothing to say is no comment, and a
clicked question loses its buttons like a check-in's."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.core.events import ChoiceSelected
from bot.core.messages import Answered, Question
from bot.engine import Engine
from storage.db import Database
from storage.models import SurveyResponse
from tests.bot.checkins.test_checkin_flow import UpdatingOutbox
from tests.bot.org_world import OrgSpec, World, seed_world

PLATFORM = [f"p{n}" for n in range(1, 7)]
PEOPLE: OrgSpec = {
    "mo": ("Mo Manager", None, False, "Leads"),
    **{p: (f"Plat {p}", "mo", False, "Platform") for p in PLATFORM},
}


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    return await seed_world(sqlite_db, PEOPLE)


async def answer(world: World, who: str, comment: str) -> None:
    for reply in ("9", "4", "5", comment):
        await world.say(who, reply)


async def test_a_comment_of_none_is_no_comment(world: World) -> None:
    await world.command("mo", "pulse", "send engagement to team Platform")
    comments = ("none", "None.", "-", "n/a", "skip", "more demos")
    for who, comment in zip(PLATFORM, comments, strict=True):
        await answer(world, who, comment)
    async with world.database.session() as session:
        responses = (await session.exec(select(SurveyResponse))).all()
    assert sorted(str(r.answers.get("q4")) for r in responses) == ["None"] * 5 + ["more demos"]
    await world.command("mo", "pulse", "results 1")
    results = world.last("mo")
    assert "more demos" in results and "“none”" not in results.lower()


async def test_a_clicked_pulse_question_shows_its_answer_without_buttons(
    world: World, sqlite_db: Database
) -> None:
    outbox = UpdatingOutbox()
    world.engine = Engine(sqlite_db, outbox, world.clock)
    await world.command("mo", "pulse", "send engagement to team Platform")
    question = next(m for to, m in outbox.sent if to.user == "U_P1")
    assert isinstance(question, Question)
    shown = {"ts": "clicked"}
    click = ChoiceSelected(world.actor("p1"), question.prompt_id, "9", "click-1", shown)
    await world.engine.handle(click)
    ((ref, message),) = outbox.updates
    assert ref == shown and isinstance(message, Answered) and message.answer == "9"
    assert message.question.prompt_id == question.prompt_id
