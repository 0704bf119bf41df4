"""What the engine needs from the outside world, as small protocols."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.messages import Message


@dataclass(frozen=True)
class Recipient:
    platform: str
    tenant: str
    user: str
    conversation: dict[str, Any] = field(default_factory=dict, compare=False)


class Outbox(Protocol):
    """Sends a neutral message to one person; returns the platform's handle on it, if any."""

    async def send(self, to: Recipient, message: Message) -> dict[str, Any] | None: ...


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)
