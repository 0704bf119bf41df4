"""Neutral messages as Bot Framework activities for Microsoft Teams. Pure: no I/O, no SDK.

Cards are Adaptive Cards 1.5. Every activity stays under Teams' 40 KB message limit with room
to spare (long text is cut with a visible marker, what doesn't fit is counted), and every
string a person wrote is escaped before it reaches TextBlock markdown, so it shows as typed.
"""

from __future__ import annotations

from typing import Any

from adapters.teams.render_card import titled_card
from adapters.teams.render_form import form_card
from adapters.teams.render_question import answered_card, question_card
from adapters.teams.render_submit import (
    ChoiceSubmit,
    FormSubmit,
    OpenForm,
    StartCheckin,
    Submit,
    parse_submit,
    start_checkin_action,
)
from adapters.teams.render_text import (
    ACTIVITY_BUDGET,
    BLANK,
    CARD_BUDGET,
    CARD_CONTENT_TYPE,
    CARD_VERSION,
    FALLBACK_BYTES,
    FALLBACK_CHARS,
    MAX_ACTIVITY_BYTES,
    TRUNCATION_MARKER,
    Element,
    adaptive_card,
    clip,
    escape_markdown,
    json_size,
    text_block,
)
from bot.core.messages import Answered, Card, Form, Message, Question, Text

__all__ = [
    "CARD_CONTENT_TYPE",
    "CARD_VERSION",
    "MAX_ACTIVITY_BYTES",
    "TRUNCATION_MARKER",
    "ChoiceSubmit",
    "FormSubmit",
    "OpenForm",
    "StartCheckin",
    "Submit",
    "escape_markdown",
    "parse_submit",
    "render_activity",
    "render_card",
    "start_checkin_action",
]

TEXT_CHARS = 28_000


def render_activity(message: Message) -> dict[str, Any]:
    """A message activity to send or to update with: plain text for Text, an Adaptive Card
    with a short plain-text fallback for everything else."""
    if isinstance(message, Text):
        activity = _plain_activity("")
        room = ACTIVITY_BUDGET - json_size(activity) + json_size("")
        activity["text"] = clip(message.text if message.text.strip() else BLANK, (TEXT_CHARS, room))
        return activity
    card = render_card(message)
    fallback = clip(message.fallback_text().strip() or BLANK, (FALLBACK_CHARS, FALLBACK_BYTES))
    # The fallback goes in `summary` (notifications), not `text`: Teams has been seen to post
    # text and card as two messages, and the card's own id is what an update needs.
    return {
        "type": "message",
        "summary": fallback,
        "attachments": [{"contentType": CARD_CONTENT_TYPE, "content": card}],
    }


def render_card(message: Message) -> dict[str, Any]:
    """Just the Adaptive Card, for updating a message or answering an Action.Execute invoke."""
    if isinstance(message, Question):
        return question_card(message)
    if isinstance(message, Answered):
        return answered_card(message)
    if isinstance(message, Card):
        return titled_card(message)
    if isinstance(message, Form):
        return form_card(message)
    if isinstance(message, Text):
        return _text_card(message.text)
    raise TypeError(f"cannot render {type(message).__name__}")


def _plain_activity(text: str) -> Element:
    # "plain": Teams shows the text as typed, so it needs no escaping.
    return {"type": "message", "text": text, "textFormat": "plain"}


def _text_card(text: str) -> Element:
    room = CARD_BUDGET - json_size(adaptive_card([text_block("")]))
    shown = clip(text, (TEXT_CHARS, room), escape_markdown)
    return adaptive_card([text_block(escape_markdown(shown))])
