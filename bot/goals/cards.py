"""My goals as a card: the objectives I own or hold key results in, with their aligned parents."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core.i18n import catalog, fixed
from bot.core.messages import Card, Field, Section
from bot.goals.progress import (
    alignment_tree,
    format_value,
    objective_grade,
    percent,
    progress,
    progress_bar,
    rollup,
    status_words,
    target_words,
)
from storage.models import KeyResult, Objective

_, ngettext = catalog("bot.goals")


def goals_card(
    objectives: Sequence[Objective],
    key_results: Sequence[KeyResult],
    owner_id: int | None,
    include: set[int | None] | None = None,
    quarter: str = "",
) -> Card:
    """My goals: the objectives I own or hold key results in (and any in `include`), with
    their aligned parents."""
    mine_ids: set[int | None] = set(include or ())
    if owner_id is not None:
        mine_ids |= {o.id for o in objectives if o.owner_id == owner_id}
        mine_ids |= {kr.objective_id for kr in key_results if kr.owner_id == owner_id and kr.active}
    title = _("Your goals, {quarter}").format(quarter=quarter) if quarter else _("Your goals")
    if not mine_ids:
        if quarter:
            text = _(
                "You have no goals for {quarter} yet. Add one: goals add (goals tree shows the "
                "org's)."
            ).format(quarter=quarter)
        else:
            text = _("You have no goals yet. Add one: goals add (goals tree shows the org's).")
        return Card(title, (Section("", text=text),))
    by_id = {o.id: o for o in objectives}
    shown: set[int | None] = set()
    for objective_id in mine_ids:
        node = by_id.get(objective_id)
        while node is not None and node.id not in shown:
            shown.add(node.id)
            node = by_id.get(node.parent_id) if node.parent_id else None
    visible = [o for o in objectives if o.id in shown]
    totals = rollup(visible, key_results)
    sections = []
    for row in alignment_tree(visible):
        objective: Any = row.objective
        indent = "  " * row.depth
        share = totals.get(objective.id, 0.0)
        bar = f"{progress_bar(share)} {percent(round(share * 100))}"
        heading = f"{indent}#{objective.id} {objective.title} ({objective.period}) {bar}"
        own = [kr for kr in key_results if kr.objective_id == objective.id and kr.active]
        if objective.closed_at is not None:
            grade = objective_grade(objective, own)
            closed = (
                _("closed, grade {grade}").format(grade=fixed(grade, 2))
                if grade is not None
                else _("closed")
            )
            heading += f" · {closed}"
        fields = tuple(Field(f"{indent}  {kr.title}", _kr_status(kr)) for kr in own)
        sections.append(Section(heading, fields))
    return Card(title, tuple(sections), footer=_("Type checkin now to update them."))


def _kr_status(kr: KeyResult) -> str:
    share = round(progress(kr.kind, kr.start, kr.target, kr.current) * 100)
    value = format_value(kr.kind, kr.current, kr.unit)
    target = format_value(kr.kind, kr.target, kr.unit)
    if kr.kind == "binary":
        reached = value
    elif kr.target < kr.start:  # lower is better: "650 ms of 300 ms" would read backwards
        target = target_words(kr.kind, kr.start, kr.target, kr.unit)
        reached = _("{value}, target {target}").format(value=value, target=target)
    else:
        reached = _("{value} of {target}").format(value=value, target=target)
    if kr.grade is not None:
        graded = _("grade {grade}").format(grade=fixed(kr.grade, 1))
        return f"{reached} · {percent(share)} · {graded}"
    return f"{reached} · {percent(share)} · {status_words(kr.confidence)}"
