"""Anonymous feedback that holds across requests and in the database (SPEC 2.3): overlapping
named and anonymous requests are refused, givers are told the truth about when their answer is
shown, answers never shown are deleted at the close, no row keeps the order answers came in,
and `feedback inbox NUMBER` shows a request's answers again to those who may read them."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import select

from app.export import export_org
from bot.core.outcome import Notice
from bot.feedback.flow import FeedbackFlow
from storage.db import Database
from storage.models import FeedbackAnswer, FeedbackInvite, FeedbackRequest
from storage.repository import Store
from tests.bot.org_world import TENANT, OrgSpec, World, seed_world

GIVERS = (
    "ben", "cat", "dan", "eve", "fay", "guy", "hal", "ivy",
    "jon", "kim", "lou", "meg", "ned", "oda", "pip", "quin",
)  # fmt: skip
# Ada is an admin; Mo manages Rae; Pat is a peer; the givers have no reports.
PEOPLE: OrgSpec = {
    "ada": ("Ada Admin", None, True, None),
    "mo": ("Mo Manager", None, False, None),
    "rae": ("Rae Lead", "mo", False, None),
    "pat": ("Pat Peer", None, False, None),
    **{g: (f"{g.title()} Giver", None, False, None) for g in GIVERS},
}


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    return await seed_world(sqlite_db, PEOPLE)


async def ask(world: World, givers: str, anonymous: bool = False) -> None:
    mentions = " ".join(f"@{g}" for g in givers.split())
    await world.command(
        "mo", "feedback", f"request @rae from {mentions}" + " anonymous" * anonymous
    )


async def answer(world: World, giver: str, words: str = "") -> None:
    await world.say(giver, words or f"words of {giver}")
    await world.say(giver, "skip")


async def requests(world: World) -> list[FeedbackRequest]:
    async with world.database.session() as session:
        return list((await session.exec(select(FeedbackRequest))).all())


async def as_mo(world: World, step: str) -> list[Notice]:
    """A scheduled step (`reminders`, `close`) on the one request, as the scheduler runs it."""
    async with world.database.session() as session:
        store = Store(session)
        (request,) = (await session.exec(select(FeedbackRequest))).all()
        mo, tenant = await store.person(TENANT, world.ids["mo"]), await store.tenant(TENANT)
        assert mo is not None and tenant is not None
        flow = FeedbackFlow(store, tenant, mo, world.clock.now(), "slack")
        notices: list[Notice] = await getattr(flow, step)(request)
        return notices


# -- named and anonymous requests on the same person --------------------------------------------


async def test_named_then_anonymous_feedback_from_the_same_givers_is_refused(world: World) -> None:
    await ask(world, "ben cat")
    await ask(world, "ben cat dan", anonymous=True)
    refusal = world.last("mo")
    assert "Ben Giver and Cat Giver were also asked about Rae Lead in your request #1" in refusal
    assert "would tell who wrote the anonymous ones" in refusal
    assert "add 2 more people you haven't asked about Rae Lead in the last 90 days" in refusal
    assert "ask from Mon 1 Jun on" in refusal  # 90 days after the named request
    assert len(await requests(world)) == 1 and world.to("dan") == []


async def test_anonymous_then_named_feedback_from_the_same_givers_is_refused(world: World) -> None:
    await ask(world, "ben cat dan", anonymous=True)
    await ask(world, "ben cat")
    assert "Ben Giver and Cat Giver were also asked about Rae Lead" in world.last("mo")
    assert "Instead, ask from Mon 1 Jun on." in world.last("mo")
    await ask(world, "ben eve")
    assert "Instead, leave out Ben Giver or ask from Mon 1 Jun on." in world.last("mo")
    await ask(world, "eve")
    assert "Asked Eve Giver for feedback on Rae Lead" in world.last("mo")


async def test_two_anonymous_requests_sharing_a_giver_are_refused(world: World) -> None:
    await ask(world, "ben cat dan eve", anonymous=True)
    await ask(world, "ben fay guy hal", anonymous=True)  # Ben's words would be on both
    assert "Ben Giver was also asked about Rae Lead in your request #1" in world.last("mo")
    assert len(await requests(world)) == 1


async def test_an_anonymous_request_with_three_givers_of_its_own_is_allowed(world: World) -> None:
    await ask(world, "ben")
    await ask(world, "ben cat dan eve", anonymous=True)
    assert "never who wrote which" in world.last("mo")


async def test_the_same_givers_may_be_asked_again_ninety_days_later(world: World) -> None:
    await ask(world, "ben cat")
    world.clock.advance(days=90)
    await ask(world, "ben cat dan", anonymous=True)
    assert "never who wrote which" in world.last("mo")


# -- what givers are told ------------------------------------------------------------------------


async def test_givers_hear_when_an_anonymous_answer_is_shown_and_that_it_may_never_be(
    world: World,
) -> None:
    await ask(world, "ben cat dan eve", anonymous=True)
    first = "shown once at least 3 people have answered; if fewer do by Mon 9 Mar, no one sees"
    assert first in world.last("ben")
    await answer(world, "ben")
    thanks = world.last("ben")
    assert "Mo will see your feedback without your name, or not at all." in thanks
    assert first in thanks and "they are deleted" in thanks
    for giver in ("cat", "dan"):
        await answer(world, giver)
    assert "words of dan" in world.last("mo")  # the first three are shown

    # Eve, reminded after that, hears that hers is shown only with two more: and there are none.
    (reminder,) = await as_mo(world, "reminders")
    later = "shared already, so yours will be shown only if at least 3 more, yours included, "
    asked = "\n".join(m.fallback_text() for m in reminder.messages)
    assert later + "come in by Mon 9 Mar; if not, no one sees them and they are deleted" in asked
    await answer(world, "eve")
    assert later in world.last("eve")
    assert "words of eve" not in "\n".join(world.to("mo"))
    for giver in ("ben", "cat", "dan", "eve"):  # no giver learns how many others answered
        assert not re.search(r"\d+ (of|answered|others|more answers)", "\n".join(world.to(giver)))


async def test_answers_never_shown_are_deleted_when_the_request_closes(world: World) -> None:
    await ask(world, "ben cat dan", anonymous=True)
    await answer(world, "ben")
    await answer(world, "cat")
    (closed,) = await as_mo(world, "close")
    assert "closed with 2 answers: fewer than 3" in closed.messages[0].fallback_text()
    await world.say("dan", "late words")  # the request is gone from under Dan: said so kindly
    assert "No check-in is waiting for you" in world.last("dan")
    async with world.database.session() as session:
        assert (await session.exec(select(FeedbackAnswer))).all() == []
        invites = (await session.exec(select(FeedbackInvite))).all()
    assert len(invites) == 3 and not any(i.answered or i.reminded for i in invites)


# -- nothing in the rows follows the order answers came in ---------------------------------------


async def answer_sixteen(world: World) -> list[str]:
    """Sixteen givers answer an anonymous request one after another; the last closes it."""
    await ask(world, " ".join(GIVERS), anonymous=True)
    for number, giver in enumerate(GIVERS):
        world.clock.advance(minutes=1)
        await answer(world, giver, f"answer {number:02}")
    return [f"answer {number:02}" for number in range(len(GIVERS))]


async def rows(world: World, statement: str) -> list[Any]:
    async with world.database.engine.connect() as connection:
        return list((await connection.execute(text(statement))).all())


async def test_after_the_close_no_row_follows_the_order_answers_came_in(world: World) -> None:
    came_in = await answer_sixteen(world)
    stored = [json.loads(a)[0] for (a,) in await rows(world, _BY_ROWID)]
    # All sixteen were shown; the chance that a random order is the one they came in is 1/16!.
    assert sorted(stored) == came_in and stored != came_in
    invites = await rows(world, _INVITES_BY_ROWID)
    assert len(invites) == len(GIVERS)
    assert not any(
        answered or reminded or asking is not None for _, answered, reminded, asking in invites
    )
    assert [giver for giver, *_ in invites] != [world.ids[g] for g in GIVERS]


_BY_ROWID = "SELECT answers FROM feedbackanswer ORDER BY rowid"
_INVITES_BY_ROWID = "SELECT giver_id, answered, reminded, asking FROM feedbackinvite ORDER BY rowid"


@pytest.mark.postgres
async def test_after_the_close_no_row_follows_the_answer_order_on_postgresql(
    postgres_db: Database,
) -> None:
    world = await seed_world(postgres_db, PEOPLE)
    came_in = await answer_sixteen(world)
    by_ctid = "SELECT answers FROM feedbackanswer ORDER BY ctid"
    stored = [a[0] for (a,) in await rows(world, by_ctid)]
    assert sorted(stored) == came_in and stored != came_in
    invites = "SELECT giver_id, answered OR reminded FROM feedbackinvite ORDER BY ctid"
    found = await rows(world, invites)
    assert not any(flagged for _, flagged in found)
    assert [giver for giver, _ in found] != [world.ids[g] for g in GIVERS]
    # Every answer and invitation was written by the close's transaction: none pairs up.
    written_by = "SELECT xmin::text FROM feedbackanswer UNION SELECT xmin::text FROM feedbackinvite"
    assert len(await rows(world, written_by)) == 1


# -- reading answers again -----------------------------------------------------------------------


async def test_the_requester_reads_anonymous_answers_again_without_names(world: World) -> None:
    await ask(world, "ben cat dan eve", anonymous=True)
    for giver in ("ben", "cat", "dan"):
        await answer(world, giver)
    await world.command("mo", "feedback", "inbox")
    assert "feedback inbox NUMBER" in world.last("mo")
    await world.command("mo", "feedback", "inbox 1")
    card = world.last("mo")
    assert "Feedback on Rae Lead (#1)" in card and "Answer 3" in card
    assert all(f"words of {g}" in card for g in ("ben", "cat", "dan"))
    assert not any(name in card for name in ("Ben", "Cat", "Dan", "Eve"))


async def test_only_those_who_may_read_a_requests_answers_read_them_again(world: World) -> None:
    await ask(world, "ben")
    await answer(world, "ben", "Clear and kind")
    not_yours = "Request #1 isn't yours to see"
    for person in ("rae", "pat", "ben"):  # not shared yet; a stranger to it; the giver
        await world.command(person, "feedback", "inbox 1")
        assert not_yours in world.last(person)
    await world.command("mo", "feedback", "inbox 99")
    assert "Request #99 isn't yours to see" in world.last("mo")
    await world.command("mo", "feedback", "inbox next")
    assert "Which request? Type feedback inbox NUMBER" in world.last("mo")
    await world.command("ada", "feedback", "inbox #1")  # admins read any request
    assert "Ben Giver" in world.last("ada") and "Clear and kind" in world.last("ada")

    await world.command("mo", "feedback", "share 1")
    await world.command("rae", "feedback", "inbox 1")
    card = world.last("rae")
    assert "Clear and kind" in card and "feedback share" not in card


async def test_a_closed_anonymous_request_is_counted_by_what_stays_true(world: World) -> None:
    await ask(world, "ben cat dan eve", anonymous=True)
    for giver in ("ben", "cat", "dan", "eve"):  # Eve's, the last, is held back and deleted
        await answer(world, giver)
    await world.command("mo", "feedback", "inbox")
    assert "4 asked, 3 shown, anonymous, closed" in world.last("mo")
    exported = await export_org(world.database, TENANT, world.clock.now())
    (request,) = exported["feedback"]
    assert request["answered"] is None and len(request["answers"]) == 3


async def test_feedback_help_names_reading_answers_again(world: World) -> None:
    await world.command("pat", "feedback", "help")
    assert "feedback inbox 12" in world.last("pat")
