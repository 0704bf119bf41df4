"""Small pieces of the bot's sentences that many share, in the language in force."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.i18n import catalog

_, ngettext = catalog("bot.core")


def listed(items: Sequence[str], joiner: str = "and") -> str:
    """ "a", "a and b", "a, b and c" ("a, b und c" in German); `joiner` is "and" or "or", in
    English, and is said in the language in force."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {_joined(joiner)} {items[-1]}"


def _joined(joiner: str) -> str:
    if joiner == "and":
        # Translators: joins the last two items of a list: "Ana, Ben and Cy".
        return _("and")
    if joiner == "or":
        # Translators: joins the last two of a list of choices: "2026-Q1 or 2025-Q4".
        return _("or")
    return joiner
