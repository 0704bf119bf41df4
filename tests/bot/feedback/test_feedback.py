"""Feedback requests through the engine: who may ask, givers answering in chat, what the
requester and the subject see, anonymity, unasked feedback and the inbox."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import select

from app.export import export_org
from app.scheduling import build_scheduler
from bot.core.events import Actor, TextReceived
from bot.core.messages import Question
from bot.core.ports import Profile
from bot.feedback.flow import FeedbackFlow
from storage.db import Database
from storage.models import FeedbackAnswer, FeedbackInvite, FeedbackRequest, Person
from storage.repository import Store
from tests.bot.org_world import TENANT, OrgSpec, World, seed_world
from tests.seeded import SEEDED_AT

# Mo manages Rae, who manages Sid; Ada is an admin; the rest are peers with no reports.
PEOPLE: OrgSpec = {
    "ada": ("Ada Admin", None, True, None),
    "mo": ("Mo Manager", None, False, None),
    "rae": ("Rae Lead", "mo", False, None),
    "sid": ("Sid Dev", "rae", False, None),
    "pat": ("Pat Peer", None, False, None),
    "gil": ("Gil Giver", None, False, None),
    "gus": ("Gus Giver", None, False, None),
    "gwen": ("Gwen Giver", None, False, None),
    "hal": ("Hal Giver", None, False, None),
}


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    return await seed_world(sqlite_db, PEOPLE)


async def answer_all(world: World, giver: str, *answers: str) -> None:
    for text in answers:
        await world.say(giver, text)


# -- who may ask ---------------------------------------------------------------------------------


async def test_a_manager_may_ask_about_a_direct_report(world: World) -> None:
    await world.command("mo", "feedback", "request <@U_RAE> from <@U_GIL>")
    assert "Asked Gil Giver for feedback on Rae Lead" in world.last("mo")
    assert "would value your feedback on Rae Lead" in world.last("gil")


async def test_a_manager_may_ask_about_an_indirect_report(world: World) -> None:
    await world.command("mo", "feedback", "request <@U_SID|sid> from <@U_GIL>")
    assert "Asked Gil Giver for feedback on Sid Dev" in world.last("mo")


async def test_anyone_may_ask_about_themselves(world: World) -> None:
    await world.command("pat", "feedback", "request me from @gil")
    assert "Asked Gil Giver for feedback on yourself" in world.last("pat")
    assert "Pat Peer would value your feedback on their own work" in world.last("gil")


async def test_an_admin_may_ask_about_anyone(world: World) -> None:
    await world.command("ada", "feedback", "request pat@x.com from gil@x.com")
    assert "Asked Gil Giver for feedback on Pat Peer" in world.last("ada")


async def test_a_peer_may_not_ask_about_another_peer(world: World) -> None:
    await world.command("pat", "feedback", "request @gil from @gus")
    assert "people who report to you; Gil Giver doesn't" in world.last("pat")
    assert world.to("gus") == []
    assert await requests(world) == []


async def test_a_report_may_not_ask_about_their_manager(world: World) -> None:
    await world.command("sid", "feedback", "request @rae from @gil")
    assert "Rae Lead doesn't" in world.last("sid")
    assert await requests(world) == []


async def test_someone_from_another_org_is_not_found(world: World) -> None:
    await world.command("mo", "feedback", "request <@U_ELSEWHERE> from <@U_GIL>")
    assert "I don't know U_ELSEWHERE yet" in world.last("mo")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Say who it's about and who to ask"),
        ("@rae", "Say who it's about and who to ask"),
        ("@rae from", "Who should give the feedback?"),
        ("@rae from @nobody", "I can't find nobody"),
        ("@rae from @rae", "can't give feedback on themselves"),
        ("@rae from @gil due someday", "I can't read the date someday"),
        ("@rae from @gil due 2026-01-01", "has passed"),
        ("@rae from @gil due", "Due when?"),
        ("@rae from @gil @gus anonymous", "needs at least 3 givers"),
        ("@rae from @mo @gil @gus anonymous", "You can't be a giver on your own anonymous"),
    ],
)
async def test_bad_requests_get_a_clear_answer(world: World, text: str, says: str) -> None:
    await world.command("mo", "feedback", f"request {text}")
    assert says in world.last("mo")
    assert await requests(world) == []


# -- answering and reading ----------------------------------------------------------------------


async def test_a_named_request_answered_by_two_givers_reaches_the_requester(world: World) -> None:
    await world.command("mo", "feedback", "request @rae from @gil @gus due friday")
    assert "due Fri 6 Mar" in world.last("mo")
    first = world.outbox.sent[-1][1]
    assert isinstance(first, Question) and first.total == 2

    await answer_all(world, "gil", "Great at unblocking people", "Write things down more")
    assert "Mo will see your feedback." in world.last("gil")
    card = world.last("mo")
    assert "Feedback on Rae Lead" in card and "Gil Giver" in card
    assert "Great at unblocking people" in card and "Write things down more" in card

    await answer_all(world, "gus", "skip", "Delegate more")
    card = world.last("mo")
    assert "Gus Giver" in card and "(skipped)" in card and "Delegate more" in card
    assert world.to("rae") == []  # the subject sees nothing unless it is shared
    async with world.database.session() as session:
        (request,) = (await session.exec(select(FeedbackRequest))).all()
    assert request.status == "closed"

    await world.command("mo", "feedback", f"share {request.id}")
    assert "Shared with Rae Lead" in world.last("mo")
    assert "Great at unblocking people" in world.last("rae")


async def test_someone_asking_about_themselves_reads_the_answers(world: World) -> None:
    await world.command("pat", "feedback", "request me from @gil")
    await answer_all(world, "gil", "Clear writer", "Speak up in meetings")
    assert "Clear writer" in world.last("pat")


async def test_an_anonymous_request_holds_answers_until_three_and_hides_givers(
    world: World,
) -> None:
    await world.command("mo", "feedback", "request @rae from @gil @gus @gwen @hal anonymous")
    assert "never who wrote which" in world.last("mo")
    assert "never that you wrote it" in world.last("gil")
    sent_to_mo = len(world.to("mo"))

    await answer_all(world, "gil", "A from gil", "B from gil")
    await answer_all(world, "gus", "A from gus", "B from gus")
    assert len(world.to("mo")) == sent_to_mo  # two answers: nothing shown yet
    assert "without your name" in world.last("gus")

    await answer_all(world, "gwen", "A from gwen", "B from gwen")
    card = world.last("mo")
    assert all(f"A from {g}" in card for g in ("gil", "gus", "gwen"))
    for name in ("Gil", "Gus", "Gwen"):
        assert name not in card
    assert "arrive together when the request closes, if there are at least 3" in card
    after_three = len(world.to("mo"))

    # The fourth answer waits for the close, and then stays hidden: shown alone, it would be
    # known to come from the last to answer. So it is deleted.
    await answer_all(world, "hal", "A from hal", "B from hal")
    closing = world.to("mo")[after_three:]
    assert len(closing) == 1 and "A from hal" not in closing[0] and "Hal" not in closing[0]
    assert "closed with 1 more answer after the first ones" in closing[0]
    assert "stay hidden, and have been deleted unread" in closing[0]

    async with world.database.session() as session:
        answers = (await session.exec(select(FeedbackAnswer))).all()
        invites = (await session.exec(select(FeedbackInvite))).all()
    assert [a.giver_id for a in answers] == [None] * 3
    assert [a.created_at for a in answers] == [None] * 3
    assert all(a.released for a in answers) and "A from hal" not in str(answers)
    # Who answered is forgotten at the close; who was asked is kept.
    assert len(invites) == 4
    assert not any(i.answered or i.reminded or i.draft or i.asking is not None for i in invites)


async def test_three_later_anonymous_answers_come_out_together_at_the_close(
    world: World,
) -> None:
    await world.command(
        "mo", "feedback", "request @rae from @gil @gus @gwen @hal @pat @sid anonymous"
    )
    for giver in ("gil", "gus", "gwen"):
        await answer_all(world, giver, f"A from {giver}", f"B from {giver}")
    after_three = len(world.to("mo"))
    for giver in ("hal", "pat"):
        await answer_all(world, giver, f"A from {giver}", f"B from {giver}")
    assert len(world.to("mo")) == after_three  # held for the close
    await answer_all(world, "sid", "A from sid", "B from sid")  # the last: the request closes
    (card,) = world.to("mo")[after_three:]
    assert all(f"A from {g}" in card for g in ("hal", "pat", "sid"))
    assert not any(name in card for name in ("Hal", "Pat", "Sid"))


async def test_an_anonymous_request_closing_with_two_answers_shows_none(world: World) -> None:
    await world.command("mo", "feedback", "request @rae from @gil @gus @gwen anonymous due friday")
    await answer_all(world, "gil", "A", "B")
    await answer_all(world, "gus", "C", "D")
    async with world.database.session() as session:
        store = Store(session)
        (request,) = (await session.exec(select(FeedbackRequest))).all()
        mo = await store.person(TENANT, world.ids["mo"])
        tenant = await store.tenant(TENANT)
        assert mo is not None and tenant is not None
        flow = FeedbackFlow(store, tenant, mo, world.clock.now(), "slack")
        notices = await flow.close(request)
    assert len(notices) == 1
    (text,) = notices[0].messages
    assert "closed with 2 answers: fewer than 3" in text.fallback_text()
    assert "A" not in text.fallback_text().split(":")[0]


async def test_unasked_feedback_goes_to_the_person_with_the_givers_name(world: World) -> None:
    await world.command("pat", "feedback", "give @gil")
    assert "Feedback for Gil Giver" in world.last("pat")
    await world.say("pat", "Thanks for the <!channel> review!")
    assert "on its way" in world.last("pat")
    card = world.last("gil")
    assert "Feedback for you from Pat Peer" in card and "<!channel>" in card


async def test_a_waiting_checkin_question_asked_later_takes_the_text(world: World) -> None:
    """Free text answers whatever was asked last."""
    await world.command("mo", "feedback", "request @rae from @gil")
    world.clock.advance(minutes=5)
    await world.command("gil", "checkin", "now")
    await world.say("gil", "skip")  # answers the check-in question, not the feedback one
    async with world.database.session() as session:
        (invite,) = (await session.exec(select(FeedbackInvite))).all()
    assert invite.draft == [] and invite.asking == 0


async def test_the_inbox_lists_what_i_owe_and_what_i_asked_for(world: World) -> None:
    await world.command("mo", "feedback", "request @rae from @gil @gus")
    await answer_all(world, "gil", "One", "Two")
    await world.command("gus", "feedback", "inbox")
    owed = world.last("gus")
    assert "You owe" in owed and "about Rae Lead" in owed and "asked by Mo Manager" in owed
    await world.command("mo", "feedback", "inbox")
    mine = world.last("mo")
    assert "about Rae Lead" in mine and "1 of 2 answered, 1 shown" in mine
    await world.command("gil", "feedback", "inbox")
    assert "Nothing: you're all caught up." in world.last("gil")


async def test_feedback_help_names_the_rules(world: World) -> None:
    await world.command("pat", "feedback", "")
    assert "managers about the people who report to them" in world.last("pat")


async def requests(world: World) -> list[Any]:
    async with world.database.session() as session:
        return list((await session.exec(select(FeedbackRequest))).all())


async def test_the_scheduler_reminds_those_who_havent_answered_then_closes(world: World) -> None:
    scheduler = build_scheduler(world.engine, 1)
    await world.command("mo", "feedback", "request @rae from @gil @gus @gwen anonymous due friday")
    await answer_all(world, "gil", "A", "B")
    await scheduler.run_until_idle()
    assert not any("A reminder" in text for text in world.to("gus"))

    # A day before the due day ends, the reminder falls due at midnight: quiet hours (all in
    # UTC here) hold it until 08:00.
    world.clock.current = datetime(2026, 3, 6, 0, 0, tzinfo=UTC)
    await scheduler.run_until_idle()
    assert not any("A reminder" in text for text in world.to("gus"))
    world.clock.current = datetime(2026, 3, 6, 8, 0, tzinfo=UTC)
    await scheduler.run_until_idle()
    for giver in ("gus", "gwen"):
        assert sum("A reminder: Mo would value" in t for t in world.to(giver)) == 1
    assert not any("A reminder" in text for text in world.to("gil"))

    world.clock.current = datetime(2026, 3, 7, 0, 0, tzinfo=UTC)  # the due day has ended
    seen = len(world.to("mo"))
    await scheduler.run_until_idle()
    assert not any("closed with" in t for t in world.to("mo")[seen:])  # Mo's weekend is quiet
    world.clock.current = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
    await scheduler.run_until_idle()
    # Mo's Friday check-in prompt goes out in the same tick: the two may come in either order.
    (closed,) = [t for t in world.to("mo")[seen:] if "closed with" in t]
    assert "closed with 1 answer: fewer than 3" in closed
    assert "A" not in closed.split(":")[0]
    await world.say("gus", "Late answer")  # goes to the check-in that opened on Friday
    async with world.database.session() as session:  # the one answer, never shown, is gone
        assert (await session.exec(select(FeedbackAnswer))).all() == []
    world.clock.current = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    await scheduler.run_until_idle()
    assert sum("A reminder" in t for t in world.to("gus")) == 1  # one reminder, ever


async def test_the_export_never_ties_an_anonymous_answer_to_its_giver(world: World) -> None:
    await world.command("mo", "feedback", "request @rae from @gil @gus @gwen @hal anonymous")
    await answer_all(world, "gil", "held back one", "held back two")
    await answer_all(world, "gus", "also held", "still held")
    exported = await export_org(world.database, TENANT, world.clock.now())
    (request,) = exported["feedback"]
    assert request["answers"] == [] and request["answered"] == 2  # nothing before three
    assert "held back" not in json.dumps(exported)

    await answer_all(world, "gwen", "third", "answer")
    exported = await export_org(world.database, TENANT, world.clock.now())
    (request,) = exported["feedback"]
    assert len(request["answers"]) == 3
    assert all(set(answer) == {"answers"} for answer in request["answers"])
    assert request["givers_asked"] == ["gil@x.com", "gus@x.com", "gwen@x.com", "hal@x.com"]
    assert "giver" not in json.dumps(request["answers"])


async def test_the_export_names_the_givers_of_named_feedback(world: World) -> None:
    await world.command("mo", "feedback", "request @rae from @gil")
    await answer_all(world, "gil", "One", "Two")
    exported = await export_org(world.database, TENANT, world.clock.now())
    (request,) = exported["feedback"]
    assert request["answers"] == [
        {"giver": "gil@x.com", "at": "2026-03-02T10:00:00+00:00", "answers": ["One", "Two"]}
    ]


async def test_a_giver_first_met_after_the_request_sees_the_question_before_answering(
    world: World,
) -> None:
    """Nia was asked before the bot could reach her: her first message is not taken as an
    answer to a question she never saw; she's shown it instead."""
    async with world.database.session() as session:
        session.add(
            Person(
                tenant_id=TENANT,
                email="nia@x.com",
                name="Nia New",
                timezone="UTC",
                created_at=SEEDED_AT,
            )
        )
    await world.command("mo", "feedback", "request @rae from nia@x.com")
    assert "Not reachable yet: Nia New. They'll see the request" in world.last("mo")
    assert world.to("nia") == []
    nia = Actor("slack", "T1", "U_NIA", email="nia@x.com")
    await world.engine.handle(TextReceived(nia, "hello?", "e-nia-1"))
    shown = world.to("nia")
    assert shown[0] == "Hi! A question is waiting for you:"
    assert "would value your feedback on Rae Lead" in shown[1]
    async with world.database.session() as session:
        (invite,) = (await session.exec(select(FeedbackInvite))).all()
    assert invite.draft == []
    await world.engine.handle(TextReceived(nia, "Calm under pressure", "e-nia-2"))
    assert "(2/2)" in world.last("nia")


class Directory:
    """The platform's user lookup, as Slack's users.info answers it."""

    async def profile(self, platform: str, tenant: str, user: str) -> Profile | None:
        return Profile(email="nia@x.com", name="Nia New") if user == "U_NIA" else None


async def test_someone_mentioned_before_the_bot_met_them_is_found_on_the_platform(
    world: World,
) -> None:
    async with world.database.session() as session:
        session.add(
            Person(
                tenant_id=TENANT,
                email="nia@x.com",
                name="Nia New",
                timezone="UTC",
                created_at=SEEDED_AT,
            )
        )
    world.engine.identities.directory = Directory()
    await world.command("mo", "feedback", "request <@U_RAE> from <@U_NIA|nia>")
    assert "Asked Nia New for feedback on Rae Lead" in world.last("mo")
    assert "would value your feedback on Rae Lead" in world.last("nia")
    await world.command("mo", "feedback", "request <@U_RAE> from <@U_NOBODY>")
    assert "I don't know U_NOBODY yet" in world.last("mo")
