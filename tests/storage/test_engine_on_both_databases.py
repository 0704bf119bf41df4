"""The whole check-in, and its once-only guarantees, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from bot.core.events import ChoiceSelected, TextReceived
from bot.core.messages import Card, Question
from bot.engine.engine import SORRY, Engine
from storage.db import Database
from storage.models import Answer, KeyResult, KeyResultChange
from tests.bot.conftest import seed_org
from tests.conftest import FakeClock, RecordingOutbox


async def test_a_full_checkin_updates_key_results(any_db: Database, clock: FakeClock) -> None:
    org = await seed_org(any_db)
    outbox = RecordingOutbox()
    engine = Engine(any_db, outbox, clock)
    for n, reply in enumerate(
        ["checkin now", "signups 400, nps 35", "7", "8", "no", "3", "none", "ok", "5"]
    ):
        await engine.handle(TextReceived(org.alan, reply, f"e{n}"))
    assert isinstance(outbox.last(), Card)
    async with any_db.session() as session:
        krs = {kr.key: kr for kr in (await session.exec(select(KeyResult))).all()}
        changes = (await session.exec(select(KeyResultChange))).all()
    assert (krs["signups"].current, krs["nps"].current, krs["nps"].confidence) == (400, 35, 8)
    assert len(changes) == 6


async def test_concurrent_clicks_on_one_button_record_once(
    any_db: Database, clock: FakeClock
) -> None:
    org = await seed_org(any_db)
    outbox = RecordingOutbox()
    engine = Engine(any_db, outbox, clock)
    await engine.handle(TextReceived(org.alan, "checkin now", "start"))
    prompt = next(m for _, m in outbox.sent if isinstance(m, Question))
    clicks = [ChoiceSelected(org.alan, prompt.prompt_id, "same", f"click{n}") for n in range(5)]
    await asyncio.gather(*(engine.handle(click) for click in clicks))
    async with any_db.session() as session:
        answers = (await session.exec(select(Answer))).all()
    assert len(answers) == 1
    questions = [m for _, m in outbox.sent if isinstance(m, Question)]
    assert [q.position for q in questions] == [1, 2]  # the next question was asked once
    assert SORRY not in outbox.texts()
