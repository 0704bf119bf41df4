"""A Teams wave as the database records it (bench/wave_teams.py): making everyone fall due at
the next minute, whether everything has settled, and the wave's batches on the connector's
clock: when each batch was claimed (its runs' `opened_at`, the scheduler's clock right after the
claim), and when the connector took its first and last prompt.
"""

from __future__ import annotations

import itertools
import statistics
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import col, select

from bot.checkins.scheduled import PROMPT
from storage.db import Database
from storage.models import CheckinRun, Person, ScheduledJob

LEAD_SECONDS = 3.0  # the minute is at least this far off when it is set


@dataclass(frozen=True)
class Minute:
    wall: datetime
    monotonic: float  # the same instant on the connector's clock

    def on_clock(self, moment: datetime) -> float:
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return self.monotonic + (moment - self.wall).total_seconds()


async def fall_due(database: Database, tenant: str) -> Minute:
    """Everyone's check-in time and prompt become the next whole minute at least LEAD_SECONDS
    off."""
    soon = datetime.now(UTC) + timedelta(seconds=LEAD_SECONDS)
    minute = soon.replace(second=0, microsecond=0)
    minute += timedelta(minutes=1) if minute < soon else timedelta(0)
    async with database.session() as session:
        await session.exec(
            update(Person)
            .where(col(Person.tenant_id) == tenant)
            .values(checkin_time=f"{minute:%H:%M}")
        )
        await session.exec(
            update(ScheduledJob)
            .where(col(ScheduledJob.tenant_id) == tenant, col(ScheduledJob.kind) == PROMPT)
            .values(due_at=minute)
        )
    return Minute(minute, time.monotonic() + (minute - datetime.now(UTC)).total_seconds())


async def settled(database: Database, people: int) -> bool:
    """Every run marked prompted, and no prompt job due within the hour (a retry pending)."""
    async with database.session() as session:
        marked = select(func.count()).where(col(CheckinRun.prompted_at).is_not(None))
        pending = select(func.count()).where(
            col(ScheduledJob.kind) == PROMPT,
            col(ScheduledJob.due_at) <= datetime.now(UTC) + timedelta(hours=1),
        )
        return bool(
            (await session.exec(marked)).one() == people and not (await session.exec(pending)).one()
        )


@dataclass(frozen=True)
class Batch:
    claimed: float
    first: float  # the first of its prompts the connector took
    last: float
    size: int


async def batches(database: Database, taken_at: Mapping[int, float], minute: Minute) -> list[Batch]:
    """The wave's batches in the order claimed; `taken_at` is when the connector took each
    person's prompt (the first time). A prompt sent one by one is a batch of one."""
    async with database.session() as session:
        rows = (await session.exec(select(CheckinRun.person_id, CheckinRun.opened_at))).all()
    people: dict[datetime, list[int]] = defaultdict(list)
    for person_id, opened_at in rows:
        if opened_at is not None and person_id in taken_at:
            people[opened_at].append(person_id)
    found = []
    for opened_at, ids in sorted(people.items()):
        times = [taken_at[i] for i in ids]
        found.append(Batch(minute.on_clock(opened_at), min(times), max(times), len(ids)))
    return found


def phases(found: list[Batch], replicas: int) -> str:
    """Medians and sums, in seconds, of: claimed to its first prompt taken (opening the runs,
    the first send), first to last prompt taken (sending), and, with one replica, a batch's
    last prompt taken to the next batch's claim (marking, recording the jobs, the tick's upkeep,
    the claim)."""
    if not found:
        return "no batches"
    opening = [b.first - b.claimed for b in found]
    sending = [b.last - b.first for b in found]
    parts = [
        f"{len(found)} batches of {statistics.median(b.size for b in found):.0f}",
        _spread("claimed -> first taken", opening),
        _spread("sending", sending),
    ]
    if replicas == 1:
        between = [b.claimed - a.last for a, b in itertools.pairwise(found)]
        parts.append(_spread("last taken -> next claim", between))
    return "; ".join(parts)


def _spread(name: str, seconds: list[float]) -> str:
    if not seconds:
        return f"{name}: none"
    return f"{name} {statistics.median(seconds):.2f} s median, {sum(seconds):.1f} s in all"
