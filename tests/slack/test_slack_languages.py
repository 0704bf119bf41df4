"""Slack's own words in German and Spanish: the buttons, modal labels and notes the renderer adds
are drawn in the language in force, and the adapter puts the person's in force wherever it draws
outside the engine's turn (a slash command's replies, a modal it opens, the submitted modal)."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from adapters.slack.render import (
    FORM_CALLBACK_ID,
    render_message,
    render_modal,
    render_submitted,
    truncate,
)
from bot.core.i18n import speaking
from bot.core.messages import Card, Choice, Form, FormField, Question, Section, Text
from storage.db import Database
from storage.models import Person
from tests.conftest import until
from tests.slack.conftest import Slack, buttons
from tests.slack.payloads import block_action, slash_command, view_submission
from tests.slack.test_slack_checkin_form import state

FORM = Form(
    "f1",
    "",
    (
        FormField("kr", "Weekly signups", kind="number"),
        FormField("who", "Who helped?", kind="people", optional=True),
    ),
    submit_label="",  # the renderer's own label stands in
)


def test_a_modal_is_labelled_in_german() -> None:
    with speaking("de"):
        modal = render_modal(FORM)
        empty = render_modal(Form("f2", "", ()))
    assert (modal["title"]["text"], modal["submit"]["text"], modal["close"]["text"]) == (
        "Check-in",
        "Senden",
        "Abbrechen",
    )
    number, people = (block["element"] for block in modal["blocks"])
    assert number["placeholder"]["text"] == "z. B. 400, 40% oder done"
    assert people["placeholder"]["text"] == "Personen auswählen"
    assert empty["blocks"][0]["text"]["text"] == "Nichts auszufüllen."


def test_buttons_notes_and_cuts_in_spanish() -> None:
    question = Question("p1", "How was the week?", (Choice("Meh", "1"),), offers_form=True)
    many = Card("Team", tuple(Section(f"S{n}", text="x" * 2900) for n in range(60)))
    with speaking("es"):
        labels = [e["text"]["text"] for e in render_message(question)["blocks"][-1]["elements"]]
        opened = render_message(Form("f3", "Nuevo objetivo", ()))
        card = json.dumps(render_message(many), ensure_ascii=False)
        done = render_submitted(Text("Guardado."))
        cut = truncate("a" * 100, 40)
    assert labels == ["Meh", "Rellenar como formulario"]
    assert opened["blocks"][-1]["elements"][0]["text"]["text"] == "Abrir: Nuevo objetivo"
    assert "secciones más no cabían aquí*" in card
    assert done["close"]["text"] == "Listo"
    assert cut.endswith("… (recortado)") and len(cut) == 40


def test_english_is_as_it_was() -> None:
    modal = render_modal(FORM)
    assert (modal["title"]["text"], modal["close"]["text"]) == ("Check-in", "Cancel")
    assert modal["submit"]["text"] == "Submit"
    assert truncate("a" * 100, 40).endswith("… (truncated)")


async def speaks(database: Database, email: str, language: str) -> None:
    async with database.session() as session:
        person = (await session.exec(select(Person).where(Person.email == email))).one()
        person.language = language
        session.add(person)


def view_of(params: dict[str, Any]) -> dict[str, Any]:
    view = params["view"]
    return view if isinstance(view, dict) else json.loads(view)


async def test_the_checkin_form_opened_and_submitted_in_german(slack: Slack) -> None:
    await speaks(slack.database, "alan@example.com", "de")
    await slack.form(slash_command("/checkin", "now", user="U_ALAN"))
    first = await slack.next_post(0)
    # Drawn after the engine's turn, in Alan's language all the same.
    action_id, prompt_id = buttons(first)["Als Formular ausfüllen"]

    await slack.form(block_action(action_id, prompt_id, user="U_ALAN"))
    await until(lambda: bool(slack.api.called("views.open")))
    view = view_of(slack.api.called("views.open")[0].params)
    assert view["close"]["text"] == "Abbrechen"

    typed = {"kr:1:value": "450", "mood": "4"}
    body = view_submission(
        FORM_CALLBACK_ID, view["private_metadata"], state(view, typed), user="U_ALAN"
    )
    status, response = await slack.form(body)
    assert status == 200
    shown = json.loads(response)["view"]
    assert (shown["title"]["text"], shown["close"]["text"]) == ("Check-in", "Fertig")
