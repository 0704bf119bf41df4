"""The cards of home and help."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.commands import HelpLine
from bot.core.messages import Card, Field, Section


def home_card(
    status: str, goals: Card, owed: Sequence[Field] = (), team: str | None = None
) -> Card:
    """My home: this period's check-in, what I owe, my team (managers), then my goals."""
    sections = [Section("This period", text=status)]
    if owed:
        sections.append(Section("Waiting for you", tuple(owed)))
    if team:
        sections.append(Section("Your team", text=team))
    return Card("Your check-ins and goals", (*sections, *goals.sections), footer=goals.footer)


FEEDBACK_HELP: tuple[tuple[str, str], ...] = (
    ("feedback request @ana from @ben @cy @dee", "ask three people for feedback on Ana"),
    ("… anonymous", "answers without names, shown once three have answered"),
    ("… due friday", "when answers are due (a date like 2026-12-04 works too); a week if unsaid"),
    ("feedback request me from @ben", "feedback on yourself"),
    ("feedback give @ana", "feedback Ana didn't ask for, with your name"),
    ("feedback inbox", "what you owe, what you asked for, what you got"),
    ("feedback share 12", "let the person request 12 is about read its answers"),
)


PULSE_HELP: tuple[tuple[str, str], ...] = (
    ("pulse send engagement", "a ready-made survey: engagement, wellbeing or meetings"),
    ("… to my org / to team Platform / to everyone", "who gets it (everyone: admins only)"),
    ("… every 2 weeks", "a new round every 1, 2 or 4 weeks"),
    ("… for 5 days", "how long a round stays open (3 days if unsaid)"),
    ("pulse send to my org: likert Goals are clear; text Ideas?", "your own questions"),
    ("question types", "likert (1–5), enps (0–10), choice Q? | a | b, multi Q? | a | b, text"),
    ("pulse results 3 team Platform", "survey 3's results for one team, once it closes"),
)


def pulse_help() -> Card:
    fields = tuple(Field(command, meaning) for command, meaning in PULSE_HELP)
    text = (
        "Answers are anonymous: stored without names, and results are shown only for groups "
        "big enough (5 by default) that no one can be picked out, even by comparing two groups."
    )
    return Card("Pulse surveys", (Section("", fields, text),))


def feedback_help() -> Card:
    fields = tuple(Field(command, meaning) for command, meaning in FEEDBACK_HELP)
    text = (
        "You can ask about yourself, and managers about the people who report to them, "
        "directly or further down. Admins can ask about anyone."
    )
    return Card("Feedback", (Section("", fields, text),))


def help_card(lines: Sequence[HelpLine], note: str | None = None) -> Card:
    fields = tuple(Field(line.example, line.meaning) for line in lines)
    text = note or ""
    return Card(
        "What I can do",
        (Section("", fields, text),),
        footer="While a check-in question is waiting, just type your answer.",
    )
