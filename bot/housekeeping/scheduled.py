"""The daily housekeeping of each org: its bookkeeping older than its retention, pruned in
small batches (storage/housekeeping.py says what is bookkeeping, and what is never touched)."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import datetime, timedelta

from bot.core.daily import DailyPlan, next_day
from bot.core.ports import Clock
from bot.housekeeping.retention import retention
from scheduler.due import ClaimLost, Due
from storage.db import Database
from storage.housekeeping import BATCH, Prune, prune_batch, prunes
from storage.repository import Store
from storage.settings import settings_of

log = logging.getLogger(__name__)

HOUSEKEEPING = "housekeeping"
FIRST_AFTER = timedelta(hours=1)  # an org's first housekeeping, once it is first seen


class ScheduledHousekeeping:
    def __init__(self, database: Database, clock: Clock, batch: int = BATCH) -> None:
        self.database = database
        self.clock = clock
        self.batch = batch
        self._daily = DailyPlan(database, HOUSEKEEPING, lambda _platform: True, FIRST_AFTER)

    async def plan(self) -> int:
        added = await self._daily.plan(self.clock.now())
        if added:
            log.info("planned the daily housekeeping of %d orgs", added)
        return added

    async def run(self, due: Due, now: datetime) -> datetime | None:
        """Prunes the org's bookkeeping; due again a day later. Each batch is a unit of work of
        its own, so a first prune of a year's rows holds no lock for long, and the claim is
        checked between kinds: another replica may hold the job by now."""
        async with self.database.session() as session:
            tenant = await Store(session).tenant(due.tenant_id)
        if tenant is None:
            return None  # the org is gone: its job with it
        cutoff = now - retention(settings_of(tenant))
        pruned: Counter[str] = Counter()
        for prune in prunes(due.tenant_id, cutoff, now, self.batch):
            if not await due.held():
                raise ClaimLost(HOUSEKEEPING)
            pruned[prune.name] = await self._all_of(prune)
        done = ", ".join(f"{count} {name}" for name, count in pruned.items() if count)
        log.info("housekeeping of %s: %s", due.tenant_id, done or "nothing to prune")
        return next_day(due.due_at, now)

    async def _all_of(self, prune: Prune) -> int:
        total = 0
        while True:
            async with self.database.session() as session:
                deleted = await prune_batch(session, prune)
            total += deleted
            if deleted < self.batch:
                return total
            await asyncio.sleep(0)  # let inbound work in between batches
