"""GoalHistory.progress_at, all instants in one pass, gives what bot.goals.progress.rollup gives at
each instant on the key results as they stood then, to the last bit, whatever the tree and
history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.goals.history import GoalHistory
from bot.goals.progress import rollup
from storage.digest import ChangeRow, KeyResultRow, ObjectiveRow

T0 = datetime(2026, 10, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)


def stood_at(kr: KeyResultRow, changes: list[ChangeRow], when: datetime) -> KeyResultRow:
    """The key result at `when`, by the definition: the old value of its first value change
    after `when` (the earliest, the first listed among equal times), else today's."""
    later = [change for change in changes if change[0] == kr.id and change[1] == "value"]
    later = sorted((c for c in later if c[2] > when), key=lambda c: c[2])
    return kr._replace(current=later[0][3]) if later else kr


weights = st.sampled_from([0.0, -1.0, 0.1, 0.3, 0.7, 1.0, 1.0, 3.0])
values = st.none() | st.sampled_from([0.0, 1.0, 3.0]) | st.floats(-50, 150, allow_nan=False)


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[ObjectiveRow], list[KeyResultRow], list[ChangeRow]]:
    count = draw(st.integers(0, 8))
    ids = st.integers(0, count + 1)  # 0 and count + 1: no such objective
    goals = [
        ObjectiveRow(n, draw(st.none() | ids), draw(weights), f"O{n}") for n in range(1, count + 1)
    ]
    # Not flushed yet, so rollup leaves it out (storage never gives one).
    goals += [ObjectiveRow(None, None, 1.0, "O?")] if draw(st.booleans()) else []
    measures = [
        KeyResultRow(
            n + 1,
            draw(ids),
            None,
            f"K{n + 1}",
            active=draw(st.booleans()),
            weight=draw(weights),
            kind=draw(st.sampled_from(["number", "percent", "binary"])),
            start=draw(st.sampled_from([0.0, 10.0, 100.0])),
            target=draw(st.sampled_from([0.0, 1.0, 100.0])),
            current=draw(values),
            confidence=draw(st.none() | st.integers(1, 10)),
        )
        for n in range(draw(st.integers(0, 12)))
    ]
    changes: list[ChangeRow] = [
        (
            draw(st.integers(0, len(measures) + 1)),
            draw(st.sampled_from(["value", "value", "confidence"])),
            T0 + HOUR * draw(st.integers(0, 40)),  # equal times, and out of order
            draw(values),
        )
        for _ in range(draw(st.integers(0, 40)))
    ]
    return goals, measures, changes


@settings(max_examples=300, deadline=None)
@given(histories(), st.lists(st.integers(-2, 42), max_size=15))
def test_each_instant_rolls_up_as_rollup_does_on_the_values_of_that_instant(
    history: tuple[list[ObjectiveRow], list[KeyResultRow], list[ChangeRow]], hours: list[int]
) -> None:
    goals, measures, changes = history
    instants = [T0 + HOUR * n for n in sorted(hours)]

    weekly = GoalHistory(goals, measures, changes).progress_at(instants)

    for n, when in enumerate(instants):
        expected = rollup(goals, [stood_at(kr, changes, when) for kr in measures])
        assert {goal: shares[n] for goal, shares in weekly.items()} == expected
        assert list(weekly) == list(expected)  # in rollup's order too


@settings(max_examples=100, deadline=None)
@given(histories(), st.integers(-2, 42))
def test_one_instant_is_rollup_of_the_values_then(
    history: tuple[list[ObjectiveRow], list[KeyResultRow], list[ChangeRow]], hour: int
) -> None:
    goals, measures, changes = history
    when = T0 + HOUR * hour
    goal_history = GoalHistory(goals, measures, changes)

    expected = rollup(goals, [stood_at(kr, changes, when) for kr in measures])
    assert goal_history.progress(when) == expected
    for kr in measures:
        assert goal_history.value(kr, when) == stood_at(kr, changes, when).current


@pytest.mark.parametrize("shares", [(0.1, 0.1, 0.4), (0.1, 0.2, 0.3)])
def test_the_parts_are_summed_in_rollups_order(shares: tuple[float, float, float]) -> None:
    # Summed the other way round, these three give another last bit.
    assert sum(shares) != sum(reversed(shares))
    first, second, aligned = shares
    goals = [ObjectiveRow(1, None, 1.0, "O1"), ObjectiveRow(2, 1, 1.0, "O2")]
    measures = [
        KeyResultRow(n + 1, goal, None, "K", True, 1.0, "number", 0.0, 100.0, 100 * share, None)
        for n, (goal, share) in enumerate([(1, first), (1, second), (2, aligned)])
    ]

    weekly = GoalHistory(goals, measures, []).progress_at([T0])

    assert weekly == {goal: [share] for goal, share in rollup(goals, measures).items()}
