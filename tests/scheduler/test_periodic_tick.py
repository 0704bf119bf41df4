"""A database away for a while fails every tick: the log gets one traceback, a line a minute
while it lasts, and a line when ticks work again, not a traceback a tick."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from scheduler.runner import Scheduler
from storage.db import Database
from storage.models import ScheduledJob

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_failing_ticks_log_once_then_a_line_a_minute_then_recovery(
    sqlite_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    scheduler = Scheduler(sqlite_db, {}, clock=lambda: NOW, tick_seconds=5)
    failing = True

    async def claim() -> list[ScheduledJob]:
        if failing:
            raise ConnectionRefusedError("the database is away")
        return []

    scheduler._claim = claim  # type: ignore[method-assign]
    caplog.set_level(logging.WARNING, logger="scheduler.runner")
    for _ in range(30):  # two and a half minutes of 5-second ticks
        await scheduler.periodic_tick()
    failing = False
    await scheduler.periodic_tick()
    await scheduler.periodic_tick()

    records = [(r.levelname, r.getMessage(), r.exc_info is not None) for r in caplog.records]
    assert records == [
        ("ERROR", "a scheduler tick failed; the jobs due stay due", True),
        ("ERROR", "scheduler ticks still failing (12 in a row)", False),
        ("ERROR", "scheduler ticks still failing (24 in a row)", False),
        ("WARNING", "scheduler ticks work again after 30 failed", False),
    ]
