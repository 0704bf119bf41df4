"""The words bot.core says itself, in German and Spanish: lists joined with "und" and "y", the
cap on free text, a form's default button and fallback, and the plain-text fallbacks of
questions, charts and answered questions; English as it always was. And through the engine: a
list joined in the language of the person it is said to."""

from __future__ import annotations

import pytest

from bot.core.i18n import speaking
from bot.core.limits import TOO_LONG, too_long_text
from bot.core.messages import Answered, Card, Chart, Choice, Form, Question
from bot.core.words import listed
from storage.db import Database
from tests.bot.org_world import World, seed_world


@pytest.mark.parametrize(
    ("language", "everyone", "either"),
    [
        ("en", "Ana, Ben and Cy", "Q1 or Q2"),
        ("de", "Ana, Ben und Cy", "Q1 oder Q2"),
        ("es", "Ana, Ben y Cy", "Q1 o Q2"),
    ],
)
def test_lists_are_joined_in_the_language_in_force(
    language: str, everyone: str, either: str
) -> None:
    with speaking(language):
        assert listed(["Ana", "Ben", "Cy"]) == everyone
        assert listed(["Q1", "Q2"], "or") == either
        assert listed(["Ana"]) == "Ana"
        assert listed([]) == ""


def test_the_cap_on_free_text_in_each_language() -> None:
    assert too_long_text() == TOO_LONG
    with speaking("de"):
        assert too_long_text() == "Ganz schön lang: Schaffst du es unter 2.000 Zeichen?"
    with speaking("es"):
        assert too_long_text() == "Es largo: ¿puedes dejarlo en menos de 2.000 caracteres?"


def test_a_forms_default_words_are_those_of_when_it_is_made() -> None:
    english = Form("f", "Check-in")
    with speaking("de"):
        german = Form("f", "Check-in")
    with speaking("es"):
        spanish = Form("f", "Check-in", submit_label="Listo")
    assert (english.submit_label, english.fallback) == (
        "Submit",
        "open this check-in in a client that shows forms, or reply here.",
    )
    assert german.submit_label == "Absenden"
    assert german.fallback_text() == (
        "Check-in: öffne diesen Check-in in einer App, die Formulare anzeigt, oder antworte hier."
    )
    assert (spanish.submit_label, spanish.fallback) == (
        "Listo",
        "abre este check-in en una app que muestre formularios, o responde aquí.",
    )


def test_fallback_texts_in_each_language() -> None:
    question = Question("p1", "Wie läuft's?", (Choice("Gut", "good"), Choice("Schlecht", "bad")))
    chart = Chart(b"", "eNPS", "Steigt von 10 auf 30.")
    with speaking("de"):
        assert question.fallback_text() == "Wie läuft's?\nAuswahl: Gut · Schlecht"
        assert Answered(question, "Gut").fallback_text() == "Wie läuft's?\n✓ Deine Antwort: Gut"
        assert chart.caption == "Diagramm: eNPS. Steigt von 10 auf 30."
    with speaking("es"):
        assert Card("Pulso", chart=Chart(b"", "", "Sube.")).fallback_text() == (
            "Pulso\n\nGráfico: Sube."
        )
        assert Answered(question, "Gut").fallback_text().endswith("\n✓ Respondiste: Gut")
    assert question.fallback_text() == "Wie läuft's?\nChoices: Gut · Schlecht"
    assert chart.caption == "Chart: eNPS. Steigt von 10 auf 30."


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    world = await seed_world(
        sqlite_db,
        {"ada": ("Ada Admin", None, True, None), "ben": ("Ben Report", "ada", False, None)},
    )
    await world.speak({"ada": "es", "ben": "de"})
    return world


async def test_a_list_said_through_the_engine_is_joined_in_the_readers_language(
    world: World,
) -> None:
    await world.say("ada", "goals close")
    assert world.last("ada") == "No te quedan objetivos de 2026-Q1 o 2025-Q4 por cerrar."
    await world.say("ben", "goals close")
    assert world.last("ben") == "Du hast keine Ziele für 2026-Q1 oder 2025-Q4 mehr abzuschließen."
