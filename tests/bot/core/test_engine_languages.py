"""The engine's own words in German and Spanish: what routing answers (an unknown command, text
with nothing waiting, a stale button, a greeting), the apology when handling fails, what a
stranger or a guest is told in their platform's language, a check-in started for someone in
theirs, and the language an adapter is told to draw in for each actor."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from sqlmodel import select

from bot.core.events import Actor, ChoiceSelected, CommandInvoked, TextReceived, UserReachable
from bot.core.i18n import current
from bot.core.messages import Card, Message
from bot.core.ports import Recipient
from bot.engine import Engine
from bot.engine.routing import Router
from storage.db import Database
from storage.models import Person
from tests.bot.conftest import Org
from tests.conftest import FakeClock, RecordingOutbox

_ids = itertools.count()


def event_id() -> str:
    return f"lang{next(_ids)}"


async def speaks(database: Database, email: str, language: str) -> None:
    async with database.session() as session:
        person = (await session.exec(select(Person).where(Person.email == email))).one()
        person.language = language
        session.add(person)


def said(outbox: RecordingOutbox) -> str:
    return outbox.texts()[-1]


@pytest.mark.parametrize(
    ("language", "unknown", "nothing"),
    [
        (
            "de",
            "Den Befehl frobnicate kenne ich nicht.",
            "Gerade wartet kein Check-in auf dich. Schreib checkin now, um einen zu starten, "
            "oder help.",
        ),
        (
            "es",
            "No conozco el comando frobnicate.",
            "No tienes ningún check-in pendiente. Escribe checkin now para empezar uno, o help.",
        ),
    ],
)
async def test_routing_answers_in_the_persons_language(
    engine: Engine,
    org: Org,
    outbox: RecordingOutbox,
    sqlite_db: Database,
    language: str,
    unknown: str,
    nothing: str,
) -> None:
    await speaks(sqlite_db, "alan@example.com", language)

    await engine.handle(CommandInvoked(org.alan, "frobnicate", "", event_id()))
    help_card = outbox.last()
    assert isinstance(help_card, Card)
    assert help_card.sections[0].text == unknown

    await engine.handle(TextReceived(org.alan, "the weather is lovely", event_id()))
    assert said(outbox) == nothing


async def test_a_stale_button_and_a_greeting_in_spanish(
    engine: Engine, org: Org, outbox: RecordingOutbox, sqlite_db: Database
) -> None:
    await speaks(sqlite_db, "alan@example.com", "es")

    await engine.handle(ChoiceSelected(org.alan, "no-such-prompt", "yes", event_id()))
    assert said(outbox) == "Ese botón no es para ti o ha caducado."
    await engine.handle(UserReachable(org.alan, event_id()))
    assert said(outbox) == (
        "¡Hola, Alan! Escribe checkin now para tu check-in, goals para tus objetivos, o help."
    )


async def test_english_stays_as_it_was(engine: Engine, org: Org, outbox: RecordingOutbox) -> None:
    await engine.handle(UserReachable(org.alan, event_id()))
    assert said(outbox) == (
        "Hi Alan! Type checkin now for your check-in, goals for your goals, or help."
    )


async def test_a_failure_is_apologised_for_in_german(
    engine: Engine,
    org: Org,
    outbox: RecordingOutbox,
    sqlite_db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await speaks(sqlite_db, "alan@example.com", "de")

    async def broken(self: Router, event: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(Router, "route", broken)
    await engine.handle(TextReceived(org.alan, "hello", event_id()))
    assert said(outbox) == (
        "Entschuldige, bei mir ist etwas schiefgelaufen und nichts wurde gespeichert. "
        "Bitte versuch es noch einmal."
    )


async def test_strangers_hear_their_platforms_language(
    engine: Engine, org: Org, outbox: RecordingOutbox
) -> None:
    guest = Actor("console", "local", "gus@x.com", email="gus@x.com", guest=True, locale="es-MX")
    await engine.handle(TextReceived(guest, "hola", "g1"))
    assert said(outbox).startswith(
        "Los check-ins de aquí son para los miembros de este espacio de trabajo, así que los "
        "invitados no se inscriben."
    )
    nobody = Actor("console", "local", "U-nobody", locale="de-DE")
    await engine.handle(TextReceived(nobody, "hallo", "n1"))
    assert said(outbox) == (
        "Ich kenne U-nobody noch nicht. Bitte deinen Admin, dich in den Org-Import aufzunehmen "
        "(checkin-bot org import)."
    )
    await engine.handle(TextReceived(Actor("console", "local", "U-other"), "hi", "n2"))
    assert said(outbox).startswith("I don't know U-other yet.")


class LanguageOutbox(RecordingOutbox):
    """Records the language in force when each message is sent (and so drawn)."""

    def __init__(self) -> None:
        super().__init__()
        self.languages: list[str] = []

    async def send(self, to: Recipient, message: Message) -> dict[str, Any] | None:
        self.languages.append(current())
        return await super().send(to, message)


async def test_a_checkin_started_for_someone_is_written_and_sent_in_their_language(
    sqlite_db: Database, org: Org, clock: FakeClock
) -> None:
    outbox = LanguageOutbox()
    engine = Engine(sqlite_db, outbox, clock)
    await engine.handle(TextReceived(org.alan, "hello", event_id()))  # links Alan's account
    await speaks(sqlite_db, "alan@example.com", "es")
    outbox.clear()
    outbox.languages.clear()

    prompted = await engine.prompt(org.alan.tenant_id, "alan@example.com")

    assert prompted.sent, prompted.said
    assert outbox.sent and set(outbox.languages) == {"es"}
    assert current() == "en"  # nothing leaks out of the prompt


async def test_the_language_an_adapter_draws_in_for_each_actor(
    engine: Engine, org: Org, sqlite_db: Database
) -> None:
    await engine.handle(TextReceived(org.alan, "hello", event_id()))  # links Alan's account
    assert await engine.language(org.alan) == "en"
    await speaks(sqlite_db, "alan@example.com", "de")
    assert await engine.language(org.alan) == "de"
    assert await engine.language(Actor("teams", "contoso", "29:x", locale="es-ES")) == "es"
    assert await engine.language(Actor("teams", "contoso", "29:y", locale="fr-FR")) == "en"
    assert await engine.language(Actor("slack", "T1", "U1")) == "en"
