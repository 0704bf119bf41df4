"""What the engine needs from the outside world, as small protocols."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from bot.core.events import Actor
from bot.core.messages import Card, Message, Text

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

    What a platform can do beyond sending is a protocol of its own below (`Updates`,
    `PostsInChannels`, `FindsSent`, `HasPhrasebook`). The engine asks once, when it is wired,
    whether its outbox is one (bot.engine.delivery), and never which platform it is.
    """

    async def send(self, to: Recipient, message: Message) -> dict[str, Any] | None: ...


@runtime_checkable
class Updates(Protocol):
    """Changes a message it sent (`ref` is what `send` returned): an answered question loses
    its buttons."""

    async def update(self, to: Recipient, ref: dict[str, Any], message: Message) -> None: ...


@runtime_checkable
class PostsInChannels(Protocol):
    """Posts in a channel: `to.conversation` is the channel as the command typed there gave it.
    A digest is a one-line summary with its details (in its thread where the platform has
    threads); a card is one post. Raises Undeliverable when the bot can't post there."""

    async def post_digest(self, to: Recipient, summary: Text, details: Card) -> None: ...

    async def post_card(self, to: Recipient, card: Card) -> None: ...


@runtime_checkable
class FindsSent(Protocol):
    """Tells whether a question reached `to` at or after `since`: the platform's handle on it,
    or None when it did not. Raises when the platform could not be asked."""

    async def find_sent(
        self, to: Recipient, prompt_id: str, since: datetime
    ) -> dict[str, Any] | None: ...


class Phrasebook(Protocol):
    """A platform's own words for what only its people know how to do there."""

    def channel_command(self, command: str) -> str:
        """How `command` is typed in a channel, to end "Type this in the channel …: "."""
        ...

    def let_me_in(self) -> str:
        """How the bot is let into a channel or chat it isn't in, as an instruction."""
        ...


@runtime_checkable
class HasPhrasebook(Protocol):
    """Has the words of the platform `to` is on; None when that platform has none."""

    def phrasebook(self, to: Recipient) -> Phrasebook | None: ...


@runtime_checkable
class OneKeyboard(Protocol):
    """Everyone it sends to sits at one keyboard (the console chat): no one's quiet hours hold
    anything back there, as whoever would wait is the person typing."""

    def one_keyboard(self) -> bool: ...


@runtime_checkable
class ReachesPlatforms(Protocol):
    """Says whether it can send to a platform at all. An outbox that isn't one sends to every
    platform it is given (one platform's own, a test's)."""

    def reaches(self, platform: str) -> bool: ...


@dataclass(frozen=True)
class Phrased(Text):
    """A sentence with a platform's own words in it. `text` says it without them; `words`
    says it with the recipient's phrasebook. Delivery sends one or the other as a Text."""

    words: Callable[[Phrasebook], str] = field(compare=False, kw_only=True)


def in_words(message: Message, phrasebook: Phrasebook | None) -> Message:
    """`message` as the recipient's platform words it: a Phrased becomes a Text."""
    if not isinstance(message, Phrased):
        return message
    return Text(message.words(phrasebook) if phrasebook is not None else message.text)


class Undeliverable(Exception):
    """The platform says this person can't be reached (left, blocked the bot, uninstalled)."""


@dataclass(frozen=True)
class Profile:
    email: str | None
    name: str | None = None
    timezone: str | None = None
    admin: bool = False  # an owner or admin of the workspace: an admin of the org too
    guest: bool = False  # a guest of the workspace (single- or multi-channel): never enrolled
    bot: bool = False  # another app: never enrolled, never answered
    deactivated: bool = False
    locale: str | None = None  # "de-DE", the person's language as the platform tells

    @property
    def member(self) -> bool:
        """Someone a first contact enrols as a person of the org."""
        return bool(self.email) and not (self.guest or self.bot or self.deactivated)


class Directory(Protocol):
    """Looks a platform user up, for people the engine meets for the first time."""

    async def profile(self, platform: str, tenant: str, user: str) -> Profile | None: ...


@dataclass(frozen=True)
class Account:
    """One account in a workspace's or tenant's directory: its platform id, and who it is."""

    user: str
    profile: Profile


@dataclass(frozen=True)
class Listing:
    """A directory as read in full: its accounts, and what the admin should know about how
    it was read (a Teams org whose rosters cover only the teams the app is in, say)."""

    accounts: tuple[Account, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Status:
    """A chat status as the platform tells it ("🌴 Vacation" until Friday); `until` None: it
    doesn't expire."""

    emoji: str = ""
    text: str = ""
    until: datetime | None = None


@runtime_checkable
class ReadsStatus(Protocol):
    """Reads people's chat statuses, where the platform has them. What it couldn't read in
    time is left out (the person counts as not away)."""

    def reads_status(self, platform: str) -> bool: ...

    async def statuses(
        self, platform: str, tenant: str, users: Sequence[str]
    ) -> dict[str, Status]: ...


class DirectoryUnreadable(Exception):
    """The directory could not be read in full; the message says why, for an admin."""


@runtime_checkable
class ListsAccounts(Protocol):
    """Reads a whole directory (`org sync`): every account, deactivated ones included where
    the platform lists them. Raises DirectoryUnreadable when it can't read all of it."""

    def lists(self, platform: str) -> bool: ...

    async def accounts(self, platform: str, tenant: str) -> Listing: ...


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
    statuses: ReadsStatus | None  # people's chat statuses, where platforms have them

    async def send(self, actor: Actor, messages: list[Message]) -> bool: ...

    async def post(self, actor: Actor, message: Message) -> Sent: ...

    def reaches(self, platform: str) -> bool: ...

    async def notify(self, tenant_id: str, notices: Sequence[Notice]) -> None: ...

    async def post_digest(self, to: Recipient, summary: Text, details: Card) -> None: ...

    async def find_sent(
        self, actor: Actor, message: Message, since: datetime
    ) -> dict[str, Any] | None: ...
