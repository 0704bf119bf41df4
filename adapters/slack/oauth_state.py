"""OAuth `state` values in the database, so any replica can take the OAuth callback."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from storage import slack_installs
from storage.db import Database

logger = logging.getLogger(__name__)

STATE_LIFETIME = timedelta(minutes=10)


class DatabaseOAuthStateStore(AsyncOAuthStateStore):
    """OAuth `state` values in the database, so any replica can take the callback."""

    def __init__(
        self,
        database: Database,
        *,
        lifetime: timedelta = STATE_LIFETIME,
        now: Callable[[], datetime],
        log: logging.Logger | None = None,
    ) -> None:
        self._database = database
        self._lifetime = lifetime
        self._now = now
        self._logger = log or logger

    @property
    def logger(self) -> logging.Logger:
        return self._logger

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(32)
        now = self._now()
        async with self._database.session() as session:
            await slack_installs.issue_oauth_state(session, state, now + self._lifetime, now)
        return state

    async def async_consume(self, state: str) -> bool:
        """True once per unexpired state: the DELETE is the claim, so only one replica wins."""
        async with self._database.session() as session:
            return await slack_installs.consume_oauth_state(session, state, self._now())
