"""A review cycle in the engine, end to end: an admin starts it; Ana writes her self review on
top of her record, names three peers, whom Mo approves; they answer; Mo writes his review on top
of her record, her self review and the peers' answers (named, for him), and shares it; Ana sees
it with the peers' answers unnamed, and acknowledges it."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from app.scheduling import build_scheduler
from bot.core.events import FormSubmitted
from bot.core.messages import Card, Form
from bot.core.outcome import Outcome
from storage.db import Database
from tests.bot.org_world import World, seed_world

_events = itertools.count()
START = 'start "Q1 2026" from 2026-01-01 to 2026-03-31 self manager peer due 2026-03-20'
ANSWERS = {
    "delivery": "4",
    "collaboration": "5",
    "craft": "3",
    "growth": "4",
    "went_well": "shipped the <b>importer</b>",
    "to_grow": "write things down",
}


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    return await seed_world(
        sqlite_db,
        {
            "ada": ("Ada Admin", None, True, None),
            "mo": ("Mo Manager", None, False, "Growth"),
            "ana": ("Ana Lopez", "mo", False, "Growth"),
            "ben": ("Ben Peer", "mo", False, "Growth"),
            "cy": ("Cy Peer", "mo", False, "Growth"),
            "dee": ("Dee Peer", "mo", False, "Growth"),
        },
    )  # Monday 2 March 2026, 10:00 UTC


def last_form(world: World, who: str) -> Form:
    form = world.messages_to(who)[-1]
    assert isinstance(form, Form), form
    return form


async def submit(world: World, who: str, form: Form, values: dict[str, str]) -> Outcome:
    event = FormSubmitted(world.actor(who), form.form_id, values, f"f{next(_events)}")
    return await world.engine.handle(event)


async def test_a_whole_cycle_from_start_to_acknowledgement(world: World) -> None:
    await whole_cycle(world)


async def whole_cycle(world: World) -> None:
    """Started, self review, three peers, the manager's review, shared and acknowledged."""
    await world.command("ada", "review", START)
    assert world.to("ada")[-2] == (
        "Started “Q1 2026” for 6 people: self reviews, manager reviews and peer reviews, "
        "due Fri 20 Mar."
    )  # then her own part, as everyone's
    assert "Your self review is due Fri 20 Mar" in world.last("ana")
    assert "You'll review Ana Lopez, Ben Peer, Cy Peer and Dee Peer" in world.last("mo")

    await world.command("ana", "review", "self")
    record, form = world.messages_to("ana")[-2:]
    assert isinstance(record, Card) and record.title == "Your record for “Q1 2026”"
    assert isinstance(form, Form) and form.title == "Self review"
    draft = await submit(world, "ana", form, {"went_well": "half done", "_state": "draft"})
    assert not draft.form_errors and "Saved as a draft" in world.last("ana")
    await world.command("ana", "review", "self")
    form = last_form(world, "ana")
    assert next(f.initial for f in form.fields if f.key == "went_well") == "half done"
    short = await submit(world, "ana", form, {"went_well": "done", "_state": "submit"})
    assert short.form_errors["delivery"].startswith("Answer this to submit")
    await submit(world, "ana", form, {**ANSWERS, "_state": "submit"})
    assert world.last("ana") == "Submitted your self review. Your manager can read it now."
    assert "Ana Lopez submitted their self review" in world.last("mo")

    await world.command("ana", "review", "peers <@U_BEN> <@U_CY> <@U_DEE>")
    assert (
        world.last("ana") == "Named Ben Peer, Cy Peer and Dee Peer. Mo Manager approves them next."
    )
    await world.command("ben", "review", "peer ana@x.com")
    assert "hasn't approved the peers yet" in world.last("ben")
    await world.command("mo", "review", "peers ana@x.com approve")
    assert world.last("mo") == "Ben Peer, Cy Peer and Dee Peer will review Ana Lopez."
    for peer, rating in (("ben", "5"), ("cy", "4"), ("dee", "3")):
        assert "Please review Ana Lopez as a peer" in world.last(peer)
        await world.command(peer, "review", "peer ana@x.com")
        form = last_form(world, peer)
        await submit(
            world,
            peer,
            form,
            {**ANSWERS, "delivery": rating, "went_well": f"{peer} says", "_state": "submit"},
        )
        assert world.last(peer) == "Submitted your review of Ana Lopez. Thank you."

    await world.command("mo", "review", "manager ana@x.com")
    shown = world.messages_to("mo")[-4:]
    titles = [m.title for m in shown if isinstance(m, Card | Form)]
    assert titles == [
        "Ana Lopez's record for “Q1 2026”",
        "Ana Lopez's self review",
        "Peer reviews",
        "Your review of Ana Lopez",
    ]
    peers_card = shown[2]
    assert isinstance(peers_card, Card)
    assert {s.title for s in peers_card.sections} == {"Ben Peer", "Cy Peer", "Dee Peer"}
    await submit(
        world,
        "mo",
        last_form(world, "mo"),
        {**ANSWERS, "went_well": "a strong half", "_state": "submit"},
    )
    assert world.last("mo") == "Submitted. review share ana@x.com shares it with Ana Lopez."

    await world.command("mo", "review", "share ana@x.com")
    assert world.last("mo") == "Shared your review with Ana Lopez."
    shared = world.messages_to("ana")[-3:]
    assert isinstance(shared[0], Card) and "a strong half" in shared[0].fallback_text()
    assert isinstance(shared[1], Card)
    assert sorted(s.title for s in shared[1].sections) == ["Peer 1", "Peer 2", "Peer 3"]
    assert "Ben Peer" not in shared[1].fallback_text()
    await world.command("ana", "review", "ack thank you, fair")
    assert "Ana Lopez read and acknowledged your review. They said: thank you, fair" in world.last(
        "mo"
    )

    await world.command("ada", "review", "status")
    status = world.messages_to("ada")[-1]
    assert isinstance(status, Card)
    ana = next(f.value for f in status.sections[0].fields if f.label == "Ana Lopez")
    assert ana == "self submitted · peers 3 of 3 in · manager shared and acknowledged"


async def test_who_may_do_what(world: World) -> None:
    await world.command("mo", "review", START)
    assert world.last("mo") == "Only admins start review cycles."
    await world.command("ada", "review", START)
    await world.command("ada", "review", START)
    assert "There is a cycle called “Q1 2026” already" in world.last("ada")
    await world.command("ben", "review", "manager ana@x.com")
    assert world.last("ben") == "You aren't asked to review Ana Lopez."
    await world.command("ben", "review", "share ana@x.com")
    assert world.last("ben") == "You aren't asked to review Ana Lopez."
    await world.command("mo", "review", "manager ana@x.com")
    assert "Ana Lopez's self review isn't in yet" in world.last("mo")
    await world.command("ana", "review", "peers <@U_BEN> <@U_CY>")
    assert world.last("ana").startswith("Name at least 3 peers")
    await world.command("ana", "review", "peers <@U_ANA> <@U_BEN> <@U_CY>")
    assert world.last("ana") == "Peers review someone else: leave the person reviewed out."
    await world.command("ben", "review", "status")
    status = world.messages_to("ben")[-1]
    assert isinstance(status, Card)
    assert [f.label for f in status.sections[0].fields] == ["Ben Peer"]
    await world.command("ana", "review", "ack")
    assert world.last("ana") == "No review shared with you is waiting for an answer."
    await world.command("ana", "review", "self")
    form = last_form(world, "ana")
    again = await world.engine.form(world.actor("ana"), form.form_id)  # a button opens it
    assert again is not None and again.title == "Self review"
    assert await world.engine.form(world.actor("ben"), form.form_id) is None


async def test_a_bad_start_says_how(world: World) -> None:
    for words, answer in (
        ("start H2", "Say it like: review start"),
        ('start "Q" from 2026-02-30 to 2026-03-31 due 2026-03-20', "real ones"),
        ('start "Q" from 2026-03-31 to 2026-01-01 due 2026-03-20', "ends before it starts"),
        ('start "Q" from 2026-01-01 to 2026-03-31 due 2026-03-01', "has passed"),
        ('start "Q" from 2026-01-01 to 2026-03-31 due 2026-03-20 for team Nowhere', "Which team?"),
    ):
        await world.command("ada", "review", words)
        assert answer in world.last("ada")


async def test_reminders_go_to_those_who_owe_something_once_each(world: World) -> None:
    await world.command("ada", "review", START)
    await world.command("ana", "review", "self")
    await submit(world, "ana", last_form(world, "ana"), {**ANSWERS, "_state": "submit"})
    await world.command("ben", "review", "peers <@U_CY> <@U_DEE> <@U_ANA>")
    scheduler = build_scheduler(world.engine, 1)
    sent = {who: len(world.to(who)) for who in ("ana", "ben", "mo")}

    world.clock.current = datetime(2026, 3, 19, 10, 0, tzinfo=UTC)  # two days before the end
    await scheduler.run_until_idle()
    await scheduler.run_until_idle()
    assert world.to("ana")[sent["ana"] :] == [
        "Due 2026-03-20 in “Q1 2026”, still to do:\n- name your peers: review peers @a @b @c"
    ]
    assert world.to("ben")[sent["ben"] :] == [
        "Due 2026-03-20 in “Q1 2026”, still to do:\n- your self review: review self"
    ]
    [mos] = world.to("mo")[sent["mo"] :]
    assert "- the peers Ben Peer named: review peers ben@x.com approve" in mos

    world.clock.current = datetime(2026, 3, 23, 8, 0, tzinfo=UTC)  # the due date passed
    await scheduler.run_until_idle()
    [due] = [t for t in world.to("mo") if t.startswith("“Q1 2026” is due: your reviews can")]
    assert "- Ana Lopez: review manager ana@x.com" in due
    await world.command("mo", "review", "manager ana@x.com")
    assert isinstance(world.messages_to("mo")[-1], Form)


async def test_two_peers_answers_never_reach_the_person_without_names(world: World) -> None:
    await world.command("ada", "review", START)
    await world.command("ana", "review", "self")
    await submit(world, "ana", last_form(world, "ana"), {**ANSWERS, "_state": "submit"})
    await world.command("ana", "review", "peers <@U_BEN> <@U_CY> <@U_DEE>")
    await world.command("mo", "review", "peers ana@x.com approve")
    for peer in ("ben", "cy"):  # Dee never answers
        await world.command(peer, "review", "peer ana@x.com")
        await submit(world, peer, last_form(world, peer), {**ANSWERS, "_state": "submit"})
    await world.command("mo", "review", "manager ana@x.com")
    peers = next(
        m for m in world.messages_to("mo") if isinstance(m, Card) and m.title == "Peer reviews"
    )
    assert {s.title for s in peers.sections} == {"Ben Peer", "Cy Peer"}  # named, for him
    await submit(world, "mo", last_form(world, "mo"), {**ANSWERS, "_state": "submit"})
    await world.command("mo", "review", "share ana@x.com")
    shared = [
        m for m in world.messages_to("ana") if isinstance(m, Card) and m.title == "Peer reviews"
    ]
    assert [c.fallback_text() for c in shared] == [
        "Peer reviews\n\n2 peers answered: fewer than three, so their answers aren't shown "
        "without names."
    ]


async def test_a_manager_naming_his_own_peers_is_not_deciding_for_a_report(world: World) -> None:
    await world.command("ada", "review", START)
    await world.command("mo", "review", "peers <@U_ANA> <@U_BEN> <@U_CY>")
    assert world.last("mo").startswith("Asked Ana Lopez, Ben Peer and Cy Peer to review you")
    await world.command("ana", "review", "peers <@U_BEN> <@U_CY> <@U_DEE>")
    await world.command("ben", "review", "peers ana@x.com approve")
    assert world.last("ben") == "Only Ana Lopez's manager approves or chooses their peers."
    await world.command("mo", "review", "peers ana@x.com choose <@U_ADA> <@U_CY> <@U_DEE>")
    assert world.last("mo") == "Ada Admin, Cy Peer and Dee Peer will review Ana Lopez."
    assert "Mo Manager chose Ada Admin, Cy Peer and Dee Peer to review you." in world.to("ana")
    await world.command("ben", "review", "peer ana@x.com")
    assert world.last("ben") == "No one asked you to review Ana Lopez."
