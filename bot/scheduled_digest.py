"""The scheduler's handler for channel digests: build this week's, post it, next Monday."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from bot.digest import build_digest
from bot.digest_channels import next_digest
from bot.ports import Recipient
from scheduler.due import Due
from storage.repository import Store
from storage.subscriptions import Subscriptions

if TYPE_CHECKING:
    from bot.engine import Engine

log = logging.getLogger(__name__)


class ScheduledDigests:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def post(self, due: Due, now: datetime) -> datetime | None:
        async with self.engine.database.session() as session:
            subscription = await Subscriptions(session).get(due.tenant_id, due.subject_id)
            tenant = await Store(session).tenant(due.tenant_id)
            if subscription is None or tenant is None:
                return None  # unsubscribed meanwhile
            digest = await build_digest(session, tenant.id, subscription.team, now)
            to = Recipient(tenant.platform, tenant.external_id, "", subscription.channel)
            following = next_digest(tenant.settings, now)
        await self.engine.post_digest(to, digest)
        return following
