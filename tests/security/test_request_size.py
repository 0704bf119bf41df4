"""Bodies over the server's limit (app.server.MAX_BODY, 1 MB) are refused with 413 before
anything reads them: not bolt, not botbuilder, not the engine, and nothing is written. Socket
Mode has its bound too: aiohttp's websocket takes frames of at most 4 MB, and a bigger one
drops the connection (the client opens a new one) before any listener sees it."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from app.config import Settings
from app.server import MAX_BODY, build_web_app
from storage.db import Database
from tests.conftest import FakeClock
from tests.fuzz.apps import Bot, snapshot
from tests.slack.conftest import SECRET, TOKEN, seed
from tests.slack.mock_api import MockSlackApi
from tests.slack.payloads import FORM, JSON, message_event, signed_headers, slash_command
from tests.teams.activities import message

OVER = MAX_BODY + 1


def padded_event(size: int) -> str:
    """A signed-able message event from a known person, `size` bytes long."""
    body = message_event("checkin now", user="U_ALAN")
    event = json.loads(body)
    event["padding"] = ""
    event["padding"] = "x" * (size - len(json.dumps(event)))
    padded = json.dumps(event)
    assert len(padded) == size
    return padded


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
async def test_a_slack_body_over_the_limit_is_a_413_and_reaches_nothing(
    bot: Bot, chunked: bool
) -> None:
    before = await snapshot(bot.database)
    body = padded_event(OVER)
    headers = signed_headers(SECRET, body, content_type=JSON)

    async def chunks() -> AsyncIterator[bytes]:
        data = body.encode()
        for start in range(0, len(data), 64 * 1024):
            yield data[start : start + 64 * 1024]

    data: Any = chunks() if chunked else body
    response = await bot.slack.client.post("/slack/events", data=data, headers=headers)
    assert response.status == 413
    assert bot.slack.api.calls == []
    assert await snapshot(bot.database) == before


async def test_a_slack_body_just_under_the_limit_is_served(bot: Bot) -> None:
    body = padded_event(MAX_BODY - 1024)
    status, _ = await bot.slack.post(body, JSON)
    assert status == 200
    await bot.slack.next_post(0)


async def test_a_huge_slash_command_is_a_413(bot: Bot) -> None:
    body = slash_command("/checkin", "x" * OVER, user="U_ALAN")
    response = await bot.slack.client.post(
        "/slack/events", data=body, headers=signed_headers(SECRET, body, content_type=FORM)
    )
    assert response.status == 413
    assert bot.slack.api.calls == []


async def test_a_teams_activity_over_the_limit_is_a_413_and_reaches_nothing(bot: Bot) -> None:
    url = bot.teams.connector.url
    before = await snapshot(bot.database)
    activity = message("x" * OVER, service_url=url)
    status, _ = await bot.teams.post(activity, bot.teams_token(url))
    assert status == 413
    assert bot.teams.connector.sent == []
    assert await snapshot(bot.database) == before


# -- Socket Mode --------------------------------------------------------------------------------

WEBSOCKET_LIMIT = 4 * 1024 * 1024  # aiohttp's ws_connect default, which slack_sdk keeps


@pytest.fixture
async def socket(sqlite_db: Database, clock: FakeClock) -> AsyncIterator[MockSlackApi]:
    async with MockSlackApi() as api:
        api.add_team("T1", TOKEN)
        api.add_user("U_ALAN", team="T1", email="alan@example.com")
        await seed(sqlite_db, "slack:T1", clock.now())
        settings = Settings(
            slack_bot_token=TOKEN, slack_app_token="xapp-1-t", slack_api_url=api.url
        )
        app = build_web_app(settings, sqlite_db, clock)
        async with TestClient(TestServer(app, host="127.0.0.1", port=0)):
            await api.socket_connected(timeout=5)
            yield api


async def test_a_socket_mode_frame_over_4_mb_drops_the_connection_not_the_bot(
    socket: MockSlackApi, sqlite_db: Database
) -> None:
    before = await snapshot(sqlite_db)
    huge = json.loads(message_event("x" * WEBSOCKET_LIMIT, user="U_ALAN"))
    # Never acked; the client may hang up while the frame is still being written.
    with contextlib.suppress(ConnectionError):
        assert await socket.socket_send("events_api", huge, timeout=2) is None
    await socket.socket_connected(timeout=10, connections=2)  # the client came back
    assert await snapshot(sqlite_db) == before and socket.called("chat.postMessage") == []
    # And the new connection works.
    ack = await socket.socket_send("events_api", json.loads(message_event("help", user="U_ALAN")))
    assert ack is not None
