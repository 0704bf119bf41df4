"""Managers and teams in Slack, end to end over HTTP: Ben types `my manager is @Ana` in his DM,
Ana (who never wrote to the bot: the mention links her) gets a question with buttons and
confirms; an admin sets a team; a click by the wrong person and a non-admin's `org` change
nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from app.server import build_web_app
from bot.imports.org_import import import_org
from storage.db import Database
from storage.models import Person
from storage.repository import Store
from tests.conftest import FakeClock, until
from tests.slack.conftest import Slack, buttons, slack_settings, text_of
from tests.slack.mock_api import MockSlackApi
from tests.slack.test_slack_feedback_pulse import click, meet, say, user

ORG_CSV = """email,name,manager_email,team,admin
ada@example.com,Ada Admin,,Ops,yes
ben@example.com,Ben Ode,,Platform,no
ana@example.com,Ana Ruiz,,Platform,no
"""


@pytest.fixture
async def slack(api: MockSlackApi, sqlite_db: Database, clock: FakeClock) -> AsyncIterator[Slack]:
    for line in ORG_CSV.splitlines()[1:]:
        email, name = line.split(",")[:2]
        api.add_user(user(email.split("@")[0]), email=email, name=name)
    assert not (await import_org(sqlite_db, "slack:T1", ORG_CSV, now=clock.now())).problems
    app = build_web_app(slack_settings(api), sqlite_db, clock)
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as client:
        yield Slack(api, client, sqlite_db)


async def ben(database: Database) -> Person:
    async with database.session() as session:
        found = await Store(session).person_by_email("slack:T1", "ben@example.com")
    assert found is not None
    return found


async def test_ben_asks_ana_who_confirms_with_a_button_and_an_admin_sets_his_team(
    slack: Slack,
) -> None:
    await meet(slack, "ada", "ben")
    asked = await say(slack, "ben", "my manager is <@U_ANA>")
    assert "Asked Ana Ruiz to confirm they're your manager." in text_of(asked)

    await until(lambda: bool(slack.posts("U_ANA")))
    question = slack.posts("U_ANA")[-1]
    assert "Ben Ode (ben@example.com) says you are their manager. Are you?" in text_of(question)
    assert set(buttons(question)) == {"Confirm", "Decline"}

    # Ben clicking Ana's button (a forwarded message, a forged payload) changes nothing.
    wrong = await click(slack, "ben", question, "Confirm")
    assert "That question is for Ana Ruiz to answer. Nothing changed." in text_of(wrong)
    assert (await ben(slack.database)).manager_id is None

    seen_by_ben = len(slack.posts("U_BEN"))
    confirmed = await click(slack, "ana", question, "Confirm")
    assert "Confirmed: Ben Ode reports to you now." in text_of(confirmed)
    told = await slack.next_post(seen_by_ben, "U_BEN")
    assert "Ana Ruiz confirmed: you report to them now." in text_of(told)
    # Ana's question loses its buttons and shows her answer.
    await until(lambda: bool(slack.api.called("chat.update")))
    update = slack.api.called("chat.update")[-1]
    assert update.params["ts"] == question.response["ts"] and "Confirm" in text_of(update)
    assert buttons(update) == {}

    done = await say(slack, "ada", "org team <@U_BEN> Growth")
    assert "Done: Ben Ode is in the team Growth now (was: Platform)." in text_of(done)
    await until(lambda: "put you in the team Growth" in text_of(slack.posts("U_BEN")[-1]))
    assert "Ada Admin put you in the team Growth." in text_of(slack.posts("U_BEN")[-1])

    refused = await say(slack, "ben", "org manager <@U_BEN> is <@U_ADA>")
    assert "Only admins change managers and teams. The admins here: Ada Admin." in text_of(refused)
    unknown = await say(slack, "ada", "org manager <@U_GHOST> is <@U_ANA>")
    assert "I don't know @U_GHOST in this org." in text_of(unknown)

    person = await ben(slack.database)
    async with slack.database.session() as session:
        ana = await Store(session).person_by_email("slack:T1", "ana@example.com")
    assert ana is not None
    assert (person.manager_id, person.manager_asked_id, person.team) == (ana.id, None, "Growth")
