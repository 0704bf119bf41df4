"""The one result of handling anything: replies for the person, notices for others, the
questions this answered (their buttons can be retired), and a form's field errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.core.messages import Message, Question


@dataclass(frozen=True)
class Notice:
    """Messages for someone other than the person acting, sent after the unit of work."""

    person_id: int
    messages: list[Message]


@dataclass(frozen=True)
class ClosedPrompt:
    """A prompt answered in this unit of work; its message on screen can now be retired."""

    prompt_id: str
    message_ref: dict[str, Any] | None
    question: Question
    answer: str


@dataclass
class Outcome:
    replies: list[Message] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    closed: list[ClosedPrompt] = field(default_factory=list)
    # A form sent back with these fields to fix (field key -> why); nothing was stored.
    form_errors: dict[str, str] = field(default_factory=dict)
    # The platform delivered this event before: it was handled then, nothing was done now.
    duplicate: bool = False
