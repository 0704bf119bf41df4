"""The cards of home and help."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.commands import HelpLine
from bot.core.i18n import catalog
from bot.core.messages import Card, Field, Section

_, ngettext = catalog("bot.home")


def home_card(
    status: str,
    goals: Card,
    owed: Sequence[Field] = (),
    team: str | None = None,
    kudos: Sequence[Field] = (),
) -> Card:
    """My home: this period's check-in, what I owe, my team (managers), the latest kudos I
    received, then my goals."""
    sections = [Section(_("This period"), text=status)]
    if owed:
        sections.append(Section(_("Waiting for you"), tuple(owed)))
    if team:
        sections.append(Section(_("Your team"), text=team))
    if kudos:
        sections.append(Section(_("Kudos for you"), tuple(kudos)))
    return Card(_("Your check-ins and goals"), (*sections, *goals.sections), footer=goals.footer)


def help_card(lines: Sequence[HelpLine], note: str | None = None) -> Card:
    fields = tuple(Field(line.example, line.said) for line in lines)
    text = note or ""
    return Card(
        _("What I can do"),
        (Section("", fields, text),),
        footer=_("While a check-in question is waiting, just type your answer."),
    )
