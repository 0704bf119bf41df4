"""One whole check-in in English, German and Spanish, against reviewed golden files: every
question Alan is asked (with its intro, buttons and hint), a re-ask, and the summary, as plain
text, Slack blocks and a Teams card. UPDATE_GOLDEN=1 rewrites them (review the diff)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from sqlmodel import select

from adapters.slack.render import render_message
from adapters.teams.render import render_card
from bot.core.messages import Message
from bot.engine import Engine
from storage.db import Database
from storage.models import Person
from tests.bot.checkins.test_checkin_flow import say
from tests.bot.conftest import Org
from tests.conftest import RecordingOutbox
from tests.golden import as_json, assert_golden

GOLDEN = Path(__file__).parent / "golden"
# What Alan types, in each language: a value that isn't one, then the key results (the first
# reaches its target: its confidence needs no question), then the closing questions.
REPLIES = {
    "en": (
        "checkin now",
        "lots",
        "1,250.5",
        "no change",
        "same",
        "not yet",
        "9",
        "waiting on the design review",
        "shipped the importer",
        "good",
    ),
    "de": (
        "checkin now",
        "viele",
        "1.250,5",
        "keine Änderung",
        "keine Änderung",
        "noch nicht",
        "9",
        "warte auf das Design-Review",
        "Importer ausgeliefert",
        "gut",
    ),
    "es": (
        "checkin now",
        "muchos",
        "1.250,5",
        "sin cambios",
        "sin cambios",
        "todavía no",
        "9",
        "esperando la revisión de diseño",
        "importador publicado",
        "bien",
    ),
}


async def checkin_in(
    language: str, engine: Engine, org: Org, outbox: RecordingOutbox, database: Database
) -> list[tuple[str, list[Message]]]:
    """Each reply Alan types, with what the bot sends him back."""
    async with database.session() as session:
        alan = (await session.exec(select(Person).where(Person.id == org.alan_id))).one()
        alan.language = language
        session.add(alan)
    exchanges = []
    for reply in REPLIES[language]:
        outbox.clear()
        await say(engine, org.alan, reply)
        exchanges.append((reply, [message for _, message in outbox.sent]))
    return exchanges


@pytest.mark.parametrize("language", ["en", "de", "es"])
async def test_a_whole_checkin_matches_golden(
    language: str,
    engine: Engine,
    org: Org,
    outbox: RecordingOutbox,
    sqlite_db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Prompt ids are random; the buttons carry them. Numbered here, the files stay the same.
    numbers = itertools.count(1)
    monkeypatch.setattr("storage.checkins.new_prompt_id", lambda: f"p_{next(numbers)}")
    exchanges = await checkin_in(language, engine, org, outbox, sqlite_db)
    text = "\n\n".join(
        f"> {reply}\n" + "\n\n".join(message.fallback_text() for message in messages)
        for reply, messages in exchanges
    )
    assert_golden(GOLDEN, f"checkin.{language}.txt", text + "\n")
    slack = [
        {"typed": reply, "sent": [render_message(message) for message in messages]}
        for reply, messages in exchanges
    ]
    assert_golden(GOLDEN, f"checkin.{language}.slack.json", as_json(slack))
    teams = [
        {"typed": reply, "sent": [render_card(message) for message in messages]}
        for reply, messages in exchanges
    ]
    assert_golden(GOLDEN, f"checkin.{language}.teams.json", as_json(teams))
