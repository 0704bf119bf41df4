"""`goals add` and `goals edit #ID` as one form (a modal or a card where the platform has them,
questions in turn): the objective, its alignment, and its key results.

Every field is checked before anything is stored; a form with a mistake comes back with each
mistake named at its field, and nothing changes."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.commands import Context
from bot.core.i18n import N_, catalog
from bot.core.messages import Choice, Form, FormField
from bot.goals.closing import CLOSE_PREFIX, close_form, closing_quarter
from bot.goals.editing import GoalError, Goals
from bot.goals.one_line import read_id
from bot.goals.periods import Quarter
from bot.goals.progress import plain_number
from bot.org.tree import org_of
from storage.models import KeyResult, Objective, Person

_, ngettext = catalog("bot.goals")

PREFIX = "g_"
ADD_ID = "g_add"
EDIT_PREFIX = "g_edit_"
NEW_SLOTS = {"add": 3, "edit": 2}
MAX_PARENTS = 99  # a Slack select holds 100 options, one of them "none"
NONE = "none"
DIRECTIONS = ((N_("Higher is better"), "higher"), (N_("Lower is better"), "lower"))
UNIT_LABEL = N_("Unit (%, USD, signups; all three blank: done or not)")
FALLBACK = N_('open the form, or write it on one line: goals add "Grow revenue" for 2027-Q1')


def edit_id(objective: Objective) -> str:
    return f"{EDIT_PREFIX}{objective.id}"


def is_goal_form(form_id: str) -> bool:
    return form_id == ADD_ID or form_id.startswith((EDIT_PREFIX, CLOSE_PREFIX))


async def objective_form(goals: Goals, objective: Objective | None = None) -> Form:
    """A new objective's form, or `objective`'s, filled with what it says now."""
    me, quarter = goals.ctx.person, goals.quarter(None)
    period = objective.period if objective is not None else quarter.label
    people = await goals.people()
    levels = [Choice(_("Personal"), "person")]
    if me.is_admin or org_of(me.id or 0, people):
        levels.append(Choice(_("Team"), "team"))  # managers set their team's
    if me.is_admin:
        levels.insert(0, Choice(_("Company"), "company"))
    owner = people.get(objective.owner_id or 0) if objective is not None else me
    fields = [
        FormField(
            "title", _("Objective"), initial=objective.title if objective else "", optional=False
        ),
        FormField("quarter", _("Quarter (like 2027-Q1)"), initial=period),
        FormField(
            "level", _("Level"), "choice", tuple(levels), objective.level if objective else "person"
        ),
        FormField("owner", _("Owner (me, a name or an email)"), initial=_owner_word(owner, me)),
        FormField(
            "parent",
            _("Aligned under"),
            "choice",
            await _parent_choices(goals, quarter, objective),
            str(objective.parent_id) if objective and objective.parent_id else NONE,
        ),
    ]
    existing = await goals.store.key_results_of(objective) if objective is not None else []
    for kr in existing:
        fields.extend(_kr_fields(f"k{kr.id}", _("Key result: title"), kr))
    slots = NEW_SLOTS["edit" if objective is not None else "add"]
    for n in range(1, slots + 1):
        fields.extend(_kr_fields(f"n{n}", _("New key result {n}: title").format(n=n), None))
    title, form_id = _("New objective"), ADD_ID
    if objective is not None:
        title, form_id = _("Edit #{id}").format(id=objective.id), edit_id(objective)
    return Form(form_id, title, tuple(fields), _("Save"), fallback=_(FALLBACK))


def _owner_word(owner: Person | None, me: Person) -> str:
    if owner is None:
        return ""
    return "me" if owner.id == me.id else owner.email


def _kr_fields(slot: str, title: str, kr: KeyResult | None) -> list[FormField]:
    shown = shown_measure(kr)
    directions = tuple(Choice(_(label), value) for label, value in DIRECTIONS)
    return [
        FormField(f"{slot}_title", title, initial=kr.title if kr else "", group=slot),
        FormField(f"{slot}_start", _("Start"), "number", initial=shown[0], group=slot),
        FormField(f"{slot}_target", _("Target"), "number", initial=shown[1], group=slot),
        FormField(f"{slot}_unit", _(UNIT_LABEL), initial=shown[2], group=slot),
        FormField(f"{slot}_direction", _("Direction"), "choice", directions, shown[3], group=slot),
    ]


def shown_measure(kr: KeyResult | None) -> tuple[str, str, str, str]:
    """A key result's start, target, unit and direction as its form shows them."""
    if kr is None or kr.kind == "binary":
        return "", "", "", "higher"
    unit = "%" if kr.kind == "percent" else kr.unit or ""
    direction = "lower" if kr.target < kr.start else "higher"
    return plain_number(kr.start), plain_number(kr.target), unit, direction


async def _parent_choices(
    goals: Goals, quarter: Quarter, objective: Objective | None
) -> tuple[Choice, ...]:
    """The org's objectives this one could align under: this quarter's and the next's."""
    periods = {quarter.label, quarter.next().label}
    if objective is not None:
        periods.add(objective.period)
    everything = await goals.store.objectives(goals.ctx.tenant.id)
    below = _below(objective, everything)
    candidates = [o for o in everything if o.period in periods and o.id not in below]
    # Company objectives first: they are what most goals align to.
    candidates.sort(key=lambda o: (o.level != "company", o.level != "team", o.id or 0))
    return (
        Choice(_("Nothing (not aligned)"), NONE),
        *(
            Choice(f"#{o.id} {o.title} ({o.period})"[:75], str(o.id))
            for o in candidates[:MAX_PARENTS]
        ),
    )


def _below(objective: Objective | None, objectives: Sequence[Objective]) -> set[int | None]:
    """The objective and every objective aligned beneath it: none can be its parent."""
    if objective is None:
        return set()
    found: set[int | None] = {objective.id}
    grew = True
    while grew:
        grew = False
        for o in objectives:
            if o.parent_id in found and o.id not in found:
                found.add(o.id)
                grew = True
    return found


async def form_named(ctx: Context, form_id: str) -> Form | None:
    """The goal form an id names, drawn afresh (a button that opens it); None when it names
    none, or an objective this person may not change."""
    goals = Goals(ctx)
    if form_id == ADD_ID:
        return await objective_form(goals)
    quarter = closing_quarter(form_id)
    if quarter is not None:
        return await close_form(goals, quarter)
    if form_id.startswith(EDIT_PREFIX):
        try:
            objective = await goals.objective(
                read_id(form_id.removeprefix(EDIT_PREFIX)), to_change=True
            )
        except GoalError:
            return None
        return await objective_form(goals, objective)
    return None
