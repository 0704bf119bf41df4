"""Messages that @mention the bot in a Teams channel or group chat. The digest commands and
`kudos channel` are answered there, in the same thread or chat; anything else gets one line
pointing to the personal chat. Nothing typed here ever reaches the engine as text, so it can't
answer a check-in."""

from __future__ import annotations

from functools import partial

from botbuilder.core import TurnContext
from botbuilder.schema import Activity

from adapters.teams.conversations import channel_of
from adapters.teams.pacing import TeamsPacer
from adapters.teams.phrases import PHRASEBOOK
from adapters.teams.render import render_activity
from adapters.teams.sending import send_with_retries
from bot.core.events import Actor, CommandInvoked
from bot.core.i18n import N_, catalog, speaking
from bot.core.messages import Message, Text
from bot.core.ports import in_words
from bot.engine import Engine

_, ngettext = catalog("adapters")

ELSEWHERE = N_(
    "Check-ins, goals and feedback happen in your personal chat with me. "
    "Here, mention me with digest subscribe [team] for a weekly goal digest in this "
    "conversation, or digest unsubscribe [team] to stop it; admins, with kudos channel to "
    "have kudos posted here."
)
# What is typed in a channel and answered there: (command, sub), "" for every sub.
IN_CHANNELS = {("digest", ""), ("kudos", "channel")}
PREVIEW_SENT = N_("A preview is for you alone: I've answered in your personal chat with me.")


class ChannelMessages:
    def __init__(self, engine: Engine, pacer: TeamsPacer) -> None:
        self.engine = engine
        self.pacer = pacer

    async def handle(
        self, turn_context: TurnContext, actor: Actor, text: str, event_id: str
    ) -> None:
        """`text` as typed, the bot's own mention dropped."""
        command = self.engine.commands.in_text(text)
        if command is None or not {(command.name, ""), (command.name, command.sub)} & IN_CHANNELS:
            with speaking(await self.engine.language(actor)):
                await self._reply(turn_context, actor, [Text(_(ELSEWHERE))])
            return
        words = f"{command.sub} {command.args}".strip()
        where = channel_of(turn_context.activity)
        event = CommandInvoked(actor, command.name, words, event_id, where)
        if (command.name, command.sub) == ("digest", "now"):
            if not (await self.engine.handle(event)).duplicate:
                with speaking(await self.engine.language(actor)):
                    await self._reply(turn_context, actor, [Text(_(PREVIEW_SENT))])
            return
        handled = await self.engine.handle(event, deliver=False)
        with speaking(await self.engine.language(actor)):
            await self._reply(turn_context, actor, handled.replies)
            await self.engine.deliver(
                actor, [], handled.closed, handled.notices, None, handled.posts
            )

    async def _reply(
        self, turn_context: TurnContext, actor: Actor, messages: list[Message]
    ) -> None:
        """In the thread or chat the message came from, paced like every other send."""
        conversation = turn_context.activity.conversation.id
        for message in messages:
            activity = Activity().deserialize(render_activity(in_words(message, PHRASEBOOK)))
            send = partial(turn_context.send_activity, activity)
            await send_with_retries(self.pacer, actor.tenant, conversation, send)
