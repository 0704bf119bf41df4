"""Goals in German and Spanish: replies, cards, forms and their errors, a notice to an owner in
the owner's own language, and the quarter's nudges in each recipient's."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.core.events import FormSubmitted
from bot.core.messages import Card, Form, Text
from bot.core.outcome import Outcome
from bot.goals.scheduled import ScheduledGoals
from storage.db import Database
from storage.models import Objective
from tests.bot.org_world import World, seed_world

_forms = itertools.count()


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    world = await seed_world(
        sqlite_db,
        {
            "ada": ("Ada Admin", None, True, None),
            "mia": ("Mia Manager", None, False, "Growth"),
            "ben": ("Ben Report", "mia", False, "Growth"),
        },
    )
    await world.speak({"ben": "de", "mia": "es"})
    return world


async def objective_id(world: World, title: str) -> int:
    async with world.database.session() as session:
        found = (await session.exec(select(Objective).where(Objective.title == title))).one()
    return found.id or 0


async def submit(world: World, name: str, form_id: str, values: dict[str, str]) -> Outcome:
    event = FormSubmitted(world.actor(name), form_id, values, f"lf{next(_forms)}")
    return await world.engine.handle(event)


def last_card(world: World, name: str) -> Card:
    cards = [m for m in world.messages_to(name) if isinstance(m, Card)]
    assert cards, f"no card sent to {name}"
    return cards[-1]


def last_form(world: World, name: str) -> Form:
    forms = [m for m in world.messages_to(name) if isinstance(m, Form)]
    assert forms, f"no form sent to {name}"
    return forms[-1]


async def test_objectives_and_key_results_in_german_with_german_numbers(world: World) -> None:
    await world.say("ben", 'goals add "Umsatz steigern"')
    number = await objective_id(world, "Umsatz steigern")
    assert world.last("ben") == (
        f"Hinzugefügt: #{number} „Umsatz steigern“, ein persönliches Ziel für 2026-Q1, noch "
        f'nirgends ausgerichtet. Gib ihm Key Results: goals kr #{number} "New MRR" from 10000 '
        "to 20000 USD"
    )
    await world.say("ben", f'goals kr #{number} "Neuer MRR" from 10000 to 20000,5 USD')
    assert world.last("ben") == (
        f"Key Result „Neuer MRR“ zu #{number} „Umsatz steigern“ hinzugefügt, von 10.000 USD auf "
        "20.000,5 USD."
    )
    await world.say("ben", f'goals kr #{number} "Ladezeit" from 650 to 300 ms')
    assert "von 650 ms auf 300 ms oder weniger." in world.last("ben")
    await world.say("ben", f"goals kr #{number} Aktivierung from 20% to 40%")
    assert world.last("ben").endswith("hinzugefügt, von 20 % auf 40 %.")

    await world.say("ben", "goals")
    card = last_card(world, "ben")
    assert card.title == "Deine Ziele, 2026-Q1"
    assert card.footer == "Schreib checkin now, um sie zu aktualisieren."
    statuses = [field.value for field in card.sections[0].fields]
    assert "10.000 USD von 20.000,5 USD · 0 % · kein Status" in statuses
    assert "650 ms, Zielwert 300 ms oder weniger · 0 % · kein Status" in statuses


async def test_mistakes_are_named_in_the_persons_language(world: World) -> None:
    await world.say("ben", "goals archive")
    assert world.last("ben") == "Nenn ein Ziel mit seiner Nummer: goals archive #12"
    await world.say("ben", "goals align 3 over 4")
    assert world.last("ben") == "Schreib goals align #12 under #3 (oder under none)."
    await world.say("mia", "goals edit #99")
    assert world.last("mia") == "Aquí no hay ningún objetivo #99. Escribe goals tree para verlos."
    await world.say("mia", 'goals add "Crecer" for 2026-Q9')
    assert world.last("mia") == "“2026-Q9” no es un trimestre; escríbelo como 2027-Q1."
    await world.say("ben", 'goals add "Für alle" level company')
    assert world.last("ben").startswith("Unternehmensziele setzen nur Admins.")


async def test_a_manager_writing_for_a_report_each_reads_their_own_language(
    world: World,
) -> None:
    await world.say("mia", 'goals add "Aprender SQL" owner ben')
    number = await objective_id(world, "Aprender SQL")
    assert world.last("mia").startswith(
        f"Añadido #{number} “Aprender SQL”: un objetivo personal para 2026-Q1, a cargo de "
        "Ben Report, aún sin alinear. Dale resultados clave:"
    )
    assert world.last("ben") == (
        f"Mia Manager hat ein Ziel für dich angelegt: #{number} „Aprender SQL“ (2026-Q1). "
        "Schreib goals, um deine zu sehen."
    )
    # And the other way round: Ada writes in English, Ben still reads German.
    await world.say("ada", 'goals add "Lerne Go" owner ben')
    assert world.last("ada").startswith("Added #")
    assert world.last("ben").startswith("Ada Admin hat ein Ziel für dich angelegt:")


async def test_the_goal_form_and_its_errors_in_spanish(world: World) -> None:
    await world.say("mia", "goals add")
    form = last_form(world, "mia")
    assert (form.title, form.submit_label) == ("Nuevo objetivo", "Guardar")
    labels = {field.key: field.label for field in form.fields}
    assert labels["title"] == "Objetivo"
    assert labels["n1_title"] == "Nuevo resultado clave 1: título"
    levels = {c.value: c.label for c in next(f for f in form.fields if f.key == "level").choices}
    assert levels == {"person": "Personal", "team": "Equipo"}  # Mia manages; no company ones
    direction = next(f for f in form.fields if f.key == "n1_direction")
    assert [c.label for c in direction.choices] == ["Más alto es mejor", "Más bajo es mejor"]

    sent = await submit(
        world,
        "mia",
        form.form_id,
        {
            "title": "",
            "n1_title": "Ventas",
            "n1_start": "10",
            "n1_target": "5",
            "n1_direction": "higher",
        },
    )
    assert sent.form_errors == {
        "title": "Ponle un título.",
        "n1_target": "Más alto es mejor, así que la meta debe quedar por encima del valor "
        "inicial (10).",
    }
    sent = await submit(
        world, "mia", form.form_id, {"title": "Vender más", "n1_title": "Ventas", "n1_target": "5"}
    )
    number = await objective_id(world, "Vender más")
    assert len(sent.replies) == 1 and isinstance(sent.replies[0], Text)
    assert sent.replies[0].text.endswith(" Resultados clave: 1 añadido.")
    assert f"#{number} “Vender más”" in sent.replies[0].text


async def test_archive_tree_and_close_in_spanish_with_spanish_grades(world: World) -> None:
    await world.say("ada", 'goals add "Win the mid-market" level company')
    company = await objective_id(world, "Win the mid-market")
    await world.say("mia", f'goals add "Crecer" under #{company}')
    mine = await objective_id(world, "Crecer")
    await world.say("mia", f"goals kr #{mine} Ventas from 0 to 10")

    await world.say("mia", f"goals archive #{company}")
    assert "solo los administradores lo cambian" in world.last("mia")
    await world.say("mia", "goals tree")
    tree = last_card(world, "mia")
    assert tree.title == "Objetivos, 2026-Q1"
    assert tree.sections[1].title.endswith(f"#{mine} Crecer (personal, Mia Manager) ░░░░░░░░░░ 0 %")
    assert tree.footer == "goals align #ID under #PARENT alinea uno; goals add añade uno."

    await world.say("ada", f"goals archive #{company}")
    assert world.last("ada").endswith(
        "1 objective is aligned under it: goals align moves them."
    )  # Ada reads English

    await world.say("mia", "goals close")
    form = last_form(world, "mia")
    assert form.title == "Cerrar 2026-Q1"
    assert form.submit_label == "Cerrar el trimestre"
    carry = next(f for f in form.fields if f.key.endswith("_carry"))
    assert carry.label == f"¿Pasar #{mine} “Crecer” a 2026-Q2? (o archivarlo)"
    grade = next(f for f in form.fields if f.key.endswith("_grade"))
    values = {grade.key: "0,7"}
    sent = await submit(world, "mia", form.form_id, values)
    assert sent.replies[0] == Text(f"2026-Q1 cerrado:\n- #{mine} “Crecer”: nota 0,70")
    await world.say("mia", "goals close 2026-Q1")
    assert world.last("mia") == "No te quedan objetivos de 2026-Q1 por cerrar."
    await world.say("mia", "goals close")
    assert world.last("mia") == "No te quedan objetivos de 2026-Q1 o 2025-Q4 por cerrar."


async def test_the_quarters_nudges_speak_each_recipients_language(world: World) -> None:
    await world.say("ada", 'goals add "Win the mid-market" level company')
    await world.say("ben", 'goals add "Umsatz steigern"')
    await world.say("mia", 'goals add "Crecer"')
    nudges = ScheduledGoals(world.engine)
    world.clock.current = datetime(2026, 3, 25, 10, 0, tzinfo=UTC)
    assert await nudges.send_due(world.clock.now()) == 3
    assert world.to("ben")[-2].startswith(
        "2026-Q1 endet am Dienstag, 31. März. Schließ deine Ziele ab:"
    )
    assert last_form(world, "ben").title == "2026-Q1 abschließen"
    assert world.to("mia")[-2].startswith("2026-Q1 termina el martes 31 de marzo. Cierra tus")
    assert last_form(world, "mia").title == "Cerrar 2026-Q1"
    assert world.to("ada")[-2].startswith("2026-Q1 ends on Tuesday 31 March. Close your")

    world.clock.current = datetime(2026, 4, 1, 10, 0, tzinfo=UTC)
    await world.say("ada", 'goals add "Q2 company goal" for 2026-Q2 level company')
    assert await nudges.send_due(world.clock.now()) == 2
    assert world.last("ben").startswith("2026-Q2 hat begonnen und du hast noch keine Ziele dafür.")
    assert world.last("mia").startswith("2026-Q2 ha comenzado y aún no tienes objetivos")


async def test_goals_help_in_german(world: World) -> None:
    await world.say("ben", "goals help")
    said = world.last("ben")
    assert "ein Ziel ändern, archivieren oder ausrichten" in said
    assert "das Quartal abschließen: Endwerte, Bewertungen, was du gelernt hast" in said


async def test_the_close_form_shows_numbers_as_the_person_types_them(world: World) -> None:
    await world.say("ben", 'goals add "Umsatz steigern"')
    number = await objective_id(world, "Umsatz steigern")
    await world.say("ben", f'goals kr #{number} "Verträge" from 10 to 40 Stück')
    world.clock.current = datetime(2026, 3, 26, 10, 0, tzinfo=UTC)
    await world.say("ben", "goals close")
    form = last_form(world, "ben")
    fields = {field.key.split("_")[-1]: field for field in form.fields}
    assert fields["final"].label == f"#{number} Verträge: Endwert (Zielwert 40 Stück)"
    assert (fields["final"].initial, fields["grade"].initial) == ("10", "0,0")
    assert fields["grade"].label == "Verträge: Bewertung von 0,0 bis 1,0"
    assert [c.label for c in fields["carry"].choices] == [
        "Nein, es endet hier",
        "Ja, ins nächste Quartal übernehmen",
        "Archivieren (aus den Ansichten)",
    ]
    sent = await submit(
        world, "ben", form.form_id, {fields["grade"].key: "1,5", fields["carry"].key: "no"}
    )
    assert sent.form_errors == {
        fields["grade"].key: "Eine Bewertung ist eine Zahl von 0,0 bis 1,0, etwa 0,7 (oder 70%)."
    }
    values = {field.key: field.initial for field in form.fields}
    sent = await submit(world, "ben", form.form_id, {**values, fields["grade"].key: "0,25"})
    assert sent.replies == [
        Text(f"2026-Q1 abgeschlossen:\n- #{number} „Umsatz steigern“: Bewertung 0,25")
    ]
