"""How much free text one answer may hold, wherever it is typed: a check-in answer (in chat or
in the form), a feedback answer, a pulse comment.

What is stored is echoed back whole: to the person, in the manager's team view, in digests. A
cap that fits every place it is shown (a card's field holds 2,000 characters on one platform,
a form's input 3,000) keeps those readable, and it is one cap so that people meet one rule.
"""

from __future__ import annotations

from typing import Final

from bot.core.i18n import catalog, decimal

_, ngettext = catalog("bot.core")

MAX_FREE_TEXT: Final = 2000
# The answer to text over the cap, in English; `too_long_text()` says it in the language in force.
TOO_LONG: Final = f"That's long: keep it under {MAX_FREE_TEXT:,} characters?"


def too_long(text: str) -> bool:
    """Whether an answer, as it would be stored, is over the cap."""
    return len(text.strip()) > MAX_FREE_TEXT


def too_long_text() -> str:
    """The answer to text over the cap, in the language in force (TOO_LONG in English)."""
    return _("That's long: keep it under {most} characters?").format(most=decimal(MAX_FREE_TEXT, 0))
