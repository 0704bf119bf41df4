"""Managers and teams in Teams, end to end through /api/messages and the Bot Connector: Ben
types `my manager is @Ana` with an <at> mention, Ana confirms on the card, an admin sets Ben's
team; a click by the wrong person and a non-admin's `org` change nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from app.config import Settings
from app.server import build_web_app
from bot.imports.org_import import import_org
from storage.db import Database
from storage.models import Person
from storage.repository import Store
from tests.conftest import FakeClock, until
from tests.slack.test_slack_org_commands import ORG_CSV
from tests.teams.activities import conversation_update, mention
from tests.teams.conftest import TENANT, Teams, card_actions
from tests.teams.connector import MockConnector
from tests.teams.test_teams_feedback_pulse import click, next_to, say, sent_to, text_of, user

NAMES = {line.split(",")[0].split("@")[0]: line.split(",")[1] for line in ORG_CSV.splitlines()[1:]}
ORG = f"teams:{TENANT}"


@pytest.fixture
async def teams(
    connector: MockConnector, sqlite_db: Database, clock: FakeClock
) -> AsyncIterator[Teams]:
    for key, name in NAMES.items():
        connector.add_member(user(key), email=f"{key}@example.com", name=name, tenant=TENANT)
    assert not (await import_org(sqlite_db, ORG, ORG_CSV, now=clock.now())).problems
    app = build_web_app(Settings(teams_requested=True), sqlite_db, clock)
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as client:
        yield Teams(connector, client, sqlite_db)


async def meet(teams: Teams, *keys: str) -> None:
    """Each installs the app: linked by the email Teams gives, with a conversation reference
    for what the bot sends them later (Ana's question, Ben's news)."""
    for key in keys:
        update = conversation_update(user=user(key), service_url=teams.connector.url)
        assert (await teams.post(update))[0] in (200, 201)
    await until(lambda: all(sent_to(teams, key) for key in keys))


def at(key: str) -> tuple[str, dict[str, object]]:
    return f"<at>{NAMES[key]}</at>", mention(user(key), NAMES[key])


async def person(teams: Teams, key: str) -> Person:
    async with teams.database.session() as session:
        found = await Store(session).person_by_email(ORG, f"{key}@example.com")
    assert found is not None
    return found


async def test_ben_asks_ana_who_confirms_on_the_card_and_an_admin_sets_his_team(
    teams: Teams,
) -> None:
    await meet(teams, "ada", "ben", "ana")
    ana_tag, ana_entity = at("ana")
    asked = await say(teams, "ben", f"my manager is {ana_tag}", mentions=[ana_entity])
    assert "Asked Ana Ruiz to confirm they're your manager." in text_of(asked)

    question = await next_to(teams, "ana", 1)
    assert "Ben Ode (ben@example.com) says you are their manager. Are you?" in text_of(question)
    assert {a["title"] for a in card_actions(text_of(question))} >= {"Confirm", "Decline"}

    wrong = await click(teams, "ben", question, "Confirm")
    assert "That question is for Ana Ruiz to answer. Nothing changed." in text_of(wrong)
    assert (await person(teams, "ben")).manager_id is None

    seen_by_ben = len(sent_to(teams, "ben"))
    confirmed = await click(teams, "ana", question, "Confirm")
    assert "Confirmed: Ben Ode reports to you now." in text_of(confirmed)
    told = await next_to(teams, "ben", seen_by_ben)
    assert "Ana Ruiz confirmed: you report to them now." in text_of(told)
    # Ana's card becomes her answer, with no buttons left to click.
    await until(lambda: any(u.activity_id == question.activity_id for u in teams.connector.updates))
    [retired] = [u for u in teams.connector.updates if u.activity_id == question.activity_id]
    assert card_actions(text_of(retired)) == [] and "Confirm" in text_of(retired)

    ben_tag, ben_entity = at("ben")
    done = await say(teams, "ada", f"org team {ben_tag} Growth", mentions=[ben_entity])
    assert "Done: Ben Ode is in the team Growth now (was: Platform)." in text_of(done)
    await until(lambda: "put you in the team Growth" in text_of(sent_to(teams, "ben")[-1]))

    ada_tag, ada_entity = at("ada")
    refused = await say(
        teams, "ben", f"org manager {ben_tag} is {ada_tag}", mentions=[ben_entity, ada_entity]
    )
    assert "Only admins change managers and teams. The admins here: Ada Admin." in text_of(refused)

    ben, ana = await person(teams, "ben"), await person(teams, "ana")
    assert (ben.manager_id, ben.manager_asked_id, ben.team) == (ana.id, None, "Growth")
