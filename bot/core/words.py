"""Small pieces of English the bot's sentences share."""

from __future__ import annotations

from collections.abc import Sequence


def listed(items: Sequence[str], joiner: str = "and") -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {joiner} {items[-1]}"
