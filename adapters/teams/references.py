"""Teams personal-chat conversation references: how the bot reaches a person proactively."""

from __future__ import annotations

from typing import Any

from bot.core.recent import Recent
from storage.db import Database
from storage.repository import Store
from storage.settings import settings_of

# References kept in process: a wave of 10,000 reads each once; past this, from the database.
REFERENCES_KEPT = 20_000


class ReferenceBook:
    """Personal-chat references per (tenant, user): remembered from each activity in the
    person's chat with the bot, kept on their platform identity so a restart can still reach
    them."""

    def __init__(self, database: Database, kept: int = REFERENCES_KEPT) -> None:
        self.database = database
        # The people written to most recently; the others' are read from the database.
        self._cache: Recent[tuple[str, str], dict[str, Any]] = Recent(kept)
        self._saved: Recent[tuple[str, str], dict[str, Any]] = Recent(kept)

    async def remember(self, tenant: str, user: str, reference: dict[str, Any]) -> None:
        """Used at once; saved once the person has an identity (remember again after the
        first message's turn, which links them)."""
        key = (tenant, user)
        self._cache.put(key, reference)
        if self._saved.get(key) == reference:
            return
        async with self.database.session() as session:
            store = Store(session)
            identity = await store.identity(f"teams:{tenant}", "teams", user)
            if identity is None:
                return
            if identity.conversation != reference:
                identity.conversation = reference
                identity.reachable = True
                session.add(identity)
        self._saved.put(key, reference)

    async def get(self, tenant: str, user: str) -> dict[str, Any] | None:
        cached = self._cache.get((tenant, user))
        if cached is not None:
            return cached
        async with self.database.session() as session:
            identity = await Store(session).identity(f"teams:{tenant}", "teams", user)
        if identity is None or not identity.conversation:
            return None
        self._cache.put((tenant, user), identity.conversation)
        return identity.conversation

    async def service_url(self, tenant: str) -> str | None:
        async with self.database.session() as session:
            found = await Store(session).tenant(f"teams:{tenant}")
        return settings_of(found).teams_service_url if found is not None else None
