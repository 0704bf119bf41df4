"""The Store's queries about goals: objectives, key results and their history."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import CheckinRun, KeyResult, KeyResultChange, Objective, Person

# Built once: a check-in's questions read their key results.
_KEY_RESULTS = select(KeyResult).where(
    col(KeyResult.tenant_id) == bindparam("tenant_id"),
    col(KeyResult.id).in_(bindparam("ids", expanding=True)),
)


def _id(row_id: int | None) -> int:
    """The id of a row that has been flushed."""
    assert row_id is not None, "row not flushed yet"
    return row_id


class GoalQueries:
    """Objectives, key results, changes. Part of `storage.repository.Store`."""

    session: AsyncSession
    _key_results: dict[int, KeyResult]

    async def key_results_owned_by(self, person: Person) -> Sequence[KeyResult]:
        """The key results a person checks in on: active ones of objectives still running (not
        archived, not closed at their quarter's end)."""
        statement = (
            select(KeyResult)
            .join(Objective, col(Objective.id) == col(KeyResult.objective_id))
            .where(
                KeyResult.tenant_id == person.tenant_id,
                KeyResult.owner_id == person.id,
                col(KeyResult.active).is_(True),
                col(Objective.archived).is_(False),
                col(Objective.closed_at).is_(None),
            )
            .order_by(col(KeyResult.objective_id), col(KeyResult.id))
        )
        return (await self.session.exec(statement)).all()

    async def key_results(self, tenant_id: str, ids: Sequence[int]) -> dict[int, KeyResult]:
        missing = [kr_id for kr_id in ids if kr_id not in self._key_results]
        if missing:
            params = {"tenant_id": tenant_id, "ids": missing}
            for kr in (await self.session.exec(_KEY_RESULTS, params=params)).all():
                self._key_results[_id(kr.id)] = kr
        found = (self._key_results.get(kr_id) for kr_id in ids)
        return {_id(kr.id): kr for kr in found if kr is not None and kr.tenant_id == tenant_id}

    async def objectives(
        self, tenant_id: str, period: str | None = None, *, with_archived: bool = False
    ) -> Sequence[Objective]:
        """The org's objectives (of one quarter, when named); archived ones only if asked."""
        statement = select(Objective).where(Objective.tenant_id == tenant_id)
        if period is not None:
            statement = statement.where(Objective.period == period)
        if not with_archived:
            statement = statement.where(col(Objective.archived).is_(False))
        return (await self.session.exec(statement.order_by(col(Objective.id)))).all()

    async def objective(self, tenant_id: str, objective_id: int) -> Objective | None:
        found = await self.session.get(Objective, objective_id)
        return found if found is not None and found.tenant_id == tenant_id else None

    async def key_results_of(
        self, objective: Objective, active: bool | None = True
    ) -> Sequence[KeyResult]:
        """An objective's key results (active ones, by default), in the order they were added."""
        statement = select(KeyResult).where(
            KeyResult.tenant_id == objective.tenant_id, KeyResult.objective_id == objective.id
        )
        if active is not None:
            statement = statement.where(col(KeyResult.active).is_(active))
        return (await self.session.exec(statement.order_by(col(KeyResult.id)))).all()

    async def periods(self, tenant_id: str) -> Sequence[str]:
        """Every quarter the org has objectives in, oldest first."""
        statement = (
            select(Objective.period)
            .where(Objective.tenant_id == tenant_id, col(Objective.archived).is_(False))
            .distinct()
            .order_by(col(Objective.period))
        )
        return (await self.session.exec(statement)).all()

    async def key_results_by_key(
        self, tenant_id: str, keys: Collection[str]
    ) -> dict[str, KeyResult]:
        """The key results with these import keys, by key."""
        statement = select(KeyResult).where(
            KeyResult.tenant_id == tenant_id, col(KeyResult.key).in_(keys)
        )
        return {kr.key: kr for kr in (await self.session.exec(statement)).all()}

    async def all_key_results(self, tenant_id: str) -> Sequence[KeyResult]:
        statement = (
            select(KeyResult).where(KeyResult.tenant_id == tenant_id).order_by(col(KeyResult.id))
        )
        return (await self.session.exec(statement)).all()

    async def changes(self, tenant_id: str) -> Sequence[KeyResultChange]:
        statement = (
            select(KeyResultChange)
            .where(KeyResultChange.tenant_id == tenant_id)
            .order_by(col(KeyResultChange.changed_at), col(KeyResultChange.id))
        )
        return (await self.session.exec(statement)).all()

    async def changes_in_run(self, run: CheckinRun) -> Sequence[KeyResultChange]:
        statement = (
            select(KeyResultChange)
            .where(
                KeyResultChange.tenant_id == run.tenant_id,
                KeyResultChange.checkin_run_id == run.id,
            )
            .order_by(col(KeyResultChange.id))
        )
        return (await self.session.exec(statement)).all()

    async def change_key_result(
        self,
        kr: KeyResult,
        *,
        value: float | None = None,
        confidence: int | None = None,
        author_id: int | None,
        run_id: int | None,
        source: str,
        when: datetime,
    ) -> None:
        """Set a new value and/or confidence, keeping a history row for each real change."""
        for field, new, old in (
            ("value", value, kr.current),
            ("confidence", confidence, kr.confidence),
        ):
            if new is None or new == old:
                continue
            self.session.add(
                KeyResultChange(
                    tenant_id=kr.tenant_id,
                    key_result_id=_id(kr.id),
                    field=field,
                    old_value=old,
                    new_value=new,
                    author_id=author_id,
                    checkin_run_id=run_id,
                    source=source,
                    changed_at=when,
                )
            )
            if field == "value":
                kr.current = new
            else:
                kr.confidence = int(new)
        kr.updated_at = when
        self.session.add(kr)
