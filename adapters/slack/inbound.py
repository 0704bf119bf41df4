"""Slack payloads in, neutral events out. Every listener acks first and works after the ack,
except a modal submission, whose field errors have to travel in the ack itself."""

from __future__ import annotations

import json
import logging
import re
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.middleware.async_middleware_error_handler import AsyncMiddlewareErrorHandler
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from adapters.slack.outbound import SlackOutbox
from adapters.slack.render import (
    ACTION_OPEN_FORM,
    ACTION_OPEN_NAMED_FORM,
    ACTION_START_CHECKIN,
    CHOICE_ACTION,
    FORM_CALLBACK_ID,
    SHORTCUT_GIVE_KUDOS,
    form_values,
    parse_choice_value,
    render_submitted,
)
from adapters.slack.render_form import USER_ID
from bot.core.backlog import Backlog
from bot.core.commands import CommandTable
from bot.core.events import Actor, ChoiceSelected, CommandInvoked, FormSubmitted, TextReceived
from bot.core.i18n import catalog, speaking
from bot.core.messages import Form, Text
from bot.engine import Engine
from bot.kudos.form import kudos_form_id

log = logging.getLogger(__name__)

_, ngettext = catalog("adapters")

# How long a request may wait for room in the engine's backlog: with bolt's own time, well
# inside the 3 s in which Slack wants its answer.
ROOM_SECONDS = 2.0
# In English: said while the database is too busy to say whose language to say it in.
BUSY = (
    "I'm swamped right now and didn't take that in. Please try again in a minute; "
    "nothing was changed."
)
_SHAPE_ERRORS = (AttributeError, TypeError, LookupError)


def actor_from(body: dict[str, Any]) -> Actor | None:
    """Who acted, from any payload shape: events, slash commands and interactivity differ."""
    event = body.get("event") or {}
    team = (
        body.get("team_id")
        or (body.get("team") or {}).get("id")
        or event.get("team")
        or (body.get("user") or {}).get("team_id")
    )
    user = body.get("user_id") or event.get("user") or (body.get("user") or {}).get("id")
    if not team or not user or not isinstance(team, str) or not isinstance(user, str):
        return None
    return Actor(platform="slack", tenant=team, user=user)


def channel_of(body: dict[str, Any]) -> dict[str, Any] | None:
    """Where a slash command was typed, when that is a channel rather than the bot's DM: what
    a channel digest needs to be posted there later."""
    channel = body.get("channel_id")
    if not isinstance(channel, str) or not channel or channel.startswith("D"):
        return None
    name = str(body.get("channel_name") or "")
    if not name or name in ("directmessage", "privategroup") or name.startswith("mpdm-"):
        shown = "this conversation"
    else:
        shown = f"#{name}"
    return {"channel": channel, "key": channel, "name": shown}


def from_slack_text(text: str) -> str:
    """Slack escapes &, < and > in message and command text; the engine keeps what was typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def slash_commands(table: CommandTable) -> re.Pattern[str]:
    """The slash commands the table declares (and the manifest registers)."""
    return re.compile("^/(" + "|".join(re.escape(s.name) for s in table.slash) + ")$")


def register(app: AsyncApp, engine: Engine, outbox: SlackOutbox) -> None:
    # No public setter: AsyncApp.error() replaces it with a handler that reads the payload again.
    assert hasattr(app, "_async_middleware_error_handler"), "slack_bolt changed"
    app._async_middleware_error_handler = PayloadErrors()
    app.middleware(HoldBack(engine.backlog))

    @app.command(slash_commands(engine.commands))
    async def on_command(ack: AsyncAck, body: dict[str, Any]) -> None:
        actor = actor_from(body)
        if body.get("channel_name") == "directmessage":
            await ack()
        else:
            with speaking(await engine.language(actor) if actor is not None else None):
                await ack(text=_("I've answered you in our direct messages."))
        if actor is None:
            return
        name = str(body.get("command", "")).lstrip("/")
        trigger = str(body.get("trigger_id") or "")
        event_id = f"cmd:{trigger or body.get('command_ts', '')}"
        text = from_slack_text(str(body.get("text") or ""))
        event = CommandInvoked(actor, name, text, event_id, channel_of(body))
        handled = await engine.handle(event, deliver=False)
        replies = list(handled.replies)
        # A command that answers with a form (goals add) opens it at once: a slash command
        # carries the trigger a modal needs. Without one, the form is posted as its button.
        form = next((m for m in replies if isinstance(m, Form)), None)
        with speaking(await engine.language(actor)):
            if form is not None and trigger and await outbox.open_form(actor.tenant, trigger, form):
                replies.remove(form)
            await engine.deliver(
                actor, replies, handled.closed, handled.notices, handled.closed_form, handled.posts
            )

    @app.event("message")
    async def on_message(ack: AsyncAck, body: dict[str, Any], event: dict[str, Any]) -> None:
        await ack()
        # Only people's own DMs: no edits, joins or bot messages (our own included).
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        actor = actor_from(body)
        if actor is None or not isinstance(event.get("text"), str):
            return
        # Slack retries unacked or slow deliveries: the engine dedupes on event_id.
        event_id = str(body.get("event_id") or f"msg:{event.get('ts')}")
        await engine.handle(TextReceived(actor, from_slack_text(event["text"]), event_id))

    @app.event("app_home_opened")
    async def on_home(ack: AsyncAck, body: dict[str, Any], event: dict[str, Any]) -> None:
        await ack()
        actor = actor_from(body)
        if actor is None or event.get("tab", "home") != "home":
            return
        card = await engine.home(actor)
        if card is not None:
            with speaking(await engine.language(actor)):
                await outbox.publish_home(actor.tenant, actor.user, card)

    @app.action(CHOICE_ACTION)
    async def on_choice(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        actor = actor_from(body)
        parsed = parse_choice_value(str(action.get("value") or ""))
        if actor is None or parsed is None:
            return
        prompt_id, value = parsed
        event_id = f"act:{body.get('trigger_id') or action.get('action_ts')}"
        container = body.get("container") or {}
        clicked = (
            {"channel": container["channel_id"], "ts": container["message_ts"]}
            if container.get("channel_id") and container.get("message_ts")
            else None
        )
        await engine.handle(ChoiceSelected(actor, prompt_id, value, event_id, clicked))

    @app.action(ACTION_START_CHECKIN)
    async def on_start(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        actor = actor_from(body)
        if actor is not None:
            event_id = f"act:{body.get('trigger_id') or action.get('action_ts')}"
            await engine.handle(CommandInvoked(actor, "checkin", "now", event_id))

    @app.action(ACTION_OPEN_FORM)
    async def on_open_form(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        actor = actor_from(body)
        if actor is None:
            return
        form = await engine.checkin_form(actor)
        with speaking(await engine.language(actor)):
            if form is None:
                await engine.deliver(actor, [Text(_("There's no check-in to fill in right now."))])
            elif not await outbox.open_form(actor.tenant, str(body.get("trigger_id", "")), form):
                # The 3-second trigger ran out: the conversation still works.
                timed_out = _("That form button timed out. Click it again, or just reply here.")
                await engine.deliver(actor, [Text(timed_out)])

    @app.action(ACTION_OPEN_NAMED_FORM)
    async def on_open_named_form(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]
    ) -> None:
        await ack()
        actor = actor_from(body)
        if actor is None:
            return
        form = await engine.form(actor, str(action.get("value") or ""))
        with speaking(await engine.language(actor)):
            if form is None:
                not_yours = _("That form isn't for you, or it has expired.")
                await engine.deliver(actor, [Text(not_yours)])
            elif not await outbox.open_form(actor.tenant, str(body.get("trigger_id", "")), form):
                await engine.deliver(actor, [Text(_("That button timed out. Click it again."))])

    @app.shortcut(SHORTCUT_GIVE_KUDOS)
    async def on_give_kudos(ack: AsyncAck, body: dict[str, Any]) -> None:
        """The "Give kudos" message shortcut: the kudos form, its author already named (not a
        bot's message, nor the person's own)."""
        await ack()
        actor = actor_from(body)
        if actor is None:
            return
        message = body.get("message") or {}
        author = message.get("user") if isinstance(message, dict) else None
        mine = author == actor.user or (isinstance(message, dict) and message.get("bot_id"))
        named = isinstance(author, str) and USER_ID.match(author) is not None
        who = f"<@{author}>" if named and not mine else ""
        form = await engine.form(actor, kudos_form_id(who))
        with speaking(await engine.language(actor)):
            if form is None:
                await engine.deliver(actor, [Text(_("Write kudos to me to give kudos here."))])
            elif not await outbox.open_form(actor.tenant, str(body.get("trigger_id", "")), form):
                too_long = _("That took too long. Try the shortcut again.")
                await engine.deliver(actor, [Text(too_long)])

    @app.view(FORM_CALLBACK_ID)
    async def on_form(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        actor = actor_from(body)
        if actor is None:
            await ack()
            return
        values = form_values((view.get("state") or {}).get("values") or {})
        event = FormSubmitted(
            actor,
            str(view.get("private_metadata") or ""),
            values,
            f"view:{body.get('trigger_id') or view.get('hash')}",
        )
        handled = await engine.handle(event, deliver=False)
        if handled.form_errors:
            await ack(response_action="errors", errors=handled.form_errors)
            return
        closed = handled.closed_form
        replies = handled.replies
        if closed is None:
            await ack()
        with speaking(await engine.language(actor)):
            if closed is not None:
                # The modal turns into the summary; a note on a form sent before goes in it too.
                note = "\n".join(m.fallback_text() for m in replies) if closed.sent_before else ""
                await ack(response_action="update", view=render_submitted(closed.summary, note))
                replies = [] if closed.sent_before else replies
            await engine.deliver(
                actor, replies, handled.closed, handled.notices, closed, handled.posts
            )


class HoldBack:
    """Runs after bolt has checked the signature: while the engine's backlog is full, the
    request waits for room, which slows Slack's deliveries down to what the database keeps up
    with. Past ROOM_SECONDS it is refused: an event or a click with a 503, so that Slack
    delivers it again later (the engine dedupes on its id); a slash command, which Slack never
    retries, with a message saying so."""

    def __init__(self, backlog: Backlog) -> None:
        self.backlog = backlog
        self.refused = 0

    async def __call__(
        self, req: AsyncBoltRequest, next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        if await self.backlog.room(ROOM_SECONDS):
            await next()
            return None
        self.refused += 1
        if self.refused == 1 or self.refused % 1000 == 0:
            log.warning("busy: %d Slack requests refused so far", self.refused)
        if isinstance(req.body.get("command"), str):
            body = json.dumps({"response_type": "ephemeral", "text": BUSY})
            return BoltResponse(status=200, body=body, headers={"content-type": "application/json"})
        return BoltResponse(status=503, body="")


class PayloadErrors(AsyncMiddlewareErrorHandler):
    """Bolt reads payloads without checking their shape, trusting Slack's: a field of another
    type ("event": null) fails inside bolt's own code, before any listener. That is a 400, not
    a 500 that Slack would retry, and no stack trace in the log; other failures (a database
    that is away while authorizing) stay 500s, logged as bolt logs them."""

    async def handle(
        self, error: Exception, request: AsyncBoltRequest, response: BoltResponse | None
    ) -> None:
        frames = traceback.extract_tb(error.__traceback__)
        in_bolt = bool(frames) and "slack_bolt" in frames[-1].filename
        if response is not None and in_bolt and isinstance(error, _SHAPE_ERRORS):
            log.warning("refused a Slack payload bolt could not read (%s)", type(error).__name__)
            response.status, response.body = 400, '{"error": "invalid request"}'
            return
        log.exception("Failed to run a middleware function (error: %s)", error)
