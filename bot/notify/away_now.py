"""What is known of people as their check-ins fall due: whether their chat status says they are
away, and when they last updated every key result they own in a check-in.

Statuses are read ahead: on each scheduler tick, in the background, the statuses of people with
a prompt or reminder due within LEAD whose status is older than FRESH are read from their
platform and kept on their row. A wave then reads nothing from the platform: a 10,000-person
wave at 09:00 was listed from about 08:50, and no prompt waits for it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection, Iterable
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import col, select

from bot.core.ports import Clock, ReadsStatus
from bot.notify.away import UP_TO_DATE_MOST, Presence, away_by_status, signs_of
from storage.db import Database
from storage.models import Person, PlatformIdentity, ScheduledJob, Tenant
from storage.waves import WaveStore

log = logging.getLogger(__name__)
LEAD = timedelta(minutes=10)
FRESH = timedelta(minutes=30)
# A status with no expiry counts until it is read again (every prompt reads it anew first).
NO_EXPIRY = timedelta(days=1)
MOST_A_LOOK = 20_000
READ_BUDGET_SECONDS = 300.0
CHUNK = 1000  # ids in one statement: well under any database's limit on parameters


async def presence_of(
    database: Database, due: Iterable[tuple[str, int]], now: datetime
) -> dict[int, Presence]:
    """What is known of each of `due` ((tenant id, person id) each), by person id."""
    ids = [person for _, person in due]
    if not ids:
        return {}
    async with database.session() as session:
        updated = await WaveStore(session).last_full_updates(ids, now - UP_TO_DATE_MOST * 2)
        away = set(
            (
                await session.exec(
                    select(Person.id).where(col(Person.id).in_(ids), col(Person.away_until) > now)
                )
            ).all()
        )
    return {
        person: Presence(person in away, updated.get(person))
        for person in ids
        if person in away or person in updated
    }


class StatusAhead:
    """The scheduler's upkeep that reads statuses ahead of prompts, one look at a time."""

    def __init__(
        self,
        database: Database,
        reader: ReadsStatus | None,
        clock: Clock,
        kinds: Collection[str],
    ) -> None:
        """`kinds`: the jobs that prompt or remind someone (their due times say whose status to
        read)."""
        self.database = database
        self.reader = reader
        self.clock = clock
        self.kinds = tuple(kinds)
        self._looking: asyncio.Task[int] | None = None

    async def look(self) -> int:
        """Start a look in the background unless one is under way; 1 when one started."""
        if self.reader is None or (self._looking is not None and not self._looking.done()):
            return 0
        self._looking = asyncio.create_task(self.read(self.clock.now()))
        return 1

    async def settled(self) -> None:
        """Wait for the look under way, if any (tests, shutdown)."""
        if self._looking is not None:
            await asyncio.shield(self._looking)

    async def read(self, now: datetime) -> int:
        """Read the statuses of people due soon whose status is stale; returns how many."""
        reader = self.reader
        if reader is None:
            return 0
        try:
            due = await self._due_soon(now)
            read = 0
            tenants = {tenant.id: tenant for _, _, tenant in due}
            async with asyncio.timeout(READ_BUDGET_SECONDS):
                for (platform, tenant_id), people in _by_workspace(due, reader).items():
                    tenant = tenants[tenant_id]
                    read += await self._read_workspace(reader, platform, tenant, people, now)
            return read
        except Exception:
            log.warning("statuses could not be read ahead", exc_info=True)
            return 0

    async def _due_soon(self, now: datetime) -> list[tuple[Person, PlatformIdentity, Tenant]]:
        async with self.database.session() as session:
            rows = await session.exec(
                select(Person, PlatformIdentity, Tenant)
                .join(ScheduledJob, col(ScheduledJob.subject_id) == col(Person.id))
                .join(PlatformIdentity, col(PlatformIdentity.person_id) == col(Person.id))
                .join(Tenant, col(Tenant.id) == col(Person.tenant_id))
                .where(
                    col(ScheduledJob.kind).in_(self.kinds),
                    col(ScheduledJob.due_at) <= now + LEAD,
                    col(Person.active).is_(True),
                    col(PlatformIdentity.reachable).is_(True),
                    or_(
                        col(Person.status_read_at).is_(None),
                        col(Person.status_read_at) < now - FRESH,
                    ),
                )
                .limit(MOST_A_LOOK)
            )
            return list(rows.all())

    async def _read_workspace(
        self,
        reader: ReadsStatus,
        platform: str,
        tenant: Tenant,
        people: dict[int, tuple[Person, str]],
        now: datetime,
    ) -> int:
        users = [user for _, user in people.values()]
        found = await reader.statuses(platform, tenant.external_id, users)
        signs = signs_of(tenant)
        # Until when each is away (None: not away), for those whose status was read in time;
        # the rest are read again on the next look.
        until: dict[int, datetime | None] = {}
        for person_id, (_, user) in people.items():
            status = found.get(user)
            if status is not None:
                away = away_by_status(status, signs, now)
                until[person_id] = (status.until or now + NO_EXPIRY) if away else None
        present = [person_id for person_id, at in until.items() if at is None]
        async with self.database.session() as session:
            # Most people aren't away: one statement for all of them, one for each who is.
            for first in range(0, len(present), CHUNK):
                await session.exec(
                    update(Person)
                    .where(col(Person.id).in_(present[first : first + CHUNK]))
                    .values(away_until=None, status_read_at=now)
                )
            for person_id, at in until.items():
                if at is not None:
                    await session.exec(
                        update(Person)
                        .where(col(Person.id) == person_id)
                        .values(away_until=at, status_read_at=now)
                    )
        return len(found)


def _by_workspace(
    rows: list[tuple[Person, PlatformIdentity, Tenant]], reader: ReadsStatus
) -> dict[tuple[str, str], dict[int, tuple[Person, str]]]:
    """The people whose platform has statuses, by (platform, tenant id)."""
    groups: dict[tuple[str, str], dict[int, tuple[Person, str]]] = {}
    for person, identity, tenant in rows:
        if person.id is None or not reader.reads_status(identity.platform):
            continue
        key = (identity.platform, tenant.id)
        groups.setdefault(key, {})[person.id] = (person, identity.external_user_id)
    return groups
