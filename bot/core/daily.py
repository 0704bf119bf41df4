"""Daily jobs of a whole org (its directory sync, its housekeeping): planned once per org,
claimed like every job, so however many replicas run, one of them does the day's work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from storage.db import Database
from storage.repository import Store

DAY = timedelta(days=1)
# Planning looks for new orgs every tick at most this often: a tick comes every few seconds.
LOOK_EVERY = timedelta(hours=1)


class DailyPlan:
    """Gives each org that `wanted` accepts its daily job of `kind`, first due `first_after`
    it is first seen. A maintenance task: it runs every tick, and reads the database once an
    hour."""

    def __init__(
        self,
        database: Database,
        kind: str,
        wanted: Callable[[str], bool],
        first_after: timedelta = DAY,
    ) -> None:
        self.database = database
        self.kind = kind
        self.wanted = wanted  # by the org's platform
        self.first_after = first_after
        self._looked_at: datetime | None = None

    async def plan(self, now: datetime) -> int:
        if self._looked_at is not None and self._looked_at <= now < self._looked_at + LOOK_EVERY:
            return 0
        self._looked_at = now
        added = 0
        async with self.database.session() as session:
            store = Store(session)
            planned = await store.tenants_with_job(self.kind)
            for tenant_id, platform in await store.tenant_platforms():
                if self.wanted(platform) and tenant_id not in planned:
                    added += await store.add_tenant_job(
                        tenant_id, self.kind, now + self.first_after
                    )
        return added


def next_day(due_at: datetime, now: datetime) -> datetime:
    """A day after `due_at`, or later still after a down time, at the same time of day."""
    following = due_at + DAY
    while following <= now:
        following += DAY
    return following
