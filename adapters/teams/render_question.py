"""A question as an Adaptive Card: its text, one button per choice, and, once answered, the
same text with the answer instead of buttons."""

from __future__ import annotations

from adapters.teams.render_submit import choice_data, open_form_data
from adapters.teams.render_text import (
    ACTION_TITLE,
    BLANK,
    LINE,
    Element,
    Room,
    adaptive_card,
    clip,
    escape_markdown,
    json_size,
    note,
    text_block,
    user_text,
)
from bot.core.i18n import catalog
from bot.core.messages import Answered, Choice, Question

_, ngettext = catalog("adapters")

# Teams lays out about six buttons in a row; a longer scale wraps into rows of five in the body.
ROW = 5
# A cut prompt id would answer another prompt: past this such a question is answered by typing.
PROMPT_ID_BYTES = 1024


def question_card(question: Question) -> Element:
    room = Room()
    body = question_blocks(question)
    room.spend(*body)
    if json_size(question.prompt_id) > PROMPT_ID_BYTES:
        return adaptive_card(body)
    actions: list[Element] = []
    if question.offers_form:
        actions.append(_submit(_("Fill in as a form"), open_form_data(question.prompt_id)))
        room.spend(*actions)
    buttons, left_out = _fitting_buttons(question, room)
    if len(buttons) <= ROW:
        actions[:0] = buttons
    else:
        body.extend({"type": "ActionSet", "actions": row} for row in _rows(buttons))
    if left_out:
        body.append(_left_out_note(left_out))
    return adaptive_card(body, actions)


def answered_card(answered: Answered) -> Element:
    # Translators: the person's answer follows.
    answer = escape_markdown(_("✓ You answered: ")) + user_text(answered.answer)
    return adaptive_card([*question_blocks(answered.question), text_block(answer)])


def question_blocks(question: Question) -> list[Element]:
    blocks = []
    if question.intro and question.intro.strip():
        blocks.append(text_block(user_text(question.intro, LINE)))
    counter = f"[{question.position}/{question.total}] " if question.total > 0 else ""
    blocks.append(text_block(user_text(counter + question.text), weight="Bolder"))
    if question.hint and question.hint.strip():
        blocks.append(text_block(user_text(question.hint, LINE), isSubtle=True, size="Small"))
    return blocks


def _fitting_buttons(question: Question, room: Room) -> tuple[list[Element], int]:
    """Buttons for the choices, in order, while they fit with their rows and a note; the rest
    are counted, to be answered by typing."""
    rows = -(-len(question.choices) // ROW)
    room.spend(*[{"type": "ActionSet", "actions": []}] * rows)
    room.spend(_left_out_note(len(question.choices)))
    buttons: list[Element] = []
    for choice in question.choices:
        button = _submit(_label(choice), choice_data(question.prompt_id, choice.value))
        if not room.take(button):
            break
        buttons.append(button)
    return buttons, len(question.choices) - len(buttons)


def _rows(buttons: list[Element]) -> list[list[Element]]:
    """Rows of at most ROW buttons, as even as can be (7 -> 4 + 3, not 5 + 2)."""
    count = -(-len(buttons) // ROW)
    size = -(-len(buttons) // count)
    return [buttons[start : start + size] for start in range(0, len(buttons), size)]


def _label(choice: Choice) -> str:
    label = choice.label.strip() or choice.value.strip() or BLANK
    return clip(label, ACTION_TITLE, marker="…")


def _submit(title: str, data: Element) -> Element:
    # Button titles are plain text in Teams, not markdown, so they aren't escaped.
    return {"type": "Action.Submit", "title": title, "data": data}


def _left_out_note(count: int) -> Element:
    return note(
        ngettext(
            "{count} more choice didn't fit here: reply with your answer instead.",
            "{count} more choices didn't fit here: reply with your answer instead.",
            count,
        ).format(count=count)
    )
