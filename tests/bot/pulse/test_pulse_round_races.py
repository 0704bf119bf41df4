"""A round's close, its reminder and other closes, at the same moment: the scheduler runs the
jobs due in one tick side by side, and an answer can arrive while they run. Each test makes the
unlucky interleaving happen (a step waits, briefly, for the other to get ahead) and checks
that the round is still taken in turn: found by the ledger's property test."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any

import pytest
from sqlmodel import col, select

from app.scheduling import build_scheduler
from bot.core.messages import Question
from storage.db import Database
from storage.models import Person, SurveyInvite, SurveyRound, Tenant
from storage.pulse import PulseStore
from tests.bot.org_world import TENANT, OrgSpec, World, seed_world
from tests.bot.pulse.test_pulse import answer_engagement, pause_checkins

REPORTS = [f"r{n}" for n in range(1, 6)]
PEOPLE: OrgSpec = {
    "ada": ("Ada Admin", None, True, None),
    "max": ("Max Manager", "ada", False, None),
    **{r: (f"Rep {r}", "max", False, "A") for r in REPORTS},
}
A_MOMENT = 0.3  # how long a step waits for the other to get ahead; it never should, fixed


@pytest.fixture
async def world(any_db: Database) -> World:
    world = await seed_world(any_db, PEOPLE)
    await pause_checkins(world)
    async with world.database.session() as session:
        tenant = await session.get(Tenant, TENANT)
        assert tenant is not None
        tenant.settings = {**tenant.settings, "pulse_k": 3}
        session.add(tenant)
    return world


def spy(
    monkeypatch: pytest.MonkeyPatch,
    method: str,
    before: Callable[[], Awaitable[object]] | None = None,
    after: Callable[[], Awaitable[object]] | None = None,
) -> None:
    """PulseStore.`method` does `before` first and `after` last."""
    original = getattr(PulseStore, method)

    async def spied(self: PulseStore, *args: Any, **kwargs: Any) -> Any:
        if before is not None:
            await before()
        found = await original(self, *args, **kwargs)
        if after is not None:
            await after()
        return found

    monkeypatch.setattr(PulseStore, method, spied)


async def at_most_a_moment(event: asyncio.Event) -> None:
    with suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), A_MOMENT)


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def leaves(world: World, name: str) -> None:
    async with world.database.session() as session:
        person = await session.get(Person, world.ids[name])
        assert person is not None
        person.active = False
        session.add(person)


async def whole_audiences(world: World) -> list[dict[str, Any]]:
    async with world.database.session() as session:
        rounds = (await session.exec(select(SurveyRound).order_by(col(SurveyRound.id)))).all()
    return [r.slices["all"] for r in rounds]


async def test_two_rounds_closing_in_one_tick_are_set_against_each_other(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Max's org asked before and after r5 left: the two audiences differ by r5 alone, and
    both rounds close in the same tick. Each close, once it has read the ledger, waits a
    moment for the other to read it too: they must take the ledger in turn instead."""
    both_read, reads = asyncio.Event(), []

    async def wait_for_the_other() -> None:
        reads.append(1)
        if len(reads) == 2:
            both_read.set()
        await at_most_a_moment(both_read)

    scheduler = build_scheduler(world.engine, 1)
    for _ in range(2):
        await world.command("max", "pulse", "send engagement to my org")
        for who in REPORTS[:3]:  # r4 doesn't answer: neither round closes early
            await answer_engagement(world, who, "9")
        await leaves(world, "r5")
    world.clock.advance(days=2)
    await scheduler.run_until_idle()  # the reminders
    spy(monkeypatch, "disclosures", after=wait_for_the_other)
    world.clock.advance(days=1)
    # The two closes, in one tick, and the org's daily housekeeping.
    assert await scheduler.run_until_idle() == 3

    first, second = await whole_audiences(world)
    assert len(first["members"]) - len(second["members"]) == 1
    assert sorted(g["shown"] for g in (first, second)) == [False, True]
    hidden = first if not first["shown"] else second
    assert "the people asked differ by fewer than 3" in hidden["reason"]


async def test_a_reminder_due_with_the_close_neither_fails_nor_reminds(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The scheduler was away past the close: the reminder and the close are due in one tick.
    Once the reminder has read who to remind, it waits a moment for the close to delete the
    invitations: it must not then write to them, nor remind anyone of a closed survey."""
    sealed = asyncio.Event()
    scheduler = build_scheduler(world.engine, 1)
    await world.command("max", "pulse", "send engagement to my org")
    for who in REPORTS[:3]:
        await answer_engagement(world, who, "9")
    spy(monkeypatch, "to_remind", after=lambda: at_most_a_moment(sealed))
    spy(monkeypatch, "seal_round", after=lambda: set_(sealed))
    world.clock.advance(days=3)
    with caplog.at_level(logging.ERROR):
        assert await scheduler.run_until_idle() == 2  # the reminder and the close, in one tick

    assert errors(caplog) == []
    assert not any("A reminder" in text for who in REPORTS for text in world.to(who))
    assert "has closed: 3 answered" in world.last("max")
    async with world.database.session() as session:
        assert (await session.exec(select(SurveyInvite))).all() == []


async def test_a_reminder_while_the_last_answer_closes_the_round(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Halfway, the reminder runs as r5 gives the last answer, which closes the round. The
    answer comes once the reminder has read who to remind, and the reminder then waits a
    moment for the close to delete the invitations: they must take the round in turn."""
    read, sealed = asyncio.Event(), asyncio.Event()

    async def reminder_has_read() -> None:
        read.set()
        await at_most_a_moment(sealed)

    scheduler = build_scheduler(world.engine, 1)
    await world.command("max", "pulse", "send engagement to my org")
    for who in REPORTS[:4]:
        await answer_engagement(world, who, "9")
    await world.click("r5", prompt_id(world, "r5"), "9")
    await world.say("r5", "4")
    await world.click("r5", prompt_id(world, "r5"), "5")  # one question left: a comment
    spy(monkeypatch, "to_remind", after=reminder_has_read)
    spy(monkeypatch, "seal_round", after=lambda: set_(sealed))
    world.clock.advance(days=1, hours=2)  # Tuesday noon: no one's quiet hours
    with caplog.at_level(logging.ERROR):
        await asyncio.gather(scheduler.run_until_idle(), last_answer_once(read, world))

    assert errors(caplog) == []
    assert "Thanks! Your answers are stored without your name." in world.to("r5")
    assert "has closed: 5 answered" in world.last("max")
    async with world.database.session() as session:
        assert (await session.exec(select(SurveyInvite))).all() == []


async def last_answer_once(read: asyncio.Event, world: World) -> None:
    await at_most_a_moment(read)
    await world.say("r5", "all good")


async def set_(event: asyncio.Event) -> None:
    event.set()


def prompt_id(world: World, name: str) -> str:
    question = world.messages_to(name)[-1]
    assert isinstance(question, Question)
    return question.prompt_id
