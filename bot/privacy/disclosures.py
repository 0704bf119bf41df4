"""The org's disclosure ledger, as a rule: a pulse result is shown only if, next to every result
already shown for the same questions in any survey or round, no sum or difference of them
singles out fewer than k people.

The guard works on audiences, the people asked, never on who answered: the ledger then holds
nothing that ties an answer to a person, and any difference of two results it lets through
could have been written by any of at least k people. It covers what subtraction within one
round can't see: two surveys to nested groups, the same survey before and after someone joins
or leaves, a repeating survey's rounds and its trend chart. The cells rule is the one of
`bot.privacy.pulse_slices`, over people asked instead of responses.

Not covered: people comparing notes outside the bot, and a viewer who already knows some
answers; answers given twice (two rounds) differ anyway, so a difference between rounds over
the same people mixes everyone's changes and points at no one.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Final

from bot.core.i18n import N_
from bot.privacy.pulse_slices import Guard

# Stored in English, as every reason; bot.privacy.said says it in the reader's language.
SHOWN_BEFORE: Final = N_(
    "hidden: the people asked differ by fewer than {k} from those of a result already shown, "
    "so comparing the two could single someone out"
)


def audience_keys(members: Iterable[int | str]) -> frozenset[str]:
    """People asked, as the ledger writes them (an erased person's id is a token already)."""
    return frozenset(str(member) for member in members)


def ledger_guard(shown_before: Iterable[Collection[str]], k: int) -> Guard:
    """A guard that has seen every audience shown before for these questions."""
    guard = Guard(k, SHOWN_BEFORE)
    for audience in shown_before:
        guard.show(frozenset(audience))
    return guard
