"""The running bot for the HTTP fuzz and security tests: the real server (`build_web_app`) with
Slack (bolt) against the mock Web API and Teams (botbuilder, with Bot Framework auth) against
the mock Bot Connector; a snapshot of the database; and what a stack trace looks like."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import Connection, inspect, text

from adapters.slack.pacing import DEFAULT, Rate
from adapters.teams.pacing import Window
from app.config import Settings
from app.server import ENGINE, build_web_app
from storage.db import Database
from tests.conftest import FakeClock
from tests.slack.conftest import SECRET, TOKEN, Slack, seed
from tests.slack.mock_api import MockSlackApi
from tests.teams.auth_server import AuthServer
from tests.teams.conftest import TENANT, Teams
from tests.teams.connector import MockConnector

APP_ID = "0d8c7a55-3b7e-4c1f-9d2a-5e6f7a8b9c0d"
APP_PASSWORD = "teams-app-password-for-the-fuzz"
# "Traceback (most recent call last)", or an exception class's name ("KeyError: 'x'").
STACK_TRACE = re.compile(
    r"Traceback|\b[A-Z]\w*(?:Error|Exception|Warning)\b|\bStopIteration\b|\bKeyboardInterrupt\b"
    r"|File \"[^\"]+\", line \d+"
)


def stack_traces(texts: Iterable[str], *, sent: object = "") -> list[str]:
    """What looks like a stack trace in `texts`, but for what the request itself `sent` (a
    challenge echoed back, a name quoted in an answer)."""
    request = str(sent)
    return [
        found.group(0)
        for text in texts
        for found in STACK_TRACE.finditer(text)
        if found.group(0) not in request
    ]


@dataclass
class Bot:
    """One server with both platforms on it, over one database."""

    slack: Slack
    teams: Teams
    auth: AuthServer
    database: Database

    def teams_token(self, service_url: str) -> str:
        return self.auth.token(audience=APP_ID, service_url=service_url)

    def sent_texts(self) -> list[str]:
        """Everything the bot sent to either platform, as JSON."""
        slack = [json.dumps(call.params, ensure_ascii=False) for call in self.slack.api.calls]
        return [*slack, *self.teams.texts()]


@asynccontextmanager
async def running_bot(
    database: Database,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Bot]:
    """Slack on the mock Web API (alan and grace in workspace T1), Teams with auth against a
    local identity provider (alan and grace in tenant-1), both orgs seeded with goals."""
    async with MockSlackApi() as api, MockConnector() as connector:
        api.add_team("T1", TOKEN)
        api.add_user("U_ALAN", team="T1", email="alan@example.com", tz="Asia/Kolkata")
        api.add_user("U_GRACE", team="T1", email="grace@example.com")
        connector.add_member("29:alan", email="alan@example.com", name="Alan Turing")
        connector.add_member("29:grace", email="grace@example.com", name="Grace Hopper")
        await seed(database, "slack:T1", clock.now())
        await seed(database, f"teams:{TENANT}", clock.now())
        with AuthServer() as auth:
            for name, value in auth.env().items():
                monkeypatch.setenv(name, value)
            settings = Settings(
                slack_bot_token=TOKEN,
                slack_signing_secret=SECRET,
                slack_api_url=api.url,
                microsoft_app_id=APP_ID,
                microsoft_app_password=APP_PASSWORD,
                teams_requested=True,
            )
            app = build_web_app(
                settings,
                database,
                clock,
                teams_credentials=auth.credentials_factory(APP_ID),
            )
            unpaced(app)
            async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as client:
                yield Bot(
                    Slack(api, client, database),
                    Teams(connector, client, database),
                    auth,
                    database,
                )


def unpaced(app: web.Application) -> None:
    """Rate limits are other tests' business; here they would only make the fuzz slow (a
    stranger's profile look-ups and answers go to the same few ids, at Slack's pace)."""
    outboxes = app[ENGINE].outbox.outboxes  # type: ignore[attr-defined]
    slack, teams = outboxes["slack"].api.pacer, outboxes["teams"].pacer
    slack.rates, slack.per_channel = {DEFAULT: Rate(600_000, 1_000)}, Rate(600_000, 1_000)
    teams.conversation_windows = teams.tenant_windows = (Window(10_000, 1),)


async def snapshot(database: Database, *, leave_out: Iterable[str] = ()) -> dict[str, list[str]]:
    """Every row of every table (but those left out), to compare before and after."""
    skipped = set(leave_out)

    def read(sync: Connection) -> dict[str, list[str]]:
        # All in one go on the driver's side: a statement per table, each awaited on its own,
        # cost most of a fuzz run.
        names = sorted(set(inspect(sync).get_table_names()) - skipped)
        return {
            name: sorted(repr(tuple(row)) for row in sync.execute(text(f'SELECT * FROM "{name}"')))
            for name in names
        }

    async with database.engine.connect() as connection:
        return await connection.run_sync(read)


def _listener_work() -> list[asyncio.Task[Any]]:
    """Bolt acks first and runs our listener in a task of its own afterwards."""
    return [
        task
        for task in asyncio.all_tasks()
        if not task.done()
        and "run_ack_function_asynchronously" in getattr(task.get_coro(), "__qualname__", "")
    ]


async def bolt_idle(timeout: float = 10.0) -> None:  # noqa: ASYNC109
    """Waits for the listeners of the requests already answered to finish."""
    pending = _listener_work()
    if pending:
        await asyncio.wait(pending, timeout=timeout)
    assert not _listener_work(), "a Slack listener is still running"
