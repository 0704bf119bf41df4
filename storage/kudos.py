"""The Store's queries about kudos: the org's values, kudos given and received."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func
from sqlalchemy import select as select_columns  # sqlmodel's select takes four at most
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Kudos, KudosReceiver, KudosValue, Person


class KudosStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def values(self, tenant_id: str) -> Sequence[KudosValue]:
        statement = select(KudosValue).where(KudosValue.tenant_id == tenant_id)
        return (await self.session.exec(statement.order_by(col(KudosValue.id)))).all()

    async def given_since(self, giver: Person, since: datetime) -> int:
        statement = select(func.count()).where(
            col(Kudos.tenant_id) == giver.tenant_id,
            col(Kudos.giver_id) == giver.id,
            col(Kudos.created_at) >= since,
        )
        return int((await self.session.exec(statement)).one())

    async def give(self, kudos: Kudos, receivers: Sequence[Person]) -> Kudos:
        self.session.add(kudos)
        await self.session.flush()
        assert kudos.id is not None
        for person in receivers:
            assert person.id is not None
            self.session.add(
                KudosReceiver(tenant_id=kudos.tenant_id, kudos_id=kudos.id, person_id=person.id)
            )
        return kudos

    async def received_by(self, person: Person, limit: int = 5) -> Sequence[Kudos]:
        statement = (
            select(Kudos)
            .join(KudosReceiver, col(KudosReceiver.kudos_id) == col(Kudos.id))
            .where(
                col(KudosReceiver.person_id) == person.id, col(Kudos.tenant_id) == person.tenant_id
            )
            .order_by(col(Kudos.created_at).desc(), col(Kudos.id).desc())
            .limit(limit)
        )
        return (await self.session.exec(statement)).all()

    async def between(
        self, tenant_id: str, start: datetime, end: datetime
    ) -> tuple[list[tuple[int, int | None, list[str]]], list[tuple[int, int]]]:
        """The org's kudos given in [start, end), private ones too (only counted, never shown):
        (id, giver id, value tags), and their receivers as (kudos id, person id)."""
        when = (
            col(Kudos.tenant_id) == tenant_id,
            col(Kudos.created_at) >= start,
            col(Kudos.created_at) < end,
        )
        kudos = await _exec(
            self.session,
            select_columns(col(Kudos.id), col(Kudos.giver_id), col(Kudos.tags)).where(*when),
        )
        receivers = await _exec(
            self.session,
            select_columns(col(KudosReceiver.kudos_id), col(KudosReceiver.person_id))
            .join(Kudos, col(Kudos.id) == col(KudosReceiver.kudos_id))
            .where(*when),
        )
        return [(k, g, list(t or ())) for k, g, t in kudos], [(k, p) for k, p in receivers]

    async def everything(self, tenant_id: str) -> tuple[Sequence[Kudos], Sequence[KudosReceiver]]:
        """Every kudos of the org with its receivers, oldest first: the export's."""
        kudos = select(Kudos).where(Kudos.tenant_id == tenant_id).order_by(col(Kudos.id))
        receivers = select(KudosReceiver).where(KudosReceiver.tenant_id == tenant_id)
        return (await self.session.exec(kudos)).all(), (await self.session.exec(receivers)).all()


@dataclass(frozen=True)
class KudosShown:
    """A kudos as a channel may show it: no private one is ever loaded as one."""

    id: int
    giver: str | None  # None: the giver was erased
    receivers: tuple[str, ...]  # names, the erased left out
    message: str
    tags: tuple[str, ...]
    created_at: datetime


async def recognition(
    session: AsyncSession,
    tenant_id: str,
    team: str | None,
    since: datetime,
    now: datetime,
    named: int = 3,
) -> tuple[list[KudosShown], dict[str, str]]:
    """The kudos given in (since, now] that aren't private, newest first, to a member of `team`
    (None: to anyone), and the org's value names by tag. The receivers are named for the
    latest `named` only. Three statements, whatever the size."""
    where: list[ColumnElement[bool]] = [
        col(Kudos.tenant_id) == tenant_id,
        col(Kudos.private).is_(False),
        col(Kudos.created_at) > since,
        col(Kudos.created_at) <= now,
    ]
    if team is not None:
        members = select(Person.id).where(Person.tenant_id == tenant_id, Person.team == team)
        to_members = select(KudosReceiver.kudos_id).where(col(KudosReceiver.person_id).in_(members))
        where.append(col(Kudos.id).in_(to_members))
    rows = (
        await _exec(
            session,
            select_columns(
                col(Kudos.id),
                col(Person.name),
                col(Kudos.message),
                col(Kudos.tags),
                col(Kudos.created_at),
            )
            .outerjoin(Person, col(Person.id) == col(Kudos.giver_id))
            .where(*where)
            .order_by(col(Kudos.created_at).desc(), col(Kudos.id).desc()),
        )
    ).all()
    names: dict[int, list[str]] = {}
    if not rows:
        return [], {}
    received = await _exec(
        session,
        select_columns(col(KudosReceiver.kudos_id), col(Person.name))
        .join(Person, col(Person.id) == col(KudosReceiver.person_id))
        .where(col(KudosReceiver.kudos_id).in_([row[0] for row in rows[:named]]))
        .order_by(col(KudosReceiver.id)),
    )
    for kudos_id, name in received:
        names.setdefault(kudos_id, []).append(name)
    values = await _exec(
        session,
        select_columns(col(KudosValue.tag), col(KudosValue.name)).where(
            col(KudosValue.tenant_id) == tenant_id
        ),
    )
    shown = [
        KudosShown(id, giver, tuple(names.get(id, ())), message, tuple(tags or ()), created_at)
        for id, giver, message, tags, created_at in rows
    ]
    return shown, dict(values.all())


async def _exec(session: AsyncSession, statement: Any) -> Any:
    """Bare columns (sqlmodel's select takes four at most): rows of plain values."""
    return await session.exec(statement)
