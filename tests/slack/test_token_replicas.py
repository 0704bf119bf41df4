"""Two replicas, one database, one rotating Slack token inside its rotation window: whole bots
(build_web_app in OAuth mode) sending DMs and serving signed inbound requests side by side. Slack
sees the token refreshed exactly once, and every call carries a token it takes.

On PostgreSQL, as replicas run; and on SQLite, two stores on one file in one process. The mock
answers refreshes slowly, so that both replicas find the token due before either has refreshed
it: without the claim on the row, both would spend the single-use refresh token."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import pytest
from aiohttp import DummyCookieJar
from aiohttp.test_utils import TestClient, TestServer
from sqlmodel import select

from app.config import Settings
from app.server import ENGINE, build_web_app
from bot.core.messages import Text
from bot.core.ports import Recipient
from storage import slack_installs
from storage.db import Database
from storage.models import Person, PlatformIdentity
from tests.conftest import FakeClock, until
from tests.slack.conftest import SECRET, Slack, seed
from tests.slack.mock_api import MockSlackApi
from tests.slack.payloads import message_event
from tests.slack.test_tokens import OLD, REFRESH, SECRET_KEY, installed, store_on

pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")

SENDS, REQUESTS = 15, 6  # per replica
REFUSED = {"invalid_auth", "token_expired", "token_revoked", "not_authed", "account_inactive"}


@pytest.fixture
async def shared(any_db: Database) -> AsyncIterator[tuple[Database, Database]]:
    """Two engines on one database, as two replicas have."""
    second = Database(any_db.url)
    yield any_db, second
    await second.dispose()


async def replica(
    stack: AsyncExitStack, api: MockSlackApi, database: Database, clock: FakeClock
) -> Slack:
    settings = Settings(
        slack_client_id=api.client_id,
        slack_client_secret=api.client_secret,
        slack_signing_secret=SECRET,
        slack_api_url=api.url,
        secret_key=SECRET_KEY,
    )
    server = TestServer(build_web_app(settings, database, clock), host="127.0.0.1", port=0)
    client = await stack.enter_async_context(TestClient(server, cookie_jar=DummyCookieJar()))
    return Slack(api, client, database)


async def known_on_slack(database: Database, **users: str) -> None:
    """The seeded people, already known by their Slack ids (email -> user id)."""
    async with database.session() as session:
        for person in (await session.exec(select(Person))).all():
            assert person.id is not None
            session.add(
                PlatformIdentity(
                    tenant_id=person.tenant_id,
                    person_id=person.id,
                    platform="slack",
                    external_user_id=users[person.email.split("@")[0]],
                )
            )


async def test_two_replicas_refresh_a_rotating_token_once_and_never_use_a_refused_one(
    shared: tuple[Database, Database], api: MockSlackApi, clock: FakeClock
) -> None:
    first_db, second_db = shared
    await installed(first_db, api)  # expires in ten minutes: inside the two-hour window
    await seed(first_db, "slack:T1", clock.now())
    await known_on_slack(first_db, alan="U_ALAN", grace="U_GRACE")
    api.delay("oauth.v2.access", 0.3)

    async with AsyncExitStack() as stack:
        replicas = [await replica(stack, api, db, clock) for db in (first_db, second_db)]

        async def send(slack: Slack, n: int) -> None:
            engine = slack.client.server.app[ENGINE]
            await engine.outbox.send(Recipient("slack", "T1", "U_ALAN"), Text(f"note {n}"))

        async def ask(slack: Slack) -> None:
            assert (await slack.event(message_event("help", user="U_GRACE")))[0] == 200

        await asyncio.gather(
            *(send(slack, n) for slack in replicas for n in range(SENDS)),
            *(ask(slack) for slack in replicas for _ in range(REQUESTS)),
        )
        await until(lambda: len(replicas[0].posts("U_GRACE")) == 2 * REQUESTS, timeout=20)

        [refresh] = api.refreshes()
        assert refresh.ok and refresh.params["refresh_token"] == REFRESH
        new = refresh.response["access_token"]
        # After the refresh, each replica sends with the new token.
        await asyncio.gather(*(send(slack, 100 + n) for n, slack in enumerate(replicas)))

    assert api.refreshes() == [refresh]
    assert api.called("auth.test") == []
    for call in api.calls:
        if call.method == "oauth.v2.access":
            continue
        assert call.ok, (call.method, call.response)
        assert call.response.get("error") not in REFUSED
        assert call.token in (OLD, new), call.method
    notes = [call.params.get("text") for call in replicas[0].posts("U_ALAN")]
    assert sorted(notes) == sorted(
        [f"note {n}" for n in range(SENDS)] * 2 + ["note 100", "note 101"]
    )
    assert {call.token for call in replicas[0].posts("U_ALAN")[-2:]} == {new}
    async with first_db.session() as session:
        row = await slack_installs.find_installation(session, "slack:T1")
    assert row is not None
    assert (row.refresh_claimed_by, row.refresh_claim_until) == (None, None)
    bot = await store_on(second_db).async_find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and bot.bot_token == new
