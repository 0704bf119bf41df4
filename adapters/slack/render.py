"""Neutral messages as Slack Block Kit payloads. Pure: no I/O, no Slack client.

Every payload stays within Slack's limits (long text is split or cut with a visible marker),
and every string a person wrote is escaped before it reaches mrkdwn, so it can't ping or link.
"""

from __future__ import annotations

import re
from typing import Any

from adapters.slack.render_card import card_blocks
from adapters.slack.render_form import (
    FORM_CALLBACK_ID,
    form_values,
    render_modal,
    render_submitted,
)
from adapters.slack.render_text import (
    ACTIONS_ELEMENTS,
    BLOCK_ID,
    BUTTON_TEXT,
    BUTTON_VALUE,
    FALLBACK_TEXT,
    MESSAGE_BLOCKS,
    SECTION_TEXT,
    TRUNCATION_MARKER,
    VIEW_BLOCKS,
    Block,
    context,
    escape,
    mrkdwn,
    plain,
    section,
    split_text,
    truncate,
)
from bot.core.i18n import catalog
from bot.core.messages import Card, Form, Message, Question, Text

__all__ = [
    "ACTION_OPEN_FORM",
    "ACTION_OPEN_NAMED_FORM",
    "ACTION_START_CHECKIN",
    "CHOICE_ACTION",
    "FORM_CALLBACK_ID",
    "SHORTCUT_GIVE_KUDOS",
    "TRUNCATION_MARKER",
    "choice_value",
    "escape",
    "form_values",
    "parse_choice_value",
    "render_answered",
    "render_home",
    "render_message",
    "render_modal",
    "render_submitted",
    "truncate",
]

ACTION_OPEN_FORM = "open_form"
ACTION_OPEN_NAMED_FORM = "open_named_form"  # its value is the form's id
SHORTCUT_GIVE_KUDOS = "give_kudos"  # the message shortcut's callback_id (manifest.json)
ACTION_START_CHECKIN = "start_checkin"
CHOICE_ACTION = re.compile(r"^choice-\d+$")

TEXT_BLOCKS = 45  # a long text is cut a little short of Slack's 50 blocks
# Four actions blocks' worth; a question with more choices is answered by typing.
QUESTION_BUTTONS = 4 * ACTIONS_ELEMENTS
_CHOICE_VALUE = re.compile(r"(0|[1-9][0-9]{0,9})\|", re.ASCII)

_, ngettext = catalog("adapters")


def choice_value(prompt_id: str, value: str) -> str:
    """A button value naming the prompt and the choice: `len|prompt_id|value`. The length
    prefix lets both hold any character, `|` included."""
    return f"{len(prompt_id)}|{prompt_id}|{value}"


def parse_choice_value(raw: str) -> tuple[str, str] | None:
    """(prompt_id, value) from choice_value's output; None for anything else."""
    if not isinstance(raw, str):
        return None
    prefix = _CHOICE_VALUE.match(raw)
    if prefix is None:
        return None
    start, length = prefix.end(), int(prefix.group(1))
    end = start + length
    if len(raw) <= end or raw[end] != "|":
        return None
    return raw[start:end], raw[end + 1 :]


def render_message(message: Message) -> dict[str, Any]:
    """{"text": fallback, "blocks": [...]} for chat.postMessage and chat.update."""
    if isinstance(message, Question):
        blocks = _question_blocks(message) + _choice_actions(message)
    elif isinstance(message, Card):
        blocks = card_blocks(message, MESSAGE_BLOCKS)
    elif isinstance(message, Text):
        blocks = _text_blocks(message.text)
    elif isinstance(message, Form):
        # A modal needs a click to open (its trigger): posted as a message, a form is a button
        # that opens it, drawn afresh then.
        blocks = [*_text_blocks(message.fallback_text()), _open_form_actions(message)]
    else:
        raise TypeError(f"cannot render {type(message).__name__}")
    return {"text": _fallback(message.fallback_text()), "blocks": blocks}


def render_answered(question: Question, answer: str) -> dict[str, Any]:
    """The question as it was, its buttons replaced by the answer, for chat.update."""
    answered = _("✓ You answered: {answer}").format(answer=answer)
    return {
        "text": _fallback(f"{_counter(question, '({}/{}) ')}{question.text}\n{answered}"),
        "blocks": [*_question_blocks(question), context(escape(answered))],
    }


def render_home(card: Card, *, start_button: bool) -> dict[str, Any]:
    """A views.publish "home" view: the card, then the button that starts a check-in."""
    actions = [_start_actions()] if start_button else []
    return {"type": "home", "blocks": card_blocks(card, VIEW_BLOCKS - len(actions)) + actions}


def _start_actions() -> Block:
    button = _button(ACTION_START_CHECKIN, _("Start my check-in"), "")
    return {
        "type": "actions",
        "block_id": "home:start",
        "elements": [{**button, "style": "primary"}],
    }


def _fallback(text: str) -> str:
    return truncate(escape(text), FALLBACK_TEXT)


def _text_blocks(text: str) -> list[Block]:
    return [
        {"type": "section", "text": mrkdwn(part)}
        for part in split_text(escape(text), SECTION_TEXT, TEXT_BLOCKS)
    ]


def _counter(question: Question, template: str) -> str:
    return template.format(question.position, question.total) if question.total > 0 else ""


def _question_blocks(question: Question) -> list[Block]:
    blocks = [section(escape(question.intro))] if question.intro else []
    blocks.append(section(_counter(question, "*[{}/{}]* ") + escape(question.text)))
    if question.hint and question.hint.strip():
        blocks.append(context(escape(question.hint)))
    return blocks


def _choice_actions(question: Question) -> list[Block]:
    """Answer buttons, then "Fill in as a form" for a check-in question, 25 to a block."""
    buttons: list[Block] = []
    for index, choice in enumerate(question.choices):
        value = choice_value(question.prompt_id, choice.value)
        # A cut value would answer something else; too long a choice is answered by typing.
        if len(value) <= BUTTON_VALUE:
            label = choice.label if choice.label.strip() else choice.value
            buttons.append(_button(f"choice-{index}", label, value))
    buttons = buttons[: QUESTION_BUTTONS - 1]
    if question.offers_form and len(question.prompt_id) <= BUTTON_VALUE:
        buttons.append(_button(ACTION_OPEN_FORM, _("Fill in as a form"), question.prompt_id))
    return [
        {
            "type": "actions",
            "block_id": _actions_block_id(question.prompt_id, number),
            "elements": buttons[start : start + ACTIONS_ELEMENTS],
        }
        for number, start in enumerate(range(0, len(buttons), ACTIONS_ELEMENTS), start=1)
    ]


def _open_form_actions(form: Form) -> Block:
    return {
        "type": "actions",
        "elements": [_button(ACTION_OPEN_NAMED_FORM, _open(form.title), form.form_id)],
    }


def _open(title: str) -> str:
    return _("Open: {title}").format(title=title)


def _button(action_id: str, label: str, value: str) -> Block:
    button = {"type": "button", "action_id": action_id, "text": plain(label, BUTTON_TEXT)}
    if value:  # Slack takes no empty value
        button["value"] = value
    return button


def _actions_block_id(prompt_id: str, number: int) -> str:
    """q:{prompt_id}, then q:{prompt_id}:2 and on; a long prompt id is cut the same way in
    each, so the suffixes keep them apart (the button values carry the full id)."""
    base = f"q:{prompt_id}"
    if len(base) > BLOCK_ID - 4:
        base = base[: BLOCK_ID - 4]
    return base if number == 1 else f"{base}:{number}"
