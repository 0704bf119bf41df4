"""Reviews when a person is erased: the reviews about them go (their self review with them);
what they wrote about others stays for those people, without their name; a cycle they started
stays the org's."""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlmodel import col

from storage.erase.context import Erasing
from storage.models import Review, ReviewCycle


class ReviewRows(Erasing):
    async def reviews(self) -> None:
        about = await self.run(
            delete(Review).where(self._in_tenant(Review), col(Review.subject_id) == self.id)
        )
        written = await self.run(
            update(Review)
            .where(self._in_tenant(Review), col(Review.writer_id) == self.id)
            .values(writer_id=None)
        )
        await self.run(
            update(ReviewCycle)
            .where(self._in_tenant(ReviewCycle), col(ReviewCycle.created_by) == self.id)
            .values(created_by=None)
        )
        note = self.erasure.note
        note("reviews about them", f"{about} deleted")
        note("reviews they wrote about others", f"{written} kept for those people, without a name")
