"""Pulse surveys in German and Spanish through the engine: the sender's replies in their own
language, each invitee asked (and reminded) in theirs, the bank's questions and options
translated while the answers stay the same values, the close told to the sender in theirs, and
the results card in each language against reviewed golden files.

UPDATE_GOLDEN=1 rewrites the golden files from this run; review the diff by eye before keeping it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from adapters.slack.render import render_message
from adapters.teams.render import render_card
from app.scheduling import build_scheduler
from bot.core.i18n import speaking
from bot.core.messages import Card, Question
from storage.db import Database
from storage.models import Person, SurveyResponse
from tests.bot.org_world import OrgSpec, World, seed_world
from tests.golden import as_json, assert_golden

GOLDEN = Path(__file__).parent / "golden"
IMAGE_PLACEHOLDER = "data:image/png;base64,<PNG>"
PLATFORM = [f"p{n}" for n in range(1, 7)]
PEOPLE: OrgSpec = {
    "ada": ("Ada Admin", None, True, None),
    "mo": ("Mo Manager", None, False, "Leads"),
    **{p: (f"Plat {p}", "mo", False, "Platform") for p in PLATFORM},
    "pat": ("Pat Peer", None, False, None),
}
ENPS = {"p1": "10", "p2": "10", "p3": "9", "p4": "8", "p5": "6", "p6": "3"}


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    world = await seed_world(sqlite_db, PEOPLE)
    await speak(world, mo="de", p1="de", p2="es", pat="es")
    return world


async def speak(world: World, **languages: str) -> None:
    async with world.database.session() as session:
        for person in (await session.exec(select(Person))).all():
            key = person.email.split("@")[0]
            if key in languages:
                person.language = languages[key]
                session.add(person)


async def answer_engagement(world: World, who: str, score: str) -> None:
    """The same comment from everyone: a closed round keeps its responses in a random order."""
    question = world.messages_to(who)[-1]
    assert isinstance(question, Question) and question.total == 4
    await world.click(who, question.prompt_id, score)
    await world.say(who, "4")
    await world.say(who, "5")
    await world.say(who, "More pairing, please")


def question_to(world: World, who: str) -> Question:
    question = world.messages_to(who)[-1]
    assert isinstance(question, Question)
    return question


async def test_each_invitee_is_asked_in_their_own_language(world: World) -> None:
    await world.command("mo", "pulse", "send engagement to team Platform")
    assert world.last("mo").startswith(
        "„Engagement“ (Umfrage 1) an Team Platform gesendet: 6 Personen, offen bis "
        "Do. 5. März 10:00 UTC. Ergebnisse, sobald sie geschlossen ist: pulse results 1."
    )
    german, spanish, english = (question_to(world, who) for who in ("p1", "p2", "p3"))
    assert german.text == (
        "Wie wahrscheinlich ist es, dass du einem Freund empfiehlst, hier zu arbeiten?"
    )
    assert (german.intro or "").startswith("Mo Manager macht eine kurze Pulse-Umfrage")
    assert german.hint == "0 = überhaupt nicht wahrscheinlich, 10 = äußerst wahrscheinlich."
    assert spanish.text == "¿Qué probabilidad hay de que recomiendes trabajar aquí a un amigo?"
    assert "“Compromiso”, 4 preguntas" in (spanish.intro or "")
    assert english.text == "How likely are you to recommend working here to a friend?"
    assert "“Engagement”, 4 questions" in (english.intro or "")

    await world.click("p1", german.prompt_id, "9")
    scale = question_to(world, "p1")
    assert scale.text == "Ich weiß, was bei der Arbeit von mir erwartet wird."
    assert scale.choices[0].label == "1 Stimme gar nicht zu"
    assert [c.value for c in scale.choices] == ["1", "2", "3", "4", "5"]
    await world.say("p1", "7")
    assert world.to("p1")[-2] == "Wähl eine Zahl von 1 bis 5 (oder skip)."
    await world.say("p1", "4")
    await world.say("p1", "5")
    await world.say("p1", "nichts weiter")
    assert world.last("p1") == "Danke! Deine Antworten werden ohne deinen Namen gespeichert."


async def test_the_close_is_told_to_the_sender_in_their_language(world: World) -> None:
    await world.command("mo", "pulse", "send engagement to team Platform")
    for who in PLATFORM:
        await answer_engagement(world, who, ENPS[who])  # p6, in English, closes it
    assert world.to("mo")[-1] == (
        "Die Pulse-Umfrage „Engagement“ (Runde 1) ist geschlossen: 6 haben geantwortet. "
        "Zu den Ergebnissen: pulse results 1"
    )
    assert world.last("p6") == "Thanks! Your answers are stored without your name."


async def test_options_are_shown_translated_and_stored_as_written(world: World) -> None:
    await world.command("mo", "pulse", "send wellbeing to team Platform")
    await world.say("p2", "4")
    choice = question_to(world, "p2")
    assert choice.text == "¿Qué tal tu semana?"
    assert [(c.label, c.value) for c in choice.choices] == [
        ("Genial", "Great"),
        ("Bien", "Good"),
        ("Normal", "Okay"),
        ("Difícil", "Rough"),
    ]
    await world.say("p2", "regular")
    assert world.to("p2")[-2] == "Elige una de estas: Genial, Bien, Normal, Difícil."
    await world.say("p2", "bien")  # typed as shown
    await world.say("p2", "nada")
    assert world.last("p2") == "¡Gracias! Tus respuestas se guardan sin tu nombre."
    async with world.database.session() as session:
        (response,) = (await session.exec(select(SurveyResponse))).all()
    assert response.answers["q2"] == "Good"


async def test_the_reminder_comes_in_each_persons_language(world: World) -> None:
    scheduler = build_scheduler(world.engine, 1)
    await world.command("mo", "pulse", "send engagement to team Platform for 2 days")
    world.clock.advance(days=1)
    await scheduler.run_until_idle()
    assert (question_to(world, "p1").intro or "") == (
        "Zur Erinnerung: Die Pulse-Umfrage „Engagement“ schließt am Mi. 4. März 10:00 UTC. "
        "Sie dauert eine Minute und ist anonym."
    )
    assert (question_to(world, "p2").intro or "") == (
        "Un recordatorio: la encuesta de pulso “Compromiso” cierra el mié 4 mar 10:00 UTC. "
        "Lleva un minuto y es anónima."
    )
    assert (question_to(world, "p3").intro or "").startswith("A reminder: the pulse survey")
    world.clock.advance(days=1)
    await scheduler.run_until_idle()
    assert world.last("mo") == (
        "Die Pulse-Umfrage „Engagement“ (Runde 1) ist geschlossen. "
        "Zu den Ergebnissen: pulse results 1"
    )


@pytest.mark.parametrize(
    ("who", "args", "says"),
    [
        ("pat", "send engagement", "Las encuestas de pulso las pueden enviar admins"),
        ("mo", "send engagement to everyone", "Nur Admins können alle befragen; versuch: to my"),
        ("mo", "send nonsense to my org", "Welche Umfrage? Aus der Sammlung: engagement"),
        ("mo", "send to my org: choice Best day? | Mon", "„Best day?“ braucht 2 bis 10"),
        ("pat", "results", "No hay resultados de encuestas para mostrarte. pulse send inicia"),
    ],
)
async def test_refusals_are_in_the_senders_language(
    world: World, who: str, args: str, says: str
) -> None:
    await world.command(who, "pulse", args)
    assert says in world.last(who)


async def test_pulse_help_in_spanish_keeps_the_command_words(world: World) -> None:
    await world.command("pat", "pulse", "help")
    card = world.messages_to("pat")[-1]
    assert isinstance(card, Card) and card.title == "Encuestas de pulso"
    text = card.fallback_text()
    assert "pulse send engagement: una encuesta ya hecha: engagement, wellbeing o meetings" in text
    assert "Las respuestas son anónimas" in text


async def results_in(world: World, language: str) -> Card:
    await speak(world, mo=language)
    await world.command("mo", "pulse", "results 1")
    card = world.messages_to("mo")[-1]
    assert isinstance(card, Card)
    return card


async def test_results_match_golden_in_each_language(world: World) -> None:
    await world.command("mo", "pulse", "send engagement to team Platform")
    for who in PLATFORM:
        await answer_engagement(world, who, ENPS[who])
    for language in ("en", "de", "es"):
        card = await results_in(world, language)
        assert card.chart is not None
        with speaking(language):
            assert_golden(GOLDEN, f"results.{language}.txt", card.fallback_text() + "\n")
            assert_golden(GOLDEN, f"results.{language}.slack.json", as_json(render_message(card)))
            teams = render_card(card)
        for element in teams["body"]:
            if element.get("type") == "Image":
                element["url"] = IMAGE_PLACEHOLDER
        assert_golden(GOLDEN, f"results.{language}.teams.json", as_json(teams))
    german = (await results_in(world, "de")).fallback_text()
    assert "6 von 6 haben geantwortet (100 %)" in german and "Durchschnitt 4,0 von 5" in german
    spanish = await results_in(world, "es")
    assert spanish.chart is not None and spanish.chart.title == "eNPS por ronda: Compromiso"
    assert "Media 5,0 de 5" in spanish.fallback_text()
