"""What a card's buttons send back, and reading it again from an incoming activity.

Every action's data carries {"checkin": kind, ...}; Teams merges a form's input values into it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.teams.render_text import Element
from bot.core.i18n import catalog

KIND = "checkin"
CHOICE = "choice"
OPEN_FORM = "open_form"
FORM = "form"
START_CHECKIN = "start_checkin"
# Keys of a form's data that aren't answers; an input with one of these ids can't be rendered.
RESERVED_KEYS = frozenset({KIND, "form_id", "msteams"})

_, ngettext = catalog("adapters")


@dataclass(frozen=True)
class ChoiceSubmit:
    prompt_id: str
    value: str


@dataclass(frozen=True)
class FormSubmit:
    form_id: str
    values: dict[str, str]


@dataclass(frozen=True)
class OpenForm:
    prompt_id: str


@dataclass(frozen=True)
class StartCheckin:
    pass


Submit = ChoiceSubmit | FormSubmit | OpenForm | StartCheckin


def choice_data(prompt_id: str, value: str) -> Element:
    return {KIND: CHOICE, "prompt_id": prompt_id, "value": value}


def open_form_data(prompt_id: str) -> Element:
    return {KIND: OPEN_FORM, "prompt_id": prompt_id}


def form_data(form_id: str) -> Element:
    return {KIND: FORM, "form_id": form_id}


def start_checkin_action(title: str | None = None) -> Element:
    """A button for any card that starts a check-in ("Start my check-in" unless titled);
    parse_submit reads it as StartCheckin."""
    shown = _("Start my check-in") if title is None else title
    return {"type": "Action.Submit", "title": shown, "data": {KIND: START_CHECKIN}}


def parse_submit(value: Any) -> Submit | None:
    """The click in a message activity's `value` (Action.Submit) or an adaptiveCard/action
    invoke's `value` (Action.Execute: {"action": {"data": …}}). None for anything else: this
    comes from outside and is never trusted to have our shape."""
    data = _action_data(value)
    if data is None:
        return None
    kind = data.get(KIND)
    if kind == CHOICE:
        prompt_id, choice = data.get("prompt_id"), data.get("value")
        if isinstance(prompt_id, str) and isinstance(choice, str):
            return ChoiceSubmit(prompt_id, choice)
    elif kind == OPEN_FORM:
        prompt_id = data.get("prompt_id")
        if isinstance(prompt_id, str):
            return OpenForm(prompt_id)
    elif kind == FORM:
        form_id = data.get("form_id")
        if isinstance(form_id, str):
            return FormSubmit(form_id, _input_values(data))
    elif kind == START_CHECKIN:
        return StartCheckin()
    return None


def _action_data(value: Any) -> Mapping[Any, Any] | None:
    if not isinstance(value, Mapping):
        return None
    if KIND in value:
        return value
    action = value.get("action")
    data = action.get("data") if isinstance(action, Mapping) else None
    return data if isinstance(data, Mapping) else None


def _input_values(data: Mapping[Any, Any]) -> dict[str, str]:
    """Input id -> text; Teams sends strings, anything else but a plain scalar is skipped."""
    values: dict[str, str] = {}
    for key, raw in data.items():
        if not isinstance(key, str) or key in RESERVED_KEYS:
            continue
        if raw is None:
            values[key] = ""
        elif isinstance(raw, bool):
            values[key] = "true" if raw else "false"
        elif isinstance(raw, str | int | float):
            values[key] = str(raw)
    return values
