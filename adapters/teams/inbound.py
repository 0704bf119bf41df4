"""Teams activities in, neutral events out: messages, card submits (Action.Submit and
Action.Execute), installs. Only the personal chat speaks for a person; what is typed in a
channel or group chat goes to `ChannelMessages`. botbuilder stays inside adapters/teams/."""

from __future__ import annotations

import html
import logging
import re
from dataclasses import replace
from typing import Any

from botbuilder.core import ActivityHandler, InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import AdaptiveCardInvokeResponse, ChannelAccount

from adapters.teams.channel_messages import ChannelMessages
from adapters.teams.conversations import is_personal
from adapters.teams.outbound import TeamsOutbox
from adapters.teams.references import ReferenceBook
from adapters.teams.render import (
    ChoiceSubmit,
    FormSubmit,
    OpenForm,
    StartCheckin,
    parse_submit,
    render_card,
)
from adapters.teams.roster import team_of, with_team
from bot.core.events import (
    Actor,
    ChoiceSelected,
    CommandInvoked,
    FormSubmitted,
    InboundEvent,
    TextReceived,
    UserReachable,
)
from bot.core.i18n import catalog, speaking
from bot.core.messages import Answered, Text
from bot.core.outcome import Outcome
from bot.engine import Engine
from storage.db import Database
from storage.repository import Store
from storage.settings import set_settings, settings_of

log = logging.getLogger(__name__)

_AT = re.compile(r"<at\b[^>]*>(.*?)</at>", re.IGNORECASE | re.DOTALL)

_, ngettext = catalog("adapters")


def actor_from(context: TurnContext) -> Actor | None:
    activity = context.activity
    sender = activity.from_property
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant_data = channel_data.get("tenant")
    tenant = (activity.conversation.tenant_id if activity.conversation else None) or (
        tenant_data.get("id") if isinstance(tenant_data, dict) else None
    )
    if not isinstance(tenant, str) or not tenant or sender is None or not sender.id:
        return None
    return Actor(platform="teams", tenant=tenant, user=sender.id, name=sender.name,
                 timezone=_timezone(activity), locale=_locale(activity))  # fmt: skip


def text_with_mentions(activity: Any) -> str:
    """The typed text as the engine reads it: the bot's own mention dropped, everyone else's
    as <@29:…>, the Teams user id their identity is keyed by.

    Not TurnContext.remove_recipient_mention: it deletes the bot's name wherever it appears
    in the text, inside other people's mentions too. Teams may send a name HTML-escaped in the
    text and not in the entity (or the other way round), and leaves the entity's text out for
    some names with "&": a mention is matched to its <at> tag by the unescaped name.
    """
    text = activity.text or ""
    tags = list(_AT.finditer(text))
    bot = activity.recipient.id if activity.recipient is not None else None
    tokens: dict[int, str] = {}
    for mention in TurnContext.get_mentions(activity):
        properties = getattr(mention, "additional_properties", None) or {}
        mentioned = properties.get("mentioned") or {}
        user = mentioned.get("id") if isinstance(mentioned, dict) else None
        if not user:
            continue
        names = {_tag_name(str(n)) for n in (properties.get("text"), mentioned.get("name")) if n}
        for index, tag in enumerate(tags):
            if index not in tokens and _tag_name(tag.group(0)) in names:
                tokens[index] = "" if user == bot else f"<@{user}>"
                break
    pieces: list[str] = []
    end = 0
    for index, tag in enumerate(tags):
        pieces += [text[end : tag.start()], tokens.get(index, tag.group(0))]
        end = tag.end()
    return ("".join(pieces) + text[end:]).strip()


def _tag_name(text: str) -> str:
    """The name in "<at>Name</at>" (or a bare name), unescaped."""
    tag = _AT.fullmatch(text.strip())
    return html.unescape(tag.group(1) if tag else text).strip()


def _locale(activity: Any) -> str | None:
    """The language the person's Teams client is set to ("de-DE"), sent with every activity."""
    locale = getattr(activity, "locale", None)
    return locale if isinstance(locale, str) and locale.strip() else None


def _timezone(activity: Any) -> str | None:
    if getattr(activity, "local_timezone", None):
        return str(activity.local_timezone)
    for entity in activity.entities or []:
        properties = getattr(entity, "additional_properties", None) or {}
        if getattr(entity, "type", None) == "clientInfo" and properties.get("timezone"):
            return str(properties["timezone"])
    return None


class CheckinTeamsBot(ActivityHandler):  # type: ignore[misc]
    def __init__(
        self, engine: Engine, outbox: TeamsOutbox, references: ReferenceBook, database: Database
    ) -> None:
        self.engine = engine
        self.outbox = outbox
        self.references = references
        self.database = database
        self.channels = ChannelMessages(engine, outbox.pacer)

    async def on_turn(self, turn_context: TurnContext) -> None:
        actor = actor_from(turn_context)
        if actor is not None:
            await self._remember_where(actor, turn_context.activity)
        # A person's messages go to their personal chat with the bot, never to a channel.
        if actor is None or not is_personal(turn_context.activity):
            await super().on_turn(turn_context)
            return
        reference = TurnContext.get_conversation_reference(turn_context.activity).serialize()
        await self.references.remember(actor.tenant, actor.user, reference)
        await super().on_turn(turn_context)
        # Someone's first message links them during the turn: only now can it be saved.
        await self.references.remember(actor.tenant, actor.user, reference)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        actor = await self._actor(turn_context)
        if actor is None:
            return
        activity = turn_context.activity
        text = text_with_mentions(activity)
        if not is_personal(activity):
            await self.channels.handle(turn_context, actor, text, _event_id(turn_context))
            return
        if activity.value is not None:
            await self._submit(turn_context, actor, activity.value)
            return
        await self.engine.handle(TextReceived(actor, text, _event_id(turn_context)))

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        if turn_context.activity.name != "adaptiveCard/action":
            return await super().on_invoke_activity(turn_context)
        actor = await self._actor(turn_context)
        handled = None
        if actor is not None and is_personal(turn_context.activity):
            handled = await self._submit(turn_context, actor, turn_context.activity.value)
        # Teams replaces the clicked card with the one we answer: the question, now answered,
        # or the form, now its summary.
        closed = handled.closed[0] if handled is not None and handled.closed else None
        form = handled.closed_form if handled is not None else None
        with speaking(await self.engine.language(actor) if actor is not None else None):
            shown = Answered(closed.question, closed.answer) if closed else Text(_("Got it."))
            card = render_card(form.summary if form is not None else shown)
        body = AdaptiveCardInvokeResponse(
            status_code=200, type="application/vnd.microsoft.card.adaptive", value=card
        )
        return InvokeResponse(status=200, body=body)

    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        added = turn_context.activity.members_added or []
        bot = turn_context.activity.recipient.id
        if any(member is not None and member.id == bot for member in added):
            await self._installed(turn_context)

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        await self._installed(turn_context)

    async def _installed(self, turn_context: TurnContext) -> None:
        """Installed for a person: greet them. Added to a team or a group chat, the installer
        is not reachable there, so that is no greeting and no reference."""
        if not is_personal(turn_context.activity):
            return
        actor = await self._actor(turn_context)
        if actor is None:
            return
        reference = TurnContext.get_conversation_reference(turn_context.activity).serialize()
        await self.engine.handle(
            UserReachable(actor, _event_id(turn_context), reference, actor.timezone, True)
        )

    async def _submit(self, turn_context: TurnContext, actor: Actor, value: Any) -> Outcome | None:
        submit = parse_submit(value)
        event_id = _event_id(turn_context)
        event: InboundEvent
        card_id = turn_context.activity.reply_to_id
        clicked = {"activity_id": card_id} if card_id else None
        if isinstance(submit, ChoiceSubmit):
            event = ChoiceSelected(actor, submit.prompt_id, submit.value, event_id, clicked)
        elif isinstance(submit, FormSubmit):
            # The form card becomes the summary once submitted: it can't be sent twice.
            event = FormSubmitted(actor, submit.form_id, submit.values, event_id, clicked)
        elif isinstance(submit, StartCheckin):
            event = CommandInvoked(actor, "checkin", "now", event_id)
        elif isinstance(submit, OpenForm):
            form = await self.engine.checkin_form(actor)
            with speaking(await self.engine.language(actor)):
                message = form or Text(_("There's no check-in to fill in right now."))
                await self.engine.deliver(actor, [message])
            return None
        else:
            with speaking(await self.engine.language(actor)):
                unread = _("I couldn't read that card. Try again?")
                await self.engine.deliver(actor, [Text(unread)])
            return None
        handled = await self.engine.handle(event)
        if handled.form_errors:
            lines = "\n".join(f"- {reason}" for reason in handled.form_errors.values())
            with speaking(await self.engine.language(actor)):
                again = _("Some answers need another look:\n{lines}").format(lines=lines)
                await self.engine.deliver(actor, [Text(again)])
        return handled

    async def _actor(self, turn_context: TurnContext) -> Actor | None:
        """The actor, with the email that matches the org import on first contact."""
        actor = actor_from(turn_context)
        if actor is None or await self.engine.knows(actor):
            return actor
        try:
            member: ChannelAccount = await TeamsInfo.get_member(turn_context, actor.user)
        except Exception:
            log.warning("Teams would not tell us who a new user is", exc_info=True)
            return actor
        email = getattr(member, "email", None) or getattr(member, "user_principal_name", None)
        guest = str(getattr(member, "user_role", "") or "").lower() == "guest"
        name = getattr(member, "name", None) or actor.name
        return replace(actor, email=email, name=name, guest=guest)

    async def _remember_where(self, actor: Actor, activity: Any) -> None:
        """Kept per tenant: the service URL, for opening a conversation with someone who has
        none yet; and the team an activity comes from, whose roster `org sync` reads
        (adapters/teams/roster.py)."""
        service_url = activity.service_url
        if not service_url:
            return
        team = team_of(activity)
        async with self.database.session() as session:
            store = Store(session)
            now = self.engine.clock.now()
            tenant = await store.ensure_tenant(actor.tenant_id, "teams", actor.tenant, now)
            settings = changed = settings_of(tenant)
            if settings.teams_service_url != service_url:
                changed = changed.but(teams_service_url=service_url)
            if team is not None:
                changed = with_team(changed, team, service_url) or changed
            if changed != settings:
                set_settings(tenant, changed)
                session.add(tenant)


def _event_id(turn_context: TurnContext) -> str:
    activity = turn_context.activity
    return f"{activity.type}:{activity.id or activity.timestamp}"
