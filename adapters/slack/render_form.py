"""A Form as a Slack modal, the submitted modal's state back to plain answers, and the modal
as it stays once submitted: the summary, with nothing left to submit."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from adapters.slack.render_card import card_blocks
from adapters.slack.render_text import (
    BLOCK_ID,
    VIEW_BLOCKS,
    Block,
    context,
    escape,
    plain,
    section,
    truncate,
)
from bot.core.i18n import N_, catalog
from bot.core.messages import Card, Choice, Form, FormField, Message

FORM_CALLBACK_ID = "checkin_form"
USER_ID = re.compile(r"^[UW][A-Z0-9_]{1,30}$")
USER_MENTION = re.compile(r"<@([UW][A-Z0-9_]{1,30})(?:\|[^>]*)?>")
INPUT_ACTION_ID = "value"
NUMBER_PLACEHOLDER = N_("e.g. 400, 40% or done")

MODAL_TEXT = 24
PRIVATE_METADATA = 3000
INPUT_LABEL = 2000
INPUT_LENGTH = 3000
PLACEHOLDER = 150
OPTION_TEXT = 75
OPTION_VALUE = 150
SELECT_OPTIONS = 100

_, ngettext = catalog("adapters")


def render_modal(form: Form) -> dict[str, Any]:
    """A views.open "modal". Each field is an input block whose block_id is the field key."""
    # A cut form id would submit the answers to some other form, so refuse it outright.
    if len(form.form_id) > PRIVATE_METADATA:
        raise ValueError(f"form_id is {len(form.form_id)} chars; Slack keeps {PRIVATE_METADATA}")
    fields = _unique_keys(form.fields)
    blocks = [_input(field) for field in fields]
    left_out = len(form.fields) - len(fields)
    if left_out or len(blocks) > VIEW_BLOCKS:
        shown = min(len(blocks), VIEW_BLOCKS - 1)
        left_out += len(blocks) - shown
        blocks = [*blocks[:shown], context(_left_out_note(left_out))]
    modal: dict[str, Any] = {
        "type": "modal",
        "callback_id": FORM_CALLBACK_ID,
        "title": plain(form.title.strip() or _("Check-in"), MODAL_TEXT),
        "submit": plain(form.submit_label.strip() or _("Submit"), MODAL_TEXT),
        "close": plain(_("Cancel"), MODAL_TEXT),
        "blocks": blocks or [section(_("Nothing to fill in."))],
    }
    if form.form_id:  # Slack takes no empty private_metadata
        modal["private_metadata"] = form.form_id
    return modal


def render_submitted(summary: Message, note: str = "") -> dict[str, Any]:
    """The modal once its form is submitted (for a "response_action": "update"): the summary,
    a note above it when there is one, and only a button to close it."""
    lead = [section(escape(note))] if note.strip() else []
    if isinstance(summary, Card):
        body = card_blocks(summary, VIEW_BLOCKS - len(lead))
    else:
        body = [section(escape(summary.fallback_text()))]
    return {
        "type": "modal",
        "title": plain(_("Check-in"), MODAL_TEXT),
        "close": plain(_("Done"), MODAL_TEXT),
        "blocks": lead + body,
    }


def form_values(state_values: Mapping[str, Any]) -> dict[str, str]:
    """view["state"]["values"] as field key -> text ("" when left empty). Never raises: the
    payload comes from outside, and blocks it doesn't know are skipped."""
    values: dict[str, str] = {}
    if not isinstance(state_values, Mapping):
        return values
    for block_id, actions in state_values.items():
        if not isinstance(block_id, str) or not isinstance(actions, Mapping):
            continue
        action = actions.get(INPUT_ACTION_ID)
        if not isinstance(action, Mapping):
            continue
        kind = action.get("type")
        if kind == "plain_text_input":
            value = action.get("value")
        elif kind == "static_select":
            selected = action.get("selected_option")
            value = selected.get("value") if isinstance(selected, Mapping) else None
        elif kind == "multi_users_select":
            users = action.get("selected_users")
            users = users if isinstance(users, list) else []
            value = " ".join(f"<@{u}>" for u in users if isinstance(u, str) and USER_ID.match(u))
        else:
            continue
        values[block_id] = value if isinstance(value, str) else ""
    return values


def _unique_keys(fields: Iterable[FormField]) -> list[FormField]:
    """Fields whose key can be a block_id: Slack rejects empty, long or repeated ones."""
    seen: set[str] = set()
    kept = []
    for field in fields:
        if field.key and len(field.key) <= BLOCK_ID and field.key not in seen:
            seen.add(field.key)
            kept.append(field)
    return kept


def _input(field: FormField) -> Block:
    return {
        "type": "input",
        "block_id": field.key,
        "optional": field.optional,
        "label": plain(field.label.strip() or field.key, INPUT_LABEL),
        "element": _element(field),
    }


def _element(field: FormField) -> Block:
    if field.kind == "people":
        # Slack's own people picker; the people already named are picked to start with.
        picker: Block = {"type": "multi_users_select", "action_id": INPUT_ACTION_ID}
        picked = USER_MENTION.findall(field.initial)
        if picked:
            picker["initial_users"] = list(dict.fromkeys(picked))
        picker["placeholder"] = plain(_("Pick people"), PLACEHOLDER)
        return picker
    options = _options(field.choices) if field.kind == "choice" else []
    if options:
        select: Block = {"type": "static_select", "action_id": INPUT_ACTION_ID, "options": options}
        initial = next((o for o in options if o["value"] == field.initial), None)
        if initial is not None:
            select["initial_option"] = dict(initial)
        return select
    # Numbers are typed as text so "40%", "done" or "same" get through to the parser.
    element: Block = {
        "type": "plain_text_input",
        "action_id": INPUT_ACTION_ID,
        "multiline": field.kind not in ("number", "choice"),
        "max_length": INPUT_LENGTH,
    }
    if field.kind == "number":
        element["placeholder"] = plain(_(NUMBER_PLACEHOLDER), PLACEHOLDER)
    if field.initial:
        element["initial_value"] = truncate(field.initial, INPUT_LENGTH)
    return element


def _options(choices: Iterable[Choice]) -> list[Block]:
    """Choices a select can carry: a value Slack would cut can't be told apart when it comes
    back, so such a choice is left out (the field falls back to typing when none remain)."""
    options: list[Block] = []
    seen: set[str] = set()
    for choice in choices:
        if choice.value and len(choice.value) <= OPTION_VALUE and choice.value not in seen:
            seen.add(choice.value)
            label = choice.label if choice.label.strip() else choice.value
            options.append({"text": plain(label, OPTION_TEXT), "value": choice.value})
    return options[:SELECT_OPTIONS]


def _left_out_note(count: int) -> str:
    return ngettext(
        "*{count} more question didn't fit in this form.* Submitting leaves them unanswered; to "
        "answer every question, cancel and reply in the chat instead.",
        "*{count} more questions didn't fit in this form.* Submitting leaves them unanswered; to "
        "answer every question, cancel and reply in the chat instead.",
        count,
    ).format(count=count)
