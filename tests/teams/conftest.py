"""A running Teams adapter: real botbuilder over HTTP, a mock Bot Connector as serviceUrl."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from app.config import Settings
from app.server import build_web_app
from storage.db import Database
from tests.conftest import FakeClock, until
from tests.slack.conftest import seed
from tests.teams.connector import MockConnector

TENANT = "tenant-1"


@dataclass
class Teams:
    connector: MockConnector
    client: TestClient[Any, Any]
    database: Database

    async def post(self, activity: dict[str, Any], token: str | None = None) -> tuple[int, str]:
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        response = await self.client.post(
            "/api/messages", data=json.dumps(activity), headers=headers
        )
        return response.status, await response.text()

    def texts(self) -> list[str]:
        return [json.dumps(sent.activity, ensure_ascii=False) for sent in self.connector.sent]

    async def next_message(self, seen: int) -> str:
        await until(lambda: len(self.connector.sent) > seen)
        return self.texts()[-1]


def card_actions(sent_json: str) -> list[dict[str, Any]]:
    """Every Action.Submit `data` in a sent card, body action sets included."""
    return [
        {"title": node.get("title"), **node["data"]}
        for node in _elements(json.loads(sent_json))
        if node.get("type") in ("Action.Submit", "Action.Execute") and "data" in node
    ]


def card_inputs(sent_json: str) -> list[str]:
    """The ids of a sent card's inputs, in order."""
    return [
        str(node["id"])
        for node in _elements(json.loads(sent_json))
        if str(node.get("type", "")).startswith("Input.") and "id" in node
    ]


def _elements(node: Any) -> list[dict[str, Any]]:
    """Every object in a card, depth first."""
    if isinstance(node, dict):
        return [node, *(found for value in node.values() for found in _elements(value))]
    if isinstance(node, list):
        return [found for value in node for found in _elements(value)]
    return []


@pytest.fixture
async def connector() -> AsyncIterator[MockConnector]:
    async with MockConnector() as mock:
        mock.add_member("29:alan", email="alan@example.com", name="Alan Turing", tenant=TENANT)
        mock.add_member("29:grace", email="grace@example.com", name="Grace Hopper", tenant=TENANT)
        yield mock


@pytest.fixture
async def teams(
    connector: MockConnector, sqlite_db: Database, clock: FakeClock
) -> AsyncIterator[Teams]:
    await seed(sqlite_db, f"teams:{TENANT}", clock.now())
    settings = Settings(teams_requested=True)
    app = build_web_app(settings, sqlite_db, clock)
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as client:
        yield Teams(connector, client, sqlite_db)
