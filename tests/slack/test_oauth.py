"""OAuth end to end: installs through bolt's flow into our database, then several workspaces on
one deployment, each with its own token, people and goals, and none seeing another's."""

from __future__ import annotations

import asyncio
import html
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from aiohttp import DummyCookieJar, web
from aiohttp.test_utils import BaseTestServer, TestClient, TestServer
from sqlalchemy import func, text
from sqlmodel import SQLModel, select

from adapters.slack.app import SlackAdapter
from adapters.slack.directory import SlackDirectory
from app.config import Settings
from app.export import export_org
from app.scheduling import build_scheduler
from app.server import ENGINE, build_web_app, slack_config
from storage.db import Database
from storage.models import KeyResult, Person, PlatformIdentity, SlackInstallation, Tenant
from tests.conftest import FakeClock
from tests.seeded import SEEDED_AT
from tests.slack.conftest import SECRET, Slack, form_body, seed, text_of
from tests.slack.mock_api import MockSlackApi
from tests.slack.payloads import block_action, message_event, slash_command

SECRET_KEY = "a passphrase"
STATE_COOKIE = "slack-app-oauth-state"  # bolt's default cookie name
T1_TOKEN = "xoxb-1-installed-in-team-one"
T2_TOKEN = "xoxb-2-installed-in-team-two"
# The same emails in both workspaces, on purpose: only the workspace tells the people apart.
USERS = {
    "U_ALAN": ("T1", "alan@example.com"),
    "U_GRACE": ("T1", "grace@example.com"),
    "U2ALAN": ("T2", "alan@example.com"),
    "U2GRACE": ("T2", "grace@example.com"),
}
ALAN = {"T1": "U_ALAN", "T2": "U2ALAN"}
TOKENS = {"T1": T1_TOKEN, "T2": T2_TOKEN}
REPLIES = {
    "T1": ("signups 400, nps 35", "7", "8", "none", "shipped the importer", "4"),
    "T2": ("signups 250, nps 22", "5", "3", "none", "shipped the billing page", "2"),
}


@dataclass
class Deployment:
    """One running bot in OAuth mode, and the browser that installs it."""

    slack: Slack
    settings: Settings
    hooks: BaseTestServer  # stands in for hooks.slack.com, where response_urls point
    responses: list[dict[str, Any]] = field(default_factory=list)  # what reached the hooks

    async def begin_install(self) -> str:
        """GET /slack/install; the state, which must travel in both the URL and the cookie."""
        response = await self.slack.client.get("/slack/install", allow_redirects=False)
        assert response.status in (200, 302)
        state = response.cookies[STATE_COOKIE].value
        authorize_url = response.headers.get("Location") or html.unescape(await response.text())
        assert f"state={state}" in authorize_url
        assert f"client_id={self.settings.slack_client_id}" in authorize_url
        return state

    async def finish_install(self, code: str, state: str, cookie: str | None = None) -> int:
        """Slack sends the browser back to /slack/oauth_redirect with the code and state."""
        response = await self.slack.client.get(
            "/slack/oauth_redirect",
            params={"code": code, "state": state},
            headers={"Cookie": f"{STATE_COOKIE}={state if cookie is None else cookie}"},
            allow_redirects=False,
        )
        await response.read()
        return response.status

    async def install(self, code: str) -> None:
        assert await self.finish_install(code, await self.begin_install()) == 200

    def directory(self) -> SlackDirectory:
        """The adapter's user look-ups, as the engine gets them, over the same database."""
        return SlackAdapter(slack_config(self.settings), self.slack.database).directory


@pytest.fixture
async def deployment(
    api: MockSlackApi, sqlite_db: Database, clock: FakeClock
) -> AsyncIterator[Deployment]:
    for user, (team, email) in USERS.items():
        api.add_user(user, team=team, email=email)
    api.set_oauth("code-t1", "T1", T1_TOKEN, team_name="Team One", user="U_GRACE")
    api.set_oauth("code-t2", "T2", T2_TOKEN, team_name="Team Two", user="U2GRACE")
    settings = Settings(
        slack_client_id=api.client_id,
        slack_client_secret=api.client_secret,
        slack_signing_secret=SECRET,
        slack_api_url=api.url,
        secret_key=SECRET_KEY,
    )
    responses: list[dict[str, Any]] = []

    async def response_url(request: web.Request) -> web.Response:
        responses.append(await request.json())
        return web.Response(text="ok")

    hooks = web.Application()
    hooks.router.add_post("/{path:.*}", response_url)
    app = build_web_app(settings, sqlite_db, clock)
    # No cookie jar: each test says which state cookie the browser sends.
    async with (
        TestServer(hooks, host="127.0.0.1", port=0) as hooks_server,
        TestClient(
            TestServer(app, host="127.0.0.1", port=0), cookie_jar=DummyCookieJar()
        ) as client,
    ):
        yield Deployment(Slack(api, client, sqlite_db), settings, hooks_server, responses)


async def raw_installations(database: Database) -> list[tuple[str, str]]:
    async with database.engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT tenant_id, bot_token_enc FROM slackinstallation ORDER BY tenant_id")
        )
        return [(str(tenant), str(token)) for tenant, token in rows]


async def row_counts(database: Database) -> dict[str, int]:
    async with database.engine.connect() as connection:
        return {
            table.name: (
                await connection.execute(select(func.count()).select_from(table))
            ).scalar_one()
            for table in SQLModel.metadata.sorted_tables
        }


async def test_an_install_saves_the_workspace_with_its_token_encrypted(
    deployment: Deployment,
) -> None:
    api, database = deployment.slack.api, deployment.slack.database
    state = await deployment.begin_install()
    assert await deployment.finish_install("code-t1", state) == 200
    [exchange] = api.called("oauth.v2.access")
    assert exchange.params["code"] == "code-t1" and exchange.params["client_id"] == api.client_id
    [(tenant_id, stored)] = await raw_installations(database)
    assert tenant_id == "slack:T1"
    assert stored.startswith("fernet:") and T1_TOKEN not in stored
    async with database.session() as session:
        tenant = await session.get(Tenant, "slack:T1")
        installation = (await session.exec(select(SlackInstallation))).one()
    assert tenant is not None and (tenant.platform, tenant.name) == ("slack", "Team One")
    assert (installation.team_id, installation.installer_user_id) == ("T1", "U_GRACE")


async def test_a_forged_mismatched_or_reused_state_is_refused_and_saves_nothing(
    deployment: Deployment,
) -> None:
    api, database = deployment.slack.api, deployment.slack.database
    issued = await deployment.begin_install()
    # A state we never issued; one the browser's cookie does not match; no cookie at all.
    assert await deployment.finish_install("code-t1", "forged-state") == 401
    assert await deployment.finish_install("code-t1", issued, cookie="another-state") == 400
    assert await deployment.finish_install("code-t1", issued, cookie="") == 400
    assert api.called("oauth.v2.access") == [] and await raw_installations(database) == []
    # The real one works once; replayed with another workspace's code, it is refused.
    assert await deployment.finish_install("code-t1", issued) == 200
    assert await deployment.finish_install("code-t2", issued) == 401
    assert len(api.called("oauth.v2.access")) == 1
    assert [tenant for tenant, _ in await raw_installations(database)] == ["slack:T1"]
    async with database.session() as session:
        assert await session.get(Tenant, "slack:T2") is None


async def test_two_workspaces_keep_their_tokens_people_and_goals_apart(
    deployment: Deployment, clock: FakeClock
) -> None:
    slack, api, database = deployment.slack, deployment.slack.api, deployment.slack.database
    await deployment.install("code-t1")
    await deployment.install("code-t2")
    await seed(database, "slack:T1", clock.now())
    await seed(database, "slack:T2", clock.now())
    for team in ("T1", "T2"):
        status, _ = await slack.form(slash_command("/checkin", "now", user=ALAN[team], team=team))
        assert status == 200
    for team in ("T1", "T2"):
        assert "Weekly signups" in text_of(await slack.next_post(0, ALAN[team]))
    # Interleaved, so that a mix-up between the two conversations would show.
    for step in range(len(REPLIES["T1"])):
        for team in ("T1", "T2"):
            event = message_event(REPLIES[team][step], user=ALAN[team], team=team)
            assert (await slack.event(event))[0] == 200
        for team in ("T1", "T2"):
            await slack.next_post(step + 1, ALAN[team])
    for team in ("T1", "T2"):
        assert "Check-in saved" in text_of(slack.posts(ALAN[team])[-1])

    # Every call about a person went out with the token of that person's workspace.
    for call in api.calls:
        if call.method == "oauth.v2.access":
            continue
        assert call.token in (T1_TOKEN, T2_TOKEN), (call.method, call.token)
        person = call.params.get("user") or call.params.get("channel") or ""
        person = person.removeprefix("D") if person.startswith("DU") else person
        if person in USERS:
            assert call.token == TOKENS[USERS[person][0]], (call.method, person)
    assert {call.token for call in slack.posts()} == {T1_TOKEN, T2_TOKEN}

    # Each workspace's answers changed its own key results only.
    async with database.session() as session:
        krs = {
            (kr.tenant_id, kr.key): (kr.current, kr.confidence)
            for kr in (await session.exec(select(KeyResult))).all()
        }
        identities = {
            (identity.tenant_id, identity.external_user_id)
            for identity in (await session.exec(select(PlatformIdentity))).all()
        }
    assert krs[("slack:T1", "signups")][0] == 400 and krs[("slack:T1", "nps")] == (35, 8)
    assert krs[("slack:T2", "signups")][0] == 250 and krs[("slack:T2", "nps")] == (22, 3)
    assert identities == {("slack:T1", "U_ALAN"), ("slack:T2", "U2ALAN")}

    # Look-ups answer from the asking workspace only, even for the same email.
    for call in api.called("users.info") + api.called("users.lookupByEmail"):
        if call.ok:
            assert call.response["user"]["team_id"] == call.team
    directory = deployment.directory()
    assert await directory.user_by_email("T1", "alan@example.com") == "U_ALAN"
    assert await directory.user_by_email("T2", "alan@example.com") == "U2ALAN"
    assert await directory.profile("slack", "T1", "U2ALAN") is None
    profile = await directory.profile("slack", "T2", "U2ALAN")
    assert profile is not None and profile.email == "alan@example.com"
    for call in api.called("users.lookupByEmail") + api.called("users.info"):
        assert call.token == TOKENS[call.team or ""]

    # One tenant's export holds nothing of the other's.
    exports = {team: await export_org(database, f"slack:{team}", clock.now()) for team in TOKENS}
    for team, other in (("T1", "T2"), ("T2", "T1")):
        dumped = json.dumps(exports[team])
        assert exports[team]["org"]["id"] == f"slack:{team}" and f"slack:{other}" not in dumped
        assert REPLIES[other][4] not in dumped and REPLIES[team][4] in dumped
        assert len(exports[team]["checkins"]) == 1
        currents = {
            kr["id"]: kr["current"] for o in exports[team]["objectives"] for kr in o["key_results"]
        }
        assert currents == {
            key: value[0] for (t, key), value in krs.items() if t == f"slack:{team}"
        }


async def test_a_workspace_that_never_installed_gets_no_data_and_no_crash(
    deployment: Deployment,
) -> None:
    slack, api, database = deployment.slack, deployment.slack.api, deployment.slack.database
    await deployment.install("code-t1")
    await seed(database, "slack:T1", SEEDED_AT)
    api.add_user("U9ALAN", team="T9", email="alan@example.com")
    before, calls_before = await row_counts(database), len(api.calls)
    hooks = deployment.hooks

    command = dict(parse_qsl(slash_command("/checkin", "now", user="U9ALAN", team="T9")))
    command["response_url"] = str(hooks.make_url("/commands/T9/1/x"))
    status, _ = await slack.form(urlencode(command))
    assert status == 200
    assert (await slack.event(message_event("signups 999", user="U9ALAN", team="T9")))[0] == 200
    click = form_body(block_action("choice-0", "1|same", user="U9ALAN", team="T9"))
    click["response_url"] = str(hooks.make_url("/actions/T9/2/x"))
    assert (await slack.form(urlencode({"payload": json.dumps(click)})))[0] == 200

    # Bolt found no installation: the people who asked are told to reinstall, nothing else.
    assert len(deployment.responses) == 2
    assert all("reinstall" in response["text"] for response in deployment.responses)
    assert api.calls[calls_before:] == [] and api.called("chat.postMessage") == []
    assert await row_counts(database) == before
    async with database.session() as session:
        assert await session.get(Tenant, "slack:T9") is None
    # The installed workspace is unaffected.
    status, _ = await slack.form(slash_command("/checkin", "now", user="U_ALAN", team="T1"))
    assert status == 200 and (await slack.next_post(0)).token == T1_TOKEN


async def test_in_a_fresh_workspace_the_installer_is_an_admin_and_a_colleague_gets_help(
    deployment: Deployment,
) -> None:
    """No CSV: whoever installed the app is an admin of the org at first contact; a colleague
    who writes `help` is enrolled and gets the command list."""
    slack, database = deployment.slack, deployment.slack.database
    await deployment.install("code-t1")  # installed by U_GRACE
    for user in ("U_GRACE", "U_ALAN"):
        assert (await slack.event(message_event("help", user=user, team="T1")))[0] == 200
        assert "checkin now" in text_of(await slack.next_post(0, user))
    async with database.session() as session:
        people = (await session.exec(select(Person))).all()
    admins = {person.email: person.is_admin for person in people}
    assert admins == {"grace@example.com": True, "alan@example.com": False}


async def test_inbound_requests_are_authorized_from_the_installation_without_auth_test(
    deployment: Deployment,
) -> None:
    """Bolt's own authorize asks auth.test on every request; ours reads the install's row."""
    slack, api = deployment.slack, deployment.slack.api
    await deployment.install("code-t1")  # the install itself asks auth.test for the bot's id
    await seed(slack.database, "slack:T1", SEEDED_AT)
    asked = len(api.called("auth.test"))

    for n in range(3):
        assert (await slack.event(message_event("help", user="U_ALAN")))[0] == 200
        await slack.next_post(n)
    status, _ = await slack.form(slash_command("/checkin", "help", user="U_ALAN"))
    assert status == 200
    await slack.next_post(3)
    # Our own post echoed back is known by the bot id on the row, and ignored.
    assert (await slack.event(message_event("help", user="UBOT", bot=True)))[0] == 200

    assert len(api.called("auth.test")) == asked == 1
    assert {call.token for call in slack.posts()} == {T1_TOKEN}
    await asyncio.sleep(0.2)
    assert len(slack.posts("U_ALAN")) == 4 and slack.posts("UBOT") == []


async def test_an_org_wide_install_gets_its_scheduled_check_ins_sent(
    deployment: Deployment, clock: FakeClock
) -> None:
    """Enterprise Grid, installed for the whole org: one tenant, slack:E1, one token."""
    slack, api, database = deployment.slack, deployment.slack.api, deployment.slack.database
    api.set_oauth("code-e1", "E1", "xoxb-org-wide", team_name="Grid Corp", org_wide=True)
    api.add_user("U_EALAN", team="E1", email="alan@example.com")
    await deployment.install("code-e1")
    await seed(database, "slack:E1", clock.now())
    async with database.session() as session:
        alan = (await session.exec(select(Person).where(Person.tenant_id == "slack:E1"))).all()
        [person_id] = [person.id for person in alan if person.email == "alan@example.com"]
        assert person_id is not None
        session.add(
            PlatformIdentity(
                tenant_id="slack:E1",
                person_id=person_id,
                platform="slack",
                external_user_id="U_EALAN",
            )
        )

    # Alan checks in on Fridays at 15:00 in London.
    clock.current = datetime(2026, 11, 27, 15, 0, 30, tzinfo=UTC)
    await build_scheduler(slack.client.server.app[ENGINE], 1).run_until_idle()

    [prompt] = slack.posts("U_EALAN")
    assert prompt.token == "xoxb-org-wide" and prompt.team == "E1"
    assert "check-in" in text_of(prompt).lower()
    async with database.session() as session:
        org = (await session.exec(select(SlackInstallation))).one()
    assert (org.tenant_id, org.enterprise_id, org.team_id) == ("slack:E1", "E1", None)
