"""People reachable on Slack (or Teams) with a check-in prompt scheduled, inserted in bulk.

The seed of the benchmarks that run the app as `checkin-bot serve` wires it (wave_limits.py,
memory.py, wave_teams.py). Plain multi-row inserts, a few thousand rows a statement, rather than
ORM objects: 100,000 people take seconds, not minutes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import col, select

from bot.checkins.scheduled import PROMPT
from storage.db import Database
from storage.models import Person, PlatformIdentity, ScheduledJob, Tenant
from tests.teams.activities import BOT_ID, BOT_NAME, aad_object_id, personal_conversation_id

TEAM = "T1"
TENANT = f"slack:{TEAM}"
CHUNK = 5000


def slack_user(person_id: int) -> str:
    return f"U{person_id:07d}"


@dataclass(frozen=True)
class Workspace:
    """The one org the people are in, and how each is known there: their user id, and where
    to reach them proactively (a stored conversation), if the platform needs one."""

    platform: str
    external_id: str
    user: Callable[[int], str]
    conversation: Callable[[int], dict[str, Any]] | None = None

    @property
    def tenant_id(self) -> str:
        return f"{self.platform}:{self.external_id}"


SLACK = Workspace("slack", TEAM, slack_user)
TEAMS_TENANT = "bench-tenant"


def teams_user(person_id: int) -> str:
    return f"29:bench-{person_id:07d}"


def teams_workspace(service_url: str) -> Workspace:
    """The tenant, and each person's chat with the bot as the bot stores it from their last
    message (TurnContext.get_conversation_reference: botbuilder reads a conversation's tenant
    as "tenantID", so Teams' "tenantId" is not in it)."""

    def reference(person_id: int) -> dict[str, Any]:
        user = teams_user(person_id)
        conversation = personal_conversation_id(user)
        return {
            "activityId": f"1700000{person_id:07d}",
            "user": {"id": user, "name": f"Person {person_id}", "aadObjectId": aad_object_id(user)},
            "bot": {"id": BOT_ID, "name": BOT_NAME},
            "conversation": {"conversationType": "personal", "id": conversation},
            "channelId": "msteams",
            "locale": "en-US",
            "serviceUrl": service_url,
        }

    return Workspace("teams", TEAMS_TENANT, teams_user, reference)


async def seed_scheduled_people(
    database: Database,
    people: int,
    *,
    checkin_time: str,
    due_at: datetime,
    later_at: datetime | None = None,
    due_now: int | None = None,
    workspace: Workspace = SLACK,
) -> list[int]:
    """`people` people in one workspace (the Slack one, TENANT, unless told), each checking in
    daily at `checkin_time` UTC with an identity there and a prompt job. The first `due_now` of
    them (all by default) are due at `due_at`, the rest at `later_at`. Returns the people's
    ids."""
    created = datetime.now(UTC)
    tenant = workspace.tenant_id
    reach = workspace.conversation
    async with database.session() as session:
        bench = Tenant(
            id=tenant,
            platform=workspace.platform,
            external_id=workspace.external_id,
            name="Bench",
            created_at=created,
        )
        session.add(bench)
        await session.flush()
        await _insert(
            session,
            Person,
            (
                {
                    "tenant_id": tenant,
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
                    "tenant_id": tenant,
                    "person_id": person_id,
                    "platform": workspace.platform,
                    "external_user_id": workspace.user(person_id),
                    "reachable": True,
                    # Left out, not None: a JSON column stores None as JSON null, not SQL NULL.
                    **({"conversation": reach(person_id)} if reach is not None else {}),
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
                    "tenant_id": tenant,
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
