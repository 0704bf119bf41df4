"""1:1s when a person is erased: a 1:1 is only its two people's, so every 1:1 they were in goes,
with its meetings, agendas, notes and scheduled nudges."""

from __future__ import annotations

from sqlalchemy import delete, or_
from sqlmodel import col, select

from storage.erase.context import Erasing
from storage.models import AgendaItem, OneOnOne, OneOnOneMeeting


class OneOnOneRows(Erasing):
    async def oneonones(self) -> None:
        theirs = select(OneOnOne.id).where(
            self._in_tenant(OneOnOne),
            or_(col(OneOnOne.starter_id) == self.id, col(OneOnOne.other_id) == self.id),
        )
        series = [s for s in (await self.session.exec(theirs)).all() if s is not None]
        if series:
            meetings = select(OneOnOneMeeting.id).where(col(OneOnOneMeeting.series_id).in_(series))
            await self.run(delete(AgendaItem).where(col(AgendaItem.meeting_id).in_(meetings)))
            await self.run(
                delete(OneOnOneMeeting).where(col(OneOnOneMeeting.series_id).in_(series))
            )
            await self.run(self._jobs(self.kinds.oneonone, series))
            await self.run(delete(OneOnOne).where(col(OneOnOne.id).in_(series)))
        self.erasure.note("1:1s they were in", f"{len(series)} deleted, with their agendas")
