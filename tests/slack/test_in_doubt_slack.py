"""A prompt left in doubt by a crash, through the real Slack outbox against the mock Web API:
the retry finds it in the DM's history (by the metadata every question carries) and sends
nothing; a prompt Slack never got is sent once."""

from __future__ import annotations

import pytest
from sqlmodel import select

from adapters.slack.outbound import SlackOutbox
from adapters.slack.pacing import Pacer, Rate
from adapters.slack.web_api import SlackApi
from app.routing import PlatformOutbox
from storage.db import Database
from storage.models import CheckinRun, PendingPrompt
from tests.scheduler.test_in_doubt import NINE, wave_left_in_doubt
from tests.slack.conftest import TOKEN
from tests.slack.mock_api import MockSlackApi


@pytest.fixture
def outbox(api: MockSlackApi) -> PlatformOutbox:
    async def token(workspace: str) -> str | None:
        return TOKEN if workspace == "T1" else None

    fast = Rate(600_000, 1_000)
    api.advance(seconds=NINE.timestamp() - api.now().timestamp())  # the mock's clock at 09:00
    slack = SlackOutbox(SlackApi(api.url, token, Pacer({"*": fast}, per_channel=fast)))
    return PlatformOutbox({"slack": slack})


async def test_a_prompt_slack_took_is_found_in_the_history_and_not_sent_again(
    api: MockSlackApi, outbox: PlatformOutbox, sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    scheduler, clock, _ = await wave_left_in_doubt(sqlite_db, outbox, monkeypatch, "U1", "U2")
    assert len(api.called("chat.postMessage")) == 2
    clock.advance(minutes=1)
    api.advance(minutes=1)
    assert await scheduler.run_until_idle() == 2

    assert len(api.called("chat.postMessage")) == 2
    assert len(api.called("conversations.history")) == 2
    async with sqlite_db.session() as session:
        runs = (await session.exec(select(CheckinRun))).all()
        refs = [p.message_ref for p in (await session.exec(select(PendingPrompt))).all()]
    assert all(run.prompted_at is not None for run in runs)
    assert sorted(ref["channel"] for ref in refs if ref) == ["DU1", "DU2"]


async def test_a_prompt_slack_never_got_is_sent_once(
    api: MockSlackApi, outbox: PlatformOutbox, sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.fail("chat.postMessage", 1, status=200, error="invalid_arguments")
    scheduler, clock, _ = await wave_left_in_doubt(sqlite_db, outbox, monkeypatch, "U1")
    clock.advance(minutes=1)
    assert await scheduler.run_until_idle() == 1
    assert len(api.called("conversations.history")) == 1
    assert len([c for c in api.called("chat.postMessage") if c.ok]) == 1
