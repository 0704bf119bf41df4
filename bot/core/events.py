"""Neutral inbound events: what a person did, in any chat platform."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Actor:
    """Who acted. Ids are namespaced by platform and tenant, never guessed from their shape."""

    platform: str  # "slack" | "teams" | "console"
    tenant: str  # workspace / tenant id on that platform
    user: str  # user id on that platform
    email: str | None = None
    name: str | None = None
    timezone: str | None = None  # IANA name, when the platform tells
    guest: bool = False  # a guest of the workspace or tenant, when the platform tells
    locale: str | None = None  # "de-DE", when the platform tells (Teams, on every activity)

    @property
    def tenant_id(self) -> str:
        return f"{self.platform}:{self.tenant}"


@dataclass(frozen=True)
class TextReceived:
    actor: Actor
    text: str
    event_id: str


@dataclass(frozen=True)
class CommandInvoked:
    """A slash command or a command typed in chat; `text` is what follows the command."""

    actor: Actor
    command: str  # "checkin" | "goals" | "help" | ...
    text: str
    event_id: str
    # Where it was typed when that is a channel or group chat, not the bot's DM: the platform's
    # handle to post there later ({"channel": "C123"} in Slack, a conversation reference in
    # Teams), plus a "key" naming the channel and a "name" to show.
    channel: dict[str, Any] | None = None


@dataclass(frozen=True)
class ChoiceSelected:
    """A button or menu choice on a question; `prompt_id` is the engine's, round-tripped."""

    actor: Actor
    prompt_id: str
    value: str
    event_id: str
    # The platform's handle on the message clicked, so it can be retired even if the engine
    # has not recorded that handle yet (a very quick click).
    message_ref: dict[str, Any] | None = None


@dataclass(frozen=True)
class FormSubmitted:
    """A whole check-in form: field key -> text as typed or chosen."""

    actor: Actor
    form_id: str
    values: dict[str, str]
    event_id: str
    # The platform's handle on the message the form was in, when it was one (a card in the
    # chat, not a modal): once submitted, that message becomes the check-in's summary.
    message_ref: dict[str, Any] | None = None


@dataclass(frozen=True)
class UserReachable:
    """The person opened a conversation with the bot (installed it, opened the chat, ...)."""

    actor: Actor
    event_id: str
    conversation: dict[str, Any] = field(default_factory=dict)
    timezone: str | None = None
    greet_once: bool = False  # platforms that announce installs greet only the first time


InboundEvent = TextReceived | CommandInvoked | ChoiceSelected | FormSubmitted | UserReachable
