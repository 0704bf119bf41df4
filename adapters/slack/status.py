"""People's Slack statuses, read when their check-ins fall due: users.profile.get one by one for
a few people (Tier 4), users.list for many (Tier 2, 200 a page, with every profile's status),
whichever costs fewer minutes of the workspace's rate; a listing serves the next batches of the
same wave for a few minutes. Whatever isn't read within the time given is left out: those people
are prompted as usual rather than held up."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from adapters.slack.pacing import SlackSendError
from adapters.slack.web_api import SlackApi
from bot.core.ports import Status

log = logging.getLogger(__name__)

PAGE = 200
# users.profile.get comes at about 100 a minute, users.list pages at about 20 (of 200 people):
# listing the workspace is cheaper once a batch holds more than 1 person in 40 of it.
LIST_ABOVE = 25
IN_FLIGHT = 8
BUDGET_SECONDS = 240.0  # read ahead of prompts, in the background: no one waits for it
LISTING_KEPT_SECONDS = 300.0
MAX_PAGES = 5_000


class SlackStatuses:
    def __init__(self, api: SlackApi, *, budget: float = BUDGET_SECONDS) -> None:
        self.api = api
        self.budget = budget
        self._listings: dict[str, tuple[float, dict[str, Status]]] = {}

    def reads_status(self, platform: str) -> bool:
        return platform == "slack"

    async def statuses(self, platform: str, tenant: str, users: Sequence[str]) -> dict[str, Status]:
        if platform != "slack" or not users:
            return {}
        found: dict[str, Status] = {}
        try:
            async with asyncio.timeout(self.budget):
                if len(users) > LIST_ABOVE:
                    listed = await self._listing(tenant)
                    found.update((u, listed[u]) for u in users if u in listed)
                else:
                    await self._one_by_one(tenant, users, found)
        except TimeoutError:
            log.warning("Slack statuses: %d of %d read in time", len(found), len(users))
        except SlackSendError as error:
            log.warning("Slack statuses could not be read: %s", error.error)
        return found

    async def _one_by_one(
        self, tenant: str, users: Sequence[str], found: dict[str, Status]
    ) -> None:
        slots = asyncio.Semaphore(IN_FLIGHT)

        async def read(user: str) -> None:
            async with slots:
                try:
                    data = await self.api.call(tenant, "users.profile.get", user=user)
                except SlackSendError as error:
                    log.warning("a Slack status could not be read: %s", error.error)
                    return
            found[user] = status_of(data.get("profile") or {})

        await asyncio.gather(*(read(user) for user in users))

    async def _listing(self, tenant: str) -> dict[str, Status]:
        kept = self._listings.get(tenant)
        if kept is not None and time.monotonic() - kept[0] < LISTING_KEPT_SECONDS:
            return kept[1]
        listed: dict[str, Status] = {}
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            page = await self.api.call(tenant, "users.list", limit=PAGE, cursor=cursor)
            for user in page.get("members") or []:
                if isinstance(user, dict) and user.get("id"):
                    listed[str(user["id"])] = status_of(user.get("profile") or {})
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if cursor is None:
                break
        self._listings[tenant] = (time.monotonic(), listed)
        return listed


def status_of(profile: dict[str, Any]) -> Status:
    """A Slack profile's status; an expiration of 0 is none."""
    expires = profile.get("status_expiration")
    until = (
        datetime.fromtimestamp(expires, UTC)
        if isinstance(expires, int | float) and not isinstance(expires, bool) and expires > 0
        else None
    )
    emoji, text = profile.get("status_emoji"), profile.get("status_text")
    return Status(
        emoji if isinstance(emoji, str) else "", text if isinstance(text, str) else "", until
    )
