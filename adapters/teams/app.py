"""The Teams adapter wired together: botbuilder's CloudAdapter on our aiohttp app.

Everything botbuilder-specific lives in adapters/teams/, so that moving to the Microsoft 365
Agents SDK later touches only this folder.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity

from adapters.request_body import json_of, read_body
from adapters.shared_rate import SharedRates
from adapters.teams.connectors import KeptClientsAuthentication
from adapters.teams.inbound import CheckinTeamsBot
from adapters.teams.outbound import CarriedError, TeamsOutbox
from adapters.teams.pacing import TeamsPacer
from adapters.teams.references import ReferenceBook
from adapters.teams.roster import TeamsRoster
from adapters.teams.signing_keys import SigningKeys
from bot.core.i18n import catalog, language_of, speaking
from bot.engine import Engine
from storage.db import Database

log = logging.getLogger(__name__)

MESSAGES_PATH = "/api/messages"
# Where botbuilder learns Microsoft's signing keys; overridable (tests use their own server).
OVERRIDES = (
    "TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL",
    "TO_BOT_FROM_CHANNEL_TOKEN_ISSUER",
    "TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL",
    "TO_CHANNEL_FROM_BOT_LOGIN_URL",
    "TO_CHANNEL_FROM_BOT_OAUTH_SCOPE",
    "CHANNEL_SERVICE",
)
KEY_REFRESH_SECONDS = 12 * 3600
TOKEN_CHECK_PACKAGE = "botframework.connector.auth"
DEFAULT_METADATA_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"

_, ngettext = catalog("adapters")


@dataclass(frozen=True)
class TeamsConfig:
    app_id: str = ""
    app_password: str = ""
    app_tenant_id: str = ""
    app_type: str = "MultiTenant"


class _BotbuilderSettings:
    """The configuration object botbuilder reads attributes from."""

    def __init__(self, config: TeamsConfig) -> None:
        self.APP_ID = config.app_id
        self.APP_PASSWORD = config.app_password
        self.APP_TENANTID = config.app_tenant_id
        self.APP_TYPE = config.app_type
        for name in OVERRIDES:
            if os.environ.get(name):
                setattr(self, name, os.environ[name])


class TeamsAdapter:
    """Build it, hand its outbox to the engine, then `attach` the engine."""

    def __init__(
        self, config: TeamsConfig, database: Database, credentials_factory: Any = None
    ) -> None:
        self.config = config
        self.database = database
        settings = _BotbuilderSettings(config)
        self.authentication = KeptClientsAuthentication(
            settings, credentials_factory=credentials_factory
        )
        self.keys = SigningKeys(
            os.environ.get("TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL") or DEFAULT_METADATA_URL
        )
        self.cloud = CloudAdapter(self.authentication)
        self.cloud.on_turn_error = self._on_error
        self.references = ReferenceBook(database)
        # The tenant's rate, found from the 429s, is shared by every replica.
        pacer = TeamsPacer(shared=SharedRates(database))
        self.outbox = TeamsOutbox(self.cloud, config.app_id, self.references, pacer)
        # Roster pages share the sends' pacer: Teams counts them against the same tenant.
        self.roster = TeamsRoster(self.cloud, config.app_id, database, self.outbox.pacer)
        self.bot: CheckinTeamsBot | None = None
        if not config.app_id:
            log.warning(
                "MICROSOFT_APP_ID is empty: Teams requests to %s are NOT authenticated. "
                "Anyone who can reach this server can act as any Teams user. "
                "Set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD in production.",
                MESSAGES_PATH,
            )

    def attach(self, engine: Engine) -> None:
        self.bot = CheckinTeamsBot(engine, self.outbox, self.references, self.database)

    def routes(self) -> list[web.RouteDef]:
        return [web.post(MESSAGES_PATH, self._messages)]

    async def _messages(self, request: web.Request) -> web.StreamResponse:
        assert self.bot is not None
        if "application/json" not in request.headers.get("Content-Type", ""):
            return web.json_response({"error": "expected an application/json activity"}, status=415)
        if await read_body(request, "Teams") is None:
            return web.json_response({"error": "the body was cut short"}, status=400)
        try:
            body = json_of(await request.text())
        except ValueError:  # not UTF-8, not JSON, or nested past any activity
            return web.json_response({"error": "the body is not JSON"}, status=400)
        if not isinstance(body, dict) or not _answerable(body):
            return web.json_response({"error": "the body is not an activity"}, status=400)
        if self.config.app_id:
            scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
            if not token:
                log.warning("rejected a Teams request without a token")
                return web.json_response({"error": "unauthorized"}, status=401)
            if scheme == "Bearer":
                await self.keys.learn_key_of(token)
        try:
            response = await self.cloud.process(request, self.bot)
        except web.HTTPException:
            raise
        except Exception as error:
            if _is_auth_failure(error):
                # botbuilder raises plain errors for expired or badly signed tokens.
                log.warning(
                    "rejected a Teams request that failed authentication (%s)",
                    type(error).__name__,
                )
                return web.json_response({"error": "unauthorized"}, status=401)
            log.exception("a Teams request failed")
            return web.json_response({"error": "internal error"}, status=500)
        return response if response is not None else web.Response(status=201)

    async def warm_up(self) -> None:
        """Fetch the signing keys before serving: botbuilder fetches them with a blocking call
        inside the event loop, which would stall every request while it runs."""
        if not self.config.app_id:
            return
        try:
            await self.keys.fetch()
        except Exception:
            log.warning("could not fetch the Bot Framework signing keys yet", exc_info=True)

    async def keep_keys_fresh(self) -> None:
        """botbuilder refetches keys older than a day, blocking; refresh them well before.
        Started after `warm_up`, so it waits first."""
        while True:
            await asyncio.sleep(KEY_REFRESH_SECONDS)
            await self.warm_up()

    async def _on_error(self, context: Any, error: Exception) -> None:
        if isinstance(error, CarriedError):
            raise error.error  # a proactive send: its caller retries or reports it
        log.error("a Teams turn failed: %s", type(error).__name__, exc_info=error)
        # Their Teams client's language: the turn failed, maybe on the database that knows theirs.
        locale = getattr(getattr(context, "activity", None), "locale", None)
        with speaking(language_of(locale if isinstance(locale, str) else None)):
            sorry = _("Sorry, something went wrong. Please try again.")
        try:
            await context.send_activity(Activity(type="message", text=sorry))
        except Exception:
            log.warning("could not tell the Teams user about the failure")


def _answerable(body: dict[str, Any]) -> bool:
    """Whether botbuilder can take the body as an activity and answer it. msrest raises on a
    field of the wrong type deep inside the turn, and a reply needs what the Bot Framework
    requires of every activity: a type, the service URL, the conversation and both parties
    (a turn without them failed, or saved a reference no message could be sent to). Every
    entity needs its type too: botbuilder reads it to find mentions."""
    try:
        activity = Activity().deserialize(body)
    except ValueError:  # msrest's DeserializationError
        return False
    parties = (activity.from_property, activity.recipient, activity.conversation)
    return (
        isinstance(activity.type, str)
        and bool(activity.type)
        and isinstance(activity.service_url, str)
        and bool(activity.service_url)
        and all(party is not None and isinstance(party.id, str) and party.id for party in parties)
        and all(isinstance(getattr(e, "type", None), str) for e in activity.entities or ())
    )


def _is_auth_failure(error: Exception) -> bool:
    """botbuilder's token checks raise PermissionError, or jwt errors, or a bare Exception
    whose message names the token, or trip over a token they can't check; nothing else counts
    as an authentication failure."""
    if isinstance(error, PermissionError) or _tripped_in_token_check(error):
        return True
    module = type(error).__module__
    if module.startswith("jwt"):
        return True
    text = str(error).lower()
    return type(error) is Exception and any(
        word in text
        for word in ("token", "unauthorized", "signature", "issuer", "audience", "endorsement")
    )


def _tripped_in_token_check(error: Exception) -> bool:
    """Whether botbuilder's token check itself raised this while reading the token: it looks
    the signing key up by the token's `kid` with `[...][0]`, so a `kid` no published key has,
    or none at all, is an IndexError there. A failure to fetch the keys (requests raises it
    from its own code) is not one of these: it stays a 500."""
    if not isinstance(error, LookupError | AttributeError | TypeError | ValueError):
        return False
    innermost = error.__traceback__
    while innermost is not None and innermost.tb_next is not None:
        innermost = innermost.tb_next
    module = innermost.tb_frame.f_globals.get("__name__", "") if innermost else ""
    return str(module).startswith(TOKEN_CHECK_PACKAGE)
