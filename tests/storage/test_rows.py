"""Rows written many at a time through Core: the same values a record would have written."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storage.insert import row_of
from storage.models import CheckinRun, PendingPrompt

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_row_has_every_column_a_record_would_write_with_the_same_defaults() -> None:
    given = {
        "tenant_id": "slack:T1",
        "person_id": 7,
        "period_label": "2026-03-02",
        "period_start": NOW,
        "period_end": NOW,
        "opened_at": NOW,
    }
    assert row_of(CheckinRun, **given) == CheckinRun(**given).model_dump(exclude={"id"})


def test_a_numbered_key_is_left_to_the_database_and_a_given_key_is_kept() -> None:
    assert "id" not in row_of(
        CheckinRun,
        tenant_id="t",
        person_id=1,
        period_label="x",
        period_start=NOW,
        period_end=NOW,
    )
    prompt = row_of(
        PendingPrompt, id="p_1", tenant_id="t", run_id=1, question_key="k", created_at=NOW
    )
    assert prompt["id"] == "p_1" and prompt["status"] == "waiting" and prompt["round"] == 1


def test_each_row_gets_a_default_of_its_own() -> None:
    first = row_of(
        CheckinRun, tenant_id="t", person_id=1, period_label="x", period_start=NOW, period_end=NOW
    )
    second = row_of(
        CheckinRun, tenant_id="t", person_id=2, period_label="x", period_start=NOW, period_end=NOW
    )
    first["questions"].append({"key": "q1"})
    assert second["questions"] == []


def test_a_required_column_left_out_is_named() -> None:
    with pytest.raises(TypeError, match="created_at, question_key, run_id"):
        row_of(PendingPrompt, id="p_1", tenant_id="t")
