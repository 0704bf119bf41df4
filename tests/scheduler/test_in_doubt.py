"""A prompt "in doubt": the scheduler wrote that it was sending, the platform may have taken
it, and the process could not record the outcome (it died, or the database went away).

The job runs again later and must not prompt the person a second time when the prompt did
arrive: the person's answers prove it did, and otherwise the platform is asked (Slack's
history). A platform that can't be asked (Teams) gets the prompt again: at least once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import select

from app.scheduling import build_scheduler
from bot.checkins.scheduled import PROMPT, REMINDER
from bot.core.events import Actor, TextReceived
from bot.core.messages import Question
from bot.core.ports import Outbox, Recipient
from bot.engine import Engine
from scheduler.runner import Scheduler
from storage.db import Database
from storage.models import CheckinRun, PendingPrompt, Person, PlatformIdentity, ScheduledJob
from storage.repository import Store
from storage.waves import WaveStore
from tests.conftest import FakeClock, RecordingOutbox
from tests.seeded import SEEDED_AT

NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


class HistoryOutbox(RecordingOutbox):
    """A platform whose history the bot may read, like a Slack DM's."""

    def __init__(self) -> None:
        super().__init__()
        self.looked_up: list[tuple[str, str, datetime]] = []
        self.history_down = False

    async def find_sent(
        self, to: Recipient, prompt_id: str, since: datetime
    ) -> dict[str, Any] | None:
        self.looked_up.append((to.user, prompt_id, since))
        if self.history_down:
            raise ConnectionError("the platform's history is unavailable")
        for number, (sent_to, message) in enumerate(self.sent, start=1):
            if sent_to.user == to.user and getattr(message, "prompt_id", None) == prompt_id:
                return {"ts": str(number)}
        return None


async def add_people(database: Database, *users: str) -> None:
    async with database.session() as session:
        await Store(session).ensure_tenant("slack:T1", "slack", "T1", SEEDED_AT)
        for user in users:
            person = Person(
                tenant_id="slack:T1",
                email=f"{user.lower()}@x.com",
                timezone="UTC",
                checkin_days="daily",
                checkin_time="09:00",
                created_at=SEEDED_AT,
            )
            session.add(person)
            await session.flush()
            assert person.id is not None
            session.add(
                PlatformIdentity(
                    tenant_id="slack:T1",
                    person_id=person.id,
                    platform="slack",
                    external_user_id=user,
                )
            )


async def wave_left_in_doubt(
    database: Database, outbox: Outbox, monkeypatch: pytest.MonkeyPatch, *users: str
) -> tuple[Scheduler, FakeClock, Engine]:
    """Prompt `users` at 09:00 with every attempt to record the sends failing: the platform
    has the prompts, and the database says only that they were being sent."""
    clock = FakeClock(datetime(2026, 3, 2, 8, 59, tzinfo=UTC))
    engine = Engine(database, outbox, clock)
    scheduler = build_scheduler(engine, 1)
    await add_people(database, *users)
    await scheduler.tick()  # plans 09:00

    async def database_gone(*args: Any, **kwargs: Any) -> None:
        raise ConnectionResetError("the database connection dropped")

    monkeypatch.setattr("bot.checkins.prompting.MARK_ATTEMPTS", 1)
    with monkeypatch.context() as patch:
        patch.setattr(WaveStore, "mark_prompted", database_gone)
        clock.current = NINE
        assert await scheduler.tick() == len(users)
    async with database.session() as session:
        runs = (await session.exec(select(CheckinRun))).all()
    assert [(run.sending_at, run.prompted_at) for run in runs] == [(NINE, None)] * len(users)
    return scheduler, clock, engine


async def runs_and_jobs(database: Database) -> tuple[list[CheckinRun], dict[str, set[datetime]]]:
    async with database.session() as session:
        runs = list((await session.exec(select(CheckinRun))).all())
        jobs: dict[str, set[datetime]] = {}
        for job in (await session.exec(select(ScheduledJob))).all():
            jobs.setdefault(job.kind, set()).add(job.due_at)
    return runs, jobs


async def test_a_prompt_that_arrived_is_found_in_the_history_and_not_sent_again(
    any_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    outbox = HistoryOutbox()
    scheduler, clock, _ = await wave_left_in_doubt(any_db, outbox, monkeypatch, "U1", "U2")
    assert sorted(to.user for to, _ in outbox.sent) == ["U1", "U2"]
    clock.advance(minutes=1)  # past the 30 s backoff of the failed jobs
    assert await scheduler.run_until_idle() == 2

    assert sorted(to.user for to, _ in outbox.sent) == ["U1", "U2"]
    assert sorted(user for user, _, since in outbox.looked_up if since == NINE) == ["U1", "U2"]
    runs, jobs = await runs_and_jobs(any_db)
    later = datetime(2026, 3, 2, 9, 1, tzinfo=UTC)
    assert [run.prompted_at for run in runs] == [later, later]
    assert jobs[PROMPT] == {datetime(2026, 3, 3, 9, 0, tzinfo=UTC)}
    assert jobs[REMINDER] == {datetime(2026, 3, 2, 13, 1, tzinfo=UTC)}
    async with any_db.session() as session:
        refs = {
            p.message_ref["ts"]
            for p in (await session.exec(select(PendingPrompt))).all()
            if p.message_ref
        }
    assert refs == {"1", "2"}  # the handles history gave back, for retiring the buttons later


async def test_a_prompt_that_did_not_arrive_is_sent_once(
    any_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    outbox = HistoryOutbox()
    scheduler, clock, _ = await wave_left_in_doubt(any_db, outbox, monkeypatch, "U1")
    outbox.clear()  # as if the process died before the platform took it
    clock.advance(minutes=1)
    assert await scheduler.run_until_idle() == 1

    assert [to.user for to, _ in outbox.sent] == ["U1"]
    first = outbox.sent[0][1]
    assert isinstance(first, Question) and "check-in time" in first.fallback_text()
    runs, _ = await runs_and_jobs(any_db)
    assert runs[0].prompted_at == datetime(2026, 3, 2, 9, 1, tzinfo=UTC)


async def test_when_the_history_cannot_be_read_nothing_is_sent_until_it_can(
    any_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    outbox = HistoryOutbox()
    scheduler, clock, _ = await wave_left_in_doubt(any_db, outbox, monkeypatch, "U1")
    outbox.history_down = True
    clock.advance(minutes=1)
    assert await scheduler.run_until_idle() == 1
    assert len(outbox.sent) == 1  # not guessed: tried again later
    outbox.history_down = False
    clock.advance(minutes=2)  # past the second backoff (60 s)
    assert await scheduler.run_until_idle() == 1
    assert len(outbox.sent) == 1
    runs, _ = await runs_and_jobs(any_db)
    assert runs[0].prompted_at is not None


async def test_an_answer_proves_the_prompt_arrived(
    any_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    outbox = HistoryOutbox()
    scheduler, clock, engine = await wave_left_in_doubt(any_db, outbox, monkeypatch, "U1")
    await engine.handle(TextReceived(Actor("slack", "T1", "U1"), "skip", event_id="e1"))
    sent = len(outbox.sent)
    clock.advance(minutes=1)
    assert await scheduler.run_until_idle() == 1

    assert len(outbox.sent) == sent
    assert outbox.looked_up == []  # no need to ask the platform
    runs, _ = await runs_and_jobs(any_db)
    assert runs[0].prompted_at is not None


async def test_a_platform_without_history_gets_the_prompt_again(
    any_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Teams has no history a bot may read: a prompt in doubt is sent again (at least once)."""
    outbox = RecordingOutbox()
    scheduler, clock, _ = await wave_left_in_doubt(any_db, outbox, monkeypatch, "U1")
    clock.advance(minutes=1)
    assert await scheduler.run_until_idle() == 1

    assert [to.user for to, _ in outbox.sent] == ["U1", "U1"]
    first, second = (message for _, message in outbox.sent)
    assert isinstance(first, Question) and isinstance(second, Question)
    assert first.prompt_id == second.prompt_id  # the same question: either copy's buttons work
    runs, _ = await runs_and_jobs(any_db)
    assert runs[0].prompted_at is not None


async def test_a_mark_that_fails_once_is_retried_within_the_job(
    any_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database hiccups just after the platform took the prompt: the write is tried again
    at once, and the job ends normally."""
    clock = FakeClock(datetime(2026, 3, 2, 8, 59, tzinfo=UTC))
    outbox = HistoryOutbox()
    scheduler = build_scheduler(Engine(any_db, outbox, clock), 1)
    await add_people(any_db, "U1", "U2", "U3")
    await scheduler.tick()
    healthy = WaveStore.mark_prompted
    failed: list[int] = []

    async def fails_once(self: WaveStore, sent: Any, now: datetime) -> None:
        if not failed:
            failed.append(len(sent))
            raise ConnectionResetError("the database connection dropped")
        await healthy(self, sent, now)

    monkeypatch.setattr(WaveStore, "mark_prompted", fails_once)
    monkeypatch.setattr("bot.checkins.prompting.asyncio.sleep", _no_wait)
    clock.current = NINE
    assert await scheduler.tick() == 3
    assert failed and sorted(to.user for to, _ in outbox.sent) == ["U1", "U2", "U3"]
    runs, jobs = await runs_and_jobs(any_db)
    assert [run.prompted_at for run in runs] == [NINE] * 3
    assert jobs[PROMPT] == {datetime(2026, 3, 3, 9, 0, tzinfo=UTC)}
    assert outbox.looked_up == []


async def _no_wait(seconds: float) -> None:
    return None
