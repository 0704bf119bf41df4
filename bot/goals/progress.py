"""Goal arithmetic (SPEC 2.1): progress, weighted roll-up, the alignment tree, status; and
values, statuses and grades as people read them, in the language in force."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from babel.numbers import format_decimal

from bot.core.i18n import N_, catalog, current

_, ngettext = catalog("bot.goals")


class KeyResultLike(Protocol):
    objective_id: int
    kind: str
    start: float
    target: float
    current: float | None
    weight: float
    confidence: int | None
    active: bool


class GradedLike(Protocol):
    objective_id: int
    weight: float
    grade: float | None


class ObjectiveLike(Protocol):
    @property
    def id(self) -> int | None: ...

    parent_id: int | None
    weight: float
    title: str


def progress(kind: str, start: float, target: float, current: float | None) -> float:
    """The fraction of start -> target reached, clamped to 0..1. Direction follows the numbers."""
    if current is None:
        return 0.0
    if kind == "binary":
        return 1.0 if current >= 1 else 0.0
    if target == start:
        return 1.0 if current == target else 0.0
    fraction = (current - start) / (target - start)
    return min(1.0, max(0.0, fraction))


def status_from_confidence(confidence: int | None) -> str:
    """The status a confidence gives, in English: digests and exports key on it; people read
    `status_words` (or `translate` of it)."""
    if confidence is None:
        return N_("no status")
    if confidence >= 7:
        return N_("on track")
    if confidence >= 4:
        return N_("at risk")
    return N_("off track")


def status_words(confidence: int | None) -> str:
    """The status a confidence gives, in the language in force."""
    return _(status_from_confidence(confidence))


def rollup(
    objectives: Sequence[ObjectiveLike], key_results: Iterable[KeyResultLike]
) -> dict[int, float]:
    """Each objective's progress: the weighted mean of its active key results and of the
    objectives aligned beneath it. An objective with neither counts as 0."""
    items: dict[int, list[tuple[float, float]]] = {o.id: [] for o in objectives if o.id}
    for kr in key_results:
        if kr.active and kr.objective_id in items:
            value = progress(kr.kind, kr.start, kr.target, kr.current)
            items[kr.objective_id].append((value, kr.weight))
    children = children_of(objectives)
    result: dict[int, float] = {}

    def visit(objective_id: int, seen: frozenset[int]) -> float:
        if objective_id in result:
            return result[objective_id]
        parts = list(items[objective_id])
        for child in children.get(objective_id, ()):
            if child.id and child.id not in seen:
                parts.append((visit(child.id, seen | {child.id}), child.weight))
        total_weight = sum(weight for _share, weight in parts if weight > 0)
        value = sum(v * w for v, w in parts if w > 0) / total_weight if total_weight > 0 else 0.0
        result[objective_id] = value
        return value

    for objective_id in items:
        visit(objective_id, frozenset({objective_id}))
    return result


def objective_grade(objective: ObjectiveLike, key_results: Iterable[GradedLike]) -> float | None:
    """An objective's grade at its quarter's close: the weighted mean of its key results'
    grades (those graded); None before any is."""
    graded = [
        (kr.grade, kr.weight)
        for kr in key_results
        if kr.objective_id == objective.id and kr.grade is not None and kr.weight > 0
    ]
    total = sum(weight for _grade, weight in graded)
    return round(sum(g * w for g, w in graded) / total, 2) if total else None


def children_of(objectives: Sequence[ObjectiveLike]) -> Mapping[int, list[ObjectiveLike]]:
    known = {o.id for o in objectives}
    children: dict[int, list[ObjectiveLike]] = {}
    for objective in objectives:
        if objective.parent_id in known and objective.parent_id is not None:
            children.setdefault(objective.parent_id, []).append(objective)
    return children


@dataclass(frozen=True)
class TreeRow:
    depth: int
    objective: ObjectiveLike


def alignment_tree(objectives: Sequence[ObjectiveLike]) -> list[TreeRow]:
    """Depth-first rows, roots first; an objective whose parent is not listed is a root."""
    known = {o.id for o in objectives}
    children = children_of(objectives)
    rows: list[TreeRow] = []

    def walk(objective: ObjectiveLike, depth: int, seen: frozenset[int | None]) -> None:
        rows.append(TreeRow(depth, objective))
        for child in children.get(objective.id or 0, ()):
            if child.id not in seen:
                walk(child, depth + 1, seen | {child.id})

    for root in (o for o in objectives if o.parent_id not in known or o.parent_id is None):
        walk(root, 0, frozenset({root.id}))
    return rows


def format_value(kind: str, value: float | None, unit: str | None = None) -> str:
    """A key result's value as people read it: "1,250 signups", "40%", "$10,000", "done"; the
    number as the language in force writes it ("1.250" in German)."""
    if kind == "binary":
        return _("done") if value is not None and value >= 1 else _("not done")
    if value is None:
        return "—"
    number = _plain_number(value)
    if kind == "percent":
        return percent(number)
    if kind == "currency":
        symbol = unit or "$"
        if len(symbol) == 1:
            # Translators: a sign-like currency symbol and an amount; German and Spanish write
            # the amount first ("3.500 €").
            return _("{symbol}{number}").format(symbol=symbol, number=number)
        return f"{number} {symbol}"
    return f"{number} {unit}" if unit else number


def target_words(kind: str, start: float, target: float, unit: str | None = None) -> str:
    """The target as a person reads it: "500 signups", or "300 ms or less" where lower is
    better (a target below where it started)."""
    goal = format_value(kind, target, unit)
    if kind != "binary" and target < start:
        return _("{value} or less").format(value=goal)
    return goal


def _plain_number(value: float) -> str:
    """A whole number with thousands marked, else up to two decimals, as the language writes
    them; rounded as English always was (Python's own rounding, then the language's marks)."""
    if not math.isfinite(value):
        return f"{value:,.2f}"
    if value == int(value):
        return format_decimal(int(value), format="#,##0", locale=current())
    return format_decimal(Decimal(f"{value:.2f}"), format="#,##0.##", locale=current())


def percent(number: object) -> str:
    """A number in percent, as the language writes it: "40%", "40 %" in German."""
    # Translators: a number in percent; German and Spanish put a space before the sign.
    return _("{number}%").format(number=number)


def plain_number(value: float) -> str:
    """A number as a form's field holds it, to be typed over and read back: no thousands marks,
    up to two decimals after the language's own mark ("1250.5", "1250,5" in German)."""
    if not math.isfinite(value):
        return f"{value:.2f}"
    if value == int(value):
        return str(int(value))
    return format_decimal(Decimal(f"{value:.2f}"), format="0.##", locale=current())


def progress_bar(fraction: float, width: int = 10) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "█" * filled + "░" * (width - filled)
