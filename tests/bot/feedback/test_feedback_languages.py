"""Feedback in German and Spanish: each giver is asked in their own language, the requester
and the subject read their notices and cards in theirs, and refusals come in the language of
whoever typed the command. A question the bot wrote is translated for each reader."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.scheduling import build_scheduler
from bot.core.messages import Question
from storage.db import Database
from tests.bot.org_world import OrgSpec, World, seed_world

# Mo (German) manages Rae; Gil reads Spanish, Gus English, Gwen German; Pat reads Spanish.
PEOPLE: OrgSpec = {
    "mo": ("Mo Manager", None, False, None),
    "rae": ("Rae Lead", "mo", False, None),
    "pat": ("Pat Peer", None, False, None),
    "gil": ("Gil Giver", None, False, None),
    "gus": ("Gus Giver", None, False, None),
    "gwen": ("Gwen Giver", None, False, None),
}
LANGUAGES = {"mo": "de", "rae": "de", "pat": "es", "gil": "es", "gwen": "de"}


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    world = await seed_world(sqlite_db, PEOPLE)
    await world.speak(LANGUAGES)
    return world


def question_to(world: World, name: str) -> Question:
    user = f"U_{name.upper()}"
    asked = [m for to, m in world.outbox.sent if to.user == user and isinstance(m, Question)]
    assert asked, f"no question to {name}"
    return asked[-1]


async def test_each_giver_is_asked_in_their_own_language(world: World) -> None:
    await world.command("mo", "feedback", "request @rae from @gil @gus due friday")
    assert "Ich habe Gil Giver, Gus Giver bis " in world.last("mo")
    assert "um Feedback zu Rae Lead gebeten. Du bekommst jede Antwort" in world.last("mo")

    to_gil = question_to(world, "gil")
    assert to_gil.intro is not None
    assert to_gil.intro.startswith("Mo Manager agradecería tu feedback sobre Rae Lead, hasta el ")
    assert "Mo verá tu nombre junto a tus respuestas." in to_gil.intro
    assert to_gil.text == "¿Qué hace bien Rae y debería seguir haciendo?"
    assert to_gil.hint == "Escribe tu respuesta; skip omite esta pregunta."

    to_gus = question_to(world, "gus")
    assert to_gus.intro is not None and "would value your feedback on Rae Lead" in to_gus.intro
    assert to_gus.text == "What is Rae doing well that they should keep doing?"

    await world.say("gil", "Sabe escuchar")
    assert question_to(world, "gil").text == (
        "¿Qué podría hacer Rae de otra manera para tener más impacto?"
    )
    await world.say("gil", "skip")
    assert world.last("gil") == "¡Gracias! Mo verá tu feedback."
    card = world.last("mo")
    assert card.startswith("Feedback zu Rae Lead (#1)")
    assert "Was macht Rae gut und sollte es beibehalten?: Sabe escuchar" in card
    assert "(übersprungen)" in card
    assert "Damit Rae sie lesen kann, schreib feedback share 1." in card


async def test_unasked_feedback_reaches_its_subject_in_their_language(world: World) -> None:
    await world.command("pat", "feedback", "give @gwen")
    asked = question_to(world, "pat")
    assert asked.intro == "Feedback para Gwen Giver. Le llegará con tu nombre."
    assert asked.text == "¿Qué te gustaría decirle a Gwen?"
    await world.say("pat", "Gracias por la ayuda")
    assert world.last("pat") == "¡Gracias! Tu feedback para Gwen va en camino."
    card = world.last("gwen")
    assert card.startswith("Feedback für dich von Pat Peer")
    assert "Was möchtest du Gwen sagen?: Gracias por la ayuda" in card


async def test_sharing_and_the_inbox_speak_each_readers_language(world: World) -> None:
    await world.command("mo", "feedback", "request @rae from @gil")
    await world.say("gil", "Escucha")
    await world.say("gil", "Más foco")
    await world.command("mo", "feedback", "share 1")
    assert world.last("mo") == "Mit Rae Lead geteilt."
    shared = world.last("rae")
    assert shared.startswith("Feedback zu Rae Lead (#1)")
    assert "Was könnte Rae anders machen, um mehr zu bewirken?: Más foco" in shared

    await world.command("mo", "feedback", "inbox")
    inbox = world.last("mo")
    assert inbox.startswith("Feedback-Eingang")
    assert "Nichts: Du bist auf dem neuesten Stand." in inbox
    assert "#1 zu Rae Lead: 1 von 1 geantwortet, 1 gezeigt, geschlossen" in inbox
    await world.command("gil", "feedback", "inbox 1")
    assert "La solicitud #1 no es tuya" in world.last("gil")


async def test_refusals_come_in_the_language_of_whoever_asked(world: World) -> None:
    await world.command("pat", "feedback", "request @rae from @gil")
    assert "Puedes pedir feedback sobre ti o sobre las personas que dependen de ti" in (
        world.last("pat")
    )
    await world.command("pat", "feedback", "request me from @nobody")
    assert world.last("pat") == "No encuentro a nobody: menciona a la persona o usa su correo."
    await world.command("mo", "feedback", "request @rae from <@U_ELSEWHERE>")
    assert world.last("mo") == "U_ELSEWHERE kenne ich noch nicht: Ist die Person im Org-Import?"
    await world.command("mo", "feedback", "request @rae from @gil @gus anonymous")
    assert world.last("mo").startswith("Eine anonyme Anfrage braucht mindestens 3 Personen")
    await world.command("mo", "feedback", "request @rae from @gil due")
    assert world.last("mo") == "Bis wann? Zum Beispiel: due 2026-12-04 oder due friday."


async def test_reminders_and_the_close_are_written_for_each_reader(world: World) -> None:
    scheduler = build_scheduler(world.engine, 1)
    await world.command("mo", "feedback", "request @rae from @gil @gus @gwen anonymous due friday")
    anonymous = question_to(world, "gwen").intro
    assert anonymous is not None
    assert "Anonym: Mo sieht vielleicht, was du schreibst" in anonymous
    assert "Antworten werden gezeigt, sobald mindestens 3 Personen geantwortet haben" in anonymous
    await world.say("gwen", "Gut")
    await world.say("gwen", "Mehr Mut")
    assert world.last("gwen").startswith("Danke! Mo sieht dein Feedback ohne deinen Namen")

    world.clock.current = datetime(2026, 3, 6, 0, 0, tzinfo=UTC)  # a day before it is due
    await scheduler.run_until_idle()
    world.clock.current = datetime(2026, 3, 6, 8, 0, tzinfo=UTC)  # their quiet hours are over
    await scheduler.run_until_idle()
    assert any(t.startswith("Un recordatorio: Mo agradecería tu feedback") for t in world.to("gil"))
    assert any(t.startswith("A reminder: Mo would value your feedback") for t in world.to("gus"))

    world.clock.current = datetime(2026, 3, 7, 0, 0, tzinfo=UTC)  # the due day has ended
    await scheduler.run_until_idle()
    world.clock.current = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)  # Monday: Mo's weekend was quiet
    await scheduler.run_until_idle()
    (closed,) = [t for t in world.to("mo") if "geschlossen" in t]
    assert closed == (
        "Deine anonyme Feedback-Anfrage zu Rae wurde mit 1 Antwort geschlossen: weniger als 3, "
        "daher kann sie nicht gezeigt werden, ohne zu verraten, wer sie geschrieben hat. Sie "
        "wurde ungelesen gelöscht."
    )
