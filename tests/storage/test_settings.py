"""An org's settings: typed when read, the same JSON when written back, nothing lost."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.settings import CadenceDefaults, ClosingQuestion, OrgSettings

STORED = {
    "cadence": {"days": "mon,thu", "time": "09:30", "every_weeks": 2, "timezone": "Europe/Berlin"},
    "team_cadence": {"Sales": {"days": "fri"}},
    "holidays": ["2026-12-24", "2026-12-25"],
    "reminder_hours": 3,
    "pulse_k": 7,
    "teams_service_url": "https://smba.example/emea/",
    "checkin_questions": [{"key": "wins", "text": "Wins?", "kind": "text"}],
    "a_later_versions_key": {"kept": True},
}


def test_stored_settings_read_typed_and_write_back_the_same() -> None:
    settings = OrgSettings.read(STORED)
    assert settings.cadence == CadenceDefaults("mon,thu", "09:30", 2, "Europe/Berlin")
    assert settings.team_cadence == {"Sales": CadenceDefaults(days="fri")}
    assert settings.holidays == {"2026-12-24", "2026-12-25"}
    assert (settings.reminder_hours, settings.pulse_k) == (3, 7)
    assert settings.checkin_questions == (ClosingQuestion("wins", "Wins?"),)
    assert settings.written() == STORED


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({}, OrgSettings()),
        ({"cadence": "weekly"}, OrgSettings()),
        ({"cadence": {"every_weeks": "2", "days": 5}}, OrgSettings()),
        ({"holidays": "2026-12-25"}, OrgSettings()),
        ({"holidays": ["2026-12-25", 4]}, OrgSettings(holidays=frozenset({"2026-12-25"}))),
        ({"reminder_hours": "soon"}, OrgSettings()),
        ({"pulse_k": "4"}, OrgSettings(pulse_k=4)),
        ({"pulse_k": True}, OrgSettings()),
        ({"checkin_questions": [{"key": "x"}, "y"]}, OrgSettings()),
    ],
)
def test_a_value_of_the_wrong_shape_counts_as_not_set(
    raw: dict[str, Any], expected: OrgSettings
) -> None:
    assert OrgSettings.read(raw) == expected


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)


@given(st.dictionaries(st.sampled_from([*STORED, "other"]), json_values))
def test_reading_never_fails_and_what_it_writes_reads_back_the_same(raw: dict[str, Any]) -> None:
    settings = OrgSettings.read(raw)
    assert OrgSettings.read(settings.written()) == settings
