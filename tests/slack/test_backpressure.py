"""A full backlog over HTTP: Slack's requests wait for room, then are refused in a way that
loses nothing: events and clicks with a 503 that Slack retries, slash commands with a message
saying to try again. Signatures are still checked first."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from adapters.slack import inbound
from app.server import ENGINE
from bot.engine import Engine
from storage.models import ProcessedEvent
from tests.slack.conftest import Slack, text_of
from tests.slack.payloads import block_action, message_event, slash_command


@pytest.fixture
def full(slack: Slack, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The engine with no room in its backlog (nothing may wait), and a short wait for it."""
    monkeypatch.setattr(inbound, "ROOM_SECONDS", 0.05)
    engine: Engine = slack.client.server.app[ENGINE]
    engine.backlog.queued = 0
    return engine


async def seen_events(slack: Slack) -> int:
    async with slack.database.session() as session:
        return len((await session.exec(select(ProcessedEvent))).all())


async def test_a_dm_refused_while_busy_is_taken_when_slack_delivers_it_again(
    slack: Slack, full: Engine
) -> None:
    event = message_event("help", user="U_ALAN")
    assert (await slack.event(event))[0] == 503
    assert slack.posts("U_ALAN") == [] and await seen_events(slack) == 0

    full.backlog.queued = 256
    retried = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}
    assert (await slack.event(event, **retried))[0] == 200
    assert "check-in" in text_of(await slack.next_post(0)).lower()
    assert (await slack.event(event, **retried | {"X-Slack-Retry-Num": "2"}))[0] == 200
    assert len(slack.posts("U_ALAN")) == 1 and await seen_events(slack) == 1


async def test_a_slash_command_refused_while_busy_says_to_try_again(
    slack: Slack, full: Engine
) -> None:
    status, body = await slack.form(slash_command("/checkin", "now", user="U_ALAN"))
    assert status == 200
    answer = json.loads(body)
    assert answer == {"response_type": "ephemeral", "text": inbound.BUSY}
    assert "try again" in answer["text"]
    assert slack.posts() == [] and await seen_events(slack) == 0


async def test_a_click_refused_while_busy_is_a_503(slack: Slack, full: Engine) -> None:
    click = block_action("start_checkin", "start", user="U_ALAN")
    assert (await slack.form(click))[0] == 503
    assert slack.posts() == [] and await seen_events(slack) == 0


async def test_a_badly_signed_request_is_refused_before_it_waits(
    slack: Slack, full: Engine
) -> None:
    body = slash_command("/checkin", "now", user="U_ALAN")
    response = await slack.client.post(
        "/slack/events",
        data=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": "1",
            "X-Slack-Signature": "v0=bad",
        },
    )
    assert response.status == 401
