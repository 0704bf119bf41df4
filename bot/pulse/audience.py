"""Who a survey goes to: everyone, a team, or a manager's org; and who may send it there."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.core.i18n import catalog
from bot.org.tree import first_name, org_of
from bot.privacy.pulse_groups import may_send_surveys, may_survey
from bot.pulse.questions import PulseError, usage
from bot.pulse.unit import id_of
from storage.models import Person

_, ngettext = catalog("bot.pulse")


@dataclass(frozen=True)
class Audience:
    description: str  # in the sender's language
    spec: dict[str, Any]  # as stored in Survey.audience


def choose_audience(target: str, sender: Person, people: Mapping[int, Person]) -> Audience:
    """`everyone`, `my org` or `team NAME`, as far as `may_survey` lets the sender ask."""
    words = target.lower().split()
    if not may_send_surveys(sender, people):
        raise PulseError(_("Admins and managers can send pulse surveys."))
    if words in (["everyone"], ["all"], ["everybody"]):
        everyone = {*people, id_of(sender)}  # the sender too, who is in no org of their own
        if not may_survey(sender, everyone, people):
            raise PulseError(_("Only admins can ask everyone; try: to my org."))
        return Audience(_("everyone"), {"kind": "everyone"})
    if words in (["my", "org"], ["my", "team"], ["my", "reports"]):
        if not org_of(id_of(sender), people):
            raise PulseError(_("No one reports to you, so you have no org to ask."))
        described = _("{name}'s org").format(name=first_name(sender))
        return Audience(described, {"kind": "org", "manager": id_of(sender)})
    if words and words[0] == "team":
        name = target.split(None, 1)[1].strip() if len(words) > 1 else ""
        members = {
            i for i, p in people.items() if p.active and (p.team or "").lower() == name.lower()
        }
        if not members:
            raise PulseError(_("No one is in a team called {team}.").format(team=name[:40]))
        if not may_survey(sender, members, people):
            raise PulseError(
                _("Team {team} isn't all in your org; ask an admin.").format(team=name[:40])
            )
        team = next(people[i].team for i in members)
        return Audience(_("team {team}").format(team=team), {"kind": "team", "team": team})
    raise PulseError(_("Send it to whom? {usage}").format(usage=usage()))


def audience_members(spec: Mapping[str, Any], people: Mapping[int, Person]) -> set[int]:
    """Who a survey's audience is now: its active people."""
    active = {i for i, p in people.items() if p.active}
    if spec.get("kind") == "team":
        team = str(spec.get("team", "")).lower()
        return {i for i in active if (people[i].team or "").lower() == team}
    if spec.get("kind") == "org":
        return org_of(int(spec["manager"]), people) & active
    return active
