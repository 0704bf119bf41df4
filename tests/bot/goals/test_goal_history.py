"""Key results as they stood at past instants, from their change history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.goals.history import GoalHistory
from storage.digest import Change
from storage.models import KeyResult, Objective
from tests.seeded import SEEDED_AT

T0 = datetime(2026, 10, 6, 10, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def history() -> tuple[GoalHistory, KeyResult]:
    objective = Objective(
        id=1, tenant_id="t", key="o", title="O", period="2026-Q4", created_at=SEEDED_AT
    )
    kr = KeyResult(
        id=7, tenant_id="t", key="k", objective_id=1, title="K", start=0, target=10,
        current=8, confidence=3,
        updated_at=SEEDED_AT,
    )  # fmt: skip
    changes = [
        Change(7, "confidence", T0, None),  # None -> 9
        Change(7, "confidence", T0 + 2 * DAY, 9),  # 9 -> 3
        Change(7, "value", T0, 0),  # 0 -> 4
        Change(7, "value", T0 + 2 * DAY, 4),  # 4 -> 8
    ]
    return GoalHistory([objective], [kr], changes), kr


def test_a_value_is_what_the_first_later_change_replaced() -> None:
    goals, kr = history()
    assert goals.value(kr, T0 - DAY) == 0
    assert goals.value(kr, T0 + DAY) == 4
    assert goals.value(kr, T0 + 3 * DAY) == 8  # nothing changed since: today's


def test_a_change_made_at_the_instant_asked_has_happened() -> None:
    goals, kr = history()
    assert goals.value(kr, T0) == 4
    assert goals.confidence(kr, T0 + 2 * DAY) == 3


def test_a_key_result_not_yet_rated_has_no_confidence() -> None:
    goals, kr = history()
    assert goals.confidence(kr, T0 - DAY) is None
    assert goals.confidence(kr, T0 + DAY) == 9


def test_progress_rolls_up_the_values_of_the_instant_asked() -> None:
    goals, _ = history()
    assert goals.progress(T0 - DAY) == {1: 0.0}
    assert goals.progress(T0 + DAY) == {1: 0.4}
    assert goals.progress(T0 + 3 * DAY) == {1: 0.8}
