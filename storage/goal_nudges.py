"""Who a quarter's nudges are for, across orgs: owners with objectives left to close, and people
with no goals in a quarter; and the claim that sends each nudge once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement
from sqlmodel import col, exists, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.insert import insert_if_absent
from storage.models import GoalNudge, KeyResult, Objective, Person

CLOSE = "close"
SET = "set"


class GoalNudges:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _not_nudged(self, kind: str, period: str) -> ColumnElement[bool]:
        return ~exists().where(
            col(GoalNudge.person_id) == col(Person.id),
            col(GoalNudge.period) == period,
            col(GoalNudge.kind) == kind,
        )

    async def owners_to_close(self, period: str) -> Sequence[Person]:
        """Active people who own objectives of `period` still open, not nudged to close yet."""
        owns_open = exists().where(
            col(Objective.owner_id) == col(Person.id),
            col(Objective.period) == period,
            col(Objective.archived).is_(False),
            col(Objective.closed_at).is_(None),
        )
        statement = select(Person).where(
            col(Person.active).is_(True), owns_open, self._not_nudged(CLOSE, period)
        )
        return (await self.session.exec(statement.order_by(col(Person.id)))).all()

    async def people_without_goals(self, period: str) -> Sequence[Person]:
        """Active people who own no objective and no key result in `period`, not nudged yet, in
        orgs that have goals for it: an org that doesn't use goals, or hasn't set the
        quarter's yet, asks no one."""
        org_has_goals = exists().where(
            col(Objective.tenant_id) == col(Person.tenant_id),
            col(Objective.period) == period,
            col(Objective.archived).is_(False),
        )
        owns_objective = exists().where(
            col(Objective.owner_id) == col(Person.id),
            col(Objective.period) == period,
            col(Objective.archived).is_(False),
        )
        owns_key_result = exists().where(
            col(KeyResult.owner_id) == col(Person.id),
            col(KeyResult.active).is_(True),
            col(Objective.id) == col(KeyResult.objective_id),
            col(Objective.period) == period,
            col(Objective.archived).is_(False),
        )
        statement = select(Person).where(
            col(Person.active).is_(True),
            org_has_goals,
            ~owns_objective,
            ~owns_key_result,
            self._not_nudged(SET, period),
        )
        return (await self.session.exec(statement.order_by(col(Person.id)))).all()

    async def claim(self, person: Person, period: str, kind: str, now: datetime) -> bool:
        """True for the one unit of work that records this nudge: it sends it."""
        assert person.id is not None
        nudge = GoalNudge(
            tenant_id=person.tenant_id, person_id=person.id, period=period, kind=kind, sent_at=now
        )
        return await insert_if_absent(self.session, nudge)
