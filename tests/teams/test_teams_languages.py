"""Teams' own words in German and Spanish: the labels and notes the card renderer adds are drawn
in the language in force, and the adapter puts the person's in force wherever it draws or
writes outside the engine's turn (the card an invoke is answered with, its own notes), or, for
a turn that failed, their Teams client's."""

from __future__ import annotations

import json
from types import SimpleNamespace

from sqlmodel import select

from adapters.teams.app import TeamsAdapter, TeamsConfig
from adapters.teams.render import render_card, start_checkin_action
from bot.core.i18n import speaking
from bot.core.messages import Card, Choice, Form, FormField, Question, Section
from storage.db import Database
from storage.models import Person
from tests.teams.activities import card_execute, card_submit, message
from tests.teams.conftest import Teams, card_actions

QUESTION = Question(
    "p1", "How was the week?", tuple(Choice(str(n), str(n)) for n in range(1, 4)), offers_form=True
)


def test_a_form_card_is_labelled_in_german() -> None:
    form = Form("f1", "", (FormField("kr", "Signups", kind="number", optional=False),), "")
    with speaking("de"):
        card = render_card(form)
    number = card["body"][1]
    assert card["actions"][0]["title"] == "Senden"
    assert number["placeholder"] == "z. B. 400, 40% oder done"
    assert number["errorMessage"] == "Bitte beantworte diese Frage."


def test_question_and_card_notes_in_spanish() -> None:
    sections = tuple(Section(f"S{n}", text="x" * 1900) for n in range(40))
    with speaking("es"):
        question = render_card(QUESTION)
        card = json.dumps(render_card(Card("Equipo", sections)), ensure_ascii=False)
        start = start_checkin_action()
    assert [action["title"] for action in question["actions"]][-1] == "Rellenar como formulario"
    assert "secciones más no cabían en este mensaje." in card
    assert start["title"] == "Empezar mi check-in"


def test_english_is_as_it_was() -> None:
    assert render_card(QUESTION)["actions"][-1]["title"] == "Fill in as a form"
    assert start_checkin_action()["title"] == "Start my check-in"


async def speaks(database: Database, email: str, language: str) -> None:
    async with database.session() as session:
        person = (await session.exec(select(Person).where(Person.email == email))).one()
        person.language = language
        session.add(person)


async def test_a_click_is_answered_with_a_card_in_the_persons_language(teams: Teams) -> None:
    await speaks(teams.database, "alan@example.com", "es")
    await teams.post(message("checkin now", service_url=teams.connector.url))
    first = await teams.next_message(0)
    same = next(a for a in card_actions(first) if a.get("value") == "same")

    data = {k: v for k, v in same.items() if k != "title"}
    status, body = await teams.post(card_execute(data, service_url=teams.connector.url))

    assert status == 200
    answered = json.dumps(json.loads(body), ensure_ascii=False)
    assert "✓ Respondiste: " in answered


async def test_a_card_it_cannot_read_is_said_in_german(teams: Teams) -> None:
    await speaks(teams.database, "alan@example.com", "de")
    await teams.post(message("hallo", service_url=teams.connector.url))  # links his account
    await teams.next_message(0)
    seen = len(teams.connector.sent)
    await teams.post(card_submit({"checkin": "nonsense"}, service_url=teams.connector.url))
    said = await teams.next_message(seen)
    assert "Diese Karte konnte ich nicht lesen. Nochmal versuchen?" in said


class Context:
    """What botbuilder hands a failed turn: the activity, and a way to answer it."""

    def __init__(self, locale: str) -> None:
        self.activity = SimpleNamespace(locale=locale)
        self.sent: list[str] = []

    async def send_activity(self, activity: object) -> None:
        self.sent.append(str(getattr(activity, "text", "")))


async def test_a_failed_turn_is_apologised_for_in_the_clients_language(
    sqlite_db: Database,
) -> None:
    adapter = TeamsAdapter(TeamsConfig(), sqlite_db)
    spanish, unknown = Context("es-ES"), Context("fr-FR")
    await adapter._on_error(spanish, RuntimeError("boom"))
    await adapter._on_error(unknown, RuntimeError("boom"))
    assert spanish.sent == ["Lo siento, algo salió mal. Inténtalo de nuevo."]
    assert unknown.sent == ["Sorry, something went wrong. Please try again."]
