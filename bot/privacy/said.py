"""The privacy rules' words as a person reads them, in the language in force.

A pulse round stores its groups' names and, at its close, why a group is hidden, in English:
the names are what `pulse results team …` matches, and a stored reason outlives whoever reads
it. Whoever shows one says it with these, which read the stored English back (the threshold in
it too) and write it in the reader's language; anything else is shown as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.core.i18n import catalog
from bot.privacy.disclosures import SHOWN_BEFORE
from bot.privacy.pulse_groups import EVERYONE_NAME, ORG_NAME, TEAM_NAME, TOO_FEW_ASKED
from bot.privacy.pulse_slices import SUBTRACTED, TOO_FEW

_, ngettext = catalog("bot.privacy")

_REASONS = (TOO_FEW, SUBTRACTED, SHOWN_BEFORE, TOO_FEW_ASKED)


def reason_said(reason: str | None) -> str:
    """Why a group's results are hidden, as stored (None: too few answered)."""
    if not reason:
        return _(TOO_FEW)
    found = next(_matches(reason), None)
    if found is None:
        return reason
    template, k = found
    return _(template).format(k=k)


def group_name_said(name: str) -> str:
    """A group's stored name ("team Growth", "Mia's org", "everyone")."""
    if name == EVERYONE_NAME:
        return _(EVERYONE_NAME)
    team = _filled(TEAM_NAME, "team", name)
    if team is not None:
        return _(TEAM_NAME).format(team=team)
    manager = _filled(ORG_NAME, "name", name)
    if manager is not None:
        return _(ORG_NAME).format(name=manager)
    return name


def _matches(reason: str) -> Iterator[tuple[str, str]]:
    for template in _REASONS:
        k = _filled(template, "k", reason) if "{k}" in template else ""
        if k is not None and (k or reason == template):
            yield template, k


def _filled(template: str, placeholder: str, text: str) -> str | None:
    """What `text` has in place of `{placeholder}` when it is `template` filled in; else None."""
    head, _gap, tail = template.partition("{" + placeholder + "}")
    pattern = re.escape(head) + "(.+)" + re.escape(tail)
    found = re.fullmatch(pattern, text, re.DOTALL)
    return found.group(1) if found is not None else None
