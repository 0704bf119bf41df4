"""Printing the engine's messages to the terminal."""

from __future__ import annotations

from typing import Any, TextIO

from adapters.console.phrases import PHRASEBOOK
from adapters.console.render import render
from bot.core.i18n import catalog
from bot.core.messages import Card, Form, Message, Question, Text
from bot.core.ports import HasPhrasebook, Outbox, Phrasebook, PostsInChannels, Recipient

_, ngettext = catalog("adapters")


class ConsoleOutbox(Outbox, PostsInChannels, HasPhrasebook):
    """Everything goes to the one terminal; a message for someone else than the person at the
    keyboard (a feedback request's giver, a survey's respondent) says who it is for."""

    def __init__(self, stream: TextIO, me: str | None = None) -> None:
        self.stream = stream
        self.me = me.strip().lower() if me else None
        # Forms for the person at the keyboard, which the chat asks field by field.
        self.forms: list[Form] = []

    def phrasebook(self, to: Recipient) -> Phrasebook:
        return PHRASEBOOK

    def one_keyboard(self) -> bool:
        return True

    async def send(self, to: Recipient, message: Message) -> dict[str, Any] | None:
        if isinstance(message, Form) and self.me is not None and to.user.strip().lower() == self.me:
            if not message.alongside:  # asked field by field, it would only repeat the list
                self.forms.append(message)
            return None
        text = render(message)
        if self.me is not None and to.user.strip().lower() != self.me:
            # In a console org a person is their email, which `chat --as` takes.
            asked = isinstance(message, Question) and to.platform == "console"
            to_whom = _("[to {user}; chat --as {user} to answer]") if asked else _("[to {user}]")
            text = f"{to_whom.format(user=to.user)}\n{text}"
        self.stream.write(text + "\n")
        self.stream.flush()
        return None

    async def post_digest(self, to: Recipient, summary: Text, details: Card) -> None:
        self._in_channel(to, f"{render(summary)}\n{render(details)}")

    async def post_card(self, to: Recipient, card: Card) -> None:
        self._in_channel(to, render(card))

    def _in_channel(self, to: Recipient, text: str) -> None:
        name = to.conversation.get("name") or to.conversation.get("key") or _("a channel")
        self.stream.write(_("[in {channel}]").format(channel=name) + f"\n{text}\n")
        self.stream.flush()
