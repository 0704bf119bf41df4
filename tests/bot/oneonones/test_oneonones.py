"""1:1s in the engine: Mo sets one up with Ana, his report; Ana reports a blocker in a check-in;
the agenda a day before shows it seeded with its source, their points and Mo's private note to
him alone; the action item after the meeting carries over to the next agenda until it's done."""

from __future__ import annotations

from sqlmodel import select

from app.erase import JOB_KINDS
from app.export import export_org
from app.export_csv import csv_tables
from storage.erase import erase_person
from storage.models import AgendaItem, OneOnOne, OneOnOneMeeting, Person, ScheduledJob
from tests.bot.oneonones.conftest import agenda, cards, set_up, tick
from tests.bot.org_world import TENANT, World

BLOCKER = "waiting on the legal review"


async def ana_reports_a_blocker(world: World) -> None:
    await world.say("ana", "checkin now")
    for answer in (BLOCKER, "shipped the importer", "4"):
        if "saved" in world.last("ana"):
            break
        await world.say("ana", answer)
    assert "saved" in world.last("ana")


async def test_a_blocker_is_seeded_and_an_action_item_carries_over(world: World) -> None:
    await set_up(world)
    world.clock.advance(minutes=5)
    await ana_reports_a_blocker(world)
    await world.say("ana", "1on1 add Talk about the Q1 roadmap")
    assert world.last("ana").startswith("Added #")
    await world.say("mo", "1on1 note she seems stretched")
    assert "only you see it" in world.last("mo")
    await world.say("mo", "feedback request <@U_ANA> from <@U_PAT>")
    for answer in ("Great at unblocking people", "Write things down more"):
        await world.say("pat", answer)  # all asked have answered: it closes

    await tick(world)  # a day before: the agenda so far, and a nudge to add points
    assert "Your 1:1 with Mo Manager is tomorrow" in world.to("ana")[-2]
    mine, hers = agenda(cards(world, "mo")[-1]), agenda(cards(world, "ana")[-1])
    seeded = (
        "waiting on the legal review",
        "from the record: blocker in the check-in of the week of 27 Feb",
    )
    assert seeded in mine["From the record"] and seeded in hers["From the record"]
    [(point, author)] = mine["Talking points"]
    assert point.endswith("Talk about the Q1 roadmap") and author == "from Ana Lopez"
    assert mine["Your private notes"] == [("Note", "she seems stretched")]
    assert "Your private notes" not in hers
    closed = (
        "Feedback request #1 about Ana Lopez closed: 1 of 1 answered",
        "from the record: feedback",
    )
    assert closed in mine["From the record"] and closed not in hers["From the record"]

    world.clock.advance(days=1)  # Tuesday 10:05: the agenda again
    await tick(world)
    assert "Your 1:1 with Ana Lopez starts now" in world.to("mo")[-2]
    world.clock.advance(hours=1)  # after: the prompt for action items
    await tick(world)
    assert "How was your 1:1 with Ana Lopez?" in world.last("mo")
    await world.say("mo", "1on1 action <@U_ANA> send the draft by friday")
    assert "stays on the agenda until 1on1 done" in world.last("mo")
    number = world.last("mo").split("#")[1].split()[0]

    world.clock.advance(days=13)  # Monday 16 March: the next agenda, the action carried over
    await tick(world)
    actions = agenda(cards(world, "ana")[-1])["Action items"]
    assert actions == [(f"#{number} send the draft by friday", "open since 3 Mar · Mo Manager")]
    await world.say("ana", f"1on1 done {number}")
    assert world.last("ana") == f"Done: action item #{number} leaves the agenda."
    await world.say("ana", "1on1 agenda")
    assert "Action items" not in agenda(cards(world, "ana")[-1])

    await world.say("ana", "1on1 history <@U_MO>")
    history = cards(world, "ana")[-1]
    assert history.title == "1:1s with Mo Manager: the last 1"
    words = history.fallback_text()
    assert "Talk about the Q1 roadmap" in words and "send the draft by friday" in words
    assert "stretched" not in words


async def test_only_the_two_see_a_1on1(world: World) -> None:
    await set_up(world)
    await world.say("mo", "1on1 add the roadmap")
    for outsider in ("pat", "ada"):
        await world.say(outsider, "1on1 agenda <@U_ANA>")
        assert world.last(outsider) == "You have no 1:1 with Ana Lopez."
        await world.say(outsider, "1on1 history <@U_MO>")
        assert world.last(outsider) == "No 1:1 with Mo Manager has been held yet."
        await world.say(outsider, "1on1 done 1")
        assert "Which action item?" in world.last(outsider)


async def test_declining_typing_and_stopping(world: World) -> None:
    await world.say("pat", "1on1 with <@U_ANA> weekly fri 16:30")
    await world.say("ana", "1on1 decline pat@x.com")
    assert world.last("ana") == "Declined: no 1:1 with Pat Peer."
    assert world.last("pat") == "Ana Lopez declined the 1:1 you asked for."
    await world.say("pat", "1on1 with <@U_ANA> every 3 weeks fri 16:30")
    await world.say("ana", "1on1 confirm pat@x.com")
    assert world.last("ana").startswith("Confirmed: a 1:1 with Pat Peer every 3 weeks on Fri")
    await world.say("ana", "1on1 confirm pat@x.com")
    assert "hasn't asked you" in world.last("ana")
    await world.say("ana", "1on1 stop pat@x.com")
    assert world.last("ana") == "Stopped your 1:1 with Pat Peer. Its history stays."
    assert "Ana Lopez stopped your 1:1" in world.last("pat")


async def test_what_a_1on1_refuses(world: World) -> None:
    await world.say("mo", "1on1 with <@U_MO> weekly mon 10:00")
    assert world.last("mo") == "A 1:1 takes two: name someone else."
    await world.say("mo", "1on1 with <@U_ANA> every 5 weeks mon 10:00")
    assert world.last("mo") == "A 1:1 meets every 1 to 4 weeks."
    await world.say("mo", "1on1 with <@U_ANA> sometime")
    assert world.last("mo").startswith("Say it like: 1on1 with @ana every 2 weeks tue 10:00")
    await world.say("mo", "1on1 add the roadmap")
    assert world.last("mo").startswith("You have no 1:1 yet")
    await world.say("mo", "1on1 with <@U_ANA> weekly mon 25:00")
    assert "is not a time of day" in world.last("mo")
    await world.say("mo", "1on1 with <@U_ANA> weekly mon 10:00")
    await world.say("mo", "1on1 add the roadmap")
    assert world.last("mo") == "That 1:1 waits for the other person to confirm it."
    await world.say("mo", "1on1 with <@U_PAT> weekly mon 11:00")
    await world.say("mo", "1on1 add the roadmap")
    assert world.last("mo").startswith("With whom? You have 1:1s with Ana Lopez and Pat Peer")


async def test_the_export_has_a_1on1_only_for_its_two_people_with_their_own_notes(
    world: World,
) -> None:
    await set_up(world)
    await world.say("ana", "1on1 add the roadmap")
    await world.say("mo", "1on1 note she seems stretched")
    mine = await export_org(world.database, TENANT, world.clock.now(), "mo@x.com")
    hers = await export_org(world.database, TENANT, world.clock.now(), "ana@x.com")
    [one] = mine["oneonones"]
    assert (one["with"], one["every_weeks"], one["status"]) == ("ana@x.com", 2, "active")
    [meeting] = one["meetings"]
    assert [(i["kind"], i["text"]) for i in meeting["items"]] == [
        ("point", "the roadmap"),
        ("note", "she seems stretched"),
    ]
    [meeting] = hers["oneonones"][0]["meetings"]
    assert [(i["kind"], i["by"]) for i in meeting["items"]] == [("point", "ana@x.com")]
    for outsider in ("pat@x.com", "ada@x.com", None):
        assert (await export_org(world.database, TENANT, world.clock.now(), outsider))[
            "oneonones"
        ] == []
    rows = csv_tables(mine)["one_on_ones.csv"].rows
    assert [(r["with"], r["kind"], r["text"]) for r in rows] == [
        ("ana@x.com", "point", "the roadmap"),
        ("ana@x.com", "note", "she seems stretched"),
    ]


async def test_the_list_and_erasing_either_person(world: World) -> None:
    await set_up(world)
    await world.say("pat", "1on1 with <@U_MO> weekly fri 09:00")
    await world.say("mo", "1on1")
    assert world.last("mo") == (
        "Your 1:1s:\nAna Lopez: every 2 weeks on Tue, next Tue 3 Mar 10:00 (UTC)\n"
        "Pat Peer: asked, waiting for an answer"
    )
    await world.say("ana", "1on1 add the roadmap")
    await world.say("ana", "1on1 note mine alone")
    async with world.database.session() as session:
        ana = await session.get(Person, world.ids["ana"])
        assert ana is not None
        erasure = await erase_person(session, ana, JOB_KINDS)
    assert "1:1s they were in: 1 deleted, with their agendas" in erasure.lines
    async with world.database.session() as session:
        left = (await session.exec(select(OneOnOne))).all()
        assert [(s.starter_id, s.other_id) for s in left] == [(world.ids["pat"], world.ids["mo"])]
        assert (await session.exec(select(AgendaItem))).all() == []
        assert (await session.exec(select(OneOnOneMeeting))).all() == []
        kinds = [j.kind for j in (await session.exec(select(ScheduledJob))).all()]
    assert "oneonone" not in kinds
