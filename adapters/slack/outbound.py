"""Sending to Slack: DMs, message updates, modals, App Home, user look-ups.

Every call goes through the pacer and the 429-aware retry loop, with the bot token of the
workspace it is for: from the environment (one workspace) or from the installation store.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.pacing import Pacer, SlackSendError, call_slack
from adapters.slack.render import render_answered, render_home, render_message, render_modal
from bot.messages import Answered, Card, Form, Message
from bot.ports import Profile, Recipient, Undeliverable

log = logging.getLogger(__name__)

TokenSource = Callable[[str], Awaitable[str | None]]

# Slack's answers that mean this person can't get our DMs, now or ever.
UNREACHABLE = {
    "account_inactive",
    "user_not_found",
    "user_disabled",
    "cannot_dm_bot",
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "messages_tab_disabled",
}


class SlackApi:
    """One paced, retried Web API for every workspace this deployment serves."""

    def __init__(self, api_url: str, tokens: TokenSource, pacer: Pacer | None = None) -> None:
        self.api_url = api_url if api_url.endswith("/") else api_url + "/"
        self.tokens = tokens
        self.pacer = pacer or Pacer()
        self._clients: dict[str, AsyncWebClient] = {}

    def client(self, token: str) -> AsyncWebClient:
        client = self._clients.get(token)
        if client is None:
            # Retries are ours (call_slack), so that 429s teach the pacer.
            client = AsyncWebClient(token=token, base_url=self.api_url, retry_handlers=[])
            self._clients[token] = client
        return client

    async def call(self, workspace: str, method: str, **params: Any) -> dict[str, Any]:
        token = await self.tokens(workspace)
        if not token:
            raise SlackSendError(method=method, error="no_installation", retryable=False)
        return await call_slack(self.client(token), self.pacer, method, workspace, **params)


class SlackOutbox:
    """The engine's Outbox for Slack. A DM is a chat.postMessage to the user id."""

    def __init__(self, api: SlackApi) -> None:
        self.api = api

    async def send(self, to: Recipient, message: Message) -> dict[str, Any] | None:
        payload = render_message(message)
        try:
            data = await self.api.call(to.tenant, "chat.postMessage", channel=to.user, **payload)
        except SlackSendError as error:
            if error.error in UNREACHABLE:
                raise Undeliverable(error.error) from error
            raise
        return {"channel": data.get("channel"), "ts": data.get("ts")}

    async def update(self, to: Recipient, ref: dict[str, Any], message: Message) -> None:
        if not ref.get("channel") or not ref.get("ts"):
            return
        if isinstance(message, Answered):
            payload = render_answered(message.question, message.answer)
        else:
            payload = render_message(message)
        await self.api.call(
            to.tenant, "chat.update", channel=ref["channel"], ts=ref["ts"], **payload
        )

    async def open_form(self, workspace: str, trigger_id: str, form: Form) -> bool:
        """Open the check-in modal; False when Slack says the trigger has expired."""
        try:
            await self.api.call(
                workspace, "views.open", trigger_id=trigger_id, view=render_modal(form)
            )
        except SlackSendError as error:
            if error.error in ("expired_trigger_id", "invalid_trigger_id", "exchanged_trigger_id"):
                return False
            raise
        return True

    async def publish_home(self, workspace: str, user: str, card: Card) -> None:
        view = render_home(card, start_button=True)
        await self.api.call(workspace, "views.publish", user_id=user, view=view)


class SlackDirectory:
    """users.info: the email that matches a Slack user to the org import, and their time zone."""

    def __init__(self, api: SlackApi) -> None:
        self.api = api

    async def profile(self, platform: str, tenant: str, user: str) -> Profile | None:
        if platform != "slack":
            return None
        try:
            data = await self.api.call(tenant, "users.info", user=user)
        except SlackSendError as error:
            log.warning("users.info failed in a workspace: %s", error.error)
            return None
        info = data.get("user") or {}
        profile = info.get("profile") or {}
        return Profile(
            email=profile.get("email"),
            name=info.get("real_name") or profile.get("real_name"),
            timezone=info.get("tz"),
        )

    async def user_by_email(self, tenant: str, email: str) -> str | None:
        try:
            data = await self.api.call(tenant, "users.lookupByEmail", email=email)
        except SlackSendError as error:
            if error.error == "users_not_found":
                return None
            raise
        user = data.get("user") or {}
        found = user.get("id")
        return str(found) if found else None
