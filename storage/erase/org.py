"""What is the org's loses their name: goals and history, their reports."""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlmodel import col

from storage.erase.context import Erasing
from storage.models import (
    DigestSubscription,
    GoalNudge,
    KeyResult,
    KeyResultChange,
    Objective,
    Person,
)


class OrgRows(Erasing):
    """The org's rows that name them: kept, without their name."""

    async def goals(self) -> None:
        mine = self._in_tenant
        subscribed = await self.run(
            update(DigestSubscription)
            .where(mine(DigestSubscription), col(DigestSubscription.created_by) == self.id)
            .values(created_by=None)
        )
        if subscribed:
            self.erasure.note(
                "channel digest subscriptions they made", f"{subscribed} kept, with no maker"
            )
        authored = await self.run(
            update(KeyResultChange)
            .where(mine(KeyResultChange), col(KeyResultChange.author_id) == self.id)
            .values(author_id=None)
        )
        key_results = await self.run(
            update(KeyResult)
            .where(mine(KeyResult), col(KeyResult.owner_id) == self.id)
            .values(owner_id=None)
        )
        objectives = await self.run(
            update(Objective)
            .where(mine(Objective), col(Objective.owner_id) == self.id)
            .values(owner_id=None)
        )
        nudged = await self.run(
            delete(GoalNudge).where(mine(GoalNudge), col(GoalNudge.person_id) == self.id)
        )
        note = self.erasure.note
        note("quarter nudges sent to them", f"{nudged} deleted")
        note("key result changes they made", f"{authored} kept, without their name")
        note("key results they owned", f"{key_results} kept, now without an owner")
        note("objectives they owned", f"{objectives} kept, now without an owner")

    async def reports(self) -> None:
        """Their reports move up to their own manager, so the tree stays connected."""
        manager_id = self.person.manager_id if self.person.manager_id != self.id else None
        theirs = (self._in_tenant(Person), col(Person.manager_id) == self.id)
        if manager_id is not None:
            # In a loop (their manager reports to them), that manager ends up at the top.
            await self.run(
                update(Person).where(*theirs, col(Person.id) == manager_id).values(manager_id=None)
            )
        moved = await self.run(update(Person).where(*theirs).values(manager_id=manager_id))
        # Anyone waiting for them to confirm as manager waits for no one.
        await self.run(
            update(Person)
            .where(self._in_tenant(Person), col(Person.manager_asked_id) == self.id)
            .values(manager_asked_id=None)
        )
        manager = await self.session.get(Person, manager_id) if manager_id else None
        to = f"now report to {manager.email}" if manager else "now have no manager"
        self.erasure.note("people who reported to them", f"{moved} {to}" if moved else "none")
