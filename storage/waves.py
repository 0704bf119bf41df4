"""Queries for a wave: a claimed batch of prompts, read and written a few statements at a time
whatever its size (the scheduler's batch), instead of a unit of work per person."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    CheckinRun,
    KeyResult,
    Objective,
    PendingPrompt,
    Person,
    PlatformIdentity,
    Tenant,
)


class WaveStore:
    """One unit of work over many people at once. Callers check tenants: ids are global."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def people(self, ids: Collection[int]) -> dict[int, Person]:
        found = await self.session.exec(select(Person).where(col(Person.id).in_(ids)))
        return {person.id or 0: person for person in found}

    async def tenants(self, ids: Collection[str]) -> dict[str, Tenant]:
        found = await self.session.exec(select(Tenant).where(col(Tenant.id).in_(ids)))
        return {tenant.id: tenant for tenant in found}

    async def reachable_identities(
        self, person_ids: Collection[int]
    ) -> dict[int, PlatformIdentity]:
        """Each person's first reachable platform identity."""
        found = await self.session.exec(
            select(PlatformIdentity)
            .where(
                col(PlatformIdentity.person_id).in_(person_ids),
                col(PlatformIdentity.reachable).is_(True),
            )
            .order_by(col(PlatformIdentity.id))
        )
        first: dict[int, PlatformIdentity] = {}
        for identity in found:
            first.setdefault(identity.person_id, identity)
        return first

    async def miss_expired_runs(self, person_ids: Collection[int], now: datetime) -> None:
        """Open runs whose period has ended are missed."""
        await self.session.exec(
            update(CheckinRun)
            .where(
                col(CheckinRun.person_id).in_(person_ids),
                col(CheckinRun.status) == "open",
                col(CheckinRun.period_end) <= now,
            )
            .values(status="missed")
        )

    async def miss_ended_runs(self, now: datetime, limit: int = 1000) -> int:
        """Up to `limit` open runs, anyone's, whose period has ended are missed: a period closes
        on time even when no prompt opens the next one (a holiday, a pause, someone who left).
        Read first, so that a sweep with nothing to do writes nothing. Returns how many."""
        ended = await self.session.exec(
            select(CheckinRun.id)
            .where(col(CheckinRun.status) == "open", col(CheckinRun.period_end) <= now)
            .limit(limit)
        )
        ids = list(ended.all())
        if ids:
            await self.session.exec(
                update(CheckinRun)
                .where(col(CheckinRun.id).in_(ids), col(CheckinRun.status) == "open")
                .values(status="missed")
            )
        return len(ids)

    async def runs_present(
        self, person_ids: Collection[int], starts: Collection[datetime]
    ) -> set[tuple[int, datetime]]:
        """(person, period start) of the runs among these that exist already."""
        found = await self.session.exec(
            select(CheckinRun.person_id, CheckinRun.period_start).where(
                col(CheckinRun.person_id).in_(person_ids),
                col(CheckinRun.period_start).in_(starts),
            )
        )
        return set(found.all())

    async def key_results_by_owner(self, person_ids: Collection[int]) -> dict[int, list[KeyResult]]:
        """Active key results of running objectives (not archived, not closed at their
        quarter's end) per owner, in the order a check-in asks them: what `checkin now` asks
        (storage/goals.py, key_results_owned_by)."""
        found = await self.session.exec(
            select(KeyResult)
            .join(Objective, col(Objective.id) == col(KeyResult.objective_id))
            .where(
                col(KeyResult.owner_id).in_(person_ids),
                col(KeyResult.active).is_(True),
                col(Objective.archived).is_(False),
                col(Objective.closed_at).is_(None),
            )
            .order_by(col(KeyResult.objective_id), col(KeyResult.id))
        )
        owned: dict[int, list[KeyResult]] = {}
        for kr in found:
            owned.setdefault(kr.owner_id or 0, []).append(kr)
        return owned

    async def last_full_updates(
        self, person_ids: Collection[int], since: datetime
    ) -> dict[int, datetime]:
        """When each of these people last submitted, since `since`, a check-in that asked about
        every active key result they own now (`checkin now` ahead of their prompt)."""
        found = await self.session.exec(
            select(CheckinRun.person_id, CheckinRun.questions, CheckinRun.submitted_at).where(
                col(CheckinRun.person_id).in_(person_ids),
                col(CheckinRun.status) == "submitted",
                col(CheckinRun.submitted_at) >= since,
            )
        )
        rows = list(found)
        if not rows:
            return {}
        owned = await self.key_results_by_owner({person for person, _, _ in rows})
        latest: dict[int, datetime] = {}
        for person, questions, submitted in rows:
            asked = {q.get("kr_id") for q in questions or [] if isinstance(q, dict)}
            mine = {kr.id for kr in owned.get(person, [])}
            if mine and mine <= asked and submitted is not None:
                latest[person] = max(submitted, latest.get(person, submitted))
        return latest

    async def insert_runs(self, runs: Sequence[dict[str, Any]]) -> dict[int, int]:
        """Insert the runs (rows: `storage.insert.row_of`), skipping any (person, period) that
        exists already (someone started it a moment ago). Returns the new run's id per person."""
        if not runs:
            return {}
        table = CheckinRun.__table__  # type: ignore[attr-defined]
        # Executed as many (one compiled statement, sent in pages), not as one VALUES list:
        # SQLAlchemy compiles a VALUES list anew for every size, which costs more than the insert.
        statement = (
            self._dialect()
            .insert(table)
            .on_conflict_do_nothing()
            .returning(table.c.id, table.c.person_id)
        )
        inserted = await (await self.session.connection()).execute(statement, list(runs))
        return {person: run for run, person in inserted.all()}

    async def insert_prompts(self, prompts: Sequence[dict[str, Any]]) -> None:
        """Insert the waiting prompts (rows: `storage.insert.row_of`)."""
        if prompts:
            table = PendingPrompt.__table__  # type: ignore[attr-defined]
            await (await self.session.connection()).execute(table.insert(), list(prompts))

    async def mark_prompted(
        self, sent: Sequence[tuple[int, str, dict[str, Any] | None]], now: datetime
    ) -> None:
        """The platform took these prompts: (run id, prompt id, the platform's handle) each.
        The runs are marked prompted and the handles saved, in two statements."""
        await self.session.exec(
            update(CheckinRun)
            .where(col(CheckinRun.id).in_([run for run, _, _ in sent]))
            .values(prompted_at=now)
        )
        refs = [{"prompt": prompt, "ref": ref} for _, prompt, ref in sent if prompt and ref]
        if refs:
            table = PendingPrompt.__table__  # type: ignore[attr-defined]
            statement = (
                update(table)
                .where(table.c.id == bindparam("prompt"))
                .values(message_ref=bindparam("ref"))
            )
            await (await self.session.connection()).execute(statement, refs)

    def _dialect(self) -> Any:
        return postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
