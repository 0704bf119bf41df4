"""The one result of handling anything: replies for the person, notices for others, cards for
channels, the questions this answered (their buttons can be retired), a form's field errors,
and a form that was submitted (it shows its summary from now on)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.core.messages import Card, Message, Question


@dataclass(frozen=True)
class Notice:
    """Messages for someone other than the person acting, sent after the unit of work. They
    wait while the person's quiet hours last, and are dropped when they turned off any of
    `kinds` (bot.notify.policy.Kind values); `purpose` ("checkin_run:12", storage.held) says
    what they are about, so that they aren't sent late once it no longer needs saying."""

    person_id: int
    messages: list[Message]
    kinds: tuple[str, ...] = ()
    purpose: str | None = None


@dataclass(frozen=True)
class ChannelPost:
    """A card for a channel (`conversation`, as a command typed there gave it), posted after the
    unit of work. When the platform won't take it, the person `poster_id` is told why, in
    words that end "…: {reason}" after `what` ("your kudos")."""

    conversation: dict[str, Any]
    card: Card
    poster_id: int
    what: str


@dataclass(frozen=True)
class ClosedPrompt:
    """A prompt answered in this unit of work; its message on screen can now be retired."""

    prompt_id: str
    message_ref: dict[str, Any] | None
    question: Question
    answer: str


@dataclass(frozen=True)
class ClosedForm:
    """A form submitted in this unit of work: the message it is in, if any, becomes `summary`.
    Where it can't be changed the summary is sent instead, unless it was sent already (the same
    form submitted again)."""

    message_ref: dict[str, Any] | None
    summary: Message
    sent_before: bool = False


@dataclass
class Outcome:
    replies: list[Message] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    closed: list[ClosedPrompt] = field(default_factory=list)
    # A form sent back with these fields to fix (field key -> why); nothing was stored.
    form_errors: dict[str, str] = field(default_factory=dict)
    closed_form: ClosedForm | None = None
    # The platform delivered this event before: it was handled then, nothing was done now.
    duplicate: bool = False
    posts: list[ChannelPost] = field(default_factory=list)
