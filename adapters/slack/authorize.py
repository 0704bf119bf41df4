"""Bolt's authorize step in OAuth mode, from our token cache (tokens.py).

Bolt's own (`AsyncInstallationStoreAuthorize`) calls auth.test on every inbound request, and
refreshes rotating tokens with no regard for other replicas. Here the installation row already
holds what auth.test would say (the bot's user and bot ids, its scopes), and a token due a
refresh goes through the same claim as a scheduled send's.
"""

from __future__ import annotations

import logging

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackTokenRotationError

from adapters.slack.installations import slack_tenant_id
from adapters.slack.rotation import TokenRotationNotConfigured, TokenRotationPending
from adapters.slack.tokens import SlackTokens

log = logging.getLogger(__name__)


class InstalledBotAuthorize(AsyncAuthorize):
    def __init__(self, tokens: SlackTokens) -> None:
        self._tokens = tokens

    async def __call__(
        self,
        *,
        context: AsyncBoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        actor_enterprise_id: str | None = None,
        actor_team_id: str | None = None,
        actor_user_id: str | None = None,
    ) -> AuthorizeResult | None:
        tenant_id = slack_tenant_id(enterprise_id, team_id, context.is_enterprise_install)
        if tenant_id is None:
            return None
        try:
            stored = await self._tokens.installation(tenant_id)
        except (SlackTokenRotationError, TokenRotationNotConfigured, TokenRotationPending) as error:
            log.error("no usable Slack token for a request to %s: %s", tenant_id, error)
            return None
        if stored is None:
            log.info("a Slack request for %s, which has no installation", tenant_id)
            return None
        bot = stored.bot
        # No user token: the app asks for no user scopes.
        return AuthorizeResult(
            enterprise_id=enterprise_id or bot.enterprise_id,
            team_id=team_id or bot.team_id,
            bot_user_id=bot.bot_user_id,
            bot_id=bot.bot_id,
            bot_token=bot.bot_token,
            bot_scopes=bot.bot_scopes,
        )
