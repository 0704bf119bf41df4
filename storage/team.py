"""Queries for a manager's view of their people: a fixed handful whatever the team's size."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Answer, CheckinRun, KeyResult, KeyResultChange


class TeamStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def runs_since(
        self, tenant_id: str, person_ids: Collection[int], since: datetime
    ) -> Sequence[CheckinRun]:
        """Runs of these people whose period ended after `since` (or is still open)."""
        statement = (
            select(CheckinRun)
            .where(
                CheckinRun.tenant_id == tenant_id,
                col(CheckinRun.person_id).in_(person_ids),
                col(CheckinRun.period_end) > since,
            )
            .order_by(col(CheckinRun.period_start))
        )
        return (await self.session.exec(statement)).all()

    async def answers_to(
        self, tenant_id: str, run_ids: Collection[int], question_key: str
    ) -> Sequence[Answer]:
        statement = select(Answer).where(
            Answer.tenant_id == tenant_id,
            col(Answer.run_id).in_(run_ids),
            Answer.question_key == question_key,
        )
        return (await self.session.exec(statement)).all()

    async def key_results_of(
        self, tenant_id: str, owner_ids: Collection[int]
    ) -> Sequence[KeyResult]:
        statement = (
            select(KeyResult)
            .where(
                KeyResult.tenant_id == tenant_id,
                col(KeyResult.owner_id).in_(owner_ids),
                col(KeyResult.active).is_(True),
            )
            .order_by(col(KeyResult.id))
        )
        return (await self.session.exec(statement)).all()

    async def changes_since(
        self, tenant_id: str, kr_ids: Collection[int], since: datetime, field: str
    ) -> Sequence[KeyResultChange]:
        statement = (
            select(KeyResultChange)
            .where(
                KeyResultChange.tenant_id == tenant_id,
                col(KeyResultChange.key_result_id).in_(kr_ids),
                KeyResultChange.field == field,
                col(KeyResultChange.changed_at) > since,
            )
            .order_by(col(KeyResultChange.changed_at))
        )
        return (await self.session.exec(statement)).all()

    async def last_checkin_updates(
        self, tenant_id: str, kr_ids: Collection[int]
    ) -> dict[int, datetime]:
        """When each key result was last updated in a check-in."""
        statement = (
            select(KeyResultChange.key_result_id, func.max(KeyResultChange.changed_at))
            .where(
                KeyResultChange.tenant_id == tenant_id,
                col(KeyResultChange.key_result_id).in_(kr_ids),
                KeyResultChange.source == "checkin",
            )
            .group_by(col(KeyResultChange.key_result_id))
        )
        return {kr: at for kr, at in (await self.session.exec(statement)).all()}
