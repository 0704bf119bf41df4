"""One outbox and one directory for the engine, handing each call to its platform's adapter."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from bot.core.messages import Card, Message, Text
from bot.core.ports import (
    Directory,
    DirectoryUnreadable,
    FindsSent,
    HasPhrasebook,
    Listing,
    ListsAccounts,
    Outbox,
    Phrasebook,
    PostsInChannels,
    Profile,
    ReachesPlatforms,
    ReadsStatus,
    Recipient,
    Status,
    Updates,
)

Able = TypeVar("Able")


class PlatformOutbox(Outbox, Updates, PostsInChannels, FindsSent, HasPhrasebook, ReachesPlatforms):
    """Every capability the engine knows of, each handed to the recipient's platform where that
    platform has it: no update, no post in a channel (LookupError), no history (None) and the
    engine's own words where it doesn't."""

    def __init__(self, outboxes: Mapping[str, Outbox]) -> None:
        self.outboxes = dict(outboxes)
        # What each platform can do beyond sending, asked once.
        self.updates: dict[str, Updates] = {
            platform: outbox
            for platform, outbox in self.outboxes.items()
            if isinstance(outbox, Updates)
        }
        self.channels: dict[str, PostsInChannels] = {
            platform: outbox
            for platform, outbox in self.outboxes.items()
            if isinstance(outbox, PostsInChannels)
        }
        self.history: dict[str, FindsSent] = {
            platform: outbox
            for platform, outbox in self.outboxes.items()
            if isinstance(outbox, FindsSent)
        }
        self.phrases: dict[str, HasPhrasebook] = {
            platform: outbox
            for platform, outbox in self.outboxes.items()
            if isinstance(outbox, HasPhrasebook)
        }

    async def send(self, to: Recipient, message: Message) -> dict[str, Any] | None:
        return await self._for(to).send(to, message)

    async def update(self, to: Recipient, ref: dict[str, Any], message: Message) -> None:
        updates = self._able(self.updates, to)
        if updates is not None:
            await updates.update(to, ref, message)

    async def find_sent(
        self, to: Recipient, prompt_id: str, since: datetime
    ) -> dict[str, Any] | None:
        """A platform without a history bots may read (Teams) answers None: not found."""
        history = self._able(self.history, to)
        if history is None:
            return None
        return await history.find_sent(to, prompt_id, since)

    async def post_digest(self, to: Recipient, summary: Text, details: Card) -> None:
        channels = self._able(self.channels, to)
        if channels is None:
            raise LookupError(f"{to.platform} can't post digests in channels yet")
        await channels.post_digest(to, summary, details)

    async def post_card(self, to: Recipient, card: Card) -> None:
        channels = self._able(self.channels, to)
        if channels is None:
            raise LookupError(f"{to.platform} can't post in channels yet")
        await channels.post_card(to, card)

    def phrasebook(self, to: Recipient) -> Phrasebook | None:
        phrases = self.phrases.get(to.platform)
        return phrases.phrasebook(to) if phrases is not None else None

    def reaches(self, platform: str) -> bool:
        return platform in self.outboxes

    def _able(self, able: Mapping[str, Able], to: Recipient) -> Able | None:
        """`to`'s outbox as one that can, or None; a platform with no outbox is an error, as
        for `send`."""
        self._for(to)
        return able.get(to.platform)

    def _for(self, to: Recipient) -> Outbox:
        outbox = self.outboxes.get(to.platform)
        if outbox is None:
            raise LookupError(f"no outbox for platform {to.platform!r}")
        return outbox


class PlatformDirectory(ListsAccounts, ReadsStatus):
    """Each platform's look-up of one user, its reading of a whole directory (`org sync`) and
    of people's statuses, where it has them."""

    def __init__(
        self,
        directories: Mapping[str, Directory],
        listers: Mapping[str, ListsAccounts] | None = None,
        statuses: Mapping[str, ReadsStatus] | None = None,
    ) -> None:
        self.directories = dict(directories)
        self.listers = dict(listers or {})
        self.status_readers = dict(statuses or {})

    def reads_status(self, platform: str) -> bool:
        return platform in self.status_readers

    async def statuses(self, platform: str, tenant: str, users: Sequence[str]) -> dict[str, Status]:
        reader = self.status_readers.get(platform)
        return await reader.statuses(platform, tenant, users) if reader else {}

    async def profile(self, platform: str, tenant: str, user: str) -> Profile | None:
        directory = self.directories.get(platform)
        return await directory.profile(platform, tenant, user) if directory else None

    def lists(self, platform: str) -> bool:
        return platform in self.listers

    async def accounts(self, platform: str, tenant: str) -> Listing:
        lister = self.listers.get(platform)
        if lister is None:
            raise DirectoryUnreadable(f"{platform} isn't configured here: no directory to read")
        return await lister.accounts(platform, tenant)
