"""One cap for every free-text answer, through the engine: a check-in answer typed in chat or in
the form, a feedback answer, a pulse comment. Over it: the same friendly words, nothing stored,
and the question still asked."""

from __future__ import annotations

import itertools

import pytest
from sqlmodel import select

from bot.core.events import FormSubmitted, TextReceived
from bot.core.limits import MAX_FREE_TEXT, TOO_LONG
from bot.core.messages import Form, Question
from bot.engine import Engine
from storage.db import Database
from storage.models import Answer, FeedbackAnswer, FeedbackInvite, SurveyInvite, SurveyResponse
from tests.bot.conftest import Org
from tests.bot.org_world import OrgSpec, World, seed_world
from tests.conftest import RecordingOutbox

OVER = "a few words " * (MAX_FREE_TEXT // 12) + "and then some more"
AT_THE_CAP = "x" * MAX_FREE_TEXT
_ids = itertools.count()


async def say(engine: Engine, org: Org, text: str) -> None:
    await engine.handle(TextReceived(org.alan, text, f"cap{next(_ids)}"))


async def stored_answers(database: Database) -> dict[str, Answer]:
    async with database.session() as session:
        return {a.question_key: a for a in (await session.exec(select(Answer))).all()}


def test_the_long_answer_is_over_the_cap() -> None:
    assert len(OVER.strip()) > MAX_FREE_TEXT
    assert TOO_LONG.startswith("That's long: keep it under 2,000 characters")


@pytest.mark.parametrize("question", ["blockers", "wins"])
async def test_a_checkin_answer_over_the_cap_is_refused_and_the_question_stays(
    engine: Engine, org: Org, outbox: RecordingOutbox, sqlite_db: Database, question: str
) -> None:
    skips = 6 if question == "blockers" else 7  # the key results' six, then blockers
    for reply in ("checkin now", *["skip"] * skips):
        await say(engine, org, reply)
    asked = outbox.sent[-1][1]
    assert isinstance(asked, Question)
    await say(engine, org, OVER)
    assert outbox.texts()[-1] == TOO_LONG
    assert question not in await stored_answers(sqlite_db)
    # The question is still the one waiting: the next reply answers it.
    await say(engine, org, AT_THE_CAP)
    assert (await stored_answers(sqlite_db))[question].text == AT_THE_CAP


async def test_a_form_answer_over_the_cap_is_refused_and_nothing_is_stored(
    engine: Engine, org: Org, sqlite_db: Database
) -> None:
    form = await engine.checkin_form(org.alan)
    assert isinstance(form, Form)
    values = {"blockers": "none", "wins": OVER, "mood": "4"}
    handled = await engine.handle(FormSubmitted(org.alan, form.form_id, values, "cap-form"))
    assert handled.form_errors == {"wins": TOO_LONG}
    assert await stored_answers(sqlite_db) == {}


# -- feedback and pulse ---------------------------------------------------------------------------

PEOPLE: OrgSpec = {
    "ada": ("Ada Admin", None, True, "Leads"),
    "mo": ("Mo Manager", None, False, "Leads"),
    "gil": ("Gil Giver", "mo", False, "Leads"),
}


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    return await seed_world(sqlite_db, PEOPLE)


async def test_a_feedback_answer_over_the_cap_gets_the_same_words_and_is_asked_again(
    world: World,
) -> None:
    await world.command("mo", "feedback", "request @gil from @ada")
    await world.say("ada", OVER)
    assert world.last("ada") == TOO_LONG
    async with world.database.session() as session:
        (invite,) = (await session.exec(select(FeedbackInvite))).all()
    assert (invite.asking or 0) == 0 and invite.draft == []
    await world.say("ada", AT_THE_CAP)
    await world.say("ada", "skip")
    async with world.database.session() as session:
        (answer,) = (await session.exec(select(FeedbackAnswer))).all()
    assert answer.answers == [AT_THE_CAP, ""]


async def test_a_pulse_comment_over_the_cap_gets_the_same_words_and_is_asked_again(
    world: World,
) -> None:
    await world.command("ada", "pulse", "send Notes to everyone: text Anything else?")
    await world.say("gil", OVER)
    assert world.to("gil")[-2] == TOO_LONG  # and the question, asked again below it
    async with world.database.session() as session:
        assert (await session.exec(select(SurveyResponse))).all() == []
        invite = (
            await session.exec(select(SurveyInvite).where(SurveyInvite.draft != None))  # noqa: E711
        ).all()
    assert all(not i.draft for i in invite)
    await world.say("gil", AT_THE_CAP)
    async with world.database.session() as session:
        (response,) = (await session.exec(select(SurveyResponse))).all()
    assert response.answers == {"q1": AT_THE_CAP}
