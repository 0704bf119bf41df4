"""A Form as an Adaptive Card of inputs: Teams has no modals for bots, so the whole check-in is
a card in the chat, its answers merged by Teams into the submit button's data."""

from __future__ import annotations

from collections.abc import Iterable

from adapters.teams.render_submit import RESERVED_KEYS, form_data
from adapters.teams.render_text import (
    ACTION_TITLE,
    LINE,
    TITLE,
    Element,
    Room,
    adaptive_card,
    clip,
    json_size,
    note,
    text_block,
    user_text,
)
from bot.core.i18n import N_, catalog
from bot.core.messages import Choice, Form, FormField

_, ngettext = catalog("adapters")

NUMBER_PLACEHOLDER = N_("e.g. 400, 40% or done")
INPUT_LENGTH = 3000
INITIAL = (INPUT_LENGTH, 8_000)
CHOICE_TITLE = (100, 1_200)
CHOICE_VALUE_BYTES = 1024
CHOICES = 100
# Ids travel in data as they are; a cut one would submit to another form or field.
ID_BYTES = 1024


def form_card(form: Form) -> Element:
    """Inputs in order while they fit in one card; fields left out are counted in a note."""
    if json_size(form.form_id) > ID_BYTES:
        raise ValueError(f"form_id takes {json_size(form.form_id)} bytes; at most {ID_BYTES}")
    title = text_block(
        user_text(form.title.strip() or _("Check-in"), TITLE), size="Large", weight="Bolder"
    )
    label = clip(form.submit_label.strip() or _("Submit"), ACTION_TITLE, marker="…")
    submit = {"type": "Action.Submit", "title": label, "data": form_data(form.form_id)}
    room = Room()
    room.spend(title, submit, _left_out_note(len(form.fields)))
    inputs: list[Element] = []
    seen: set[str] = set()
    for field in form.fields:
        usable = _usable_key(field.key, seen)
        seen.add(field.key)
        # A field too big for what's left is skipped; a smaller one after it may still fit.
        if usable and room.take(element := _input(field)):
            inputs.append(element)
    left_out = len(form.fields) - len(inputs)
    if left_out:
        inputs.append(_left_out_note(left_out))
    elif not inputs:
        inputs.append(note(_("Nothing to fill in.")))
    return adaptive_card([title, *inputs], [submit])


def _usable_key(key: str, seen: set[str]) -> bool:
    """An input id Teams accepts and we can tell apart from the button's own data."""
    return bool(key) and key not in seen and key not in RESERVED_KEYS and json_size(key) <= ID_BYTES


def _input(field: FormField) -> Element:
    choices = _choices(field.choices) if field.kind == "choice" else []
    element: Element
    if choices:
        element = {"type": "Input.ChoiceSet", "id": field.key, "style": "compact"}
        element["choices"] = choices
        if any(choice["value"] == field.initial for choice in choices):
            element["value"] = field.initial
    else:
        # Numbers are typed as text so "40%", "done" or "same" get through to the parser.
        element = {"type": "Input.Text", "id": field.key, "maxLength": INPUT_LENGTH}
        element["isMultiline"] = field.kind not in ("number", "choice", "people")
        if field.kind == "number":
            element["placeholder"] = _(NUMBER_PLACEHOLDER)
        if field.initial:
            element["value"] = clip(field.initial, INITIAL)
    # Labels render as plain text runs, not markdown, so they aren't escaped.
    element["label"] = clip(field.label.strip() or field.key, LINE)
    element["isRequired"] = not field.optional
    if not field.optional:
        element["errorMessage"] = _("Please answer this question.")
    return element


def _choices(choices: Iterable[Choice]) -> list[Element]:
    """Choices that come back as themselves: values are never cut, and an empty or repeated
    one couldn't be told apart, so such a choice is left out."""
    kept: list[Element] = []
    seen: set[str] = set()
    for choice in choices:
        returnable = choice.value and json_size(choice.value) <= CHOICE_VALUE_BYTES
        if returnable and choice.value not in seen:
            seen.add(choice.value)
            title = clip(choice.label.strip() or choice.value, CHOICE_TITLE, marker="…")
            kept.append({"title": title, "value": choice.value})
    return kept[:CHOICES]


def _left_out_note(count: int) -> Element:
    return note(
        ngettext(
            "{count} more question didn't fit in this form. Submitting leaves it unanswered; to "
            "answer every question, reply in the chat instead.",
            "{count} more questions didn't fit in this form. Submitting leaves them unanswered; "
            "to answer every question, reply in the chat instead.",
            count,
        ).format(count=count)
    )
