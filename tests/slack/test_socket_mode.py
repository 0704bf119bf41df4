"""Socket Mode end to end: envelopes pushed down the mock's websocket, acks and Web API calls back.

No signing secret is set: Slack authenticates the socket with the app-level token, so nothing
arrives over HTTP and nothing is signed.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qsl

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlmodel import select

from app.config import Settings
from app.server import build_web_app
from storage.db import Database
from storage.models import Answer, KeyResult, PendingPrompt
from tests.conftest import FakeClock, until
from tests.slack.conftest import TOKEN, Slack, buttons, form_body, seed, text_of
from tests.slack.mock_api import MockSlackApi
from tests.slack.payloads import block_action, message_event, slash_command

APP_TOKEN = "xapp-1-test"
ACK_WITHIN = 3.0  # Slack's limit; the mock waits no longer for an ack


def command_payload(command: str, text: str, *, user: str, channel: str = "D1") -> dict[str, Any]:
    """A slash command as Socket Mode carries it: the form fields, as a JSON object."""
    return dict(parse_qsl(slash_command(command, text, user=user, channel=channel)))


def message_payload(text: str, *, user: str) -> dict[str, Any]:
    return json.loads(message_event(text, user=user))  # type: ignore[no-any-return]


def action_payload(action_id: str, value: str, *, user: str, message_ts: str) -> dict[str, Any]:
    return form_body(block_action(action_id, value, user=user, message_ts=message_ts))


@pytest.fixture
async def socket(api: MockSlackApi, sqlite_db: Database, clock: FakeClock) -> AsyncIterator[Slack]:
    await seed(sqlite_db, "slack:T1", clock.now())
    settings = Settings(slack_bot_token=TOKEN, slack_app_token=APP_TOKEN, slack_api_url=api.url)
    app = build_web_app(settings, sqlite_db, clock)
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as client:
        await api.socket_connected(timeout=5)
        yield Slack(api, client, sqlite_db)


async def send(slack: Slack, envelope_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    ack = await slack.api.socket_send(envelope_type, payload, timeout=ACK_WITHIN)
    assert ack is not None, f"no ack for the {envelope_type} envelope within {ACK_WITHIN}s"
    return ack


async def message_ref_saved(database: Database, ts: str, timeout: float = 5.0) -> None:  # noqa: ASYNC109
    """The bot notes a question's message after Slack answers the post; a click before that
    could not retire its buttons, and no person clicks that fast."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        async with database.session() as session:
            refs = [p.message_ref for p in (await session.exec(select(PendingPrompt))).all()]
        if any(ref and ref.get("ts") == ts for ref in refs):
            return
        assert asyncio.get_running_loop().time() < deadline, "the question's message was not saved"
        await asyncio.sleep(0.01)


async def key_results(database: Database) -> dict[str, KeyResult]:
    async with database.session() as session:
        return {kr.key: kr for kr in (await session.exec(select(KeyResult))).all()}


async def test_the_socket_is_opened_with_the_app_token(socket: Slack) -> None:
    [opened] = socket.api.called("apps.connections.open")
    assert opened.token == APP_TOKEN and opened.ok


async def test_a_checkin_over_the_socket_updates_the_key_results(socket: Slack) -> None:
    ack = await send(socket, "slash_commands", command_payload("/checkin", "now", user="U_ALAN"))
    assert "payload" not in ack or not ack["payload"]  # a DM command is acked empty
    first = await socket.next_post(0)
    assert "Weekly signups" in text_of(first)
    for reply in ("signups 400, nps 35", "7", "8", "none", "shipped the importer", "4"):
        seen = len(socket.posts("U_ALAN"))
        await send(socket, "events_api", message_payload(reply, user="U_ALAN"))
        await socket.next_post(seen)
    assert "Check-in saved" in text_of(socket.posts("U_ALAN")[-1])
    krs = await key_results(socket.database)
    assert (krs["signups"].current, krs["nps"].current, krs["nps"].confidence) == (400, 35, 8)
    # Every Web API call but the socket's own used the bot token.
    tokens = {call.token for call in socket.api.calls if call.method != "apps.connections.open"}
    assert tokens == {TOKEN}
    assert not socket.api.socket_errors


async def test_a_button_click_over_the_socket_records_the_answer(socket: Slack) -> None:
    await send(socket, "slash_commands", command_payload("/checkin", "now", user="U_ALAN"))
    first = await socket.next_post(0)
    await message_ref_saved(socket.database, first.response["ts"])
    action_id, value = buttons(first)["No change"]
    payload = action_payload(action_id, value, user="U_ALAN", message_ts=first.response["ts"])
    await send(socket, "interactive", payload)
    await socket.next_post(1)
    await until(lambda: bool(socket.api.called("chat.update")), timeout=5)
    update = socket.api.called("chat.update")[0]
    assert update.params["ts"] == first.response["ts"] and not buttons(update)
    async with socket.database.session() as session:
        assert len((await session.exec(select(Answer))).all()) == 1


async def test_a_command_in_a_channel_is_answered_in_the_ack(socket: Slack) -> None:
    payload = command_payload("/checkin", "now", user="U_ALAN", channel="C123")
    ack = await send(socket, "slash_commands", payload)
    assert "direct messages" in ack["payload"]["text"]
    assert "Weekly signups" in text_of(await socket.next_post(0))


async def test_without_a_signing_secret_nothing_is_served_over_http(socket: Slack) -> None:
    response = await socket.client.post(
        "/slack/events", data=slash_command("/checkin", "now", user="U_ALAN")
    )
    assert response.status in (404, 405)
    assert (await socket.client.get("/healthz")).status == 200
    assert socket.api.called("chat.postMessage") == []


async def test_a_refresh_requested_disconnect_reconnects_and_keeps_working(socket: Slack) -> None:
    await socket.api.socket_disconnect("refresh_requested")
    await socket.api.socket_connected(timeout=5, connections=2)
    await send(socket, "slash_commands", command_payload("/checkin", "now", user="U_ALAN"))
    assert "Weekly signups" in text_of(await socket.next_post(0))
