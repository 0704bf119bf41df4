"""1:1s in German and Spanish: Mo reads German, Ana Spanish. Each reads the setup, the ask, the
agendas, the nudges before, at and after a meeting, and the stop in their own language, with
days written the way their language writes them ("Di. 3. März", "mar 3 mar")."""

from __future__ import annotations

import pytest

from bot.core.messages import Question
from storage.db import Database
from tests.bot.oneonones.conftest import agenda, cards, tick
from tests.bot.org_world import World, seed_world


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    world = await seed_world(
        sqlite_db,
        {
            "mo": ("Mo Manager", None, False, "Growth"),
            "ana": ("Ana Lopez", "mo", False, "Growth"),
            "pat": ("Pat Peer", None, False, "Growth"),
        },
    )  # Monday 2 March 2026, 10:00 UTC, everyone in UTC
    await world.speak({"mo": "de", "ana": "es"})
    return world


async def set_up(world: World) -> None:
    await world.say("mo", "1on1 with <@U_ANA> every 2 weeks tue 10:00")
    assert world.last("mo") == (
        "Ich habe Ana Lopez gebeten, ein 1:1 alle 2 Wochen am Dienstag um 10:00 (UTC) zu "
        "bestätigen. Ich sage dir Bescheid, sobald eine Antwort kommt."
    )
    [asked] = [m for m in world.messages_to("ana") if isinstance(m, Question)]
    assert asked.text == (
        "Mo Manager te pide un 1:1 cada 2 semanas el martes a las 10:00 (UTC). "
        "El primero sería el mar 3 mar 10:00 (UTC), en tu hora."
    )
    assert [(c.label, c.value) for c in asked.choices] == [
        ("Confirmar", "confirm"),
        ("Rechazar", "decline"),
    ]
    await world.click("ana", asked.prompt_id, "confirm")
    assert world.last("ana") == (
        "Confirmado: un 1:1 con Mo Manager cada 2 semanas el martes; el primero es el "
        "mar 3 mar 10:00 (UTC). Añade un punto a su agenda con 1on1 add mo@x.com …"
    )
    assert world.last("mo") == (
        "Ana Lopez hat dein 1:1 bestätigt: Das erste ist am Di. 3. März 10:00 (UTC). Einen Punkt "
        "für die Agenda fügst du hinzu mit 1on1 add ana@x.com …"
    )


async def test_the_setup_and_the_ask_are_each_in_their_readers_language(world: World) -> None:
    await set_up(world)
    await world.say("mo", "1on1")
    assert world.last("mo") == (
        "Deine 1:1s:\n"
        "Ana Lopez: alle 2 Wochen am Dienstag, nächster Termin: Di. 3. März 10:00 (UTC)"
    )
    await world.say("pat", "1on1 with <@U_ANA> weekly fri 09:00")
    assert world.last("pat").startswith("Asked Ana Lopez to confirm a 1:1 every week on Fri at")
    asked = [m for m in world.messages_to("ana") if isinstance(m, Question)][-1]
    assert asked.text.startswith("Pat Peer te pide un 1:1 cada semana el viernes a las 09:00")


async def test_nudges_before_at_and_after_a_meeting_are_each_in_their_readers_language(
    world: World,
) -> None:
    await set_up(world)
    await world.say("ana", "1on1 add Hablar del roadmap")
    assert world.last("ana").startswith("Añadido #")
    assert world.last("ana").endswith(" a tu 1:1 con Mo Manager el mar 3 mar 10:00 (UTC).")
    await world.say("mo", "1on1 note wirkt gestresst")
    assert world.last("mo") == (
        "Notiert für dein 1:1 mit Ana Lopez am Di. 3. März 10:00 (UTC); nur du siehst es."
    )

    await tick(world)  # a day before: the agenda so far, and a nudge to add points
    assert world.to("mo")[-2] == (
        "Dein 1:1 mit Ana Lopez ist morgen (Di. 3. März 10:00 (UTC)). Die Agenda bisher: Füg "
        "einen Punkt hinzu mit 1on1 add ana@x.com …"
    )
    assert world.to("ana")[-2] == (
        "Tu 1:1 con Mo Manager es mañana (mar 3 mar 10:00 (UTC)). La agenda hasta ahora: añade "
        "un punto con 1on1 add mo@x.com …"
    )
    his, hers = cards(world, "mo")[-1], cards(world, "ana")[-1]
    assert his.title == "1:1 mit Ana Lopez · Di. 3. März 10:00 (UTC)"
    assert hers.title == "1:1 con Mo Manager · mar 3 mar 10:00 (UTC)"
    [(_, author)] = agenda(his)["Gesprächspunkte"]
    assert author == "von Ana Lopez"
    assert agenda(his)["Deine privaten Notizen"] == [("Notiz", "wirkt gestresst")]
    [(_, author)] = agenda(hers)["Temas a tratar"]
    assert author == "de Ana Lopez"
    assert hers.footer is not None and hers.footer.startswith("1on1 add … añade un punto")

    world.clock.advance(days=1)  # Tuesday 10:00: the agenda again
    await tick(world)
    assert world.to("mo")[-2] == (
        "Dein 1:1 mit Ana Lopez beginnt jetzt (Di. 3. März 10:00 (UTC)). Die Agenda bisher:"
    )
    assert world.to("ana")[-2].startswith("Tu 1:1 con Mo Manager empieza ahora")
    world.clock.advance(hours=1)  # after: the prompt for action items
    await tick(world)
    assert world.last("mo").startswith("Wie war dein 1:1 mit Ana Lopez? Halte Vereinbartes")
    assert world.last("ana").startswith("¿Qué tal tu 1:1 con Mo Manager? Anota lo acordado")

    await world.say("mo", "1on1 action <@U_ANA> Entwurf schicken")
    number = world.last("mo").split("#")[1].split()[0]
    assert world.last("mo") == (
        f"Aufgabe #{number} für dein 1:1 mit Ana Lopez: Sie bleibt auf der Agenda bis "
        f"1on1 done {number}."
    )
    await world.say("ana", "1on1 agenda")
    actions = agenda(cards(world, "ana")[-1])["Tareas"]
    assert actions == [(f"#{number} Entwurf schicken", "abierta desde el 3 mar · Mo Manager")]
    await world.say("mo", f"1on1 done {number}")
    assert world.last("mo") == f"Erledigt: Aufgabe #{number} verschwindet von der Agenda."
    await world.say("mo", "1on1 history <@U_ANA>")
    history = cards(world, "mo")[-1]
    assert history.title == "1:1s mit Ana Lopez: das letzte"
    [action] = [f for s in history.sections for f in s.fields if f.label.endswith("schicken")]
    assert action.value == "erledigt am 3. März · Mo Manager"


async def test_a_stop_is_told_to_the_other_person_in_their_language(world: World) -> None:
    await set_up(world)
    await world.say("ana", "1on1 stop <@U_MO>")
    assert world.last("ana") == "Terminaste tu 1:1 con Mo Manager. El historial se conserva."
    assert world.last("mo") == ("Ana Lopez hat euer 1:1 beendet. Der Verlauf bleibt: 1on1 history.")


async def test_help_and_mistakes_are_in_the_readers_language(world: World) -> None:
    await world.say("mo", "1on1 help")
    assert world.last("mo").startswith("1:1s, nur für die beiden Beteiligten sichtbar:\n")
    assert "1on1 stop @ana: ein 1:1 beenden, der Verlauf bleibt" in world.last("mo")
    await world.say("ana", "1on1 with <@U_MO> every 9 weeks tue 10:00")
    assert world.last("ana") == "Un 1:1 se celebra cada 1 a 4 semanas."
    await world.say("ana", "1on1 with nobody@x.com weekly tue 10:00")
    assert world.last("ana").startswith("No conozco a nobody@x.com en esta organización.")
    await world.say("ana", "1on1 add el roadmap")
    assert world.last("ana") == (
        "Aún no tienes ningún 1:1. Crea uno: 1on1 with @ana every 2 weeks tue 10:00"
    )
