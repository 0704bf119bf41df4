"""The Store's queries about kudos: the org's values, kudos given and received."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
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

    async def everything(self, tenant_id: str) -> tuple[Sequence[Kudos], Sequence[KudosReceiver]]:
        """Every kudos of the org with its receivers, oldest first: the export's."""
        kudos = select(Kudos).where(Kudos.tenant_id == tenant_id).order_by(col(Kudos.id))
        receivers = select(KudosReceiver).where(KudosReceiver.tenant_id == tenant_id)
        return (await self.session.exec(kudos)).all(), (await self.session.exec(receivers)).all()
