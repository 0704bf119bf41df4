"""One outbox and one directory for the engine, handing each call to its platform's adapter."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.core.messages import Card, Message, Text
from bot.core.ports import Directory, Outbox, Profile, Recipient


class PlatformOutbox:
    def __init__(self, outboxes: Mapping[str, Outbox]) -> None:
        self.outboxes = dict(outboxes)

    async def send(self, to: Recipient, message: Message) -> dict[str, Any] | None:
        return await self._for(to).send(to, message)

    async def update(self, to: Recipient, ref: dict[str, Any], message: Message) -> None:
        update = getattr(self._for(to), "update", None)
        if update is not None:
            await update(to, ref, message)

    async def find_sent(
        self, to: Recipient, prompt_id: str, since: datetime
    ) -> dict[str, Any] | None:
        """A platform without a history bots may read (Teams) answers None: not found."""
        finder = getattr(self._for(to), "find_sent", None)
        if finder is None:
            return None
        found: dict[str, Any] | None = await finder(to, prompt_id, since)
        return found

    async def post_digest(self, to: Recipient, summary: Text, details: Card) -> None:
        post = getattr(self._for(to), "post_digest", None)
        if post is None:
            raise LookupError(f"{to.platform} can't post digests in channels yet")
        await post(to, summary, details)

    def _for(self, to: Recipient) -> Outbox:
        outbox = self.outboxes.get(to.platform)
        if outbox is None:
            raise LookupError(f"no outbox for platform {to.platform!r}")
        return outbox


class PlatformDirectory:
    def __init__(self, directories: Mapping[str, Directory]) -> None:
        self.directories = dict(directories)

    async def profile(self, platform: str, tenant: str, user: str) -> Profile | None:
        directory = self.directories.get(platform)
        return await directory.profile(platform, tenant, user) if directory else None
