"""`goals tree`: the org's objectives of a quarter, company -> team -> person, with roll-up;
for admins, flags on objectives aligned to nothing and company objectives nothing aligns to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.core.i18n import catalog
from bot.core.messages import Card, Section
from bot.goals.progress import alignment_tree, children_of, percent, progress_bar, rollup
from bot.goals.rights import level_name
from bot.org.tree import display_name
from storage.models import KeyResult, Objective, Person

_, ngettext = catalog("bot.goals")

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
    title = _("Goals, {quarter}").format(quarter=quarter)
    if not objectives:
        text = _("No objectives for {quarter} yet. Add one: goals add").format(quarter=quarter)
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
            f"({level_name(objective.level)}{whose}) {progress_bar(share)} "
            f"{percent(round(share * 100))}"
        )
        flag = _flag(objective, children, known) if flags else None
        if flag:
            flagged[flag] += 1
            line += f"  ⚑ {_flag_words(flag)}"
        sections.append(Section(line))
    footer = _("goals align #ID under #PARENT aligns one; goals add adds one.")
    if flags and any(flagged.values()):
        counts = ", ".join(_flag_count(what, n) for what, n in flagged.items() if n)
        footer = f"⚑ {counts}. {footer}"
    return Card(title, tuple(sections), footer=footer)


def _flag_words(flag: str) -> str:
    if flag == UNALIGNED:
        return _("aligned to nothing")
    return _("nothing aligns to it")


def _flag_count(flag: str, n: int) -> str:
    if flag == UNALIGNED:
        return ngettext("{n} aligned to nothing", "{n} aligned to nothing", n).format(n=n)
    return ngettext("{n} nothing aligns to it", "{n} nothing aligns to it", n).format(n=n)


def _flag(
    objective: Objective, children: Mapping[int, Sequence[object]], known: set[int | None]
) -> str | None:
    if objective.level == "company":
        return None if children.get(objective.id or 0) else UNSUPPORTED
    # A parent that is archived (or gone) is no alignment.
    return UNALIGNED if objective.parent_id not in known else None
