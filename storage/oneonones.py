"""The Store's queries about 1:1s: a person's 1:1s, a pair's, their meetings, and the agenda
items of a meeting with the action items still open from the meetings before it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.insert import insert_if_absent
from storage.models import AgendaItem, OneOnOne, OneOnOneMeeting

LIVE = ("asked", "active")


class OneOnOneStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def series(self, tenant_id: str, series_id: int) -> OneOnOne | None:
        found = await self.session.get(OneOnOne, series_id)
        return found if found is not None and found.tenant_id == tenant_id else None

    async def of_person(self, tenant_id: str, person_id: int) -> Sequence[OneOnOne]:
        """The person's 1:1s that are asked or on, oldest first."""
        statement = select(OneOnOne).where(
            col(OneOnOne.tenant_id) == tenant_id,
            col(OneOnOne.status).in_(LIVE),
            or_(col(OneOnOne.starter_id) == person_id, col(OneOnOne.other_id) == person_id),
        )
        return (await self.session.exec(statement.order_by(col(OneOnOne.id)))).all()

    async def between(self, tenant_id: str, one: int, other: int) -> OneOnOne | None:
        """The pair's 1:1 that is asked or on, whoever started it."""
        pair = or_(
            and_(col(OneOnOne.starter_id) == one, col(OneOnOne.other_id) == other),
            and_(col(OneOnOne.starter_id) == other, col(OneOnOne.other_id) == one),
        )
        statement = select(OneOnOne).where(
            col(OneOnOne.tenant_id) == tenant_id, col(OneOnOne.status).in_(LIVE), pair
        )
        return (await self.session.exec(statement.order_by(col(OneOnOne.id)))).first()

    async def change_status(self, series: OneOnOne, was: Sequence[str], to: str) -> bool:
        """Compare-and-set: True when this call moved the 1:1 from one of `was` to `to` (a
        double click, or an answer to a 1:1 stopped since, changes nothing)."""
        statement = (
            update(OneOnOne)
            .where(col(OneOnOne.id) == series.id, col(OneOnOne.status).in_(was))
            .values(status=to)
        )
        moved = (await self.session.exec(statement)).rowcount == 1
        if moved:
            series.status = to
        return bool(moved)

    async def of_pair(self, tenant_id: str, one: int, other: int) -> Sequence[OneOnOne]:
        """Every 1:1 the two have had, on or not, oldest first: their history."""
        pair = or_(
            and_(col(OneOnOne.starter_id) == one, col(OneOnOne.other_id) == other),
            and_(col(OneOnOne.starter_id) == other, col(OneOnOne.other_id) == one),
        )
        statement = select(OneOnOne).where(col(OneOnOne.tenant_id) == tenant_id, pair)
        return (await self.session.exec(statement.order_by(col(OneOnOne.id)))).all()

    async def everything_of(
        self, tenant_id: str, person_id: int
    ) -> tuple[Sequence[OneOnOne], Sequence[OneOnOneMeeting], Sequence[AgendaItem]]:
        """Every 1:1 the person was in, whatever its state, with its meetings and their items
        (everyone's: the caller keeps what the person may see). Three statements."""
        theirs = select(OneOnOne).where(
            col(OneOnOne.tenant_id) == tenant_id,
            or_(col(OneOnOne.starter_id) == person_id, col(OneOnOne.other_id) == person_id),
        )
        series = (await self.session.exec(theirs.order_by(col(OneOnOne.id)))).all()
        ids = select(OneOnOne.id).where(
            col(OneOnOne.tenant_id) == tenant_id,
            or_(col(OneOnOne.starter_id) == person_id, col(OneOnOne.other_id) == person_id),
        )
        meetings = select(OneOnOneMeeting).where(col(OneOnOneMeeting.series_id).in_(ids))
        found = (await self.session.exec(meetings.order_by(col(OneOnOneMeeting.starts_at)))).all()
        of_them = select(OneOnOneMeeting.id).where(col(OneOnOneMeeting.series_id).in_(ids))
        items = select(AgendaItem).where(col(AgendaItem.meeting_id).in_(of_them))
        return series, found, (await self.session.exec(items.order_by(col(AgendaItem.id)))).all()

    async def meetings(self, series_id: int) -> Sequence[OneOnOneMeeting]:
        statement = select(OneOnOneMeeting).where(OneOnOneMeeting.series_id == series_id)
        return (await self.session.exec(statement.order_by(col(OneOnOneMeeting.starts_at)))).all()

    async def upcoming(self, series_id: int) -> OneOnOneMeeting | None:
        """The meeting not followed up yet: the next one, or the one just held."""
        statement = select(OneOnOneMeeting).where(
            col(OneOnOneMeeting.series_id) == series_id,
            col(OneOnOneMeeting.followed_up_at).is_(None),
        )
        return (await self.session.exec(statement.order_by(col(OneOnOneMeeting.starts_at)))).first()

    async def add_meeting(self, meeting: OneOnOneMeeting) -> OneOnOneMeeting:
        """The meeting, once: a second replica adding the same one finds the first's."""
        await insert_if_absent(self.session, meeting)
        statement = select(OneOnOneMeeting).where(
            OneOnOneMeeting.series_id == meeting.series_id,
            OneOnOneMeeting.starts_at == meeting.starts_at,
        )
        return (await self.session.exec(statement)).one()

    async def items(self, meeting_ids: Sequence[int]) -> Sequence[AgendaItem]:
        if not meeting_ids:
            return []
        statement = select(AgendaItem).where(col(AgendaItem.meeting_id).in_(meeting_ids))
        return (await self.session.exec(statement.order_by(col(AgendaItem.id)))).all()

    async def open_actions(self, series_id: int, before: datetime) -> Sequence[AgendaItem]:
        """Action items not done from the series' meetings that started before `before`."""
        earlier = select(OneOnOneMeeting.id).where(
            col(OneOnOneMeeting.series_id) == series_id, col(OneOnOneMeeting.starts_at) < before
        )
        statement = select(AgendaItem).where(
            col(AgendaItem.meeting_id).in_(earlier),
            col(AgendaItem.kind) == "action",
            col(AgendaItem.done_at).is_(None),
        )
        return (await self.session.exec(statement.order_by(col(AgendaItem.id)))).all()

    async def item(self, tenant_id: str, item_id: int) -> AgendaItem | None:
        found = await self.session.get(AgendaItem, item_id)
        return found if found is not None and found.tenant_id == tenant_id else None

    async def seed(self, item: AgendaItem) -> bool:
        """An item from the record, once per meeting (its seed_key)."""
        return await insert_if_absent(self.session, item)
