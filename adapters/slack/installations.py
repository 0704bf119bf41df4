"""Slack installations in our database, with bot tokens encrypted at rest (token_cipher.py).

Bolt saves installs through `DatabaseInstallationStore` (and checks OAuth callbacks against
`oauth_state.py`'s store). Every token the bot uses, inbound or scheduled, is read through
`stored_bot` by `tokens.py`, which refreshes rotating tokens under a claim on the row
(`claim_refresh`, `save_refreshed`, `release_refresh`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.token_cipher import TokenCipher
from storage import slack_installs
from storage.db import Database
from storage.models import SlackInstallation

logger = logging.getLogger(__name__)


def slack_tenant_id(
    enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
) -> str | None:
    """Our tenant for a workspace, or for a whole Enterprise Grid org when installed org-wide."""
    if is_enterprise_install or team_id is None:
        return f"slack:{enterprise_id}" if enterprise_id else None
    return f"slack:{team_id}"


def _timestamp(when: datetime | None) -> int | None:
    return None if when is None else int(when.timestamp())


def _datetime(timestamp: float | None) -> datetime | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC)


@dataclass(frozen=True)
class StoredBot:
    """A tenant's installation row as read, its tokens decrypted."""

    tenant_id: str
    installation_id: int
    bot: Bot
    # The token's ciphertext: it changes whenever the token is written, so it says whether the
    # row still holds the token this reader saw.
    stored_token: str
    claimed_by: str | None
    claim_until: float | None


class DatabaseInstallationStore(AsyncInstallationStore):
    """The latest bot installation per tenant and app. User tokens are dropped, never stored."""

    def __init__(
        self, database: Database, cipher: TokenCipher, *, log: logging.Logger | None = None
    ) -> None:
        self._database = database
        self._cipher = cipher
        self._logger = log or logger
        self._listeners: list[Callable[[str], None]] = []

    @property
    def logger(self) -> logging.Logger:
        return self._logger

    def on_change(self, listener: Callable[[str], None]) -> None:
        """Call `listener(tenant_id)` when this store saves or deletes a tenant's install."""
        self._listeners.append(listener)

    def _changed(self, tenant_id: str) -> None:
        for listener in self._listeners:
            listener(tenant_id)

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
        self._changed(tenant_id)
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

    # -- the bot's token, and its refresh under a claim ---------------------------------------

    async def stored_bot(self, tenant_id: str) -> StoredBot | None:
        async with self._database.session() as session:
            row = await slack_installs.find_installation(session, tenant_id)
        if row is None or row.id is None:
            return None
        bot = self._installation(row, None).to_bot()
        until = row.refresh_claim_until
        return StoredBot(
            tenant_id, row.id, bot, row.bot_token_enc, row.refresh_claimed_by, _timestamp(until)
        )

    async def claim_refresh(self, seen: StoredBot, claimant: str, now: float, until: float) -> bool:
        async with self._database.session() as session:
            return await slack_installs.claim_refresh(
                session,
                seen.installation_id,
                seen_token=seen.stored_token,
                claimant=claimant,
                now=datetime.fromtimestamp(now, UTC),
                until=datetime.fromtimestamp(until, UTC),
            )

    async def save_refreshed(self, seen: StoredBot, refreshed: Bot) -> bool:
        refresh = refreshed.bot_refresh_token
        async with self._database.session() as session:
            return await slack_installs.save_refreshed_token(
                session,
                seen.installation_id,
                seen_token=seen.stored_token,
                token=self._cipher.encrypt(refreshed.bot_token),
                refresh_token=self._cipher.encrypt(refresh) if refresh else None,
                expires_at=_datetime(refreshed.bot_token_expires_at),
            )

    async def release_refresh(self, seen: StoredBot, claimant: str) -> None:
        async with self._database.session() as session:
            await slack_installs.release_refresh_claim(session, seen.installation_id, claimant)

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
        self._changed(tenant_id)
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
