"""The questions a feedback request asks when the requester doesn't write their own.

A request stores its questions as they were asked, in English with the subject's first name;
each reader (a giver, the requester reading the answers) reads a default question in their own
language. A question someone typed is their words, and is shown as they wrote it."""

from __future__ import annotations

import re
from typing import Final

from bot.core.i18n import N_, catalog

_, ngettext = catalog("bot.feedback")

REQUEST_QUESTIONS: Final = (
    N_("What is {name} doing well that they should keep doing?"),
    N_("What could {name} do differently to have more impact?"),
)
GIVE_QUESTIONS: Final = (N_("What would you like to tell {name}?"),)
_DEFAULTS: Final = tuple(
    (template, re.compile("(.+)".join(re.escape(part) for part in template.split("{name}"))))
    for template in (*REQUEST_QUESTIONS, *GIVE_QUESTIONS)
)


def asked(question: str) -> str:
    """A stored question in the language in force: a default one translated (with the name it
    was asked with), any other as written."""
    for template, pattern in _DEFAULTS:
        found = pattern.fullmatch(question)
        if found is not None:
            return _(template).format(name=found.group(1))
    return question
