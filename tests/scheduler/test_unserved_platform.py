"""A process that serves Slack only (`serve` with Slack configured) holds a console org too,
the demo's: its people are reached only inside `checkin-bot chat`. Their scheduled prompts
send nothing, log no error and are not retried; everyone else is prompted as usual."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from app.routing import PlatformOutbox
from app.scheduling import build_scheduler
from bot.engine import Engine
from storage.db import Database
from storage.models import CheckinRun, Person, PlatformIdentity, ScheduledJob
from storage.repository import Store
from tests.conftest import FakeClock, RecordingOutbox
from tests.seeded import SEEDED_AT


async def add(database: Database, tenant: str, email: str) -> None:
    platform, external = tenant.split(":", 1)
    async with database.session() as session:
        await Store(session).ensure_tenant(tenant, platform, external, SEEDED_AT)
        person = Person(
            tenant_id=tenant, email=email, name=email, timezone="UTC", checkin_days="mon",
            checkin_time="09:00", created_at=SEEDED_AT,
        )  # fmt: skip
        session.add(person)
        await session.flush()
        session.add(
            PlatformIdentity(
                tenant_id=tenant, person_id=person.id or 0, platform=platform,
                external_user_id=email,
            )
        )  # fmt: skip


async def test_scheduled_prompts_to_a_console_org_send_nothing_and_log_no_error(
    sqlite_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await add(sqlite_db, "console:local", "alan@demo.example")
    await add(sqlite_db, "slack:T1", "ann@acme.test")
    clock = FakeClock(datetime(2026, 1, 5, 8, 59, tzinfo=UTC))
    slack = RecordingOutbox()
    engine = Engine(sqlite_db, PlatformOutbox({"slack": slack}), clock)
    scheduler = build_scheduler(engine, 1)
    await scheduler.tick()  # both planned for Monday 09:00
    clock.advance(minutes=2)
    caplog.set_level(logging.WARNING)
    await scheduler.run_until_idle()
    assert [to.user for to, _ in slack.sent] == ["ann@acme.test"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    async with sqlite_db.session() as session:
        runs = (await session.exec(select(CheckinRun))).all()
        jobs = (await session.exec(select(ScheduledJob))).all()
    assert [run.tenant_id for run in runs] == ["slack:T1"]  # no run waits for nobody
    console_job = next(job for job in jobs if job.tenant_id == "console:local")
    assert console_job.due_at == datetime(2026, 1, 12, 9, 0, tzinfo=UTC)  # next week, no retry
    assert console_job.attempts == 0
