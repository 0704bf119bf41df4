"""Drill: SQLite's disk fills up, and writes fail cleanly.

The disk is simulated with `PRAGMA max_page_count` on every connection: the database file may
not grow past its size, and its free pages are used up first, so a write that needs a new page
fails with SQLITE_FULL ("database or disk is full"), as it would on a full disk. (On a real full
disk even the rollback journal can't be written, so every write fails; under the cap only those
needing room do. The drill's writes are long enough to need a new page either way: an answer of
4,800 characters, an import of 500 people.)

- In Slack, a typed answer that can't be stored is answered with what happened (the disk is
  full, nothing was saved), not a stack trace or silence; nothing of it is stored; the bot goes
  on serving; once there is room again, the same answer typed again is stored.
- A check-in form whose key-result values fit but whose long answer doesn't leaves neither:
  one unit of work, rolled back whole.
- `checkin-bot org import` that runs out of room prints one line, exits 1, and imports no one.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from adapters.slack.render import ACTION_OPEN_FORM, FORM_CALLBACK_ID
from app.server import build_web_app
from bot.imports.org_import import import_org
from storage.db import Database, out_of_space
from storage.models import Answer, CheckinRun, KeyResult, KeyResultChange, PendingPrompt
from tests.conftest import FakeClock, until
from tests.seeded import SEEDED_AT
from tests.serve_process import ROOT, cli_env
from tests.slack.conftest import TOKEN, Slack, buttons, seed, slack_settings, text_of
from tests.slack.mock_api import MockSlackApi
from tests.slack.payloads import (
    app_home_opened,
    block_action,
    message_event,
    slash_command,
    view_submission,
)
from tests.template_databases import SqliteTemplate

# A long status pasted in as the blockers answer: more than a page (4 KB) of SQLite's. Over
# the free-text cap, which `roomy_answers` lifts here: this drill is about the disk.
LONG = "Waiting on the security review of the importer. " * 100
DISK_FULL = "the server's disk is full"


@pytest.fixture(autouse=True)
def roomy_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.core.limits.MAX_FREE_TEXT", 10_000)


class Disk:
    """The room the database file has: unlimited, or full (capped at its size, free pages
    used up). Every connection opened after a change sees it; pooled ones are let go."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.pages: int | None = None
        event.listen(database.engine.sync_engine, "connect", self._cap)

    def _cap(self, dbapi_connection: Any, _record: Any) -> None:
        if self.pages is not None:
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA max_page_count={self.pages:d}")
            cursor.close()

    async def fill(self) -> None:
        engine = self.database.engine
        async with engine.begin() as connection:
            await connection.exec_driver_sql("CREATE TABLE drill_filler (junk BLOB)")
            self.pages = int((await connection.exec_driver_sql("PRAGMA page_count")).scalar_one())
        await engine.dispose()
        for size in (4000, 1000, 100):  # what's left of the free pages, to the last bytes
            try:
                while True:
                    async with engine.begin() as connection:
                        await connection.execute(
                            text("INSERT INTO drill_filler VALUES (zeroblob(:n))"), {"n": size}
                        )
            except OperationalError as error:
                assert out_of_space(error), error
        async with engine.connect() as connection:
            free = (await connection.exec_driver_sql("PRAGMA freelist_count")).scalar_one()
        assert free == 0

    async def free(self) -> None:
        self.pages = None
        await self.database.engine.dispose()


@pytest.fixture
async def slack_api() -> AsyncIterator[MockSlackApi]:
    async with MockSlackApi() as mock:
        mock.add_team("T1", TOKEN)
        mock.add_user("U_ALAN", team="T1", email="alan@example.com", tz="Asia/Kolkata")
        yield mock


@pytest.fixture
async def slack(
    slack_api: MockSlackApi, sqlite_db: Database, clock: FakeClock
) -> AsyncIterator[Slack]:
    await seed(sqlite_db, "slack:T1", clock.now())
    app = build_web_app(slack_settings(slack_api), sqlite_db, clock)
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as client:
        yield Slack(slack_api, client, sqlite_db)


async def say(slack: Slack, reply: str) -> str:
    """Alan types `reply` in the bot's DM; the text of the bot's answer."""
    seen = len(slack.posts("U_ALAN"))
    assert (await slack.event(message_event(reply, user="U_ALAN")))[0] == 200
    return text_of(await slack.next_post(seen))


async def stored(slack: Slack) -> tuple[dict[str, Answer], dict[str, KeyResult], int, int]:
    """Answers by question, key results by key, history rows from check-ins, waiting prompts."""
    async with slack.database.session() as session:
        answers = {a.question_key: a for a in (await session.exec(select(Answer))).all()}
        krs = {kr.key: kr for kr in (await session.exec(select(KeyResult))).all()}
        changes = (
            await session.exec(select(KeyResultChange).where(KeyResultChange.source == "checkin"))
        ).all()
        waiting = (
            await session.exec(select(PendingPrompt).where(PendingPrompt.status == "waiting"))
        ).all()
    return answers, krs, len(changes), len(waiting)


async def test_a_typed_answer_that_does_not_fit_says_the_disk_is_full_and_is_stored_later(
    slack: Slack,
) -> None:
    await slack.form(slash_command("/checkin", "now", user="U_ALAN"))
    await slack.next_post(0)
    for reply in ("signups 400, nps 35", "7", "8"):
        await say(slack, reply)  # up to the blockers question
    before = await stored(slack)
    disk = Disk(slack.database)
    await disk.fill()

    answer = await say(slack, LONG)

    assert DISK_FULL in answer and "Nothing was saved" in answer, answer
    assert "Traceback" not in answer and "OperationalError" not in answer
    after = await stored(slack)
    assert "blockers" not in after[0] and after[2:] == before[2:] == (4, 1)
    assert {k: a.number for k, a in after[0].items()} == {k: a.number for k, a in before[0].items()}
    # Still serving: the home tab (reads only) and the health check answer.
    await slack.event(app_home_opened("U_ALAN"))
    await until(lambda: bool([c for c in slack.api.called("views.publish") if c.ok]))
    assert (await slack.client.get("/healthz")).status == 200

    await disk.free()
    answer = await say(slack, LONG)

    assert DISK_FULL not in answer and "win" in answer.lower(), answer  # the next question
    answers, *_ = await stored(slack)
    assert answers["blockers"].text == LONG.strip()


async def test_a_form_that_does_not_fit_leaves_neither_its_answers_nor_its_key_results(
    slack: Slack,
) -> None:
    await slack.form(slash_command("/checkin", "now", user="U_ALAN"))
    first = await slack.next_post(0)
    await slack.form(
        block_action(ACTION_OPEN_FORM, buttons(first)["Fill in as a form"][1], user="U_ALAN")
    )
    await until(lambda: bool(slack.api.called("views.open")))
    view = slack.api.called("views.open")[0].params["view"]
    view = view if isinstance(view, dict) else json.loads(view)
    typed = {"kr:1:value": "450", "kr:1:confidence": "7", "mood": "4", "blockers": LONG}
    values: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        key = block.get("block_id", "")
        if block["type"] != "input":
            continue
        if key.endswith("confidence") or key == "mood":
            option = {"value": typed[key]} if key in typed else None
            values[key] = {"value": {"type": "static_select", "selected_option": option}}
        else:
            values[key] = {"value": {"type": "plain_text_input", "value": typed.get(key)}}
    disk = Disk(slack.database)
    await disk.fill()

    seen = len(slack.posts("U_ALAN"))
    body = view_submission(FORM_CALLBACK_ID, view["private_metadata"], values, user="U_ALAN")
    assert (await slack.form(body))[0] == 200
    reply = text_of(await slack.next_post(seen))

    assert DISK_FULL in reply, reply
    answers, krs, changes, waiting = await stored(slack)
    assert not answers and changes == 0 and waiting == 1
    assert (krs["signups"].current, krs["signups"].confidence) == (120, None)

    await disk.free()
    seen = len(slack.posts("U_ALAN"))
    body = view_submission(FORM_CALLBACK_ID, view["private_metadata"], values, user="U_ALAN")
    assert (await slack.form(body))[0] == 200
    assert "Check-in saved" in text_of(await slack.next_post(seen))
    answers, krs, changes, _ = await stored(slack)
    assert (krs["signups"].current, krs["signups"].confidence) == (450, 7)
    assert answers["blockers"].text == LONG.strip() and changes == 2
    async with slack.database.session() as session:
        runs = (await session.exec(select(CheckinRun))).all()
    assert [run.status for run in runs] == ["submitted"]


async def test_an_org_import_that_does_not_fit_fails_in_one_line_and_imports_no_one(
    sqlite_template: SqliteTemplate, tmp_path: Path
) -> None:
    env = cli_env(tmp_path)
    assert env["DATABASE_URL"] == sqlite_template.copy_to(tmp_path / "bot.db")
    database = Database(env["DATABASE_URL"])
    async with database.engine.connect() as connection:
        pages = (await connection.exec_driver_sql("PRAGMA page_count")).scalar_one()
    await database.dispose()
    rows = "".join(
        f"p{n}@example.com,Person {n},,Team {n % 20},UTC,fri,15:00\n" for n in range(500)
    )
    org = tmp_path / "org.csv"
    org.write_text(f"email,name,manager_email,team,timezone,checkin_days,checkin_time\n{rows}")

    # The file may not grow: its free pages are far too few for 500 people.
    capped = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.drills.capped_cli",
        str(pages),
        "org",
        "import",
        str(org),
        "--org",
        "slack:T1",
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output = (await asyncio.wait_for(capped.communicate(), 120))[0].decode()

    assert capped.returncode == 1, output
    assert len(output.strip().splitlines()) == 1 and "disk is full" in output, output
    assert await people_in(tmp_path / "bot.db") == 0
    # With room again, the same file imports whole.
    database = Database(env["DATABASE_URL"])
    report = await import_org(database, "slack:T1", org.read_text(), now=SEEDED_AT)
    await database.dispose()
    assert not report.problems
    assert await people_in(tmp_path / "bot.db") == 500


async def people_in(path: Path) -> int:
    def count() -> int:
        with sqlite3.connect(path) as connection:
            return int(connection.execute("SELECT count(*) FROM person").fetchone()[0])

    return await asyncio.to_thread(count)


@pytest.mark.parametrize(
    ("error", "full"),
    [
        (sqlite3.OperationalError("database or disk is full"), False),  # no code: can't tell
        (type("Full", (Exception,), {"sqlite_errorcode": 13})(), True),
        (type("DiskFull", (Exception,), {"sqlstate": "53100"})(), True),
        (ConnectionResetError("the database connection dropped"), False),
    ],
)
def test_what_counts_as_a_full_disk(error: Exception, full: bool) -> None:
    wrapped = RuntimeError("wrapped")
    wrapped.__cause__ = error
    assert out_of_space(error) is full and out_of_space(wrapped) is full
