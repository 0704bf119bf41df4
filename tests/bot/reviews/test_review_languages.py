"""Reviews in each reader's language: Ana reads German, Mo (her manager) Spanish, everyone else
English. What a person does is answered in theirs; what reaches someone else (a cycle's start, a
submitted self review, peers named or chosen, a shared review, an acknowledgement, a reminder)
in the recipient's. The default questions are translated; an org's own questions are not."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from app.scheduling import build_scheduler
from bot.core.events import FormSubmitted
from bot.core.messages import Card, Form
from storage.db import Database
from tests.bot.org_world import World, seed_world

_events = itertools.count()
START = 'start "Q1 2026" from 2026-01-01 to 2026-03-31 self manager peer due 2026-03-20'
ANSWERS = {
    "delivery": "4",
    "collaboration": "5",
    "craft": "3",
    "growth": "4",
    "went_well": "das Importmodul",
    "to_grow": "mehr aufschreiben",
    "_state": "submit",
}


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    world = await seed_world(
        sqlite_db,
        {
            "ada": ("Ada Admin", None, True, None),
            "mo": ("Mo Manager", None, False, "Growth"),
            "ana": ("Ana Lopez", "mo", False, "Growth"),
            "ben": ("Ben Peer", "mo", False, "Growth"),
            "cy": ("Cy Peer", "mo", False, "Growth"),
            "dee": ("Dee Peer", "mo", False, "Growth"),
        },
    )  # Monday 2 March 2026, 10:00 UTC
    await world.speak({"ana": "de", "mo": "es"})
    return world


def last_form(world: World, who: str) -> Form:
    form = world.messages_to(who)[-1]
    assert isinstance(form, Form), form
    return form


async def submit(world: World, who: str, form: Form, values: dict[str, str]) -> None:
    await world.engine.handle(
        FormSubmitted(world.actor(who), form.form_id, values, f"l{next(_events)}")
    )


async def test_a_cycle_starts_in_each_members_language(world: World) -> None:
    await world.command("ada", "review", START)
    assert world.to("ada")[-2] == (
        "Started “Q1 2026” for 6 people: self reviews, manager reviews and peer reviews, "
        "due Fri 20 Mar."
    )
    [ana] = world.to("ana")
    assert ana.startswith("Die Review-Runde „Q1 2026“ hat begonnen.\n")
    assert "Deine Selbsteinschätzung ist am Fr. 20. März fällig" in ana
    assert (
        "Nenne die Peers, die dich bewerten sollen (drei oder mehr): review peers @a @b @c" in ana
    )
    [mo] = world.to("mo")
    assert mo.startswith("El ciclo de evaluación “Q1 2026” ha comenzado.\n")
    assert "Tu autoevaluación vence el vie 20 mar" in mo
    assert "Evaluarás a Ana Lopez, Ben Peer, Cy Peer y Dee Peer cuando lleguen" in mo
    assert world.to("ben")[-1].startswith("The review cycle “Q1 2026” has started.")


async def test_a_self_review_in_german_tells_the_manager_in_spanish(world: World) -> None:
    await world.command("ada", "review", START)
    await world.command("ana", "review", "self")
    record, form = world.messages_to("ana")[-2:]
    assert isinstance(record, Card) and record.title == "Deine Bilanz für „Q1 2026“"
    assert [s.title for s in record.sections][:3] == ["Key Results", "Check-ins", "Erfolge"]
    assert isinstance(form, Form) and form.title == "Selbsteinschätzung"
    labels = {f.key: f.label for f in form.fields}
    assert labels["delivery"] == "Ergebnisse: erledigt die richtigen Dinge"
    assert labels["went_well"] == "Was lief gut?"
    delivery = next(f for f in form.fields if f.key == "delivery")
    assert [c.label for c in delivery.choices][2] == "3 solide"
    assert [c.value for c in delivery.choices] == ["1", "2", "3", "4", "5"]
    assert form.submit_label == "Speichern"

    short = {"went_well": "halb", "_state": "submit"}
    outcome = await world.engine.handle(
        FormSubmitted(world.actor("ana"), form.form_id, short, f"l{next(_events)}")
    )
    assert outcome.form_errors["delivery"] == (
        "Beantworte das, um einzureichen, oder behalte das Review als Entwurf."
    )
    await submit(world, "ana", form, ANSWERS)
    assert world.last("ana") == (
        "Selbsteinschätzung eingereicht. Deine Führungskraft kann sie jetzt lesen."
    )
    assert world.last("mo") == (
        "Ana Lopez envió su autoevaluación: review manager ana@x.com para escribir la tuya."
    )


async def test_peers_are_asked_and_the_review_shared_in_their_languages(world: World) -> None:
    await world.command("ada", "review", START)
    await world.command("ana", "review", "self")
    await submit(world, "ana", last_form(world, "ana"), ANSWERS)
    await world.command("ana", "review", "peers <@U_BEN> <@U_CY> <@U_DEE>")
    assert world.last("ana") == (
        "Ben Peer, Cy Peer und Dee Peer genannt. Als Nächstes gibt Mo Manager sie frei."
    )
    assert world.last("mo").startswith(
        "Ana Lopez ha nombrado a Ben Peer, Cy Peer y Dee Peer como compañeros"
    )
    await world.command("mo", "review", "peers ana@x.com approve")
    assert world.last("mo") == "Ben Peer, Cy Peer y Dee Peer evaluarán a Ana Lopez."
    assert world.last("ben") == (
        "Please review Ana Lopez as a peer: review peer ana@x.com opens the questions."
    )
    for peer in ("ben", "cy", "dee"):
        await world.command(peer, "review", "peer ana@x.com")
        form = last_form(world, peer)
        assert form.title == "Peer review of Ana Lopez"
        assert form.fields[0].label == "Delivery: gets the right things done"
        await submit(world, peer, form, ANSWERS)

    await world.command("mo", "review", "manager ana@x.com")
    titles = [m.title for m in world.messages_to("mo")[-4:] if isinstance(m, Card | Form)]
    assert titles == [
        "Historial de Ana Lopez para “Q1 2026”",
        "Autoevaluación de Ana Lopez",
        "Evaluaciones de compañeros",
        "Tu evaluación de Ana Lopez",
    ]
    await submit(world, "mo", last_form(world, "mo"), ANSWERS)
    await world.command("mo", "review", "share ana@x.com")
    assert world.last("mo") == "Compartiste tu evaluación con Ana Lopez."
    card, peers, ack = world.messages_to("ana")[-3:]
    assert isinstance(card, Card) and card.title == "Review von Mo Manager über dich für „Q1 2026“"
    assert card.sections[0].fields[0].label == "Ergebnisse: erledigt die richtigen Dinge"
    assert isinstance(peers, Card) and peers.title == "Peer-Reviews"
    assert sorted(s.title for s in peers.sections) == ["Peer 1", "Peer 2", "Peer 3"]
    assert ack.fallback_text().startswith("review ack, gern mit einem Kommentar")

    await world.command("ana", "review", "ack danke, fair")
    assert world.last("ana") == "Danke: deine Führungskraft weiß, dass du es gelesen hast."
    assert world.last("mo") == "Ana Lopez leyó y confirmó tu evaluación. Comentó: danke, fair"

    await world.command("mo", "review", "status")
    status = world.messages_to("mo")[-1]
    assert isinstance(status, Card) and status.title == "Evaluaciones"
    ana = next(f.value for f in status.sections[0].fields if f.label == "Ana Lopez")
    assert ana == (
        "autoevaluación: enviada · compañeros: 3 de 3 respondieron · "
        "evaluación del responsable: compartida y confirmada"
    )
    assert status.sections[0].text == "Vence el vie 20 mar."


async def test_reminders_are_written_in_each_recipients_language(world: World) -> None:
    await world.command("ada", "review", START)
    await world.command("ben", "review", "peers <@U_CY> <@U_DEE> <@U_ANA>")
    scheduler = build_scheduler(world.engine, 1)
    sent = {who: len(world.to(who)) for who in ("ana", "ben", "mo")}

    world.clock.current = datetime(2026, 3, 19, 10, 0, tzinfo=UTC)  # two days before the end
    await scheduler.run_until_idle()
    await scheduler.run_until_idle()
    assert world.to("ana")[sent["ana"] :] == [
        "Fällig am 2026-03-20 in „Q1 2026“, noch zu tun:\n"
        "- deine Selbsteinschätzung: review self\n"
        "- nenne deine Peers: review peers @a @b @c"
    ]
    assert world.to("ben")[sent["ben"] :] == [
        "Due 2026-03-20 in “Q1 2026”, still to do:\n- your self review: review self"
    ]
    [mos] = world.to("mo")[sent["mo"] :]
    assert mos.startswith("Vence el 2026-03-20 en “Q1 2026”, aún pendiente:\n")
    assert "- los compañeros que nombró Ben Peer: review peers ben@x.com approve" in mos

    world.clock.current = datetime(2026, 3, 23, 8, 0, tzinfo=UTC)  # the due date passed
    await scheduler.run_until_idle()
    [due] = [t for t in world.to("mo") if t.startswith("“Q1 2026” ha vencido")]
    assert "- Ana Lopez: review manager ana@x.com" in due


async def test_an_orgs_own_questions_stay_in_its_words(world: World) -> None:
    await world.command("ada", "review", 'template add text "How did the quarter feel?" for self')
    await world.command("ana", "review", "template")
    card = world.messages_to("ana")[-1]
    assert isinstance(card, Card) and card.title == "Review-Vorlage"
    values = {f.label.split()[0]: f.value for f in card.sections[0].fields}
    assert values["craft"] == "Handwerk: die Qualität der Arbeit · self, manager, peer"
    assert values["how_did_the_quarter_feel"] == "How did the quarter feel? · self"
    await world.command("ada", "review", START)
    await world.command("ana", "review", "self")
    labels = {f.key: f.label for f in last_form(world, "ana").fields}
    assert labels["how_did_the_quarter_feel"] == "How did the quarter feel?"
    assert labels["to_grow"] == "Woran willst du als Nächstes wachsen?"
    await world.command("ana", "review", "template reset")
    assert world.last("ana") == "Nur Admins ändern die Review-Vorlage."
    await world.command("mo", "review", 'template add rating "X" for bosses')
    assert world.last("mo") == "Solo los admins cambian la plantilla de evaluación."


async def test_help_and_refusals_in_the_readers_language(world: World) -> None:
    await world.command("ana", "review", "help")
    assert "review self: deine Bilanz des Zeitraums und deine Selbsteinschätzung" in world.last(
        "ana"
    )
    await world.command("mo", "review", START)
    assert world.last("mo") == "Solo los admins inician ciclos de evaluación."
    await world.command("ana", "review", "status")
    assert world.last("ana") == "Keine Review-Runde ist offen."
    await world.command("ana", "review", "peers <@U_BEN> <@U_CY>")
    assert world.last("ana") == "Keine offene Review-Runde sieht Peers für dich vor."
    await world.command("ada", "review", START)
    await world.command("ana", "review", "peers <@U_BEN> <@U_CY>")
    assert world.last("ana") == (
        "Nenne mindestens 3 Peers: weniger Antworten werden ohne Namen nicht gezeigt."
    )
    await world.command("mo", "review", "manager ana@x.com")
    assert world.last("mo") == (
        "La autoevaluación de Ana Lopez aún no ha llegado. Puedes escribir la tuya cuando "
        "llegue o después del 2026-03-20."
    )
