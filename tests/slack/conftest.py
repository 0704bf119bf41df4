"""A running Slack adapter over HTTP: real bolt, signed requests, a mock Web API on loopback."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

import pytest
from aiohttp.test_utils import TestClient, TestServer

from app.config import Settings
from app.server import build_web_app
from bot.imports.goals_import import import_goals
from bot.imports.org_import import import_org
from storage.db import Database
from tests.conftest import FakeClock, until
from tests.slack.mock_api import Call, MockSlackApi
from tests.slack.payloads import FORM, JSON, signed_headers

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-17-test-token"
ORG_CSV = """email,name,manager_email,team,timezone,checkin_days,checkin_time
grace@example.com,Grace Hopper,,Engineering,America/New_York,fri,15:00
alan@example.com,Alan Turing,grace@example.com,Engineering,Europe/London,fri,15:00
"""
GOALS_YAML = """period: 2026-Q4
objectives:
  - id: grow
    title: Grow
    owner: grace@example.com
    key_results:
      - {id: signups, title: Weekly signups, owner: alan@example.com, start: 100, target: 500,
         current: 120, unit: signups}
      - {id: nps, title: NPS, owner: alan@example.com, start: 20, target: 40, current: 28,
         confidence: 6}
"""


@dataclass
class Slack:
    api: MockSlackApi
    client: TestClient[Any, Any]
    database: Database
    events: int = field(default=0)

    async def post(
        self, body: str, content_type: str, *, headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        signed = signed_headers(SECRET, body, content_type=content_type)
        response = await self.client.post(
            "/slack/events", data=body, headers=signed | (headers or {})
        )
        return response.status, await response.text()

    async def form(self, body: str) -> tuple[int, str]:
        return await self.post(body, FORM)

    async def event(self, body: str, **headers: str) -> tuple[int, str]:
        return await self.post(body, JSON, headers=headers)

    def posts(self, user: str | None = None) -> list[Call]:
        return [
            call
            for call in self.api.called("chat.postMessage")
            if call.ok and (user is None or call.params.get("channel") == user)
        ]

    async def next_post(self, seen: int, user: str = "U_ALAN") -> Call:
        await until(lambda: len(self.posts(user)) > seen)
        return self.posts(user)[-1]


def buttons(call: Call) -> dict[str, tuple[str, str]]:
    """Button label -> (action_id, value) in a posted message."""
    found = {}
    for block in _blocks(call):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            found[element["text"]["text"]] = (element["action_id"], element.get("value", ""))
    return found


def _blocks(call: Call) -> list[dict[str, Any]]:
    blocks = call.params.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else list(blocks)


def text_of(call: Call) -> str:
    return json.dumps(_blocks(call), ensure_ascii=False) + str(call.params.get("text", ""))


def form_body(body: str) -> dict[str, Any]:
    return json.loads(parse_qs(body)["payload"][0])  # type: ignore[no-any-return]


async def seed(database: Database, tenant: str, now: datetime) -> None:
    assert not (await import_org(database, tenant, ORG_CSV, now=now)).problems
    assert not (await import_goals(database, tenant, GOALS_YAML, "goals.yaml", now=now)).problems


@pytest.fixture
async def api() -> AsyncIterator[MockSlackApi]:
    async with MockSlackApi() as mock:
        mock.add_team("T1", TOKEN)
        mock.add_user("U_ALAN", team="T1", email="alan@example.com", tz="Asia/Kolkata")
        mock.add_user("U_GRACE", team="T1", email="grace@example.com")
        yield mock


def slack_settings(api: MockSlackApi, **extra: str) -> Settings:
    values = {"slack_bot_token": TOKEN, "slack_signing_secret": SECRET, "slack_api_url": api.url}
    return Settings(**(values | extra))


@pytest.fixture
async def slack(api: MockSlackApi, sqlite_db: Database, clock: FakeClock) -> AsyncIterator[Slack]:
    await seed(sqlite_db, "slack:T1", clock.now())
    app = build_web_app(slack_settings(api), sqlite_db, clock)
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as client:
        yield Slack(api, client, sqlite_db)
