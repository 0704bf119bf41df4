"""Blockers: what counts as one, and who hears of it as it is reported."""

from __future__ import annotations

from bot.checkins.parsing.lexicon import translated_nothing

NOTHING_BLOCKING = frozenset({"none", "no", "nothing", "nope", "n/a", "na", "-", "no blockers"})
NOTHING_BLOCKING |= translated_nothing()


def blocker_in(text: str | None) -> str | None:
    """The blocker reported in an answer, or None for "none" and the like (in any of our
    languages: whoever reads it may speak another than who wrote it)."""
    said = (text or "").strip()
    if not said or said.casefold().rstrip(".!") in NOTHING_BLOCKING:
        return None
    return said
