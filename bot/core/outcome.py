"""What one person's action produces for others: notices, sent after the unit of work."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.messages import Message


@dataclass(frozen=True)
class Notice:
    """Messages for someone other than the person acting, sent after the unit of work."""

    person_id: int
    messages: list[Message]


@dataclass
class Outcome:
    replies: list[Message] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
