"""One Bot Connector client per service URL, kept, instead of one per turn.

botbuilder's `CloudAdapter` asks its authentication for a new `ConnectorClient` and a new
`UserTokenClient` on every turn, inbound or proactive. Building one costs about 12 ms of CPU
(msrest fills a retry policy's status list by scanning two lists of 500 codes), so a turn spent
about 24 ms before sending anything, and each client opened a connection pool of its own.
`BotFrameworkAdapter`, the older adapter, keeps its clients the same way (by service URL, app id
and scope). The credentials inside a kept client keep their token until it expires.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)

# Teams answers from a few service URLs (one per region); the bound is for the unexpected.
MOST = 64

V = TypeVar("V")
Key = tuple[str, ...]


class Kept(Generic[V]):
    """A bounded map that forgets the longest unused entry first, and builds each entry once
    however many turns ask for it at the same moment."""

    def __init__(self, most: int = MOST) -> None:
        self.most = most
        self._entries: OrderedDict[Key, V] = OrderedDict()
        self._building = asyncio.Lock()

    def get(self, key: Key) -> V | None:
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, key: Key, value: V) -> V:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self.most:
            self._entries.popitem(last=False)
        return value

    async def get_or_build(self, key: Key, build: Callable[[], Awaitable[V]]) -> V:
        value = self.get(key)
        if value is None:
            async with self._building:
                value = self.get(key) or self.put(key, await build())
        return value

    def __len__(self) -> int:
        return len(self._entries)


def _bot_of(claims: ClaimsIdentity) -> str:
    """The bot's app id as botbuilder derives it (audience, else the app id claim); none
    (no credentials configured) is ""."""
    return str(
        claims.get_claim_value(AuthenticationConstants.AUDIENCE_CLAIM)
        or claims.get_claim_value(AuthenticationConstants.APP_ID_CLAIM)
        or ""
    )


class _KeptConnectors(ConnectorFactory):  # type: ignore[misc]
    def __init__(
        self, inner: ConnectorFactory, bot: str, scope: str, kept: Kept[ConnectorClient]
    ) -> None:
        self._inner = inner
        self._bot = bot
        self._scope = scope  # what the factory uses when no audience is given
        self._kept = kept

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        key = (self._bot, service_url, audience or self._scope)
        return await self._kept.get_or_build(key, lambda: self._inner.create(service_url, audience))


class KeptClientsAuthentication(ConfigurationBotFrameworkAuthentication):  # type: ignore[misc]
    """botbuilder's configuration-based authentication, with its clients kept."""

    def __init__(self, configuration: Any, **options: Any) -> None:
        super().__init__(configuration, **options)
        self.connectors: Kept[ConnectorClient] = Kept()
        self.token_clients: Kept[UserTokenClient] = Kept()

    def _kept(self, factory: ConnectorFactory, claims: ClaimsIdentity) -> ConnectorFactory:
        scope = str(self.get_originating_audience() or "")
        return _KeptConnectors(factory, _bot_of(claims), scope, self.connectors)

    async def authenticate_request(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        result = await super().authenticate_request(activity, auth_header)
        if result.connector_factory is not None and result.claims_identity is not None:
            result.connector_factory = self._kept(result.connector_factory, result.claims_identity)
        return result

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return self._kept(super().create_connector_factory(claims_identity), claims_identity)

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        return await self.token_clients.get_or_build(
            (_bot_of(claims_identity),),
            lambda: super(KeptClientsAuthentication, self).create_user_token_client(
                claims_identity
            ),
        )
