"""The scheduler's handlers for feedback requests: the one reminder, and the close."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING

from bot.core.outcome import Notice
from bot.feedback.requests import Requests
from bot.feedback.unit import FeedbackUnit
from scheduler.due import Due
from storage.feedback import FeedbackStore
from storage.models import FeedbackRequest
from storage.repository import Store

if TYPE_CHECKING:
    from bot.engine import Engine

Step = Callable[[Requests, FeedbackRequest], Awaitable[list[Notice]]]


class ScheduledFeedback:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def remind(self, due: Due, now: datetime) -> datetime | None:
        """Nudge the givers who haven't answered; then this job is done."""
        await self._run(due, now, Requests.reminders)
        return None

    async def close(self, due: Due, now: datetime) -> datetime | None:
        """The due day ended: release what anonymity allows, and close the request."""
        await self._run(due, now, Requests.close)
        return None

    async def _run(self, due: Due, now: datetime, step: Step) -> None:
        async with self.engine.database.session() as session:
            store = Store(session)
            request = await FeedbackStore(session).request(due.tenant_id, due.subject_id)
            tenant = await store.tenant(due.tenant_id)
            if request is None or tenant is None:
                return
            requester = await store.person(tenant.id, request.requester_id)
            if requester is None:
                return
            requests = Requests(FeedbackUnit(store, tenant, requester, now, tenant.platform))
            notices = await step(requests, request)
        await self.engine.notify(due.tenant_id, notices)
