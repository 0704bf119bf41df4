"""Kudos when a person is erased: their name goes from kudos they gave and received. A kudos
they gave stays, with no giver, for the people it names; one they received goes with them when
no one else is named in it."""

from __future__ import annotations

from sqlalchemy import delete, func, update
from sqlalchemy import select as subquery
from sqlmodel import col, select

from storage.erase.context import Erasing
from storage.models import Kudos, KudosReceiver


class KudosRows(Erasing):
    async def kudos(self) -> None:
        given = await self.run(
            update(Kudos)
            .where(self._in_tenant(Kudos), col(Kudos.giver_id) == self.id)
            .values(giver_id=None)
        )
        received = subquery(col(KudosReceiver.kudos_id)).where(
            col(KudosReceiver.person_id) == self.id
        )
        # Kudos naming only them: no one is left to read them.
        others = subquery(func.count()).where(
            col(KudosReceiver.kudos_id) == col(Kudos.id), col(KudosReceiver.person_id) != self.id
        )
        alone = select(Kudos.id).where(col(Kudos.id).in_(received), others.scalar_subquery() == 0)
        alone_ids = [kudos_id for kudos_id in (await self.session.exec(alone)).all() if kudos_id]
        await self.run(delete(KudosReceiver).where(col(KudosReceiver.person_id) == self.id))
        if alone_ids:
            await self.run(delete(KudosReceiver).where(col(KudosReceiver.kudos_id).in_(alone_ids)))
            await self.run(delete(Kudos).where(col(Kudos.id).in_(alone_ids)))
        note = self.erasure.note
        note("kudos they gave", f"{given} kept for the people they name, without the giver")
        note("kudos they received", f"{len(alone_ids)} naming only them deleted")
