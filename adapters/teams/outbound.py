"""Sending to Teams through stored conversation references (continue_conversation), or a new
1:1 conversation when only the tenant and user are known. Paced, retried, nothing dropped
silently: a person Teams won't let us reach is reported as Undeliverable."""

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

from adapters.teams.pacing import TeamsPacer, TeamsSendError, send_with_retries
from adapters.teams.render import render_activity, render_card
from bot.messages import Message
from bot.ports import Recipient, Undeliverable
from storage.db import Database
from storage.repository import Store

log = logging.getLogger(__name__)

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"


class ReferenceBook:
    """Conversation references per (tenant, user): remembered from every inbound activity,
    kept on the person's platform identity so a restart can still reach them."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._cache: dict[tuple[str, str], dict[str, Any]] = {}

    async def remember(self, tenant: str, user: str, reference: dict[str, Any]) -> None:
        if self._cache.get((tenant, user)) == reference:
            return
        self._cache[(tenant, user)] = reference
        async with self.database.session() as session:
            store = Store(session)
            identity = await store.identity(f"teams:{tenant}", "teams", user)
            if identity is not None and identity.conversation != reference:
                identity.conversation = reference
                identity.reachable = True
                session.add(identity)

    async def get(self, tenant: str, user: str) -> dict[str, Any] | None:
        cached = self._cache.get((tenant, user))
        if cached is not None:
            return cached
        async with self.database.session() as session:
            identity = await Store(session).identity(f"teams:{tenant}", "teams", user)
        if identity is None or not identity.conversation:
            return None
        self._cache[(tenant, user)] = identity.conversation
        return identity.conversation

    async def service_url(self, tenant: str) -> str | None:
        async with self.database.session() as session:
            found = await Store(session).tenant(f"teams:{tenant}")
        url = found.settings.get("teams_service_url") if found is not None else None
        return str(url) if url else None


class TeamsOutbox:
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
