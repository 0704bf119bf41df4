"""Neutral outbound messages. Adapters render them; every one has a plain-text fallback.

All strings here are plain text, user text included: renderers escape them for their platform.
The few words of their own (a form's default button, "Choices:") are said in the language in
force where they are written: a form's when it is made, a fallback's when it is rendered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.i18n import catalog

_, ngettext = catalog("bot.core")


@dataclass(frozen=True)
class Text:
    text: str

    def fallback_text(self) -> str:
        return self.text


@dataclass(frozen=True)
class Choice:
    label: str
    value: str


@dataclass(frozen=True)
class Question:
    """One question waiting for an answer, by text or by one of the choices."""

    prompt_id: str
    text: str
    choices: tuple[Choice, ...] = ()
    hint: str | None = None  # e.g. "Type a number like 400, 40% or done"
    position: int = 0  # 1-based place in its check-in, 0 when not part of one
    total: int = 0
    offers_form: bool = False  # a check-in question: "fill in as a form" opens the whole run
    intro: str | None = None  # a line before the question, e.g. when a check-in starts

    def fallback_text(self) -> str:
        lines = [self.intro] if self.intro else []
        counter = f"({self.position}/{self.total}) " if self.total else ""
        lines.append(f"{counter}{self.text}")
        if self.choices:
            labels = " · ".join(choice.label for choice in self.choices)
            lines.append(_("Choices: {choices}").format(choices=labels))
        if self.hint:
            lines.append(self.hint)
        return "\n".join(lines)


@dataclass(frozen=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True)
class Section:
    title: str
    fields: tuple[Field, ...] = ()
    text: str = ""


@dataclass(frozen=True)
class Chart:
    """A rendered chart: PNG bytes, and words for whoever can't see it (alt text, fallback)."""

    png: bytes
    title: str
    alt: str  # what the chart shows, in one or two sentences

    @property
    def caption(self) -> str:
        """ "Chart: " and the words, with the title once even when the alt text starts with it."""
        title, alt = self.title.strip(), self.alt.strip()
        if not title or alt.startswith(title):
            return _("Chart: {alt}").format(alt=alt)
        return _("Chart: {title}. {alt}").format(title=title, alt=alt)


@dataclass(frozen=True)
class Card:
    """A titled block of sections: summaries, goal lists, help, results."""

    title: str
    sections: tuple[Section, ...] = ()
    footer: str = ""
    chart: Chart | None = None  # shown under the sections where the platform can

    def fallback_text(self) -> str:
        lines = [self.title]
        for section in self.sections:
            lines.append("")
            if section.title:
                lines.append(section.title)
            if section.text:
                lines.append(section.text)
            lines.extend(f"  {item.label}: {item.value}" for item in section.fields)
        if self.chart is not None:
            lines.extend(["", self.chart.caption])
        if self.footer:
            lines.extend(["", self.footer])
        return "\n".join(lines)


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    kind: str = "text"  # text | number | choice | people (names, mentions or emails)
    choices: tuple[Choice, ...] = ()
    initial: str = ""
    optional: bool = True
    # Fields of one part (a key result's title, start, target, ...): where forms are asked one
    # field at a time, leaving the part's first field blank skips the rest of it.
    group: str = ""


@dataclass(frozen=True)
class Form:
    """Many questions at once (a whole check-in, a new objective): a modal or a card, as the
    platform renders forms, or one question at a time where it has neither."""

    form_id: str
    title: str
    fields: tuple[FormField, ...] = field(default_factory=tuple)
    submit_label: str = field(default_factory=lambda: _("Submit"))
    # Where the form can't be shown: what to do instead.
    fallback: str = field(
        default_factory=lambda: _("open this check-in in a client that shows forms, or reply here.")
    )
    # Offered beside a list that already says it all, with commands to change it (`settings`):
    # a chat that asks a form field by field leaves it out.
    alongside: bool = False

    def fallback_text(self) -> str:
        return f"{self.title}: {self.fallback}"


@dataclass(frozen=True)
class Answered:
    """A question as it looks once answered: its buttons go, the answer shows."""

    question: Question
    answer: str

    def fallback_text(self) -> str:
        answered = _("✓ You answered: {answer}").format(answer=self.answer)
        return f"{self.question.text}\n{answered}"


Message = Text | Question | Card | Form | Answered
