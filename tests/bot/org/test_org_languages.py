"""Managers and teams in German and Spanish: the person acting reads their own language, and
everyone a change concerns is told in theirs (the person, the new manager, the one they leave,
and the manager asked to confirm, buttons and all)."""

from __future__ import annotations

import pytest

from bot.core.messages import Card, Question
from storage.db import Database
from storage.models import Person
from tests.bot.org_world import OrgSpec, World, seed_world

# Ben leads Cy, who leads Ana; Ada is the admin; Dan and Eve are peers with no manager.
PEOPLE: OrgSpec = {
    "ada": ("Ada Admin", None, True, None),
    "ben": ("Ben Boss", None, False, "Growth"),
    "cy": ("Cy Lead", "ben", False, "Growth"),
    "ana": ("Ana Ames", "cy", False, "Growth"),
    "dan": ("Dan Dev", None, False, None),
    "eve": ("Eve Peer", None, False, "Platform"),
}


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    world = await seed_world(sqlite_db, PEOPLE)
    # Ada and Cy read German, Ana and Dan Spanish, Eve German; Ben keeps English.
    await speak(world, ada="de", cy="de", ana="es", dan="es", eve="de")
    return world


async def speak(world: World, **languages: str) -> None:
    async with world.database.session() as session:
        for key, language in languages.items():
            person = await session.get(Person, world.ids[key])
            assert person is not None
            person.language = language
            session.add(person)


def question_to(world: World, key: str) -> Question:
    asked = [m for m in world.messages_to(key) if isinstance(m, Question)]
    assert asked, f"no question for {key}"
    return asked[-1]


async def test_an_admin_sets_a_manager_and_each_person_is_told_in_their_language(
    world: World,
) -> None:
    await world.say("ada", "org manager <@U_ANA> is <@U_BEN>")
    assert world.last("ada") == "Erledigt: Ana Ames berichtet jetzt an Ben Boss (vorher: Cy Lead)."
    assert world.last("ana") == "Ada Admin definió a tu responsable: dependes de Ben Boss."
    assert world.last("ben") == "Ada Admin set Ana Ames to report to you."
    assert world.last("cy") == "Ana Ames berichtet nicht mehr an dich (Ada Admin hat das geändert)."


async def test_a_loop_and_an_unknown_person_are_explained_in_the_admins_language(
    world: World,
) -> None:
    await world.say("ada", "org manager <@U_BEN> is <@U_ANA>")
    assert world.last("ada") == (
        "Ana Ames berichtet an Ben Boss (über Cy Lead), also kann Ben Boss nicht an Ana Ames "
        "berichten: Das wäre eine Schleife."
    )
    await world.say("ada", "org manager nobody@x.com is <@U_ANA>")
    assert world.last("ada").startswith(
        "Ich kenne nobody@x.com in dieser Organisation nicht. Erwähne die Person"
    )
    await world.say("ana", "org manager <@U_DAN> is <@U_EVE>")
    assert world.last("ana").startswith("Solo los admins cambian responsables y equipos.")


async def test_a_team_change_is_told_in_the_persons_language(world: World) -> None:
    await world.say("ada", "org team <@U_DAN> Platform")
    assert world.last("ada") == "Erledigt: Dan Dev ist jetzt im Team Platform."
    assert world.last("dan") == "Ada Admin te puso en el equipo Platform."
    await world.say("ada", "org team <@U_DAN> none")
    assert world.last("ada") == "Erledigt: Dan Dev ist jetzt in keinem Team (vorher: Platform)."
    assert world.last("dan") == "Ada Admin te sacó de tu equipo: ahora no estás en ningún equipo."


async def test_the_manager_asked_reads_the_question_and_buttons_in_their_language(
    world: World,
) -> None:
    await world.say("ana", "my manager is <@U_EVE>")
    assert world.last("ana") == (
        "Le pedí a Eve Peer que confirme que es tu responsable. Te avisaré cuando responda."
    )
    asked = question_to(world, "eve")
    assert asked.text == "Ana Ames (ana@x.com) gibt dich als Führungskraft an. Stimmt das?"
    assert [(c.label, c.value) for c in asked.choices] == [
        ("Bestätigen", "confirm"),
        ("Ablehnen", "decline"),
    ]
    assert asked.hint == "Oder schreib: my reports confirm ana@x.com (oder decline)."
    await world.click("eve", asked.prompt_id, "confirm")
    assert world.last("eve") == "Bestätigt: Ana Ames berichtet jetzt an dich."
    assert world.last("ana") == "Eve Peer lo confirmó: ahora dependes de Eve Peer."
    assert world.last("cy") == "Ana Ames berichtet nicht mehr an dich, sondern jetzt an Eve Peer."


async def test_a_decline_is_told_to_the_asker_in_their_language(world: World) -> None:
    await world.say("dan", "my manager is <@U_BEN>")
    asked = question_to(world, "ben")
    assert asked.text == "Dan Dev (dan@x.com) says you are their manager. Are you?"
    assert [c.label for c in asked.choices] == ["Confirm", "Decline"]
    await world.say("ben", "my reports decline <@U_DAN>")
    assert world.last("ben") == "Declined: Dan Dev doesn't report to you."
    assert world.last("dan") == "Ben Boss rechazó: no es tu responsable."


async def test_my_card_and_its_help_lines_are_in_the_readers_language(world: World) -> None:
    await world.say("dan", "my")
    [card] = [m for m in world.messages_to("dan") if isinstance(m, Card)]
    assert card.title == "Tú en la organización"
    about, commands = card.sections
    assert [(f.label, f.value) for f in about.fields] == [
        ("Responsable", "sin definir"),
        ("Equipo", "ninguno"),
    ]
    assert commands.title == "Lo que puedes escribir"
    assert ("my manager is @ana", "pedirle a Ana que confirme que es tu responsable") in [
        (f.label, f.value) for f in commands.fields
    ]
    await world.say("ana", "my manager")
    assert world.last("ana") == (
        "Tu responsable: Cy Lead. Para cambiarlo, escribe my manager is @name: se le pedirá que "
        "lo confirme."
    )
    await world.say("cy", "my reports")
    assert world.last("cy") == "An dich berichten: Ana Ames."
