"""The digest's recognition section: the week's kudos that aren't private, the values most
given, and a few of the latest, each with giver and receivers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from bot.core.messages import Field, Section
from bot.core.words import listed
from storage.kudos import KudosShown

SHOWN_KUDOS = 3
SHOWN_VALUES = 3
TITLE = "Recognition"


def recognition_section(kudos: Sequence[KudosShown], values: Mapping[str, str]) -> Section:
    """`kudos` newest first; `values` the org's value names by tag."""
    if not kudos:
        return Section(TITLE, text="No kudos this week.")
    text = f"{kudos_count(len(kudos))} this week."
    given = Counter(tag for item in kudos for tag in item.tags if tag in values)
    if given:
        top = [f"{values[tag]} ({count})" for tag, count in given.most_common(SHOWN_VALUES)]
        text += " Values most given: " + ", ".join(top) + "."
    fields = tuple(
        Field(
            f"{item.giver or 'Someone'} to {listed(list(item.receivers)) or 'someone'}",
            item.message,
        )
        for item in kudos[:SHOWN_KUDOS]
    )
    return Section(TITLE, fields, text)


def kudos_summary(count: int) -> str:
    return kudos_count(count) if count else ""


def kudos_count(count: int) -> str:
    return "1 kudos" if count == 1 else f"{count} kudos"
