"""`goals tree`: the org's objectives of a quarter, company -> team -> person, with roll-up;
for admins, flags on objectives aligned to nothing and company objectives nothing aligns to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.core.messages import Card, Section
from bot.goals.progress import alignment_tree, children_of, progress_bar, rollup
from bot.goals.rights import level_name
from bot.org.tree import display_name
from storage.models import KeyResult, Objective, Person

UNALIGNED = "aligned to nothing"
UNSUPPORTED = "nothing aligns to it"


def tree_card(
    objectives: Sequence[Objective],
    key_results: Sequence[KeyResult],
    people: Mapping[int, Person],
    quarter: str,
    *,
    flags: bool,
) -> Card:
    title = f"Goals, {quarter}"
    if not objectives:
        text = f"No objectives for {quarter} yet. Add one: goals add"
        return Card(title, (Section("", text=text),))
    totals = rollup(objectives, key_results)
    children = children_of(objectives)
    known = {o.id for o in objectives}
    flagged = {UNALIGNED: 0, UNSUPPORTED: 0}
    sections = []
    for row in alignment_tree(objectives):
        objective = row.objective
        assert isinstance(objective, Objective)
        share = totals.get(objective.id or 0, 0.0)
        owner = people.get(objective.owner_id or 0)
        whose = f", {display_name(owner)}" if owner is not None else ""
        line = (
            f"{'  ' * row.depth}#{objective.id} {objective.title} "
            f"({level_name(objective.level)}{whose}) {progress_bar(share)} {round(share * 100)}%"
        )
        flag = _flag(objective, children, known) if flags else None
        if flag:
            flagged[flag] += 1
            line += f"  ⚑ {flag}"
        sections.append(Section(line))
    footer = "goals align #ID under #PARENT aligns one; goals add adds one."
    if flags and any(flagged.values()):
        counts = ", ".join(f"{n} {what}" for what, n in flagged.items() if n)
        footer = f"⚑ {counts}. {footer}"
    return Card(title, tuple(sections), footer=footer)


def _flag(
    objective: Objective, children: Mapping[int, Sequence[object]], known: set[int | None]
) -> str | None:
    if objective.level == "company":
        return None if children.get(objective.id or 0) else UNSUPPORTED
    # A parent that is archived (or gone) is no alignment.
    return UNALIGNED if objective.parent_id not in known else None
