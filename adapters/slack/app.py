"""The Slack adapter wired together: bolt app, tokens (one workspace or OAuth), HTTP routes,
Socket Mode."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest

from adapters.request_body import read_body, too_deep
from adapters.shared_rate import SharedRates
from adapters.slack.authorize import InstalledBotAuthorize
from adapters.slack.directory import SlackDirectory
from adapters.slack.inbound import register
from adapters.slack.installations import DatabaseInstallationStore, token_rotation_client
from adapters.slack.oauth_state import DatabaseOAuthStateStore
from adapters.slack.outbound import SlackOutbox
from adapters.slack.pacing import Pacer
from adapters.slack.rotation import (
    REFRESH_TIMEOUT,
    ROTATE_MINUTES_BEFORE_EXPIRY,
    ClaimedRotation,
)
from adapters.slack.status import SlackStatuses
from adapters.slack.token_cipher import TokenCipher
from adapters.slack.tokens import SlackTokens
from adapters.slack.web_api import SlackApi
from bot.engine import Engine
from storage.db import Database

log = logging.getLogger(__name__)

BOT_SCOPES = [
    "chat:write",
    "im:write",
    "im:history",
    "commands",
    "users:read",
    "users:read.email",
    "users.profile:read",
    "files:write",
    "channels:join",
]
EVENTS_PATH = "/slack/events"
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"


@dataclass(frozen=True)
class SlackConfig:
    api_url: str = "https://slack.com/api/"
    bot_token: str = ""
    signing_secret: str = ""
    client_id: str = ""
    client_secret: str = ""
    app_token: str = ""
    secret_key: str = ""

    @property
    def oauth(self) -> bool:
        return bool(self.client_id and self.client_secret)


class SlackAdapter:
    """Build it, hand its outbox and directory to the engine, then `attach` the engine."""

    def __init__(self, config: SlackConfig, database: Database) -> None:
        self.config = config
        self.installations = (
            DatabaseInstallationStore(database, TokenCipher.from_secret(config.secret_key or None))
            if config.oauth
            else None
        )
        # chat.postMessage's rate, found from the 429s, is shared by every replica.
        self.api = SlackApi(
            config.api_url,
            self._token_for,
            Pacer(shared=SharedRates(database)),
            refused=self._token_refused,
        )
        self.tokens = (
            None if self.installations is None else _tokens(self.installations, config, self.api)
        )
        self.outbox = SlackOutbox(self.api)
        self.directory = SlackDirectory(self.api)
        self.statuses = SlackStatuses(self.api)
        self.bolt: AsyncApp | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._database = database

    async def _token_for(self, workspace: str) -> str | None:
        if self.tokens is None:
            return self.config.bot_token or None
        return await self.tokens.token(workspace)

    def _token_refused(self, workspace: str, token: str) -> None:
        if self.tokens is not None:
            self.tokens.refused(workspace, token)

    def attach(self, engine: Engine) -> AsyncApp:
        config = self.config
        # Bolt exchanges OAuth codes for tokens with this client: its debug log must not show them.
        client = token_rotation_client(self.api.api_url, retry_handlers=[])
        if self.installations is not None and self.tokens is not None:
            oauth_settings = AsyncOAuthSettings(
                client_id=config.client_id,
                client_secret=config.client_secret,
                scopes=BOT_SCOPES,
                installation_store=self.installations,
                state_store=DatabaseOAuthStateStore(self._database, now=engine.clock.now),
                install_path=INSTALL_PATH,
                redirect_uri_path=REDIRECT_PATH,
                token_rotation_expiration_minutes=ROTATE_MINUTES_BEFORE_EXPIRY,
            )
            # Bolt's own would call auth.test on every request, and refresh tokens on its own.
            oauth_settings.authorize = InstalledBotAuthorize(self.tokens)
            bolt = AsyncApp(
                signing_secret=config.signing_secret, client=client, oauth_settings=oauth_settings
            )
        else:
            client.token = config.bot_token  # bolt takes the single workspace's token from here
            bolt = AsyncApp(signing_secret=config.signing_secret, client=client)
        register(bolt, engine, self.outbox)
        self.bolt = bolt
        return bolt

    def routes(self) -> list[web.RouteDef]:
        if not self.config.signing_secret:
            log.warning("SLACK_SIGNING_SECRET is not set: %s is not served", EVENTS_PATH)
            return []
        routes = [web.post(EVENTS_PATH, self._events)]
        if self.installations is not None:
            routes += [web.get(INSTALL_PATH, self._install), web.get(REDIRECT_PATH, self._redirect)]
        return routes

    async def _events(self, request: web.Request) -> web.Response:
        assert self.bolt is not None
        bolt_request = await _bolt_request(request)
        if bolt_request is None:
            return _unreadable()
        return await to_aiohttp_response(await self.bolt.async_dispatch(bolt_request))

    async def _install(self, request: web.Request) -> web.Response:
        assert self.bolt is not None and self.bolt.oauth_flow is not None
        bolt_request = await _bolt_request(request)
        if bolt_request is None:
            return _unreadable()
        response = await self.bolt.oauth_flow.handle_installation(bolt_request)
        return await to_aiohttp_response(response)

    async def _redirect(self, request: web.Request) -> web.Response:
        assert self.bolt is not None and self.bolt.oauth_flow is not None
        bolt_request = await _bolt_request(request)
        if bolt_request is None:
            return _unreadable()
        response = await self.bolt.oauth_flow.handle_callback(bolt_request)
        return await to_aiohttp_response(response)

    async def start(self) -> None:
        """Once the server is up: connections to the Web API kept open, then Socket Mode."""
        await self.api.open()
        await self.start_socket_mode()

    async def start_socket_mode(self) -> None:
        if not self.config.app_token:
            return
        assert self.bolt is not None
        self._socket = AsyncSocketModeHandler(self.bolt, self.config.app_token)
        await self._socket.connect_async()  # type: ignore[no-untyped-call]
        log.info("Slack Socket Mode connected")

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None
        await self.api.close()


def _tokens(store: DatabaseInstallationStore, config: SlackConfig, api: SlackApi) -> SlackTokens:
    # No retries: a refresh that reached Slack, sent again, would spend its token twice.
    client = token_rotation_client(api.api_url, timeout=REFRESH_TIMEOUT, retry_handlers=[])
    rotation = ClaimedRotation(
        store, client_id=config.client_id, client_secret=config.client_secret, client=client
    )
    return SlackTokens(store, rotation)


async def _bolt_request(request: web.Request) -> AsyncBoltRequest | None:
    """The request as bolt reads it; None when its body can't be a Slack payload.

    Bolt parses the body before it checks the signature, and raises on a body that isn't UTF-8,
    isn't JSON where it says so, is JSON but not an object, or nests past what the parser
    takes (RecursionError): a 400 then, not a 500. So is a body cut short by its client.
    """
    if await read_body(request, "Slack") is None:
        return None
    try:
        bolt_request = await to_bolt_request(request)
    except (ValueError, LookupError, AttributeError, TypeError, RecursionError):
        log.info("refused a Slack request whose body is no Slack payload")
        return None
    if too_deep(bolt_request.body):
        log.info("refused a Slack request whose body nests deeper than any Slack payload")
        return None
    return bolt_request


def _unreadable() -> web.Response:
    return web.json_response({"error": "invalid request"}, status=400)
