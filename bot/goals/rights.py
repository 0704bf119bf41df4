"""Who may write which goals: people their own personal goals; managers their team's and
their reports' (anyone below them); admins everything. Company objectives are admins' alone.

Levels are stored as the goals file names them: company, team, person ("personal" in chat)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.core.i18n import catalog
from bot.org.tree import display_name, org_of
from storage.models import Objective, Person

_, ngettext = catalog("bot.goals")

LEVELS = ("company", "team", "person")
LEVEL_WORDS = {
    "company": "company",
    "team": "team",
    "person": "person",
    "personal": "person",
    "individual": "person",
    "mine": "person",
}


def level_name(level: str) -> str:
    """A level as people read it, in the language in force: company, team, personal."""
    if level == "person":
        return _("personal")
    if level == "team":
        return _("team")
    if level == "company":
        return _("company")
    return level


def may_change(actor: Person, objective: Objective, people: Mapping[int, Person]) -> bool:
    """Whether `actor` may edit, archive or align `objective`, and add key results to it."""
    if actor.is_admin:
        return True
    if objective.level == "company":
        return False
    if objective.owner_id == actor.id and objective.level == "person":
        return True
    return _manages(actor, objective.owner_id, objective.team, people)


def refusal_to_create(
    actor: Person, level: str, owner: Person, people: Mapping[int, Person]
) -> str | None:
    """Why `actor` may not add an objective of `level` owned by `owner`; None when they may."""
    if actor.is_admin:
        return None
    if level == "company":
        return _("Only admins set company objectives. Add a team or personal one, or ask an admin.")
    if level == "person" and owner.id == actor.id:
        return None
    if _manages(actor, owner.id, owner.team if level == "team" else None, people):
        return None
    if level == "team":
        return _(
            "Team objectives are set by the team's manager or an admin. "
            "Add a personal one, or ask your manager."
        )
    return _("You can add goals for yourself and your reports, and {name} isn't one.").format(
        name=display_name(owner)
    )


def refusal_to_change(actor: Person, objective: Objective) -> str:
    if objective.level == "company":
        text = _("#{id} is a company objective: only admins change those.")
    elif objective.level == "team":
        text = _("#{id} is a team objective: its team's manager or an admin can change it.")
    else:
        text = _("#{id} isn't yours: its owner, their manager or an admin can change it.")
    return text.format(id=objective.id)


def _manages(
    actor: Person, owner_id: int | None, team: str | None, people: Mapping[int, Person]
) -> bool:
    """The actor is a manager and the goal is theirs, their reports' or their team's."""
    if actor.id is None:
        return False
    reports = org_of(actor.id, people)
    if not reports:
        return False
    if owner_id == actor.id or owner_id in reports:
        return True
    return team is not None and actor.team is not None and team.lower() == actor.team.lower()
