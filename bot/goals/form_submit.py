"""A goal form sent back (bot.goals.form): every field checked first, then the objective and its
key results stored, or nothing and each mistake named at its field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.core.i18n import catalog
from bot.core.messages import Text
from bot.core.outcome import Outcome
from bot.goals.closing import closing_quarter, submit_close_form
from bot.goals.editing import (
    GoalError,
    Goals,
    NewObjective,
    added_words,
    objective_words,
    told_owner,
)
from bot.goals.form import EDIT_PREFIX, NEW_SLOTS, NONE, shown_measure
from bot.goals.one_line import MAX_TITLE, Measure, OneLineError, read_id, read_measure
from bot.goals.periods import PeriodError, Quarter, parse_quarter
from bot.goals.rights import refusal_to_create
from storage.models import KeyResult, Objective, Person

_, ngettext = catalog("bot.goals")


@dataclass
class _Read:
    errors: dict[str, str] = field(default_factory=dict)
    new_krs: list[tuple[str, Measure]] = field(default_factory=list)
    changed_krs: list[tuple[int, str, Measure]] = field(default_factory=list)


async def submit_goal_form(goals: Goals, form_id: str, values: Mapping[str, str]) -> Outcome:
    """A goal form sent back: a quarter's close-out, or an objective added or edited."""
    quarter = closing_quarter(form_id)
    if quarter is not None:
        return await submit_close_form(goals, quarter, values)
    return await submit_objective_form(goals, form_id, values)


async def submit_objective_form(goals: Goals, form_id: str, values: Mapping[str, str]) -> Outcome:
    objective = None
    if form_id.startswith(EDIT_PREFIX):
        objective_id = read_id(form_id.removeprefix(EDIT_PREFIX))
        try:
            objective = await goals.objective(objective_id, to_change=True)
        except GoalError as error:
            return Outcome([Text(_("{error} Nothing was changed.").format(error=error))])
    read = _Read()
    title = _text(values, "title", objective.title if objective else "", read)
    quarter = _quarter(goals, values, objective, read)
    level = _level(values, objective, read)
    owner = await _owner(goals, values, objective, read)
    parent = await _parent(goals, values, objective, read)
    existing = await goals.store.key_results_of(objective) if objective is not None else []
    for kr in existing:
        _key_result(values, f"k{kr.id}", kr, read)
    for n in range(1, NEW_SLOTS["edit" if objective else "add"] + 1):
        _key_result(values, f"n{n}", None, read)
    if not read.errors and owner is not None and level is not None:
        refusal = refusal_to_create(goals.ctx.person, level, owner, await goals.people())
        if refusal and (
            objective is None or (level, owner.id) != (objective.level, objective.owner_id)
        ):
            read.errors["level"] = refusal
    if read.errors:
        # Each platform shows these at their fields (or lists them); nothing was stored.
        return Outcome(form_errors=read.errors)
    assert quarter is not None and level is not None and owner is not None
    try:
        if objective is None:
            objective = await goals.add_objective(
                NewObjective(title, quarter, level, owner, parent)
            )
            words = added_words(objective, owner, parent, goals.ctx.person)
        else:
            await _change(goals, objective, title, quarter, level, owner, parent)
            words = _("Saved {objective}.").format(objective=objective_words(objective))
    except GoalError as error:
        return Outcome(form_errors={"parent": str(error)})
    by_id = {kr.id: kr for kr in existing}
    for kr_id, kr_title, measure in read.changed_krs:
        _apply_measure(by_id[kr_id], kr_title, measure, goals)
    for kr_title, measure in read.new_krs:
        await goals.add_key_result(objective, kr_title, measure, None)
    if read.new_krs:
        n = len(read.new_krs)
        added = ngettext("Key results: {n} added.", "Key results: {n} added.", n).format(n=n)
        words = f"{words} {added}"
    notices = told_owner(goals.ctx.person, owner, objective, goals.ctx.tenant)
    return Outcome([Text(words)], notices=notices)


async def _change(
    goals: Goals,
    objective: Objective,
    title: str,
    quarter: Quarter,
    level: str,
    owner: Person,
    parent: Objective | None,
) -> None:
    # The alignment is checked first: a refusal leaves the objective as it was.
    await goals.align(objective, parent, quarter.label)
    objective.title, objective.period, objective.level = title, quarter.label, level
    objective.owner_id = owner.id
    objective.team = owner.team if level == "team" else None
    goals.store.keep(objective)


def _apply_measure(kr: KeyResult, title: str, measure: Measure, goals: Goals) -> None:
    kr.title, kr.kind, kr.unit = title, measure.kind, measure.unit
    kr.start, kr.target = measure.start, measure.target
    kr.updated_at = goals.ctx.now
    goals.store.keep(kr)


def _text(values: Mapping[str, str], key: str, keep: str, read: _Read) -> str:
    text = " ".join((values.get(key) or "").split()) or keep
    if not text:
        read.errors[key] = _("Give it a title.")
    elif len(text) > MAX_TITLE:
        read.errors[key] = _("Keep it under {most} characters.").format(most=MAX_TITLE)
    return text


def _quarter(
    goals: Goals, values: Mapping[str, str], objective: Objective | None, read: _Read
) -> Quarter | None:
    typed = (values.get("quarter") or "").strip() or (objective.period if objective else "")
    try:
        return parse_quarter(typed) if typed else goals.quarter(None)
    except PeriodError as error:
        read.errors["quarter"] = str(error)
        return None


def _level(values: Mapping[str, str], objective: Objective | None, read: _Read) -> str | None:
    try:
        return Goals.level(values.get("level")) or (objective.level if objective else "person")
    except GoalError as error:
        read.errors["level"] = str(error)
        return None


async def _owner(
    goals: Goals, values: Mapping[str, str], objective: Objective | None, read: _Read
) -> Person | None:
    word = (values.get("owner") or "").strip()
    if not word and objective is not None and objective.owner_id is not None:
        return (await goals.people()).get(objective.owner_id)
    try:
        return await goals.person(word or None)
    except GoalError as error:
        read.errors["owner"] = str(error)
        return None


async def _parent(
    goals: Goals, values: Mapping[str, str], objective: Objective | None, read: _Read
) -> Objective | None:
    word = (values.get("parent") or "").strip()
    if not word:
        word = str(objective.parent_id) if objective and objective.parent_id else NONE
    if word.lower() in (NONE, "nothing", "-"):
        return None
    try:
        return await goals.objective(read_id(word), to_change=False)
    except GoalError as error:
        read.errors["parent"] = str(error)
        return None


def _key_result(values: Mapping[str, str], slot: str, kr: KeyResult | None, read: _Read) -> None:
    """One key result's fields: a new one when its title is filled in, a change to `kr`."""

    def typed(name: str) -> str:
        return " ".join((values.get(f"{slot}_{name}") or "").split())

    title = typed("title") or (kr.title if kr else "")
    if not title:
        return
    start, target, unit, direction = (
        typed("start"),
        typed("target"),
        typed("unit"),
        typed("direction"),
    )
    try:
        if kr is not None and _unchanged(kr, start, target, unit, direction):
            measure = Measure(kr.kind, kr.start, kr.target, kr.unit)
        else:
            measure = _measure(start, target, unit, direction)
    except OneLineError as error:
        read.errors[f"{slot}_target"] = str(error)
        return
    if len(title) > MAX_TITLE:
        read.errors[f"{slot}_title"] = _("Keep it under {most} characters.").format(most=MAX_TITLE)
    elif kr is None:
        read.new_krs.append((title, measure))
    else:
        read.changed_krs.append((kr.id or 0, title, measure))


def _unchanged(kr: KeyResult, start: str, target: str, unit: str, direction: str) -> bool:
    """Left as the form showed them (or blank, which keeps them)."""
    shown = shown_measure(kr)
    typed = (start, target, unit, direction)
    return all(not now or now == then for now, then in zip(typed, shown, strict=True))


def _measure(start: str, target: str, unit: str, direction: str) -> Measure:
    if not start and not target and unit.lower() in ("", "done"):
        return Measure("binary", 0.0, 1.0)
    if not target:
        raise OneLineError(
            _(
                "Give it a target, or leave start, target and unit blank for one that is done or "
                "not."
            )
        )
    measure = read_measure(start or "0", target, unit)
    if direction == "lower" and measure.target > measure.start:
        raise OneLineError(
            _("Lower is better, so the target must be below the start ({start}).").format(
                start=start or 0
            )
        )
    if direction == "higher" and measure.target < measure.start:
        raise OneLineError(
            _("Higher is better, so the target must be above the start ({start}).").format(
                start=start or 0
            )
        )
    return measure
