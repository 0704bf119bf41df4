"""Bodies nobody can read, signed or not: JSON nested past any real payload (which Python's
parser answers with a RecursionError), and clients that hang up before their body arrived.
Each is a 400 (the client has gone, for a drop) and one line in the log: no traceback, nothing
at ERROR, nothing written.

Both adapters read the body before they authenticate (bolt parses it before it checks the
signature; Teams checks it is an activity before botbuilder checks the token), so an unreadable
body is a 400 whether or not it is signed."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from adapters import request_body
from adapters.request_body import MAX_NESTING
from app.config import Settings
from app.server import app_runner, build_web_app
from storage.db import Database
from tests.conftest import FakeClock, until
from tests.fuzz.apps import APP_ID, APP_PASSWORD, Bot, snapshot
from tests.slack.conftest import SECRET, TOKEN
from tests.slack.payloads import JSON, message_event, signed_headers
from tests.teams.activities import message
from tests.teams.auth_server import AuthServer

SHAPES = {
    "an array never closed": "[" * 100_000,
    "an object never closed": '{"a":' * 100_000,
    "arrays 5,000 deep": "[" * 5_000 + "]" * 5_000,
}


def nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = [value]
    return value


def assert_quiet(caplog: pytest.LogCaptureFixture) -> None:
    """Nothing at ERROR and no traceback, from any logger."""
    loud = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not loud, [f"{r.levelname} {r.name}: {r.getMessage()}" for r in loud]


@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
@pytest.mark.parametrize("body", SHAPES.values(), ids=SHAPES.keys())
async def test_deeply_nested_json_to_slack_is_a_400_without_a_traceback(
    bot: Bot, caplog: pytest.LogCaptureFixture, body: str, signed: bool
) -> None:
    before = await snapshot(bot.database)
    headers = signed_headers(SECRET, body, content_type=JSON) if signed else {"Content-Type": JSON}
    response = await bot.slack.client.post("/slack/events", data=body, headers=headers)
    assert response.status == 400, await response.text()
    assert_quiet(caplog)
    assert await snapshot(bot.database) == before


@pytest.mark.parametrize("token", [True, False], ids=["with a token", "without"])
@pytest.mark.parametrize("body", SHAPES.values(), ids=SHAPES.keys())
async def test_deeply_nested_json_to_teams_is_a_400_without_a_traceback(
    bot: Bot, caplog: pytest.LogCaptureFixture, body: str, token: bool
) -> None:
    before = await snapshot(bot.database)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {bot.teams_token(bot.teams.connector.url)}"
    response = await bot.teams.client.post("/api/messages", data=body, headers=headers)
    assert response.status == 400, await response.text()
    assert_quiet(caplog)
    assert await snapshot(bot.database) == before


async def test_a_real_payload_nested_deeper_than_any_real_one_is_refused_on_both(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    """However the parser copes, nesting past MAX_NESTING never reaches bolt, botbuilder or
    the engine, whose own code would recurse into it; a payload just under it is served."""
    event = json.loads(message_event("help", user="U_ALAN"))
    url = bot.teams.connector.url
    for depth, served in ((MAX_NESTING + 1, False), (MAX_NESTING - 5, True)):
        event["event"]["blocks"] = nested(depth)
        body = json.dumps(event)
        status, _ = await bot.slack.post(body, JSON)
        assert (status == 200) is served and (status == 400) is not served, (depth, status)
        activity = message("help", service_url=url) | {"channelData": nested(depth)}
        status, _ = await bot.teams.post(activity, bot.teams_token(url))
        assert (status < 300) is served and (status == 400) is not served, (depth, status)
    assert_quiet(caplog)


# -- clients that hang up mid-body, on the server as `serve` runs it ------------------------------


@pytest.fixture
async def served(
    sqlite_db: Database, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[int]:
    """Slack and Teams on the runner `checkin-bot serve` uses (a handler is not cancelled when
    its client goes; aiohttp's test server cancels it); its port."""
    with AuthServer() as auth:
        for name, value in auth.env().items():
            monkeypatch.setenv(name, value)
        settings = Settings(
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url="http://127.0.0.1:9/api/",
            microsoft_app_id=APP_ID,
            microsoft_app_password=APP_PASSWORD,
            teams_requested=True,
        )
        app = build_web_app(
            settings, sqlite_db, clock, teams_credentials=auth.credentials_factory(APP_ID)
        )
        runner = app_runner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        try:
            yield runner.addresses[0][1]
        finally:
            await runner.cleanup()


async def raw_post(
    port: int, path: str, rest: bytes
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A POST written by hand: its request line and first headers, then `rest` as given."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"POST {path} HTTP/1.1\r\nHost: bot\r\nContent-Type: {JSON}\r\n".encode() + rest)
    await writer.drain()
    return reader, writer


CUT_SHORT = {
    "sized": b'Content-Length: 5000\r\n\r\n{"type": "event_callback", "ev',
    "chunked": b'Transfer-Encoding: chunked\r\n\r\n1388\r\n{"type": "event_callback", "ev',
}


@pytest.mark.parametrize("path", ["/slack/events", "/api/messages"])
@pytest.mark.parametrize("rest", CUT_SHORT.values(), ids=CUT_SHORT.keys())
async def test_a_client_that_hangs_up_mid_body_is_one_line_in_the_log(
    served: int, caplog: pytest.LogCaptureFixture, path: str, rest: bytes
) -> None:
    caplog.set_level(logging.INFO)
    _, writer = await raw_post(served, path, rest)
    writer.close()
    await writer.wait_closed()
    await until(lambda: any(r.levelno >= logging.WARNING for r in caplog.records))
    assert_quiet(caplog)
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(said) == 1 and "\n" not in said[0] and "went away" in said[0], said


@pytest.mark.parametrize("path", ["/slack/events", "/api/messages"])
@pytest.mark.parametrize(
    "rest",
    [
        CUT_SHORT["sized"],
        # Headers first, then a chunk the parser refuses: aiohttp leaves the read waiting.
        b"Transfer-Encoding: chunked\r\n\r\n",
    ],
    ids=["held open", "a bad chunk after the headers"],
)
async def test_a_body_that_never_arrives_in_full_is_a_400_and_one_line_in_the_log(
    served: int,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    path: str,
    rest: bytes,
) -> None:
    monkeypatch.setattr(request_body, "BODY_SECONDS", 0.5)
    caplog.set_level(logging.INFO)
    reader, writer = await raw_post(served, path, rest)
    if rest.endswith(b"chunked\r\n\r\n"):
        await asyncio.sleep(0.1)
        writer.write(b"zz\r\n{}\r\n0\r\n\r\n")
        await writer.drain()
    status = await asyncio.wait_for(reader.readline(), 10)
    writer.close()
    await writer.wait_closed()
    assert status.endswith(b" 400 Bad Request\r\n"), status
    assert_quiet(caplog)
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(said) >= 1 and all("\n" not in line for line in said), said


# Chunks aiohttp's HTTP parser refuses, sent with their headers in one write: the parser
# answers them itself, before any handler runs.
BAD_CHUNKS = {
    "a chunk size that is no number": b"zz\r\n{}\r\n0\r\n\r\n",
    "a chunk longer than its size": b"2\r\n{}}}}}\r\n0\r\n\r\n",
}


@pytest.mark.parametrize("path", ["/slack/events", "/api/messages"])
@pytest.mark.parametrize("chunks", BAD_CHUNKS.values(), ids=BAD_CHUNKS.keys())
async def test_a_malformed_chunked_body_is_a_400_and_one_line_in_the_log(
    served: int, caplog: pytest.LogCaptureFixture, path: str, chunks: bytes
) -> None:
    caplog.set_level(logging.INFO)
    reader, writer = await raw_post(served, path, b"Transfer-Encoding: chunked\r\n\r\n" + chunks)
    answer = await reader.read()
    writer.close()
    await writer.wait_closed()
    assert answer.split(b"\r\n")[0].endswith(b" 400 Bad Request"), answer
    assert_quiet(caplog)
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert len(said) == 1 and "\n" not in said[0] and "parser refused" in said[0], said
