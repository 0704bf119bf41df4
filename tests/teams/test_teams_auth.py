"""With an app id set, only requests signed by the (offline) Bot Framework identity get in."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlmodel import select

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
