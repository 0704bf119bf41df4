"""Sending to Teams through stored conversation references (continue_conversation), or a new
1:1 conversation when only the tenant and user are known; digests as a new post in a channel
or a message in a group chat. Paced, retried, nothing dropped silently: a person or a channel
Teams won't let us reach is reported as Undeliverable."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import (
    Activity,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
)

from adapters.teams.conversations import CHANNEL
from adapters.teams.pacing import TeamsPacer
from adapters.teams.phrases import PHRASEBOOK
from adapters.teams.references import ReferenceBook
from adapters.teams.render import render_activity, render_card
from adapters.teams.render_digest import digest_activity
from adapters.teams.sending import TeamsSendError, send_with_retries
from bot.core.messages import Card, Message, Text
from bot.core.ports import (
    HasPhrasebook,
    Outbox,
    Phrasebook,
    PostsInChannels,
    Recipient,
    Undeliverable,
    Updates,
)

log = logging.getLogger(__name__)

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
# A channel or group chat answering these has lost the bot: removed from the team or the chat.
GONE = (403, 404)


class TeamsOutbox(Outbox, Updates, PostsInChannels, HasPhrasebook):
    """The engine's Outbox for Teams. Bots may not read a chat's history, so there is no
    find_sent: a prompt in doubt is sent again."""

    def __init__(
        self,
        adapter: CloudAdapter,
        app_id: str,
        references: ReferenceBook,
        pacer: TeamsPacer | None = None,
    ) -> None:
        self.adapter = adapter
        self.app_id = app_id
        self.references = references
        self.pacer = pacer or TeamsPacer()

    def phrasebook(self, to: Recipient) -> Phrasebook:
        return PHRASEBOOK

    async def send(self, to: Recipient, message: Message) -> dict[str, Any] | None:
        activity = Activity().deserialize(render_activity(message))
        stored = await self.references.get(to.tenant, to.user)
        if stored is None:
            return await self._create_and_send(to, activity)
        reference = ConversationReference().deserialize(stored)
        sent: dict[str, Any] = {}

        async def deliver(context: TurnContext) -> None:
            response = await context.send_activity(activity)
            sent["activity_id"] = response.id if response else None

        await self._paced(to, reference.conversation.id, deliver, reference)
        return {"conversation": reference.conversation.id, **sent}

    async def update(self, to: Recipient, ref: dict[str, Any], message: Message) -> None:
        stored = await self.references.get(to.tenant, to.user)
        if stored is None or not ref.get("activity_id"):
            return
        reference = ConversationReference().deserialize(stored)
        content = render_card(message)
        activity = Activity(
            id=ref["activity_id"],
            type="message",
            attachments=[{"contentType": CARD_CONTENT_TYPE, "content": content}],
        )

        async def replace(context: TurnContext) -> None:
            await context.update_activity(activity)

        await self._paced(to, reference.conversation.id, replace, reference)

    async def post_digest(self, to: Recipient, summary: Text, details: Card) -> None:
        """One card: a new post in a channel (not in the thread the subscription was typed
        in), or a message in a group chat. Raises for the scheduler to retry later;
        Undeliverable when the bot is no longer there."""
        await self._post_in(to, digest_activity(summary, details))

    async def post_card(self, to: Recipient, card: Card) -> None:
        """One card, posted as a digest is: a new post in a channel, or in the group chat."""
        await self._post_in(to, digest_activity(Text(card.title), card))

    async def _post_in(self, to: Recipient, body: dict[str, Any]) -> None:
        where = to.conversation
        key = str(where.get("key") or "")
        stored = where.get("reference")
        if not key or not isinstance(stored, dict):
            raise Undeliverable("no Teams channel or group chat to post in")
        reference = ConversationReference().deserialize(stored)
        activity = Activity().deserialize(body)
        if where.get("type") == CHANNEL:
            attempt = self._new_post(to.tenant, key, reference.service_url, activity)
        else:
            attempt = self._chat_message(reference, activity)
        try:
            await send_with_retries(self.pacer, to.tenant, key, attempt)
        except TeamsSendError as error:
            if error.status in GONE:
                log.error(
                    "teams post not made, the bot is no longer in this %s (removed from "
                    "the team or chat?): tenant=%s conversation=%s status=%s code=%s",
                    where.get("type") or "conversation",
                    to.tenant,
                    key,
                    error.status,
                    error.code,
                )
                raise Undeliverable(error.code or str(error.status)) from error
            raise

    def _new_post(
        self, tenant: str, channel: str, service_url: str, activity: Activity
    ) -> Callable[[], Awaitable[None]]:
        """Creating a conversation in a channel starts a new thread there, with `activity` as
        its first post (what botbuilder's TeamsInfo.send_message_to_teams_channel does)."""
        parameters = ConversationParameters(
            is_group=True,
            tenant_id=tenant,
            channel_data={"channel": {"id": channel}, "tenant": {"id": tenant}},
            activity=activity,
        )

        async def started(context: TurnContext) -> None:
            log.info("teams digest posted: tenant=%s post=%s", tenant, context.activity.id)

        async def attempt() -> None:
            await self.adapter.create_conversation(
                self.app_id,
                _raising(started),
                parameters,
                channel_id="msteams",
                service_url=service_url,
            )

        return attempt

    def _chat_message(
        self, reference: ConversationReference, activity: Activity
    ) -> Callable[[], Awaitable[None]]:
        """A message at the end of the group chat: sent to the conversation, not as a reply to
        the message the subscription was typed in."""
        reference.activity_id = None

        async def deliver(context: TurnContext) -> None:
            outgoing = TurnContext.apply_conversation_reference(activity, reference)
            await context.adapter.send_activities(context, [outgoing])

        async def attempt() -> None:
            await self.adapter.continue_conversation(reference, _raising(deliver), self.app_id)

        return attempt

    async def _paced(
        self,
        to: Recipient,
        conversation: str,
        logic: Any,
        reference: ConversationReference,
    ) -> None:
        async def attempt() -> None:
            await self.adapter.continue_conversation(reference, _raising(logic), self.app_id)

        try:
            await send_with_retries(self.pacer, to.tenant, conversation, attempt)
        except TeamsSendError as error:
            if not error.retryable:
                raise Undeliverable(error.code or str(error.status)) from error
            raise

    async def _create_and_send(self, to: Recipient, activity: Activity) -> dict[str, Any]:
        """No reference yet: open a 1:1 conversation in the person's tenant."""
        service_url = await self.references.service_url(to.tenant)
        if service_url is None:
            raise Undeliverable("no conversation with this person yet")
        parameters = ConversationParameters(
            is_group=False,
            bot=ChannelAccount(id=f"28:{self.app_id}"),
            members=[ChannelAccount(id=to.user)],
            tenant_id=to.tenant,
            channel_data={"tenant": {"id": to.tenant}},
        )
        sent: dict[str, Any] = {}

        async def deliver(context: TurnContext) -> None:
            reference = TurnContext.get_conversation_reference(context.activity)
            await self.references.remember(to.tenant, to.user, reference.serialize())
            response = await context.send_activity(activity)
            sent["conversation"] = reference.conversation.id
            sent["activity_id"] = response.id if response else None

        async def attempt() -> None:
            await self.adapter.create_conversation(
                self.app_id,
                _raising(deliver),
                parameters,
                channel_id="msteams",
                service_url=service_url,
            )

        try:
            await send_with_retries(self.pacer, to.tenant, f"new:{to.user}", attempt)
        except TeamsSendError as error:
            if not error.retryable:
                raise Undeliverable(error.code or str(error.status)) from error
            raise
        return sent


def _raising(logic: Callable[[TurnContext], Awaitable[None]]) -> Callable[[TurnContext], Any]:
    """botbuilder hands errors inside a proactive turn to on_turn_error and returns normally;
    the retry loop needs to see them, so they are carried out of the turn."""

    async def guarded(context: TurnContext) -> None:
        try:
            await logic(context)
        except Exception as error:
            raise CarriedError(error) from error

    return guarded


class CarriedError(Exception):
    """An error from inside a proactive turn, for on_turn_error to raise again."""

    def __init__(self, error: Exception) -> None:
        super().__init__(type(error).__name__)
        self.error = error
