"""Neutral messages as terminal text. User text is stripped of control characters, so an
answer can't move the cursor, clear the screen or fake the prompt, and of bidi overrides and
isolates, which would show what follows them reordered."""

from __future__ import annotations

import re

from bot.core.i18n import catalog
from bot.core.messages import Answered, Card, Form, Message, Question, Text

_, ngettext = catalog("adapters")

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    return _CONTROL.sub("", text)


def render(message: Message) -> str:
    if isinstance(message, Question):
        return _question(message)
    if isinstance(message, Card):
        return _card(message)
    if isinstance(message, Answered):
        return clean(message.fallback_text())
    if isinstance(message, Form):
        return clean(message.fallback_text())
    if isinstance(message, Text):
        return clean(message.text)
    raise TypeError(f"cannot render {type(message).__name__}")


def _question(question: Question) -> str:
    counter = f"[{question.position}/{question.total}] " if question.total else ""
    lines = [clean(question.intro)] if question.intro else []
    lines.append(counter + clean(question.text))
    if question.choices:
        lines.append("   " + "  ".join(f"[{clean(c.label)}]" for c in question.choices))
    if question.hint:
        lines.append("   " + clean(question.hint))
    return "\n".join(lines)


def _card(card: Card) -> str:
    lines = [f"== {clean(card.title)} =="]
    for section in card.sections:
        if section.title:
            lines.append(clean(section.title))
        if section.text:
            lines.append(clean(section.text))
        lines.extend(f"  {clean(f.label)}: {clean(f.value)}" for f in section.fields)
    if card.chart is not None:
        # A terminal shows no image: the chart's words stand in for it.
        chart = _("[chart: {title}] {alt}")
        lines.append(chart.format(title=clean(card.chart.title), alt=clean(card.chart.alt)))
    if card.footer:
        lines.append(clean(card.footer))
    return "\n".join(lines)
