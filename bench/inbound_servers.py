"""What bench/inbound.py measures against, each in a process of its own, and the org they serve.

    python bench/inbound_servers.py bot --port N       `checkin-bot serve`, its pacer unlimited
    python bench/inbound_servers.py bare --port N --api-url URL   a bare slack-bolt app
    python bench/inbound_servers.py mock               the mock Slack Web API, tallied on stdin

The bot takes its settings from the environment, as `checkin-bot serve` does. The mock prints
its URL, then answers each line read on stdin with a JSON Tally of the calls since the last.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import signal
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the mock Slack Web API and PostgreSQL are in tests/

from aiohttp import web  # noqa: E402
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request  # noqa: E402
from slack_bolt.async_app import AsyncAck, AsyncApp  # noqa: E402
from slack_sdk.web.async_client import AsyncWebClient  # noqa: E402
from sqlalchemy import delete, text, update  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402
from sqlmodel import col, select  # noqa: E402

import adapters.slack.web_api as slack_web_api  # noqa: E402
from adapters.slack.outbound import SlackOutbox  # noqa: E402
from adapters.slack.pacing import DEFAULT, Pacer, Rate  # noqa: E402
from adapters.slack.web_api import SlackApi  # noqa: E402
from app.scheduling import build_scheduler  # noqa: E402
from bot.checkins.scheduled import PROMPT  # noqa: E402
from bot.engine.engine import SORRY, Engine  # noqa: E402
from bot.imports.org_import import import_org  # noqa: E402
from storage.db import Database, async_url  # noqa: E402
from storage.models import Person, PlatformIdentity, ScheduledJob  # noqa: E402
from tests.postgres import PostgresServer, start_server  # noqa: E402
from tests.slack.mock_api import MockSlackApi  # noqa: E402

SECRET = "bench-signing-secret-0123456789ab"
TOKEN = "xoxb-bench-token"
TEAM = "T1"
TENANT = f"slack:{TEAM}"
EVENTS_PATH = "/slack/events"
STARTUP_SECONDS = 30.0
FAR = datetime(2100, 1, 4, tzinfo=UTC)  # the wave's jobs wait here until it is released
UNLIMITED = Rate(per_minute=6e9, burst=1_000_000)


class UnpacedPacer(Pacer):
    """The bot's pacer with no limit: every call goes at once, as to a Slack with no limits."""

    def __init__(self) -> None:
        super().__init__({DEFAULT: UNLIMITED}, per_channel=UNLIMITED)


def load_user(n: int) -> str:
    return f"UL{n:05d}"


def wave_user(n: int) -> str:
    return f"UW{n:05d}"


# -- the servers ------------------------------------------------------------------------------


def serve_bot(port: int, profile_to: str | None) -> int:
    """`checkin-bot serve`, scheduler and all, as deployed: only the pacer is unlimited."""
    from app.cli import main as checkin_bot

    vars(slack_web_api)["Pacer"] = UnpacedPacer  # SlackApi makes its pacer from this name
    arguments = ["serve", "--host", "127.0.0.1", "--port", str(port)]
    if profile_to is None:
        return checkin_bot(arguments)
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        return checkin_bot(arguments)
    finally:
        profiler.disable()
        profiler.dump_stats(profile_to)


def bare_bolt(api_url: str) -> web.Application:
    """slack-bolt and nothing else: the bot's token set-up (auth.test once, on the first
    request) and its HTTP glue, with listeners that only ack."""
    bolt = AsyncApp(signing_secret=SECRET, client=AsyncWebClient(base_url=api_url, token=TOKEN))

    @bolt.command("/checkin")
    async def command(ack: AsyncAck) -> None:
        await ack()

    @bolt.event("message")
    async def message(ack: AsyncAck) -> None:
        await ack()

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_post(EVENTS_PATH, events)
    app.router.add_get("/healthz", healthz)
    return app


async def serve_bare(port: int, api_url: str) -> int:
    runner = web.AppRunner(bare_bolt(api_url), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
    return 0


@dataclass
class Tally:
    """What the mock Slack Web API was asked so far: the bot's posts to the load's people
    (and of those, its apologies), the wave's prompts and to how many people, and the calls
    by method and the ones that failed."""

    load_posts: int = 0
    sorry: int = 0  # "something went wrong on my side and nothing was saved"
    wave_posts: int = 0
    wave_people: int = 0
    methods: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)


async def serve_mock() -> int:
    tally, prompted = Tally(), set[str]()
    methods, failed = Counter[str](), Counter[str]()
    async with MockSlackApi() as api:
        api.add_team(TEAM, TOKEN)
        print(api.url, flush=True)
        while await asyncio.to_thread(sys.stdin.readline):
            calls, api.calls[:] = list(api.calls), []  # kept, they would fill the memory
            for call in calls:
                methods[call.method] += 1
                channel = str(call.params.get("channel") or "")  # a DM goes to the user id
                if not call.ok:
                    failed[f"{call.method} {call.status} {call.response.get('error')}"] += 1
                elif call.method == "chat.postMessage" and channel.startswith("UW"):
                    tally.wave_posts += 1
                    prompted.add(channel)
                elif call.method == "chat.postMessage" and channel.startswith("UL"):
                    tally.load_posts += 1
                    tally.sorry += SORRY in str(call.params.get("text"))
            tally.wave_people = len(prompted)
            tally.methods, tally.failed = dict(methods), dict(failed)
            print(json.dumps(asdict(tally)), flush=True)
    return 0


class MockProcess:
    def __init__(self, process: asyncio.subprocess.Process, url: str) -> None:
        self.process = process
        self.url = url

    async def tally(self) -> Tally:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(b"tally\n")
        await self.process.stdin.drain()
        return Tally(**json.loads(await self.process.stdout.readline()))


@asynccontextmanager
async def server_process(
    role: str, *args: str, **options: Any
) -> AsyncIterator[asyncio.subprocess.Process]:
    """One of the servers above, stopped (SIGTERM, then SIGKILL after 10 s) on leaving."""
    process = await asyncio.create_subprocess_exec(sys.executable, __file__, role, *args, **options)
    try:
        yield process
    finally:
        if process.returncode is None:
            if process.stdin is not None:
                process.stdin.close()
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()  # a bot with a backlog of work may take long to wind down
            await process.wait()


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far, all its threads (Linux; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- the org ----------------------------------------------------------------------------------


async def seed(database: Database, load_people: int, wave_people: int) -> None:
    """The load's people (an org import, a Slack identity each, a check-in due now) and the
    wave's (rows as bench/wave.py makes them, due only once released)."""
    # Daily, an hour ago: each opens one check-in now, and nobody's next is due during the run.
    at = f"{(datetime.now(UTC).hour + 23) % 24:02d}:00"
    lines = ["email,name,team,timezone,checkin_days,checkin_time"] + [
        f"l{n}@bench.example.com,Load {n},Team {n % 25},UTC,daily,{at}" for n in range(load_people)
    ]
    now = datetime.now(UTC)
    report = await import_org(database, TENANT, "\n".join(lines) + "\n", now=now)
    assert not report.problems, report.problems[:3]
    async with database.session() as session:
        # The import plans everyone's first prompt; the load's are due now, below.
        await session.exec(delete(ScheduledJob))
        for person in (await session.exec(select(Person))).all():
            n = int(person.email.split("@")[0].removeprefix("l"))
            session.add_all(reachable(person, load_user(n), due=now))
        await session.flush()
        for first in range(0, wave_people, 2000):
            numbers = range(first, min(first + 2000, wave_people))
            rows = [
                Person(
                    tenant_id=TENANT,
                    email=f"w{n}@bench.example.com",
                    name=f"Wave {n}",
                    timezone="UTC",
                    checkin_days="daily",
                    checkin_time=at,
                    created_at=now,
                )
                for n in numbers
            ]
            session.add_all(rows)
            await session.flush()
            for n, person in zip(numbers, rows, strict=True):
                session.add_all(reachable(person, wave_user(n), due=FAR))
            await session.flush()


def reachable(person: Person, user: str, due: datetime) -> list[PlatformIdentity | ScheduledJob]:
    """A person's Slack identity, and their check-in's job."""
    assert person.id is not None
    return [
        PlatformIdentity(
            tenant_id=TENANT, person_id=person.id, platform="slack", external_user_id=user
        ),
        ScheduledJob(tenant_id=TENANT, kind=PROMPT, subject_id=person.id, due_at=due),
    ]


async def open_checkins(database: Database, api_url: str, people: int) -> int:
    """Asks the load's people their check-in's first question through the real Slack outbox,
    so that answering it later updates a message the mock has; how many were asked."""

    async def token(_: str) -> str:
        return TOKEN

    api = SlackApi(api_url, token, UnpacedPacer())
    await api.open()
    try:
        scheduler = build_scheduler(Engine(database, SlackOutbox(api)), tick_seconds=1)
        return await scheduler.run_until_idle(max_rounds=people // 256 + 10)
    finally:
        await api.close()


async def release_wave(database: Database) -> int:
    """The wave's prompts due now, in one statement; how many."""
    deadline = time.monotonic() + 30
    while True:
        try:
            async with database.session() as session:
                result = await session.exec(
                    update(ScheduledJob)
                    .where(col(ScheduledJob.kind) == PROMPT, col(ScheduledJob.due_at) == FAR)
                    .values(due_at=datetime.now(UTC))
                )
                return int(result.rowcount)
        except OperationalError:
            # SQLite's write lock, when the bot's backlog of work holds it past busy_timeout.
            if time.monotonic() > deadline:
                raise


@asynccontextmanager
async def database_url(kind: str, postgres_url: str | None, folder: str) -> AsyncIterator[str]:
    """A SQLite file in `folder`, or a new database on PostgreSQL (a throwaway server unless
    `postgres_url` is given), dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{folder}/bot.db"
        return
    server: PostgresServer | None = None
    if postgres_url is None:
        server = start_server()
        if server is None:
            raise SystemExit("no PostgreSQL server binaries here: apt-get install postgresql")
        postgres_url = server.admin_url
    admin = create_async_engine(async_url(postgres_url), isolation_level="AUTOCOMMIT")
    name = "inbound_" + uuid.uuid4().hex[:10]
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield postgres_url.rsplit("/", 1)[0] + "/" + name
        finally:
            async with admin.connect() as connection:
                await connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()
        if server is not None:
            server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("role", choices=("bot", "bare", "mock"))
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--api-url", default="")
    args = parser.parse_args()
    if args.role == "bot":
        return serve_bot(args.port, os.environ.get("BENCH_PROFILE"))
    if args.role == "bare":
        return asyncio.run(serve_bare(args.port, args.api_url))
    return asyncio.run(serve_mock())


if __name__ == "__main__":
    raise SystemExit(main())
