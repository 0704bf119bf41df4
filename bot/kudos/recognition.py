"""The digest's recognition section: the week's kudos that aren't private, the values most
given, and a few of the latest, each with giver and receivers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from bot.core.i18n import N_, catalog
from bot.core.messages import Field, Section
from bot.core.words import listed
from storage.kudos import KudosShown

SHOWN_KUDOS = 3
SHOWN_VALUES = 3
TITLE = N_("Recognition")

_, ngettext = catalog("bot.kudos")


def recognition_section(kudos: Sequence[KudosShown], values: Mapping[str, str]) -> Section:
    """`kudos` newest first; `values` the org's value names by tag. In the language in force
    (the digest's reader's); the values and messages are the org's words."""
    if not kudos:
        return Section(_(TITLE), text=_("No kudos this week."))
    total = len(kudos)
    text = ngettext("{count} kudos this week.", "{count} kudos this week.", total).format(
        count=total
    )
    given = Counter(tag for item in kudos for tag in item.tags if tag in values)
    if given:
        top = [f"{values[tag]} ({count})" for tag, count in given.most_common(SHOWN_VALUES)]
        text += " " + _("Values most given: {values}.").format(values=", ".join(top))
    fields = tuple(
        Field(
            _("{giver} to {receivers}").format(
                giver=item.giver or _("Someone"),
                receivers=listed(list(item.receivers)) or _("someone"),
            ),
            item.message,
        )
        for item in kudos[:SHOWN_KUDOS]
    )
    return Section(_(TITLE), fields, text)


def kudos_summary(count: int) -> str:
    return kudos_count(count) if count else ""


def kudos_count(count: int) -> str:
    """ "1 kudos", "3 kudos", in the language in force."""
    return ngettext("{count} kudos", "{count} kudos", count).format(count=count)
