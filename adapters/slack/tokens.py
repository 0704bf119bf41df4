"""Each Slack tenant's bot token, for every Web API call and inbound request in OAuth mode.

Read from the installation row and decrypted once, then kept in process: a bounded map, least
recently used first out. An entry is trusted until the sooner of `MAX_AGE` (a reinstall or an
uninstall by another replica shows then) and its token's rotation window, so a token due a
refresh is always read again and refreshed through `ClaimedRotation`, and one another replica
refreshed is picked up. Slack refusing a token (web_api.py) and saves and deletes by this
process's store drop the entry at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from adapters.slack.installations import DatabaseInstallationStore, StoredBot
from adapters.slack.rotation import ROTATE_MINUTES_BEFORE_EXPIRY, ClaimedRotation

CACHE_SIZE = 1000
MAX_AGE = 60.0  # seconds


@dataclass(frozen=True)
class _Entry:
    stored: StoredBot
    fresh_until: float


class SlackTokens:
    def __init__(
        self,
        store: DatabaseInstallationStore,
        rotation: ClaimedRotation,
        *,
        clock: Callable[[], float] = time.time,
        size: int = CACHE_SIZE,
        max_age: float = MAX_AGE,
    ) -> None:
        self._store = store
        self._rotation = rotation
        self._clock = clock
        self._size = size
        self._max_age = max_age
        self._entries: dict[str, _Entry] = {}  # in order of use, least recent first
        self._loading: dict[str, asyncio.Future[StoredBot | None]] = {}
        # Bumped by every drop: a read begun before it may hold what was dropped, so isn't kept.
        self._drops = 0
        store.on_change(self.drop)

    async def token(self, workspace: str) -> str | None:
        """The bot token for a Web API call about `workspace`: a team id, or an enterprise id
        for an org-wide install (a tenant's external id either way)."""
        stored = await self.installation(f"slack:{workspace}")
        return None if stored is None else stored.bot.bot_token

    async def installation(self, tenant_id: str) -> StoredBot | None:
        entry = self._entries.pop(tenant_id, None)
        if entry is not None and self._clock() < entry.fresh_until:
            self._entries[tenant_id] = entry
            return entry.stored
        # One read (and at most one refresh) per tenant at a time in this process.
        loading = self._loading.get(tenant_id)
        if loading is None:
            loading = asyncio.ensure_future(self._load(tenant_id))
            self._loading[tenant_id] = loading
            loading.add_done_callback(partial(self._loaded, tenant_id))
        return await asyncio.shield(loading)

    def refused(self, workspace: str, token: str) -> None:
        """Slack refused `token` (invalid_auth, token_revoked, token_expired): read it again."""
        entry = self._entries.get(f"slack:{workspace}")
        if entry is None or entry.stored.bot.bot_token == token:
            self.drop(f"slack:{workspace}")

    def drop(self, tenant_id: str) -> None:
        self._entries.pop(tenant_id, None)
        self._drops += 1

    async def _load(self, tenant_id: str) -> StoredBot | None:
        drops = self._drops
        stored = await self._store.stored_bot(tenant_id)
        if stored is not None:
            stored = await self._rotation.fresh(stored)
        if stored is not None and drops == self._drops:
            self._keep(stored)
        return stored

    def _keep(self, stored: StoredBot) -> None:
        now = self._clock()
        fresh_until = now + self._max_age
        expires_at = stored.bot.bot_token_expires_at
        if expires_at is not None:
            fresh_until = min(fresh_until, expires_at - ROTATE_MINUTES_BEFORE_EXPIRY * 60)
        if fresh_until <= now:
            return  # still to be refreshed (another replica is on it): read it each time
        while len(self._entries) >= self._size:
            del self._entries[next(iter(self._entries))]
        self._entries[stored.tenant_id] = _Entry(stored, fresh_until)

    def _loaded(self, tenant_id: str, loading: asyncio.Future[StoredBot | None]) -> None:
        if self._loading.get(tenant_id) is loading:
            del self._loading[tenant_id]
        if not loading.cancelled():
            loading.exception()  # retrieved: every waiter sees it raised, none may be left
