"""People reachable on Slack with a check-in prompt scheduled, inserted in bulk.

The seed of the benchmarks that run the app as `checkin-bot serve` wires it (wave_limits.py,
memory.py). Plain multi-row inserts, a few thousand rows a statement, rather than ORM objects:
100,000 people take seconds, not minutes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import col, select

from bot.checkins.scheduled import PROMPT
from storage.db import Database
from storage.models import Person, PlatformIdentity, ScheduledJob, Tenant

TEAM = "T1"
TENANT = f"slack:{TEAM}"
CHUNK = 5000


def slack_user(person_id: int) -> str:
    return f"U{person_id:07d}"


async def seed_scheduled_people(
    database: Database,
    people: int,
    *,
    checkin_time: str,
    due_at: datetime,
    later_at: datetime | None = None,
    due_now: int | None = None,
) -> list[int]:
    """`people` people in one Slack workspace (TENANT), each checking in daily at
    `checkin_time` UTC with a Slack identity and a prompt job. The first `due_now` of them
    (all by default) are due at `due_at`, the rest at `later_at`. Returns the people's ids."""
    created = datetime.now(UTC)
    async with database.session() as session:
        bench = Tenant(
            id=TENANT, platform="slack", external_id=TEAM, name="Bench", created_at=created
        )
        session.add(bench)
        await session.flush()
        await _insert(
            session,
            Person,
            (
                {
                    "tenant_id": TENANT,
                    "email": f"p{n}@bench.example.com",
                    "name": f"Person {n}",
                    "timezone": "UTC",
                    "checkin_days": "daily",
                    "checkin_time": checkin_time,
                    "is_admin": False,
                    "active": True,
                    "reminders": True,
                    "created_at": created,
                }
                for n in range(people)
            ),
        )
        ids = list((await session.exec(select(Person.id).order_by(col(Person.id)))).all())
        person_ids = [i for i in ids if i is not None]
        await _insert(
            session,
            PlatformIdentity,
            (
                {
                    "tenant_id": TENANT,
                    "person_id": person_id,
                    "platform": "slack",
                    "external_user_id": slack_user(person_id),
                    "reachable": True,
                }
                for person_id in person_ids
            ),
        )
        soon = len(person_ids) if due_now is None else due_now
        await _insert(
            session,
            ScheduledJob,
            (
                {
                    "tenant_id": TENANT,
                    "kind": PROMPT,
                    "subject_id": person_id,
                    "due_at": due_at if n < soon else (later_at or due_at),
                    "attempts": 0,
                }
                for n, person_id in enumerate(person_ids)
            ),
        )
    return person_ids


async def _insert(session: Any, model: type[Any], rows: Iterable[dict[str, Any]]) -> None:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            await _flush(session, model, chunk)
            chunk = []
    if chunk:
        await _flush(session, model, chunk)


async def _flush(session: Any, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
    # One executemany per chunk, on the session's connection: compiled once, no ORM.
    connection = await session.connection()
    await connection.execute(insert(model), list(rows))
