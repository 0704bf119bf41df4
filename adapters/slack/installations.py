"""Slack installations in our database, with bot tokens encrypted at rest (token_cipher.py).

Bolt reads tokens through `DatabaseInstallationStore` (and checks OAuth callbacks against
`oauth_state.py`'s store); scheduled sends, which have no inbound request, call `bot_token`.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from time import time
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.token_cipher import TokenCipher
from storage import slack_installs
from storage.db import Database
from storage.models import SlackInstallation

logger = logging.getLogger(__name__)

ROTATE_MINUTES_BEFORE_EXPIRY = 120


class TokenRotationNotConfigured(RuntimeError):
    """A rotating token is about to expire, but no client id/secret was given to refresh it."""


def slack_tenant_id(
    enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
) -> str | None:
    """Our tenant for a workspace, or for a whole Enterprise Grid org when installed org-wide."""
    if is_enterprise_install or team_id is None:
        return f"slack:{enterprise_id}" if enterprise_id else None
    return f"slack:{team_id}"


def _timestamp(when: datetime | None) -> int | None:
    return None if when is None else int(when.timestamp())


class DatabaseInstallationStore(AsyncInstallationStore):
    """The latest bot installation per tenant and app. User tokens are dropped, never stored."""

    def __init__(
        self, database: Database, cipher: TokenCipher, *, log: logging.Logger | None = None
    ) -> None:
        self._database = database
        self._cipher = cipher
        self._logger = log or logger
        self._rotation_locks: dict[str, asyncio.Lock] = {}

    @property
    def logger(self) -> logging.Logger:
        return self._logger

    def rotation_lock(self, tenant_id: str) -> asyncio.Lock:
        """Concurrent sends in one process refresh a tenant's token once, not once each."""
        return self._rotation_locks.setdefault(tenant_id, asyncio.Lock())

    # -- saving ---------------------------------------------------------------------------

    async def async_save(self, installation: Installation) -> None:
        if installation.user_token is not None:
            self._logger.info("dropped a Slack user token: this app asks for no user scopes")
        if installation.bot_token is None:
            raise ValueError("a Slack installation without a bot token cannot be used")
        await self._save(installation.to_bot(), installer_user_id=installation.user_id)

    async def async_save_bot(self, bot: Bot) -> None:
        # Bolt calls this after rotating a token; the installer stays whoever it was.
        await self._save(bot, installer_user_id=None)

    async def _save(self, bot: Bot, *, installer_user_id: str | None) -> None:
        tenant_id = slack_tenant_id(bot.enterprise_id, bot.team_id, bot.is_enterprise_install)
        if tenant_id is None:
            raise ValueError("a Slack installation needs a team id or an enterprise id")
        expires_at = bot.bot_token_expires_at
        row = SlackInstallation(
            tenant_id=tenant_id,
            app_id=bot.app_id or "",
            team_id=bot.team_id,
            enterprise_id=bot.enterprise_id,
            is_enterprise_install=bot.is_enterprise_install,
            bot_user_id=bot.bot_user_id,
            bot_id=bot.bot_id,
            bot_scopes=",".join(bot.bot_scopes),
            bot_token_enc=self._cipher.encrypt(bot.bot_token),
            bot_refresh_token_enc=(
                self._cipher.encrypt(bot.bot_refresh_token) if bot.bot_refresh_token else None
            ),
            bot_token_expires_at=(
                None if expires_at is None else datetime.fromtimestamp(expires_at, UTC)
            ),
            # None keeps the stored installer.
            installer_user_id=installer_user_id,
            installed_at=datetime.fromtimestamp(bot.installed_at, UTC),
        )
        name = bot.enterprise_name if bot.is_enterprise_install else bot.team_name
        async with self._database.session() as session:
            await slack_installs.ensure_slack_tenant(
                session,
                tenant_id,
                external_id=tenant_id.removeprefix("slack:"),
                name=name or "",
                when=row.installed_at,
            )
            await slack_installs.save_installation(session, row)
        self._logger.info("saved the Slack installation of %s", tenant_id)

    # -- finding --------------------------------------------------------------------------

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        installation = await self.async_find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        return None if installation is None else installation.to_bot()

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        tenant_id = slack_tenant_id(enterprise_id, team_id, is_enterprise_install)
        if tenant_id is None:
            return None
        async with self._database.session() as session:
            row = await slack_installs.find_installation(session, tenant_id)
            name = await slack_installs.tenant_name(session, tenant_id)
        # Bolt asks per user for user tokens; only the installer has an "installation" here.
        if row is None or (user_id is not None and user_id != row.installer_user_id):
            return None
        return self._installation(row, name)

    def _installation(self, row: SlackInstallation, tenant_name: str | None) -> Installation:
        org_wide = row.is_enterprise_install
        refresh = row.bot_refresh_token_enc
        return Installation(
            app_id=row.app_id or None,
            enterprise_id=row.enterprise_id,
            enterprise_name=tenant_name if org_wide else None,
            team_id=row.team_id,
            team_name=None if org_wide else tenant_name,
            bot_token=self._cipher.decrypt(row.bot_token_enc),
            bot_id=row.bot_id,
            bot_user_id=row.bot_user_id,
            bot_scopes=row.bot_scopes,
            bot_refresh_token=self._cipher.decrypt(refresh) if refresh else None,
            bot_token_expires_at=_timestamp(row.bot_token_expires_at),
            user_id=row.installer_user_id or "",
            is_enterprise_install=org_wide,
            token_type="bot",
            installed_at=row.installed_at.timestamp(),
        )

    # -- uninstalling ---------------------------------------------------------------------

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self._delete(slack_tenant_id(enterprise_id, team_id))

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        # A user revoking their own token leaves the bot alone: we hold no user tokens.
        if user_id is None:
            await self._delete(slack_tenant_id(enterprise_id, team_id))

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self._delete(slack_tenant_id(enterprise_id, team_id))

    async def _delete(self, tenant_id: str | None) -> None:
        if tenant_id is None:
            return
        async with self._database.session() as session:
            await slack_installs.delete_installations(session, tenant_id)
        # The tenant's people and goals stay: reinstalling picks them up again.
        self._logger.info("deleted the Slack installation of %s", tenant_id)


_rotation_http_logger = logging.getLogger(__name__ + ".rotation_http")


def token_rotation_client(
    base_url: str = AsyncWebClient.BASE_URL, **options: Any
) -> AsyncWebClient:
    """A Web API client for oauth.v2.access that cannot leak tokens into debug logs.

    slack_sdk logs request and response bodies at DEBUG unless its logger's own level is above
    DEBUG, and for an install or a token refresh those bodies are the refresh token and the new
    bot token.
    """
    _rotation_http_logger.setLevel(logging.INFO)
    return AsyncWebClient(base_url=base_url, logger=_rotation_http_logger, **options)


def _expiring(bot: Bot) -> bool:
    expires_at = bot.bot_token_expires_at
    return (
        bot.bot_refresh_token is not None
        and expires_at is not None
        and expires_at <= time() + ROTATE_MINUTES_BEFORE_EXPIRY * 60
    )


async def bot_token(
    store: DatabaseInstallationStore,
    team_id: str,
    *,
    client_id: str | None,
    client_secret: str | None,
    rotator_client: AsyncWebClient | None = None,
) -> str | None:
    """The workspace's bot token for a send with no inbound request, refreshed if about to expire.

    Bolt rotates tokens only while authorizing a request; a scheduled DM has none, so it is done
    here, the same way (within two hours of expiry), and the new token is saved for everyone.
    """
    bot = await store.async_find_bot(enterprise_id=None, team_id=team_id)
    if bot is None or bot.team_id != team_id:
        return None
    if not _expiring(bot):
        return bot.bot_token
    if not (client_id and client_secret):
        raise TokenRotationNotConfigured(
            f"the Slack token of slack:{team_id} rotates: set the app's client id and secret"
        )
    async with store.rotation_lock(f"slack:{team_id}"):
        # Another send may have refreshed it while this one waited for the lock.
        bot = await store.async_find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or bot.team_id != team_id:
            return None
        rotator = AsyncTokenRotator(
            client_id=client_id,
            client_secret=client_secret,
            client=rotator_client or token_rotation_client(),
        )
        rotated = await rotator.perform_bot_token_rotation(
            bot=bot, minutes_before_expiration=ROTATE_MINUTES_BEFORE_EXPIRY
        )
        if rotated is None:
            return bot.bot_token
        await store.async_save_bot(rotated)
        logger.info("rotated the Slack bot token of slack:%s", team_id)
        return rotated.bot_token
