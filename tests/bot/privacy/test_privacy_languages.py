"""The privacy rules' words in German and Spanish: a round's groups and the reasons its close
hides one are stored in English (names are what `pulse results team …` matches), and are said
in the reader's language by bot.privacy.said; English, and anything unknown, as stored."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.i18n import speaking
from bot.privacy.disclosures import ledger_guard
from bot.privacy.pulse_groups import EVERYONE, decide_groups, round_groups, too_few_asked
from bot.privacy.pulse_slices import TOO_FEW, Guard
from bot.privacy.said import group_name_said, reason_said
from storage.models import Person

# Ada manages Mo; Mo's org is team Core (3 people) and Ops has 2: with k=3, Ops is too small.
PEOPLE = {
    1: Person(id=1, tenant_id="t", email="ada@x.com", name="Ada A", is_admin=True),
    2: Person(id=2, tenant_id="t", email="mo@x.com", name="Mo M", manager_id=1),
    **{
        n: Person(id=n, tenant_id="t", email=f"c{n}@x.com", team="Core", manager_id=2)
        for n in (10, 11, 12)
    },
    20: Person(id=20, tenant_id="t", email="o20@x.com", team="Ops", manager_id=1),
    21: Person(id=21, tenant_id="t", email="o21@x.com", team="Ops", manager_id=1),
}
AUDIENCE = {2, 10, 11, 12, 20, 21}


def groups() -> dict[str, Any]:
    return round_groups({"kind": "everyone"}, AUDIENCE, PEOPLE, k=3)


@pytest.mark.parametrize(
    ("language", "names"),
    [
        ("en", {EVERYONE: "everyone", "team:Core": "team Core", "org:2": "Mo's org"}),
        ("de", {EVERYONE: "alle", "team:Core": "Team Core", "org:2": "Bereich von Mo"}),
        ("es", {EVERYONE: "todos", "team:Core": "equipo Core", "org:2": "organización de Mo"}),
    ],
)
def test_group_names_are_stored_in_english_and_said_in_the_readers_language(
    language: str, names: dict[str, str]
) -> None:
    with speaking(language):
        stored = groups()
        said = {g: group_name_said(stored[g]["name"]) for g in names}
    assert said == names
    assert stored["team:Core"]["name"] == "team Core"  # what `pulse results team Core` matches
    with speaking("de"):
        assert group_name_said("the night shift") == "the night shift"


def test_the_reasons_a_close_hides_a_group_said_in_german_and_spanish() -> None:
    decided = decide_groups(groups(), [], k=3)
    stored = decided["team:Ops"]["reason"]
    assert stored == too_few_asked(3)
    assert stored.startswith("fewer than 3 people were asked")
    with speaking("de"):
        assert reason_said(stored) == (
            "weniger als 3 Personen wurden befragt, daher können weder ihre Antworten noch die "
            "Zahl der Antworten gezeigt werden"
        )
        assert reason_said(decided[EVERYONE]["reason"]) == (
            "nicht genug Antworten, um sie anonym zu halten"
        )
        assert reason_said(None) == "nicht genug Antworten, um sie anonym zu halten"
    with speaking("es"):
        assert reason_said(stored).startswith("se consultó a menos de 3 personas")
        assert reason_said(TOO_FEW) == "no hay suficientes respuestas para mantenerlas anónimas"
    assert reason_said(stored) == stored


def test_the_subtraction_and_ledger_reasons_keep_their_threshold() -> None:
    core = frozenset({"10", "11", "12", "13", "14", "15"})
    guard = Guard(5)
    guard.show(core)
    subtracted = guard.why_hidden(core | {"16"})
    ledger = ledger_guard([core], 5).why_hidden(core | {"16", "17"})
    assert subtracted is not None and ledger is not None
    with speaking("de"):
        assert reason_said(subtracted) == (
            "ausgeblendet: Neben den anderen gezeigten Ergebnissen würde es die Antworten von "
            "weniger als 5 Personen erkennbar machen"
        )
        assert "um weniger als 5 Personen" in reason_said(ledger)
    with speaking("es"):
        assert reason_said(subtracted).endswith("aislaría las respuestas de menos de 5 personas")
        assert reason_said(ledger).startswith(
            "oculto: las personas consultadas difieren en menos de 5"
        )
        assert reason_said("a reason from elsewhere") == "a reason from elsewhere"
