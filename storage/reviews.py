"""The Store's queries about review cycles and the reviews written in them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Review, ReviewCycle


class ReviewStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def cycle_named(self, tenant_id: str, name: str) -> ReviewCycle | None:
        statement = select(ReviewCycle).where(
            ReviewCycle.tenant_id == tenant_id, ReviewCycle.name == name
        )
        return (await self.session.exec(statement)).first()

    async def cycles(self, tenant_id: str) -> Sequence[ReviewCycle]:
        statement = select(ReviewCycle).where(ReviewCycle.tenant_id == tenant_id)
        return (await self.session.exec(statement.order_by(col(ReviewCycle.id)))).all()

    async def open_cycles(self, tenant_id: str) -> Sequence[ReviewCycle]:
        statement = select(ReviewCycle).where(
            ReviewCycle.tenant_id == tenant_id, ReviewCycle.status == "open"
        )
        return (await self.session.exec(statement.order_by(col(ReviewCycle.id)))).all()

    async def cycle(self, tenant_id: str, cycle_id: int) -> ReviewCycle | None:
        found = await self.session.get(ReviewCycle, cycle_id)
        return found if found is not None and found.tenant_id == tenant_id else None

    async def review(self, tenant_id: str, review_id: int) -> Review | None:
        found = await self.session.get(Review, review_id)
        return found if found is not None and found.tenant_id == tenant_id else None

    async def of_cycle(self, cycle_id: int) -> Sequence[Review]:
        statement = select(Review).where(Review.cycle_id == cycle_id)
        return (await self.session.exec(statement.order_by(col(Review.id)))).all()

    async def about(self, cycle_id: int, subject_id: int) -> Sequence[Review]:
        statement = select(Review).where(
            Review.cycle_id == cycle_id, Review.subject_id == subject_id
        )
        return (await self.session.exec(statement.order_by(col(Review.id)))).all()

    async def by_writer(self, tenant_id: str, writer_id: int) -> Sequence[Review]:
        """What a person writes or wrote, in open cycles, oldest first."""
        open_cycles = select(ReviewCycle.id).where(
            ReviewCycle.tenant_id == tenant_id, ReviewCycle.status == "open"
        )
        statement = select(Review).where(
            col(Review.cycle_id).in_(open_cycles), col(Review.writer_id) == writer_id
        )
        return (await self.session.exec(statement.order_by(col(Review.id)))).all()

    async def about_me(self, tenant_id: str, subject_id: int) -> Sequence[Review]:
        """The reviews of a person in open cycles, oldest first."""
        open_cycles = select(ReviewCycle.id).where(
            ReviewCycle.tenant_id == tenant_id, ReviewCycle.status == "open"
        )
        statement = select(Review).where(
            col(Review.cycle_id).in_(open_cycles), col(Review.subject_id) == subject_id
        )
        return (await self.session.exec(statement.order_by(col(Review.id)))).all()

    async def drop_peers(self, cycle_id: int, subject_id: int) -> None:
        """The subject's peer reviews not answered yet: a new choice of peers replaces them."""
        await self.session.exec(
            delete(Review).where(
                col(Review.cycle_id) == cycle_id,
                col(Review.subject_id) == subject_id,
                col(Review.kind) == "peer",
                col(Review.status).in_(("nominated", "pending")),
            )
        )
