"""Goal arithmetic: progress either way, weighted roll-up through the alignment tree, status."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.goals.cards import goals_card
from bot.goals.progress import (
    alignment_tree,
    format_value,
    progress,
    rollup,
    status_from_confidence,
)
from storage.models import KeyResult, Objective
from tests.seeded import SEEDED_AT


@dataclass
class Obj:
    id: int | None
    parent_id: int | None
    title: str = ""
    weight: float = 1.0


@dataclass
class KR:
    objective_id: int
    start: float
    target: float
    current: float | None
    kind: str = "number"
    weight: float = 1.0
    confidence: int | None = None
    active: bool = True


@pytest.mark.parametrize(
    ("start", "target", "current", "expected"),
    [
        (100, 500, 300, 0.5),
        (100, 500, 50, 0.0),
        (100, 500, 900, 1.0),
        (450, 200, 325, 0.5),
        (450, 200, 500, 0.0),
        (5, 5, 5, 1.0),
        (0, 10, None, 0.0),
    ],
)
def test_progress_is_the_clamped_share_of_the_way(
    start: float, target: float, current: float | None, expected: float
) -> None:
    assert progress("number", start, target, current) == pytest.approx(expected)


def test_binary_key_results_are_all_or_nothing() -> None:
    assert progress("binary", 0, 1, 1) == 1.0
    assert progress("binary", 0, 1, 0) == 0.0


@given(st.floats(-1e9, 1e9), st.floats(-1e9, 1e9), st.floats(-1e9, 1e9))
def test_progress_always_stays_between_zero_and_one(
    start: float, target: float, now: float
) -> None:
    assert 0.0 <= progress("number", start, target, now) <= 1.0


@pytest.mark.parametrize(
    ("confidence", "status"),
    [
        (None, "no status"),
        (1, "off track"),
        (3, "off track"),
        (4, "at risk"),
        (6, "at risk"),
        (7, "on track"),
        (10, "on track"),
    ],
)
def test_status_follows_confidence(confidence: int | None, status: str) -> None:
    assert status_from_confidence(confidence) == status


def test_rollup_weighs_key_results_and_includes_aligned_children() -> None:
    objectives = [Obj(1, None), Obj(2, 1, weight=2), Obj(3, 1)]
    krs = [
        KR(1, 0, 10, 10),  # 100 %
        KR(2, 0, 10, 5, weight=3),
        KR(2, 0, 10, 1),  # (0.5*3 + 0.1) / 4 = 0.4
        KR(3, 0, 10, 0),
        KR(3, 0, 10, 10, active=False),  # inactive ignored: 0
    ]
    totals = rollup(objectives, krs)
    assert totals[2] == pytest.approx(0.4)
    assert totals[3] == pytest.approx(0.0)
    assert totals[1] == pytest.approx((1.0 + 0.4 * 2 + 0.0) / 4)


def test_a_parent_cycle_neither_loops_nor_crashes() -> None:
    objectives = [Obj(1, 2), Obj(2, 1)]
    totals = rollup(objectives, [KR(1, 0, 10, 5)])
    assert set(totals) == {1, 2}
    assert alignment_tree(objectives) == []  # neither is a root
    assert [r.depth for r in alignment_tree([Obj(1, None), Obj(2, 1), Obj(3, 2)])] == [0, 1, 2]


@pytest.mark.parametrize(
    ("kind", "value", "unit", "text"),
    [
        ("number", 1250, "signups", "1,250 signups"),
        ("percent", 40.5, None, "40.5%"),
        ("currency", 3500, "$", "$3,500"),
        ("currency", 3500, "EUR", "3,500 EUR"),
        ("binary", 1, None, "done"),
        ("binary", None, None, "not done"),
        ("number", None, None, "—"),
    ],
)
def test_values_read_naturally(kind: str, value: float | None, unit: str | None, text: str) -> None:
    assert format_value(kind, value, unit) == text


def test_a_key_result_where_lower_is_better_reads_as_a_ceiling() -> None:
    objective = Objective(id=1, tenant_id="t", key="o", title="Fast", period="Q1", owner_id=7,
                          created_at=SEEDED_AT)  # fmt: skip
    common = {"tenant_id": "t", "objective_id": 1, "owner_id": 7, "updated_at": SEEDED_AT}
    latency = KeyResult(id=1, key="l", title="Latency", start=900, target=300, current=650,
                        unit="ms", **common)  # fmt: skip
    churn = KeyResult(id=2, key="c", title="Churn", kind="percent", start=6, target=2, current=4,
                      **common)  # fmt: skip
    text = goals_card([objective], [latency, churn], 7).fallback_text()
    assert "Latency: 650 ms, target 300 ms or less" in text
    assert "Churn: 4%, target 2% or less" in text and "of 2%" not in text
