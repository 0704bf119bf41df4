"""Blockers: what counts as one, and who hears of it as it is reported."""

from __future__ import annotations

NOTHING_BLOCKING = {"none", "no", "nothing", "nope", "n/a", "na", "-", "no blockers"}


def blocker_in(text: str | None) -> str | None:
    """The blocker reported in an answer, or None for "none" and the like."""
    said = (text or "").strip()
    if not said or said.lower().rstrip(".!") in NOTHING_BLOCKING:
        return None
    return said
