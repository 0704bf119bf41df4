"""A quarter's close, as one form per owner: each key result's final value and its grade from
0.0 to 1.0 (suggested from progress), one line on what was learned, and whether to carry the
objective over to the next quarter.

Closed objectives stay in their quarter's views, history, export and digest chart, with their
grades; they leave check-ins. A carried-over objective starts the next quarter where this one
ended, aligned under the carried copy of its parent when there is one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

from bot.checkins.parsing.answers import Invalid, MetricKind, MetricSpec, NoChange, Skipped, Value
from bot.checkins.parsing.values import parse_kr_value
from bot.core.i18n import N_, catalog, fixed
from bot.core.messages import Choice, Form, FormField, Text
from bot.core.outcome import Outcome
from bot.goals.editing import Goals, new_key, objective_words
from bot.goals.periods import PeriodError, Quarter, parse_quarter
from bot.goals.progress import objective_grade, plain_number, progress, target_words
from storage.models import KeyResult, Objective

_, ngettext = catalog("bot.goals")

CLOSE_PREFIX = "g_close_"
MAX_LEARNED = 500
CARRY = (
    (N_("No, it ends here"), "no"),
    (N_("Yes, carry it over"), "yes"),
    (N_("Archive it (out of views)"), "archive"),
)


def close_id(quarter: Quarter) -> str:
    return f"{CLOSE_PREFIX}{quarter.label}"


def closing_quarter(form_id: str) -> Quarter | None:
    if not form_id.startswith(CLOSE_PREFIX):
        return None
    try:
        return parse_quarter(form_id.removeprefix(CLOSE_PREFIX))
    except PeriodError:
        return None


async def open_objectives(goals: Goals, quarter: Quarter) -> list[Objective]:
    """The person's objectives of the quarter still to close."""
    mine = await goals.store.objectives(goals.ctx.tenant.id, quarter.label)
    return [o for o in mine if o.owner_id == goals.ctx.person.id and o.closed_at is None]


async def close_form(goals: Goals, quarter: Quarter) -> Form | None:
    """The close-out of the person's open objectives of `quarter`; None when there are none."""
    objectives = await open_objectives(goals, quarter)
    if not objectives:
        return None
    fields: list[FormField] = []
    carry = tuple(Choice(_(label), value) for label, value in CARRY)
    for objective in objectives:
        for kr in await goals.store.key_results_of(objective):
            fields += _kr_fields(objective, kr)
        learned = _("#{id}: what you learned (one line)").format(id=objective.id)
        carried = _("Carry {objective} over to {quarter}? (or archive it)").format(
            objective=objective_words(objective), quarter=quarter.next().label
        )
        fields += [
            FormField(f"o{objective.id}_learned", learned),
            FormField(f"o{objective.id}_carry", carried, "choice", carry, "no"),
        ]
    title = _("Close {quarter}").format(quarter=quarter.label)
    fallback = _("open the form to close {quarter} (goals close {quarter}).").format(
        quarter=quarter.label
    )
    return Form(close_id(quarter), title, tuple(fields), _("Close the quarter"), fallback=fallback)


def _kr_fields(objective: Objective, kr: KeyResult) -> list[FormField]:
    target = target_words(kr.kind, kr.start, kr.target, kr.unit)
    final = "" if kr.current is None else plain_number(kr.current)
    if kr.kind == "binary":  # the words typed back, in English as every key word
        final = "done" if (kr.current or 0) >= 1 else "not done"
    label = _("#{id} {title}: final value (target {target})").format(
        id=objective.id, title=kr.title, target=target
    )
    grade = _("{title}: grade from 0.0 to 1.0").format(title=kr.title)
    return [
        FormField(f"k{kr.id}_final", label, "number", initial=final),
        FormField(f"k{kr.id}_grade", grade, "number", initial=_suggested(kr)),
    ]


def _suggested(kr: KeyResult) -> str:
    return fixed(_earned(kr, kr.current), 1)  # "0.7"; "0,7" in German, which read_grade reads


@dataclass
class _Close:
    errors: dict[str, str] = field(default_factory=dict)
    finals: dict[int, float] = field(default_factory=dict)
    grades: dict[int, float] = field(default_factory=dict)


async def submit_close_form(goals: Goals, quarter: Quarter, values: Mapping[str, str]) -> Outcome:
    objectives = await open_objectives(goals, quarter)
    if not objectives:
        closed = _("Your objectives of {quarter} are closed already.")
        return Outcome([Text(closed.format(quarter=quarter.label))])
    read = _Close()
    key_results = {o.id: await goals.store.key_results_of(o) for o in objectives}
    for krs in key_results.values():
        for kr in krs:
            _read_kr(kr, values, read)
    learned = {o.id: " ".join((values.get(f"o{o.id}_learned") or "").split()) for o in objectives}
    for objective_id, line in learned.items():
        if len(line) > MAX_LEARNED:
            read.errors[f"o{objective_id}_learned"] = _(
                "Keep it to one line, under {most} characters."
            ).format(most=MAX_LEARNED)
    if read.errors:
        return Outcome(form_errors=read.errors)
    ctx = goals.ctx
    carried: list[Objective] = []
    for objective in objectives:
        for kr in key_results[objective.id]:
            await ctx.store.change_key_result(
                kr,
                value=read.finals.get(kr.id or 0),
                author_id=ctx.person.id,
                run_id=None,
                source="close",
                when=ctx.now,
            )
            kr.grade = read.grades[kr.id or 0]
            ctx.store.keep(kr)
        objective.learned = learned[objective.id] or None
        objective.closed_at = ctx.now
        ctx.store.keep(objective)
        then = (values.get(f"o{objective.id}_carry") or "").strip().lower()
        objective.archived = then == "archive"
        if then in ("yes", "y"):
            carried.append(
                await _carry_over(goals, objective, key_results[objective.id], quarter.next())
            )
    return Outcome([Text(_closed_words(quarter, objectives, key_results, carried))])


def _read_kr(kr: KeyResult, values: Mapping[str, str], read: _Close) -> None:
    final_key, grade_key = f"k{kr.id}_final", f"k{kr.id}_grade"
    typed = (values.get(final_key) or "").strip()
    if typed and typed.lower() != "not done":
        kind = cast(MetricKind, kr.kind)
        spec = MetricSpec(kind, kr.start, kr.target, kr.current, kr.unit)
        parsed = parse_kr_value(typed, spec)
        if isinstance(parsed, Invalid):
            read.errors[final_key] = parsed.reason
        elif isinstance(parsed, Value):
            read.finals[kr.id or 0] = parsed.number
        elif not isinstance(parsed, NoChange | Skipped):
            read.errors[final_key] = _("Type the final value, like 400, 40% or done.")
    elif typed.lower() == "not done" and kr.kind == "binary":
        read.finals[kr.id or 0] = 0.0
    typed_grade = (values.get(grade_key) or "").strip()
    final = read.finals.get(kr.id or 0, kr.current)
    # Left blank: the grade the final value earns.
    grade = read_grade(typed_grade) if typed_grade else _earned(kr, final)
    if grade is None:
        read.errors[grade_key] = _("A grade is a number from 0.0 to 1.0, like 0.7 (or 70%).")
    else:
        read.grades[kr.id or 0] = grade


def _earned(kr: KeyResult, final: float | None) -> float:
    return round(progress(kr.kind, kr.start, kr.target, final), 1)


def read_grade(text: str) -> float | None:
    """'0.7', '.7', '0,7', '70%' -> 0.7; None for anything else, or outside 0..1."""
    raw = text.strip().replace(",", ".")
    percent = raw.endswith("%")
    try:
        number = float(raw.rstrip("%").strip())
    except ValueError:
        return None
    if percent:
        number /= 100
    return round(number, 2) if 0.0 <= number <= 1.0 else None


async def _carry_over(
    goals: Goals, old: Objective, krs: Sequence[KeyResult], next_quarter: Quarter
) -> Objective:
    ctx = goals.ctx
    parent = None
    if old.parent_id is not None:
        copies = await ctx.store.objectives(ctx.tenant.id, next_quarter.label)
        parent = next((o.id for o in copies if o.carried_from_id == old.parent_id), None)
    new = Objective(
        tenant_id=ctx.tenant.id,
        key=new_key(),
        title=old.title,
        period=next_quarter.label,
        level=old.level,
        team=old.team,
        owner_id=old.owner_id,
        parent_id=parent,
        weight=old.weight,
        carried_from_id=old.id,
        created_at=ctx.now,
    )
    await ctx.store.save([new])
    for kr in krs:
        start = kr.current if kr.current is not None and kr.kind != "binary" else kr.start
        if progress(kr.kind, kr.start, kr.target, kr.current) >= 1.0:
            continue  # reached: nothing left to carry
        ctx.store.keep(
            KeyResult(
                tenant_id=ctx.tenant.id,
                key=new_key(),
                objective_id=new.id or 0,
                owner_id=kr.owner_id,
                title=kr.title,
                kind=kr.kind,
                start=start,
                target=kr.target,
                current=start,
                unit=kr.unit,
                weight=kr.weight,
                updated_at=ctx.now,
            )
        )
    return new


def _closed_words(
    quarter: Quarter,
    objectives: Sequence[Objective],
    key_results: Mapping[int | None, Sequence[KeyResult]],
    carried: Sequence[Objective],
) -> str:
    lines = [_("Closed {quarter}:").format(quarter=quarter.label)]
    for objective in objectives:
        grade = objective_grade(objective, key_results[objective.id])
        if grade is not None:
            graded = _("grade {grade}").format(grade=fixed(grade, 2))
        else:
            graded = _("no key results to grade")
        lines.append(f"- {objective_words(objective)}: {graded}")
    if carried:
        ids = ", ".join(f"#{o.id}" for o in carried)
        carried_over = _("Carried over to {quarter}: {ids} (goals {quarter} shows them).")
        lines.append(carried_over.format(quarter=quarter.next().label, ids=ids))
    return "\n".join(lines)
