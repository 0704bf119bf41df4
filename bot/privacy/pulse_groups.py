"""A pulse round's groups: which exist, which a response counts in, which the close shows, and
who may see each.

A round fixes its groups when it opens: the whole audience, each team in it and each manager's
org. One under k people is marked too small and a response never records membership of it.
At the close every other group is decided once, in one fixed order
(`bot.privacy.pulse_slices.choose_slices`), and views only read those stored decisions.
Everything here is pure: no database, no sending.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from typing import Any, Final

from bot.org.tree import first_name, org_of
from bot.privacy.pulse_slices import DEFAULT_K, TOO_FEW, Slice, choose_slices, effective_k
from storage.models import Person, Survey, SurveyResponse
from storage.settings import OrgSettings

EVERYONE: Final = "all"  # the key of the group that is the whole audience


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
            groups[f"team:{team}"] = _group(f"team {team}", "team", members, k)
    managers = {people[m].manager_id for m in audience}
    for manager_id in sorted(m for m in managers if m is not None):
        members = org_of(manager_id, people) & audience
        if members != audience and manager_id in people:
            name = f"{first_name(people[manager_id])}'s org"
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
        return f"team {spec.get('team')}"
    if spec.get("kind") == "org" and int(spec["manager"]) in people:
        return f"{first_name(people[int(spec['manager'])])}'s org"
    return "everyone"


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
    groups: Mapping[str, Any], responses: Sequence[SurveyResponse], k: int
) -> dict[str, Any]:
    """The round's groups with the close's decision stored in each: whether it is shown and,
    if not, why. Decided once, over every group at once, in one fixed order."""
    order = [group_id for group_id in in_order(groups) if not groups[group_id].get("too_small")]
    candidates = [
        Slice(groups[group_id]["name"], frozenset(r.id for r in responses if group_id in r.slices))
        for group_id in order
    ]
    # Named for people (the reasons quote them); matched back by position.
    decided = dict(zip(order, choose_slices(candidates, k), strict=True))
    return {
        group_id: {
            **group,
            "shown": group_id in decided and decided[group_id].shown,
            "reason": decided[group_id].reason if group_id in decided else TOO_FEW,
        }
        for group_id, group in groups.items()
    }


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
