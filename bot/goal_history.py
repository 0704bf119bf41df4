"""Key results as they stood at a past instant, rebuilt from their change history.

A value at an instant is the old value of the first change after it, or today's value when
nothing changed since. So only the changes after the earliest instant asked about are needed.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from operator import itemgetter

from bot.goals import rollup
from storage.digest import Change
from storage.models import KeyResult, Objective


@dataclass
class _KeyResultAt:
    """A key result with its value at some instant (bot.goals.KeyResultLike)."""

    objective_id: int
    kind: str
    start: float
    target: float
    current: float | None
    weight: float
    confidence: int | None
    active: bool


@dataclass
class _ObjectiveAt:
    """An objective's place in the tree (bot.goals.ObjectiveLike)."""

    id: int | None
    parent_id: int | None
    weight: float
    title: str


class GoalHistory:
    def __init__(
        self,
        objectives: Sequence[Objective],
        key_results: Sequence[KeyResult],
        changes: Iterable[Change],
    ) -> None:
        self._objectives = [_ObjectiveAt(o.id, o.parent_id, o.weight, o.title) for o in objectives]
        # (key result id, field) -> when each change was made, and the value it replaced
        self._times: dict[tuple[int, str], list[datetime]] = {}
        self._olds: dict[tuple[int, str], list[float | None]] = {}
        # Sorting what storage.digest already sorted is one cheap pass.
        ordered = sorted(changes, key=itemgetter(0, 1, 2))
        for key, group in groupby(ordered, key=itemgetter(0, 1)):
            rows = list(group)
            self._times[key] = [row.changed_at for row in rows]
            self._olds[key] = [row.old_value for row in rows]
        # Plain copies, a key result's value reset for each instant asked: a chart asks for
        # many, and reading an ORM attribute costs several times more.
        self._copies = [
            (
                _KeyResultAt(
                    kr.objective_id,
                    kr.kind,
                    kr.start,
                    kr.target,
                    kr.current,
                    kr.weight,
                    kr.confidence,
                    kr.active,
                ),
                kr.current,
                self._times.get((kr.id or 0, "value"), []),
                self._olds.get((kr.id or 0, "value"), []),
            )
            for kr in key_results
        ]

    def value(self, kr: KeyResult, when: datetime) -> float | None:
        return self._at(kr, "value", when, kr.current)

    def confidence(self, kr: KeyResult, when: datetime) -> int | None:
        found = self._at(kr, "confidence", when, kr.confidence)
        return None if found is None else int(found)

    def progress(self, when: datetime) -> dict[int, float]:
        """Each objective's rolled-up progress (0..1) as it stood at `when`."""
        for copy, now, times, olds in self._copies:
            later = bisect_right(times, when)
            copy.current = olds[later] if later < len(times) else now
        return rollup(self._objectives, [copy for copy, *_ in self._copies])

    def _at(self, kr: KeyResult, field: str, when: datetime, now: float | None) -> float | None:
        key = (kr.id or 0, field)
        times = self._times.get(key, [])
        later = bisect_right(times, when)
        return self._olds[key][later] if later < len(times) else now
