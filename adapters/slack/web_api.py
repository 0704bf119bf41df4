"""One paced, retried Slack Web API client for every workspace: each call with the bot token of
the workspace it is for, from the environment (one workspace) or the installation store."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.pacing import Pacer, SlackSendError, call_slack
from bot.core.recent import Recent

TokenSource = Callable[[str], Awaitable[str | None]]
# Told (workspace, token) when Slack refuses the token itself.
TokenRefused = Callable[[str, str], None]
CALL_TIMEOUT = 30  # seconds, the SDK's own default
CLIENTS_KEPT = 1000  # a client per workspace's current token, for this many workspaces
# Slack's answers to a token it no longer takes: rotated by another replica and expired,
# revoked by a reinstall or an uninstall.
REFUSED_TOKEN = frozenset({"invalid_auth", "token_revoked", "token_expired"})


class SlackApi:
    """One paced, retried Web API for every workspace this deployment serves."""

    def __init__(
        self,
        api_url: str,
        tokens: TokenSource,
        pacer: Pacer | None = None,
        *,
        refused: TokenRefused | None = None,
    ) -> None:
        self.api_url = api_url if api_url.endswith("/") else api_url + "/"
        self.tokens = tokens
        self.refused = refused
        self.pacer = pacer or Pacer()
        # One per token in use: a rotated token's client ages out instead of being kept forever.
        self._clients: Recent[str, AsyncWebClient] = Recent(CLIENTS_KEPT)
        self._session: aiohttp.ClientSession | None = None

    async def open(self) -> None:
        """Keep connections to Slack open from call to call, until `close`. Without it (a
        one-off CLI command) every call opens a connection of its own, and its TLS handshake."""
        if self._session is None:
            # No cap on connections, as when each call had its own: the pacer decides how many
            # calls are in flight, and a call must not time out waiting for a free connection.
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0),
                timeout=aiohttp.ClientTimeout(total=CALL_TIMEOUT),
            )
            self._clients = Recent(CLIENTS_KEPT)

    async def close(self) -> None:
        session, self._session = self._session, None
        self._clients = Recent(CLIENTS_KEPT)
        if session is not None:
            await session.close()

    def client(self, token: str) -> AsyncWebClient:
        client = self._clients.get(token)
        if client is None:
            # Retries are ours (call_slack), so that 429s teach the pacer.
            client = AsyncWebClient(
                token=token,
                base_url=self.api_url,
                retry_handlers=[],
                session=self._session,
                timeout=CALL_TIMEOUT,
            )
            self._clients.put(token, client)
        return client

    async def call(self, workspace: str, method: str, **params: Any) -> dict[str, Any]:
        token = await self.tokens(workspace)
        if not token:
            raise SlackSendError(method=method, error="no_installation", retryable=False)
        try:
            return await call_slack(self.client(token), self.pacer, method, workspace, **params)
        except SlackSendError as error:
            if self.refused is None or error.error not in REFUSED_TOKEN:
                raise
            self.refused(workspace, token)
            self._clients.drop(token)
            again = await self.tokens(workspace)
            if not again or again == token:
                raise
        # Slack refused the token, not the call: once more with the token the database has now.
        return await call_slack(self.client(again), self.pacer, method, workspace, **params)
