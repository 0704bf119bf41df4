"""What the engine needs from the outside world, as small protocols."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from bot.core.events import Actor
from bot.core.messages import Card, Message

if TYPE_CHECKING:
    from bot.core.outcome import Notice
    from storage.db import Database


@dataclass(frozen=True)
class Recipient:
    platform: str
    tenant: str
    user: str
    conversation: dict[str, Any] = field(default_factory=dict, compare=False)


class Outbox(Protocol):
    """Sends a neutral message to one person; returns the platform's handle on it, if any.

    An outbox that can change a sent message also has
    `async def update(self, to: Recipient, ref: dict[str, Any], message: Message) -> None`;
    one that can post in channels has
    `async def post_digest(self, to: Recipient, summary: Text, details: Card) -> None`
    (`to.conversation` is the channel as the command typed there gave it). The engine asks
    for these with getattr, never by platform.
    """

    async def send(self, to: Recipient, message: Message) -> dict[str, Any] | None: ...


class Undeliverable(Exception):
    """The platform says this person can't be reached (left, blocked the bot, uninstalled)."""


@dataclass(frozen=True)
class Profile:
    email: str | None
    name: str | None = None
    timezone: str | None = None
    admin: bool = False  # an owner or admin of the workspace: an admin of the org too


class Directory(Protocol):
    """Looks a platform user up, for people the engine meets for the first time."""

    async def profile(self, platform: str, tenant: str, user: str) -> Profile | None: ...


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True)
class Sent:
    """What became of one message: taken by the platform (with its handle on it), or not."""

    ok: bool
    ref: dict[str, Any] | None = None
    unreachable: bool = False


class Sender(Protocol):
    """What the scheduled jobs need of the engine: its database, and sending on its behalf."""

    database: Database

    async def send(self, actor: Actor, messages: list[Message]) -> bool: ...

    async def post(self, actor: Actor, message: Message) -> Sent: ...

    async def notify(self, tenant_id: str, notices: Sequence[Notice]) -> None: ...

    async def post_digest(self, to: Recipient, summary: Message, details: Card) -> None: ...

    async def find_sent(
        self, actor: Actor, message: Message, since: datetime
    ) -> dict[str, Any] | None: ...
