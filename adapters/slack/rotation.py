"""Refreshing a rotating Slack bot token once, whichever replica finds it about to expire.

Slack's refresh tokens are single-use: a second refresh with the same one is refused
(`invalid_refresh_token`), so the replica that loses a race fails what it was doing, and one
whose refresh Slack answered but that never saved the answer leaves a refresh token nobody
holds. So a refresh is a claim on the installation row (storage.slack_installs.claim_refresh):
the replica that takes it refreshes, saves and clears it; the others poll the row for the new
token, a bounded while, and take the claim over once it lapses (its holder died mid-refresh).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable

from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.installations import DatabaseInstallationStore, StoredBot

log = logging.getLogger(__name__)

ROTATE_MINUTES_BEFORE_EXPIRY = 120
# How long a refresh may take before another replica takes it over: well beyond the refresh
# call's own timeout, so a live claimer is never overtaken.
REFRESH_TIMEOUT = 10  # seconds
CLAIM_SECONDS = 30.0
# How long a caller waits for another replica's refresh: within the 3 s in which Slack wants an
# inbound request acked. A token in the rotation window still works, so after that it is used.
WAIT_SECONDS = 2.0
POLL_SECONDS = 0.05


class TokenRotationNotConfigured(RuntimeError):
    """A rotating token is about to expire, but no client id/secret was given to refresh it."""


class TokenRotationPending(RuntimeError):
    """The token has expired and another replica is still refreshing it: try again shortly."""


def rotation_due(bot: Bot, now: float) -> bool:
    expires_at = bot.bot_token_expires_at
    return (
        bot.bot_refresh_token is not None
        and expires_at is not None
        and expires_at <= now + ROTATE_MINUTES_BEFORE_EXPIRY * 60
    )


def claimant_name() -> str:
    """Who holds a claim, as an operator reading the row would want to know: host and process,
    and a nonce that tells apart two stores in one process."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class ClaimedRotation:
    """Hands back an installation whose token is out of the rotation window, refreshing it
    under the row's claim when it isn't."""

    def __init__(
        self,
        store: DatabaseInstallationStore,
        *,
        client_id: str | None,
        client_secret: str | None,
        client: AsyncWebClient,
        claimant: str | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        wait_seconds: float = WAIT_SECONDS,
        claim_seconds: float = CLAIM_SECONDS,
    ) -> None:
        self._store = store
        self._credentials = (client_id, client_secret) if client_id and client_secret else None
        self._client = client
        self.claimant = claimant or claimant_name()
        self._clock = clock
        self._sleep = sleep
        self._wait_seconds = wait_seconds
        self._claim_seconds = claim_seconds

    async def fresh(self, seen: StoredBot) -> StoredBot | None:
        """`seen` if its token is not yet due a refresh; otherwise the installation with the
        token refreshed, here or by the replica holding the claim. None if it was deleted."""
        current: StoredBot | None = seen
        deadline = self._clock() + self._wait_seconds
        while current is not None and rotation_due(current.bot, now := self._clock()):
            if self._credentials is None:
                raise TokenRotationNotConfigured(
                    f"the Slack token of {current.tenant_id} rotates: "
                    "set the app's client id and secret"
                )
            lapsed = current.claim_until is None or current.claim_until <= now
            until = now + self._claim_seconds
            if lapsed and await self._store.claim_refresh(current, self.claimant, now, until):
                if current.claimed_by is not None:
                    log.warning("took over the lapsed token refresh of %s", current.tenant_id)
                return await self._refresh(current, *self._credentials)
            if now >= deadline:
                return self._unrefreshed(current, now)
            await self._sleep(POLL_SECONDS)
            current = await self._store.stored_bot(current.tenant_id)
        return current

    async def _refresh(
        self, claimed: StoredBot, client_id: str, client_secret: str
    ) -> StoredBot | None:
        rotator = AsyncTokenRotator(
            client_id=client_id, client_secret=client_secret, client=self._client
        )
        try:
            refreshed = await rotator.perform_bot_token_rotation(
                bot=claimed.bot, minutes_before_expiration=ROTATE_MINUTES_BEFORE_EXPIRY
            )
        except Exception as error:
            log.error(
                "could not refresh the Slack token of %s: %s", claimed.tenant_id, _code(error)
            )
            await self._store.release_refresh(claimed, self.claimant)
            raise
        if refreshed is None:  # Slack handed back no bot token
            await self._store.release_refresh(claimed, self.claimant)
            return claimed
        if await self._store.save_refreshed(claimed, refreshed):
            log.info("rotated the Slack bot token of %s", claimed.tenant_id)
        else:
            log.warning("%s was reinstalled during its token refresh", claimed.tenant_id)
        return await self._store.stored_bot(claimed.tenant_id)

    def _unrefreshed(self, current: StoredBot, now: float) -> StoredBot:
        """Another replica's refresh outlasted the wait: its old token serves until it expires."""
        expires_at = current.bot.bot_token_expires_at
        if expires_at is not None and expires_at <= now:
            raise TokenRotationPending(
                f"the Slack token of {current.tenant_id} is being refreshed by {current.claimed_by}"
            )
        log.info(
            "the token refresh of %s by %s is under way: using the current token",
            current.tenant_id,
            current.claimed_by,
        )
        return current


def _code(error: Exception) -> str:
    """Slack's error code for a failed refresh (invalid_refresh_token, ...), or the exception's
    type: never the request, which holds the refresh token."""
    response = getattr(getattr(error, "api_error", error), "response", None)
    code = response.get("error") if response is not None else None
    return str(code or type(error).__name__)
