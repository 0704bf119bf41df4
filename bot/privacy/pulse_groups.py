"""A pulse round's groups: which exist, which a response counts in, which the close shows, and
who may see each.

A round fixes its groups when it opens: the whole audience, each team in it and each manager's
org. One under k people is marked too small and a response never records membership of it.
At the close every group is decided once, in one fixed order, against the round's responses
(`bot.privacy.pulse_slices`) and against the groups shown before for the same questions
(`bot.privacy.disclosures`, the org's ledger); views only read those stored decisions.
Everything here is pure: no database, no sending.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence, Set
from typing import Any, Final

from bot.core.i18n import N_
from bot.org.tree import first_name, org_of
from bot.privacy.disclosures import audience_keys, ledger_guard
from bot.privacy.pulse_slices import DEFAULT_K, Guard, effective_k
from storage.models import Person, Survey, SurveyResponse
from storage.settings import OrgSettings

EVERYONE: Final = "all"  # the key of the group that is the whole audience
# Groups' names and the reason a group is hidden are stored with the round, in English (a name
# is what `pulse results team …` matches); bot.privacy.said says them in the reader's language.
TEAM_NAME: Final = N_("team {team}")
ORG_NAME: Final = N_("{name}'s org")
EVERYONE_NAME: Final = N_("everyone")
TOO_FEW_ASKED: Final = N_(
    "fewer than {k} people were asked, so neither their answers nor how many answered can be shown"
)


def org_k(settings: OrgSettings) -> int:
    """The org's anonymity threshold: default 5, never below 3."""
    return effective_k(DEFAULT_K if settings.pulse_k is None else settings.pulse_k)


def round_groups(
    spec: Mapping[str, Any], audience: set[int], people: Mapping[int, Person], k: int
) -> dict[str, Any]:
    """The groups results may be asked for, with their members: the whole audience, each team
    and each manager's org within it."""
    groups: dict[str, Any] = {
        EVERYONE: {
            "name": _audience_name(spec, people),
            "kind": EVERYONE,
            "members": sorted(audience),
        }
    }
    teams: dict[str, set[int]] = {}
    for member in audience:
        if people[member].team:
            teams.setdefault(str(people[member].team), set()).add(member)
    for team, members in sorted(teams.items()):
        if members != audience:
            groups[f"team:{team}"] = _group(TEAM_NAME.format(team=team), "team", members, k)
    managers = {people[m].manager_id for m in audience}
    for manager_id in sorted(m for m in managers if m is not None):
        members = org_of(manager_id, people) & audience
        if members != audience and manager_id in people:
            name = ORG_NAME.format(name=first_name(people[manager_id]))
            groups[f"org:{manager_id}"] = _group(name, "org", members, k)
    return groups


def _group(name: str, kind: str, members: set[int], k: int) -> dict[str, Any]:
    """A group results could be asked for. One under k can never be shown: responses don't
    record membership of it at all, and its page says why it shows nothing."""
    group: dict[str, Any] = {"name": name, "kind": kind, "members": sorted(members)}
    if len(members) < k:
        group["too_small"] = True
    return group


def _audience_name(spec: Mapping[str, Any], people: Mapping[int, Person]) -> str:
    if spec.get("kind") == "team":
        return TEAM_NAME.format(team=spec.get("team"))
    if spec.get("kind") == "org" and int(spec["manager"]) in people:
        return ORG_NAME.format(name=first_name(people[int(spec["manager"])]))
    return EVERYONE_NAME


def groups_counted(groups: Mapping[str, Any], person_id: int) -> list[str]:
    """The groups a person's response records: theirs, except those too small to ever show."""
    return [
        group_id
        for group_id, group in groups.items()
        if person_id in group["members"] and not group.get("too_small")
    ]


def in_order(groups: Mapping[str, Any]) -> list[str]:
    """The whole audience first, then bigger groups before smaller: what matters most is
    never hidden because of a detail."""
    return sorted(groups, key=lambda g: (g != EVERYONE, -len(groups[g]["members"]), g))


def decide_groups(
    groups: Mapping[str, Any],
    responses: Sequence[SurveyResponse],
    k: int,
    shown_before: Iterable[Collection[str]] = (),
) -> dict[str, Any]:
    """The round's groups with the close's decision stored in each: whether it is shown and,
    if not, why. Decided once, over every group at once, in one fixed order: a group is shown
    only if its responses can't be set against the round's other shown groups, and its
    audience can't be set against those groups or any shown before for the same questions."""
    answers, asked = Guard(k), ledger_guard(shown_before, k)
    decided: dict[str, Any] = {}
    for group_id in in_order(groups):
        group = groups[group_id]
        respondents = frozenset(r.id for r in responses if group_id in r.slices)
        audience = audience_keys(group["members"])
        if group.get("too_small") or len(audience) < effective_k(k):
            reason: str | None = too_few_asked(k)
        else:
            reason = answers.why_hidden(respondents) or asked.why_hidden(audience)
        if reason is None:
            answers.show(respondents)
            asked.show(audience)
        decided[group_id] = {**group, "shown": reason is None, "reason": reason}
    return decided


def too_few_asked(k: int) -> str:
    return TOO_FEW_ASKED.format(k=effective_k(k))


def shown_audiences(groups: Mapping[str, Any]) -> list[frozenset[str]]:
    """The people asked in each group a close decided to show: what the ledger records."""
    return [audience_keys(g["members"]) for g in groups.values() if g.get("shown")]


def may_send_surveys(sender: Person, people: Mapping[int, Person]) -> bool:
    """Admins, and managers (to people in their org, `may_survey` says)."""
    return sender.is_admin or bool(org_of(_id(sender), people))


def may_survey(sender: Person, members: Set[int], people: Mapping[int, Person]) -> bool:
    """Admins may ask anyone; a manager only people in their org. The sender sees the whole
    audience's results (`may_see_group`), so this bounds what a sender may see."""
    return sender.is_admin or members <= org_of(_id(sender), people)


def may_see_results(viewer: Person, survey: Survey, people: Mapping[int, Person]) -> bool:
    """Whether any of a survey's results may be for this person: admins, the sender, and
    managers (which groups, `may_see_group` says)."""
    if viewer.is_admin or survey.creator_id == viewer.id:
        return True
    return bool(org_of(_id(viewer), people))


def may_see_group(
    viewer: Person, group: Mapping[str, Any], survey: Survey, people: Mapping[int, Person]
) -> bool:
    """Admins see every group; the sender the whole audience; a manager any group whose
    members all report to them."""
    if viewer.is_admin:
        return True
    if survey.creator_id == viewer.id and group.get("kind") == EVERYONE:
        return True
    mine = org_of(_id(viewer), people)
    return bool(mine) and set(group["members"]) <= mine


def first_group_seen(
    viewer: Person, groups: Mapping[str, Any], survey: Survey, people: Mapping[int, Person]
) -> str:
    """The biggest group this viewer may see: everyone, or their own org."""
    return next(
        (g for g in in_order(groups) if may_see_group(viewer, groups[g], survey, people)),
        EVERYONE,
    )


def _id(person: Person) -> int:
    assert person.id is not None
    return person.id
