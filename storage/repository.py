"""The engine's and the CLI's view of the database: one `Store` per unit of work.

Its queries live by area (`people.py`, `goals.py`, `checkins.py`); the Store puts them together
with what a unit of work remembers, so that a reply reads each row once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.checkins import CheckinQueries
from storage.directory import DirectoryQueries
from storage.feedback import FeedbackStore
from storage.goals import GoalQueries
from storage.insert import insert_if_absent, insert_row_if_absent, row_of
from storage.jobs import drop_job, move_job, upsert_job
from storage.kudos import KudosStore
from storage.models import Answer, KeyResult, PendingPrompt, ProcessedEvent
from storage.oneonones import OneOnOneStore
from storage.people import PeopleQueries
from storage.pulse import PulseStore
from storage.reviews import ReviewStore
from storage.subscriptions import Subscriptions
from storage.team import TeamStore

EVENT_ID_LENGTH = 200  # ProcessedEvent.event_id


class Store(PeopleQueries, DirectoryQueries, GoalQueries, CheckinQueries):
    """One unit of work's view of the database, always scoped to a tenant by its callers."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        # What this unit of work already read, so that a reply reads it once. Every write to
        # these rows in a unit of work goes through this Store (and the session's identity map
        # would hand back the same objects anyway).
        self._key_results: dict[int, KeyResult] = {}
        self._answers: dict[int, dict[str, Answer]] = {}
        self._waiting: dict[int, PendingPrompt | None] = {}  # per run

    def keep(self, *rows: SQLModel) -> None:
        """Adds changed or new rows to this unit of work: written at its commit."""
        self.session.add_all(rows)

    async def save(self, rows: Iterable[SQLModel]) -> None:
        """Adds the rows to this unit of work and writes them now, so new ones get their ids."""
        self.session.add_all(list(rows))
        await self.session.flush()

    async def insert_if_absent(self, row: SQLModel) -> bool:
        """True when this unit of work inserted the row; False when it was there already."""
        return await insert_if_absent(self.session, row)

    async def delete(self, row: SQLModel) -> None:
        await self.session.delete(row)

    async def plan(self, tenant_id: str, kind: str, subject_id: int, due_at: datetime) -> None:
        """Schedule (or move) the one job of this kind for this subject."""
        await upsert_job(self.session, tenant_id, kind, subject_id, due_at)

    async def replan(
        self, tenant_id: str, kind: str, subject_id: int, due_at: datetime, now: datetime
    ) -> bool:
        """Move the subject's job of this kind to `due_at` unless it is due or claimed."""
        return await move_job(self.session, tenant_id, kind, subject_id, due_at, now)

    async def unplan(self, kind: str, subject_id: int) -> None:
        """Drop the job of this kind for this subject, if there is one."""
        await drop_job(self.session, kind, subject_id)

    # The feature stores, on this unit of work's session.

    @property
    def feedback(self) -> FeedbackStore:
        return FeedbackStore(self.session)

    @property
    def pulse(self) -> PulseStore:
        return PulseStore(self.session)

    @property
    def kudos(self) -> KudosStore:
        return KudosStore(self.session)

    @property
    def oneonones(self) -> OneOnOneStore:
        return OneOnOneStore(self.session)

    @property
    def reviews(self) -> ReviewStore:
        return ReviewStore(self.session)

    @property
    def team(self) -> TeamStore:
        return TeamStore(self.session)

    @property
    def subscriptions(self) -> Subscriptions:
        return Subscriptions(self.session)

    # -- inbound dedupe -------------------------------------------------------------------

    async def first_time_seen(
        self, tenant_id: str, platform: str, event_id: str, when: datetime
    ) -> bool:
        """Platforms retry deliveries: only the first sighting of an event id is handled."""
        # Platforms' ids are short and printable; one the column can't hold (too long, or NUL,
        # which PostgreSQL refuses) is kept as its digest, which tells retries apart as well.
        if len(event_id) > EVENT_ID_LENGTH or not event_id.isprintable():
            raw = event_id.encode("utf-8", "surrogatepass")
            event_id = "sha256:" + hashlib.sha256(raw).hexdigest()
        seen = row_of(
            ProcessedEvent,
            tenant_id=tenant_id,
            platform=platform,
            event_id=event_id,
            received_at=when,
        )
        return await insert_row_if_absent(self.session, ProcessedEvent, seen)
