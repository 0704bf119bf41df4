"""The Store's queries for reading a platform's directory into the org (`org sync`): people
and accounts written in bulk, and which orgs the daily sync looks after."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.insert import insert_if_absent
from storage.models import Person, PlatformIdentity, ScheduledJob, Tenant

# Rows a statement carries, and emails an IN (...) names: well under SQLite's and asyncpg's
# limits on bound parameters.
CHUNK = 500
# ScheduledJob.subject_id is a 32-bit integer on PostgreSQL.
SUBJECT_SPACE = 2**31 - 1


class DirectoryQueries:
    """People and accounts in bulk, for a whole directory at once. Part of
    `storage.repository.Store`."""

    session: AsyncSession

    async def identities_on(self, tenant_id: str, platform: str) -> Sequence[PlatformIdentity]:
        statement = select(PlatformIdentity).where(
            PlatformIdentity.tenant_id == tenant_id, PlatformIdentity.platform == platform
        )
        return (await self.session.exec(statement)).all()

    async def add_people(self, people: Sequence[Person]) -> dict[str, Person]:
        """Inserts these new people, skipping any whose email the org has by now (someone who
        wrote to the bot meanwhile): every one of them as stored, by lower-cased email."""
        await _insert_absent(self.session, people)
        found: dict[str, Person] = {}
        by_tenant: dict[str, list[str]] = {}
        for person in people:
            by_tenant.setdefault(person.tenant_id, []).append(person.email.lower())
        for tenant_id, emails in by_tenant.items():
            for start in range(0, len(emails), CHUNK):
                chunk = emails[start : start + CHUNK]
                found |= await self._people_by_lower_emails(tenant_id, chunk)
        return found

    async def write_and_forget(self) -> None:
        """Writes what this unit of work changed, then forgets the rows it read (they stay
        readable, detached): the statements that follow in it, a row each, then don't check
        every one of thousands of rows in memory against what they change."""
        await self.session.flush()
        self.session.expunge_all()

    async def add_identities(self, identities: Sequence[PlatformIdentity]) -> None:
        """Inserts these accounts; one linked meanwhile (a first message) stays as it is."""
        await _insert_absent(self.session, identities)

    async def _people_by_lower_emails(
        self, tenant_id: str, emails: Collection[str]
    ) -> dict[str, Person]:
        statement = select(Person).where(
            Person.tenant_id == tenant_id, func.lower(Person.email).in_(set(emails))
        )
        return {p.email.lower(): p for p in (await self.session.exec(statement)).all()}

    # -- the daily sync's jobs --------------------------------------------------------------

    async def tenant_platforms(self) -> list[tuple[str, str]]:
        """Every org, by id, with its platform."""
        statement = select(Tenant.id, Tenant.platform).order_by(col(Tenant.id))
        rows = (await self.session.exec(statement)).all()
        return [(tenant, platform) for tenant, platform in rows]

    async def tenants_with_job(self, kind: str) -> set[str]:
        statement = select(ScheduledJob.tenant_id).where(ScheduledJob.kind == kind)
        return set((await self.session.exec(statement)).all())

    async def add_tenant_job(self, tenant_id: str, kind: str, due_at: datetime) -> bool:
        """The org's one job of this kind, unless it has one; True when this call added it.

        A job's subject is a number, unique per kind: an org's is drawn from its id, the same
        in every replica (so two replicas planning at once add one job between them), and the
        next free number should another org's draw have taken it."""
        taken = await self._subjects(kind)
        if tenant_id in taken.values():
            return False
        subject = tenant_subject(tenant_id)
        while subject in taken:
            subject = subject % SUBJECT_SPACE + 1
        job = ScheduledJob(tenant_id=tenant_id, kind=kind, subject_id=subject, due_at=due_at)
        return await insert_if_absent(self.session, job)

    async def _subjects(self, kind: str) -> dict[int, str]:
        statement = select(ScheduledJob.subject_id, ScheduledJob.tenant_id).where(
            ScheduledJob.kind == kind
        )
        return {subject: tenant for subject, tenant in (await self.session.exec(statement)).all()}


def tenant_subject(tenant_id: str) -> int:
    """A number from 1 to 2^31 - 1 drawn from the org's id: the same wherever it is drawn."""
    digest = hashlib.sha256(tenant_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % SUBJECT_SPACE + 1


async def _insert_absent(session: AsyncSession, rows: Sequence[SQLModel]) -> None:
    """INSERT … ON CONFLICT DO NOTHING, many rows a statement."""
    if not rows:
        return
    table = type(rows[0]).__table__  # type: ignore[attr-defined]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    connection = await session.connection()
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        # A column none of them sets is left to the database (a JSON column would otherwise
        # store the JSON null, not SQL's NULL); one some set takes NULL for the others.
        columns = [
            c.name
            for c in table.columns
            if c.name != "id" and any(getattr(row, c.name) is not None for row in chunk)
        ]
        values: list[dict[str, Any]] = [
            {name: getattr(row, name) for name in columns} for row in chunk
        ]
        await connection.execute(dialect.insert(table).on_conflict_do_nothing(), values)
