"""The daily `org sync`: one scheduled job per org, claimed like every other job, so that
however many replicas run, one of them reads the directory once a day."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.core.daily import DailyPlan, next_day
from bot.core.ports import Clock, DirectoryUnreadable, ListsAccounts
from bot.org.sync import sync_org
from scheduler.due import ClaimLost, Due
from storage.db import Database

log = logging.getLogger(__name__)

ORG_SYNC = "org_sync"


class ScheduledOrgSync:
    def __init__(self, database: Database, lister: ListsAccounts, clock: Clock) -> None:
        self.database = database
        self.lister = lister
        self.clock = clock
        self._daily = DailyPlan(database, ORG_SYNC, lister.lists)

    async def plan(self) -> int:
        """Gives each org of a platform served here its daily sync, first due a day after it
        is first seen (`checkin-bot org sync` syncs at once). It never calls a platform."""
        added = await self._daily.plan(self.clock.now())
        if added:
            log.info("planned the daily directory sync of %d orgs", added)
        return added

    async def run(self, due: Due, now: datetime) -> datetime | None:
        """Reads the org's directory and merges it; due again a day later, at the same time of
        day. A directory that can't be read is logged, and tried again the next day: the
        reason (no team known, a token revoked) needs an admin, not a retry a minute later."""
        following = next_day(due.due_at, now)
        platform, _, tenant = due.tenant_id.partition(":")
        if not self.lister.lists(platform):
            return following
        if not await due.held():
            raise ClaimLost(ORG_SYNC)
        try:
            listing = await self.lister.accounts(platform, tenant)
        except DirectoryUnreadable as reason:
            log.warning("daily org sync of %s read nothing: %s", due.tenant_id, reason)
            return following
        # Reading a large directory takes minutes; another replica may hold the job by now.
        if not await due.held():
            raise ClaimLost(ORG_SYNC)
        report = await sync_org(self.database, due.tenant_id, platform, listing, self.clock.now())
        log.info("daily org sync of %s: %s", due.tenant_id, report.summary())
        return following
