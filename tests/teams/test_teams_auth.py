"""With an app id set, only requests signed by the (offline) Bot Framework identity get in."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlmodel import select

from adapters.teams.signing_keys import REFETCH_SECONDS, SigningKeys
from app.config import Settings
from app.server import build_web_app
from storage.db import Database
from storage.models import PlatformIdentity, ProcessedEvent
from tests.conftest import FakeClock, until
from tests.slack.conftest import seed
from tests.teams.activities import message
from tests.teams.auth_server import AuthServer
from tests.teams.conftest import TENANT
from tests.teams.connector import MockConnector

APP_ID = "6f1b6a3c-2d4e-4f5a-8b9c-0d1e2f3a4b5c"


@pytest.fixture
def auth(monkeypatch: pytest.MonkeyPatch) -> Iterator[AuthServer]:
    with AuthServer() as server:
        for name, value in server.env().items():
            monkeypatch.setenv(name, value)
        yield server


@pytest.fixture
async def client(
    auth: AuthServer, connector: MockConnector, sqlite_db: Database, clock: FakeClock
) -> AsyncIterator[TestClient[Any, Any]]:
    await seed(sqlite_db, f"teams:{TENANT}", clock.now())
    settings = Settings(
        microsoft_app_id=APP_ID, microsoft_app_password="secret", teams_requested=True
    )
    app = build_web_app(
        settings, sqlite_db, clock, teams_credentials=auth.credentials_factory(APP_ID)
    )
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as test_client:
        yield test_client


async def post(client: TestClient[Any, Any], activity: dict[str, Any], token: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    response = await client.post("/api/messages", data=json.dumps(activity), headers=headers)
    return response.status


async def test_the_signing_keys_are_fetched_before_the_first_request(
    auth: AuthServer, client: TestClient[Any, Any]
) -> None:
    assert any("openidconfiguration" in path for path in auth.requests)


async def test_a_signed_request_is_served_and_the_reply_carries_the_bots_token(
    auth: AuthServer, client: TestClient[Any, Any], connector: MockConnector
) -> None:
    token = auth.token(audience=APP_ID, service_url=connector.url)
    activity = message("checkin now", service_url=connector.url)
    assert await post(client, activity, token) in (200, 201)
    await until(lambda: bool(connector.sent))
    assert "Weekly signups" in json.dumps(connector.sent[0].activity)
    assert (connector.sent[0].authorization or "").startswith("Bearer ")


@pytest.mark.parametrize("case", ["missing", "expired", "wrong audience", "wrong key"])
async def test_a_bad_token_is_refused_and_changes_nothing(
    case: str,
    auth: AuthServer,
    client: TestClient[Any, Any],
    connector: MockConnector,
    sqlite_db: Database,
) -> None:
    tokens = {
        "missing": None,
        "expired": auth.token(audience=APP_ID, service_url=connector.url, expires_in=-900),
        "wrong audience": auth.token(audience="someone-else", service_url=connector.url),
        "wrong key": auth.token(audience=APP_ID, service_url=connector.url, key="other"),
    }
    activity = message("checkin now", service_url=connector.url)
    assert await post(client, activity, tokens[case]) == 401
    assert connector.sent == []
    async with sqlite_db.session() as session:
        assert (await session.exec(select(ProcessedEvent))).all() == []
        assert (await session.exec(select(PlatformIdentity))).all() == []


@pytest.mark.parametrize("kid", ["unknown", "missing"])
async def test_a_token_naming_no_known_signing_key_is_a_401_in_one_log_line(
    kid: str,
    auth: AuthServer,
    client: TestClient[Any, Any],
    connector: MockConnector,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """botbuilder looks the key up with [...][0]: an IndexError, which was a 500 and a
    traceback at ERROR."""
    token = auth.token(
        audience=APP_ID,
        service_url=connector.url,
        kid="a-key-no-one-published" if kid == "unknown" else None,
        with_kid=kid == "unknown",
    )
    caplog.clear()
    assert await post(client, message("checkin now", service_url=connector.url), token) == 401
    assert connector.sent == []
    said = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [(r.levelno, r.exc_info) for r in said] == [(logging.WARNING, None)], [
        r.getMessage() for r in said
    ]


# -- Microsoft rotating its signing keys ----------------------------------------------------------


async def test_a_token_signed_with_a_key_published_after_start_up_is_served(
    auth: AuthServer, client: TestClient[Any, Any], connector: MockConnector
) -> None:
    """The key set is fetched again when a token names a key it lacks: once."""
    fetched = auth.keys_fetched()
    auth.rotate()
    token = auth.token(audience=APP_ID, service_url=connector.url, key="new")
    assert await post(client, message("checkin now", service_url=connector.url), token) in (
        200,
        201,
    )
    await until(lambda: bool(connector.sent))
    assert auth.keys_fetched() == fetched + 1


async def test_a_key_the_fetched_again_set_still_lacks_is_a_401(
    auth: AuthServer, client: TestClient[Any, Any], connector: MockConnector
) -> None:
    fetched = auth.keys_fetched()
    token = auth.token(audience=APP_ID, service_url=connector.url, kid="a-key-no-one-published")
    assert await post(client, message("checkin now", service_url=connector.url), token) == 401
    assert connector.sent == []
    assert auth.keys_fetched() == fetched + 1


async def test_a_burst_of_unknown_keys_fetches_the_key_set_again_once_at_most(
    auth: AuthServer, client: TestClient[Any, Any], connector: MockConnector
) -> None:
    """Anyone can name a key: made-up ones must not have us hammer Microsoft's endpoint."""
    fetched = auth.keys_fetched()
    activity = message("checkin now", service_url=connector.url)
    tokens = [
        auth.token(audience=APP_ID, service_url=connector.url, kid=uuid.uuid4().hex)
        for _ in range(20)
    ]
    statuses = await asyncio.gather(*(post(client, activity, token) for token in tokens))
    assert statuses == [401] * 20
    assert auth.keys_fetched() == fetched + 1
    auth.rotate()  # a real new key within the same five minutes waits for the next refresh
    token = auth.token(audience=APP_ID, service_url=connector.url, key="new")
    assert await post(client, activity, token) == 401
    assert auth.keys_fetched() <= fetched + 1


async def test_an_unknown_key_fetches_the_set_again_once_in_five_minutes(
    auth: AuthServer, connector: MockConnector
) -> None:
    now = 1000.0
    keys = SigningKeys(auth.metadata_url, clock=lambda: now)
    await keys.fetch()
    fetched = auth.keys_fetched()
    token = auth.token(audience=APP_ID, service_url=connector.url, kid="a-key-no-one-published")
    await keys.learn_key_of(token)
    now += REFETCH_SECONDS - 1
    await keys.learn_key_of(token)
    assert auth.keys_fetched() == fetched + 1
    now += 1
    await keys.learn_key_of(token)
    assert auth.keys_fetched() == fetched + 2
