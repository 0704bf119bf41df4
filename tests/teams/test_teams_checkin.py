"""The check-in in Teams, end to end: activities in, Bot Connector calls out."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlmodel import select

from app.config import Settings
from app.export import export_org
from app.server import ENGINE, build_web_app
from storage.db import Database
from storage.models import KeyResult, Person, PlatformIdentity
from tests.conftest import FakeClock, until
from tests.teams.activities import (
    card_execute,
    card_submit,
    conversation_update,
    installation_update,
    message,
    personal_conversation_id,
)
from tests.teams.conftest import TENANT, Teams, card_actions


async def key_results(teams: Teams) -> dict[str, KeyResult]:
    async with teams.database.session() as session:
        return {kr.key: kr for kr in (await session.exec(select(KeyResult))).all()}


async def say(teams: Teams, text: str) -> str:
    seen = len(teams.connector.sent)
    status, _ = await teams.post(message(text, service_url=teams.connector.url))
    assert status in (200, 201)
    return await teams.next_message(seen)


async def test_install_greets_once_and_stores_the_reference(teams: Teams) -> None:
    update = conversation_update(service_url=teams.connector.url)
    assert (await teams.post(update))[0] in (200, 201)
    greeting = await teams.next_message(0)
    assert "Hi Alan" in greeting
    await teams.post(conversation_update(service_url=teams.connector.url))
    await teams.post(message("help", service_url=teams.connector.url))
    await until(lambda: len(teams.connector.sent) == 2)
    assert "Hi Alan" not in teams.texts()[1]  # the second install event did not greet again
    async with teams.database.session() as session:
        identity = (await session.exec(select(PlatformIdentity))).one()
    assert identity.conversation and identity.conversation["serviceUrl"] == teams.connector.url


async def test_a_checkin_by_text_replies_updates_the_key_results(teams: Teams) -> None:
    first = await say(teams, "checkin now")
    assert "Weekly signups" in first
    for reply in ("signups 400, nps 35", "7", "8", "none", "shipped it"):
        await say(teams, reply)
    summary = await say(teams, "4")
    assert "Check-in saved" in summary
    krs = await key_results(teams)
    assert (krs["signups"].current, krs["nps"].current, krs["nps"].confidence) == (400, 35, 8)


async def test_a_checkin_through_the_card_form_updates_the_key_results(teams: Teams) -> None:
    first = await say(teams, "checkin now")
    open_form = next(a for a in card_actions(first) if a.get("checkin") == "open_form")
    seen = len(teams.connector.sent)
    await teams.post(
        card_submit(
            {k: v for k, v in open_form.items() if k != "title"}, service_url=teams.connector.url
        )
    )
    form = await teams.next_message(seen)
    submit = next(a for a in card_actions(form) if a.get("checkin") == "form")
    values = {
        "checkin": "form",
        "form_id": submit["form_id"],
        "kr:1:value": "450",
        "kr:1:confidence": "7",
        "mood": "4",
    }
    seen = len(teams.connector.sent)
    await teams.post(card_submit(values, service_url=teams.connector.url))
    assert "Check-in saved" in await teams.next_message(seen)
    krs = await key_results(teams)
    assert (krs["signups"].current, krs["signups"].confidence) == (450, 7)


async def test_a_card_button_answers_and_the_card_is_updated(teams: Teams) -> None:
    first = await say(teams, "checkin now")
    no_change = next(a for a in card_actions(first) if a.get("value") == "same")
    seen = len(teams.connector.sent)
    status, _ = await teams.post(
        card_execute(
            {k: v for k, v in no_change.items() if k != "title"}, service_url=teams.connector.url
        )
    )
    assert status == 200
    await teams.next_message(seen)
    await until(lambda: bool(teams.connector.updates))
    assert "You answered" in str(teams.connector.updates[0].activity)


async def test_a_proactive_prompt_after_a_restart_uses_the_stored_reference(
    teams: Teams, sqlite_db: Database, clock: FakeClock
) -> None:
    await teams.post(conversation_update(service_url=teams.connector.url))
    await teams.next_message(0)
    # A new server process: nothing in memory, only the database.
    restarted = build_web_app(Settings(teams_requested=True), sqlite_db, clock)[ENGINE]
    result = await restarted.prompt(f"teams:{TENANT}", "alan@example.com")
    assert result.sent and result.said.startswith("sent alan@example.com")
    sent = teams.connector.sent[-1]
    assert "Weekly signups" in json.dumps(sent.activity)
    assert sent.conversation_id == personal_conversation_id("29:alan")


async def test_a_429_from_the_connector_is_retried_and_arrives_once(teams: Teams) -> None:
    teams.connector.fail(3, status=429, retry_after=0.05)
    first = await say(teams, "checkin now")
    assert "Weekly signups" in first
    assert len(teams.connector.sent) == 1


async def test_a_person_who_blocked_the_bot_is_marked_unreachable_and_the_admin_sees_it(
    teams: Teams,
) -> None:
    await teams.post(conversation_update(service_url=teams.connector.url))
    await teams.next_message(0)
    teams.connector.block(personal_conversation_id("29:alan"))
    engine = teams.client.server.app[ENGINE]
    result = await engine.prompt(f"teams:{TENANT}", "alan@example.com")
    assert not result.sent and "marked unreachable" in result.said
    exported = await export_org(teams.database, f"teams:{TENANT}", datetime.now(UTC))
    alan = next(p for p in exported["people"] if p["email"] == "alan@example.com")
    assert alan["accounts"] == [{"platform": "teams", "user": "29:alan", "reachable": False}]


async def test_an_app_install_greets_and_takes_the_time_zone_from_teams(teams: Teams) -> None:
    async with teams.database.session() as session:
        alan = (await session.exec(select(Person).where(Person.email == "alan@example.com"))).one()
        alan.timezone = None
        session.add(alan)
    install = installation_update(service_url=teams.connector.url, local_timezone="Asia/Kolkata")
    assert (await teams.post(install))[0] in (200, 201)
    assert "Hi Alan" in await teams.next_message(0)
    async with teams.database.session() as session:
        alan = (await session.exec(select(Person).where(Person.email == "alan@example.com"))).one()
    assert alan.timezone == "Asia/Kolkata"


async def test_without_a_stored_reference_a_new_conversation_is_opened(teams: Teams) -> None:
    await teams.post(conversation_update(service_url=teams.connector.url))
    await teams.next_message(0)
    async with teams.database.session() as session:
        identity = (await session.exec(select(PlatformIdentity))).one()
        identity.conversation = None
        session.add(identity)
    # A new server: only the tenant (with its service URL) and the user id are known.
    engine = build_web_app(Settings(teams_requested=True), teams.database)[ENGINE]
    result = await engine.prompt(f"teams:{TENANT}", "alan@example.com")
    assert result.sent and result.said.startswith("sent"), result
    assert len(teams.connector.created) == 1
    assert "Weekly signups" in json.dumps(teams.connector.sent[-1].activity)
