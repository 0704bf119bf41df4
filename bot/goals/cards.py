"""My goals as a card: the objectives I own or hold key results in, with their aligned parents."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core.messages import Card, Field, Section
from bot.goals.progress import (
    alignment_tree,
    format_value,
    objective_grade,
    progress,
    progress_bar,
    rollup,
    status_from_confidence,
    target_words,
)
from storage.models import KeyResult, Objective


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
    title = f"Your goals, {quarter}" if quarter else "Your goals"
    if not mine_ids:
        when = f" for {quarter}" if quarter else ""
        text = f"You have no goals{when} yet. Add one: goals add (goals tree shows the org's)."
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
        bar = f"{progress_bar(share)} {round(share * 100)}%"
        heading = f"{indent}#{objective.id} {objective.title} ({objective.period}) {bar}"
        own = [kr for kr in key_results if kr.objective_id == objective.id and kr.active]
        if objective.closed_at is not None:
            grade = objective_grade(objective, own)
            heading += f" · closed, grade {grade:.2f}" if grade is not None else " · closed"
        fields = tuple(Field(f"{indent}  {kr.title}", _kr_status(kr)) for kr in own)
        sections.append(Section(heading, fields))
    return Card(title, tuple(sections), footer="Type checkin now to update them.")


def _kr_status(kr: KeyResult) -> str:
    share = round(progress(kr.kind, kr.start, kr.target, kr.current) * 100)
    value = format_value(kr.kind, kr.current, kr.unit)
    target = format_value(kr.kind, kr.target, kr.unit)
    if kr.kind == "binary":
        reached = value
    elif kr.target < kr.start:  # lower is better: "650 ms of 300 ms" would read backwards
        reached = f"{value}, target {target_words(kr.kind, kr.start, kr.target, kr.unit)}"
    else:
        reached = f"{value} of {target}"
    if kr.grade is not None:
        return f"{reached} · {share}% · grade {kr.grade:.1f}"
    return f"{reached} · {share}% · {status_from_confidence(kr.confidence)}"
