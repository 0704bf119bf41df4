"""What arrives from people before the engine handles it: text a database can store, and what
someone the org doesn't take is told."""

from __future__ import annotations

from dataclasses import replace

from bot.core.events import (
    Actor,
    ChoiceSelected,
    CommandInvoked,
    FormSubmitted,
    InboundEvent,
    TextReceived,
)
from bot.core.i18n import catalog
from bot.core.messages import Message, Text
from bot.core.ports import Profile

_, ngettext = catalog("bot.engine")


def storable(event: InboundEvent) -> InboundEvent:
    """What people typed, as a database can store it: PostgreSQL refuses NUL in text, and
    neither database takes half an emoji (a lone surrogate, from a JSON escape). No one means
    either."""

    def clean(text: str) -> str:
        return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")

    if isinstance(event, TextReceived | CommandInvoked):
        return replace(event, text=clean(event.text))
    if isinstance(event, ChoiceSelected):
        return replace(event, value=clean(event.value))
    if isinstance(event, FormSubmitted):
        return replace(event, values={k: clean(v) for k, v in event.values.items()})
    return event


def not_enrolled(actor: Actor, profile: Profile | None) -> list[Message]:
    """What someone the org doesn't take is told: a guest why, an app nothing. Written in the
    language in force (the engine's choice: their platform's, as they have no other)."""
    if profile is not None and profile.bot:
        return []
    if profile is not None and profile.guest:
        return [
            Text(
                _(
                    "Check-ins here are for the members of this workspace, so guests aren't "
                    "enrolled. If you should be, ask an admin of the workspace."
                )
            )
        ]
    who = actor.email or actor.user
    if profile is not None and not profile.email:
        return [
            Text(
                _(
                    "I can't see an email for {who}, so I can't tell who you are in the org. "
                    "Ask your admin to add you to the org import (checkin-bot org import)."
                ).format(who=who)
            )
        ]
    return [
        Text(
            _(
                "I don't know {who} yet. Ask your admin to add you to the org import "
                "(checkin-bot org import)."
            ).format(who=who)
        )
    ]
