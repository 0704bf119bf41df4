"""Key results as they stood at past instants, rebuilt from their change history.

A value at an instant is the old value of the first change after it, or today's value when
nothing changed since. So only the changes after the earliest instant asked about are needed.

A digest asks for an instant a week over a quarter. `progress_at` answers them all at once:
each key result's values at every instant (a bisect each in its own changes), then the roll-up
of bot.goals.progress.rollup walked once, with a list of values (an instant each) where it has
one value.
The tree's walk doesn't depend on the values, so it is worked out once, in the constructor.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from bot.goals.progress import ObjectiveLike, children_of, progress
from storage.digest import ChangeRow, KeyResultRow


@dataclass(frozen=True)
class _Step:
    """One objective's progress: the weighted mean of its active key results' and of the
    objectives aligned beneath it, those of weight over 0, in bot.goals.progress.rollup's order."""

    objective_id: int
    key_results: Sequence[tuple[int, float]]  # (index in key_results, weight)
    objectives: Sequence[tuple[int, float]]  # (id of an earlier step, weight)
    total_weight: float


class GoalHistory:
    def __init__(
        self,
        objectives: Sequence[ObjectiveLike],
        key_results: Sequence[KeyResultRow],
        changes: Iterable[ChangeRow],
    ) -> None:
        # (key result id, field) -> when each change was made, and the value it replaced
        self._changes = _by_key_result(changes)
        self._key_results = key_results
        self._steps = _rollup_steps(objectives, key_results)

    def value(self, kr: KeyResultRow, when: datetime) -> float | None:
        return self._at(kr, "value", when, kr.current)

    def confidence(self, kr: KeyResultRow, when: datetime) -> int | None:
        found = self._at(kr, "confidence", when, kr.confidence)
        return None if found is None else int(found)

    def progress(self, when: datetime) -> dict[int, float]:
        """Each objective's rolled-up progress (0..1) as it stood at `when`."""
        return {objective: shares[0] for objective, shares in self.progress_at([when]).items()}

    def progress_at(self, instants: Sequence[datetime]) -> dict[int, list[float]]:
        """Each objective's rolled-up progress (0..1) at each of `instants`: what
        bot.goals.progress.rollup makes of the values at each one, to the last bit."""
        shares: dict[int, list[float]] = {}
        for step in self._steps:
            if not step.total_weight > 0:
                shares[step.objective_id] = [0.0] * len(instants)
                continue
            weighted = [
                [share * weight for share in self._shares(index, instants)]
                for index, weight in step.key_results
            ]
            weighted += [
                [share * weight for share in shares[objective]]
                for objective, weight in step.objectives
            ]
            # Summed in rollup's order, for the same rounding.
            shares[step.objective_id] = [
                sum(column) / step.total_weight for column in zip(*weighted, strict=True)
            ]
        return shares

    def _shares(self, index: int, instants: Sequence[datetime]) -> list[float]:
        kr = self._key_results[index]
        times, olds = self._changes.get((kr.id or 0, "value"), _NONE)
        values = (*olds, kr.current)  # the value each change replaced, then today's
        return [
            progress(kr.kind, kr.start, kr.target, values[later])
            for later in map(partial(bisect_right, times), instants)
        ]

    def _at(self, kr: KeyResultRow, field: str, when: datetime, now: float | None) -> float | None:
        times, olds = self._changes.get((kr.id or 0, field), _NONE)
        later = bisect_right(times, when)
        return olds[later] if later < len(times) else now


_Changes = tuple[tuple[datetime, ...], tuple[float | None, ...]]  # when, and the value replaced
_NONE: _Changes = ((), ())


def _by_key_result(changes: Iterable[ChangeRow]) -> dict[tuple[int, str], _Changes]:
    """Each key result's and field's changes, in time order (ties as given)."""
    grouped: dict[tuple[int, str], tuple[list[datetime], list[float | None]]] = {}
    for kr_id, field, changed_at, old in changes:
        found = grouped.get((kr_id, field))
        if found is None:
            grouped[kr_id, field] = ([changed_at], [old])
        else:
            found[0].append(changed_at)
            found[1].append(old)
    return {key: _in_time_order(times, olds) for key, (times, olds) in grouped.items()}


def _in_time_order(times: list[datetime], olds: list[float | None]) -> _Changes:
    # Tuples: never changed, and the garbage collector stops tracking tuples of dates and numbers.
    if times == sorted(times):
        return tuple(times), tuple(olds)
    order = sorted(range(len(times)), key=times.__getitem__)
    return tuple(times[n] for n in order), tuple(olds[n] for n in order)


def _rollup_steps(
    objectives: Sequence[ObjectiveLike], key_results: Sequence[KeyResultRow]
) -> list[_Step]:
    """bot.goals.progress.rollup's walk of the tree, recorded as the steps it computes, in its
    order."""
    items: dict[int, list[tuple[int, float]]] = {o.id: [] for o in objectives if o.id}
    for index, kr in enumerate(key_results):
        if kr.active and kr.objective_id in items:
            items[kr.objective_id].append((index, kr.weight))
    children = children_of(objectives)
    steps: list[_Step] = []
    done: set[int] = set()

    def visit(objective_id: int, seen: frozenset[int]) -> None:
        if objective_id in done:
            return
        aligned = []
        for child in children.get(objective_id, ()):
            if child.id and child.id not in seen:
                visit(child.id, seen | {child.id})
                aligned.append((child.id, child.weight))
        key_results = [(index, weight) for index, weight in items[objective_id] if weight > 0]
        objectives = [(child, weight) for child, weight in aligned if weight > 0]
        total_weight = sum(weight for _, weight in (*key_results, *objectives))
        steps.append(_Step(objective_id, key_results, objectives, total_weight))
        done.add(objective_id)

    for objective_id in items:
        visit(objective_id, frozenset({objective_id}))
    return steps
