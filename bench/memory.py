"""The memory benchmark: the RSS of a `checkin-bot serve` process with N people scheduled.

N people with a Slack identity and a check-in prompt job each are inserted in bulk, all due
tomorrow; then the real CLI's `checkin-bot serve` starts in a subprocess (scheduler on, ticking
every CHECKIN_TICK_SECONDS, Slack pointed at the mock Slack Web API of tests/slack/mock_api.py,
which enforces Slack's chat.postMessage limits). Its resident memory (VmRSS in
/proc/<pid>/status) is read after startup, after a few idle ticks, and throughout the
processing of a claimed batch: the bench moves 10,000 of the prompts to "due now" and samples
while the scheduler claims and sends them. The peak (VmHWM) closes the line. Loopback only:
SQLite in a temporary directory, or PostgreSQL (a throwaway server from tests/postgres.py
unless --postgres-url is given). It stops by itself.

    .venv/bin/python bench/memory.py [--people N [N ...]] [--due-now N]
                                     [--database sqlite|postgres] [--postgres-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the CLI, the mock Slack Web API and the throwaway PostgreSQL

from fresh_databases import fresh_databases  # noqa: E402
from scheduled_people import TEAM, seed_scheduled_people  # noqa: E402
from sqlalchemy import update  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from adapters.slack.pacing import PER_CHANNEL_POST, SLACK_RATES  # noqa: E402
from bot.checkins.scheduled import PROMPT  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import ScheduledJob  # noqa: E402
from tests.postgres import free_port  # noqa: E402
from tests.serve_process import cli_env, log_tail, until_healthy  # noqa: E402
from tests.slack.mock_api import MockSlackApi  # noqa: E402

TOKEN = "xoxb-bench"
POST = "chat.postMessage"
GOAL_MB, GOAL_PEOPLE = 300.0, 100_000
STARTUP_SECONDS = 60.0
SAMPLE_SECONDS = 0.2


@dataclass(frozen=True)
class Result:
    database: str
    people: int
    started_mb: float
    ticked_mb: float
    batch_mb: list[float]  # sampled while the claimed batch was being processed
    peak_mb: float  # VmHWM at the end: the most it ever held
    startup_seconds: float
    sent: int  # prompts Slack took while we watched


def status_mb(pid: int, field: str) -> float:
    """A memory figure of /proc/<pid>/status (VmRSS, VmHWM), in MB."""
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        if row.startswith(f"{field}:"):
            return int(row.split()[1]) / 1024  # kB
    raise LookupError(f"no {field} for process {pid}")


@asynccontextmanager
async def serving(env: dict[str, str], log: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    """`checkin-bot serve` on a loopback port, as tests/serve_process.py starts it, once
    /healthz answers. Its output goes to `log` (a pipe nobody reads would block it)."""
    port = free_port()
    with log.open("wb") as output:
        server = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "app",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            env=env,
            stdout=output,
            stderr=asyncio.subprocess.STDOUT,
        )
    try:
        await until_healthy(
            server,
            f"http://127.0.0.1:{port}",
            within=STARTUP_SECONDS,
            output=lambda: log_tail(log),
            fail=SystemExit,
        )
        yield server
    finally:
        if server.returncode is None:
            server.terminate()
        await asyncio.wait_for(server.wait(), 30)


async def make_due(database: Database, count: int) -> None:
    """The first `count` prompts fall due now, as a wave would."""
    async with database.session() as session:
        first = (
            select(ScheduledJob.id)
            .where(col(ScheduledJob.kind) == PROMPT)
            .order_by(col(ScheduledJob.id))
            .limit(count)
        )
        await session.exec(
            update(ScheduledJob)
            .where(col(ScheduledJob.id).in_(first))
            .values(due_at=datetime.now(UTC) - timedelta(seconds=1))
        )


async def measure(database: Database, people: int, args: argparse.Namespace) -> Result:
    now = datetime.now(UTC)
    # Daily at this minute: today's opening has passed, so today's period holds "now".
    minute = now.replace(second=0, microsecond=0) - timedelta(minutes=1)
    await seed_scheduled_people(
        database, people, checkin_time=f"{minute:%H:%M}", due_at=minute + timedelta(days=1)
    )
    rate = SLACK_RATES[POST]
    async with MockSlackApi() as slack:
        slack.add_team(TEAM, TOKEN)
        slack.limit(POST, rate.per_minute / 60, burst=rate.burst, whole_seconds=True)
        slack.limit(POST, PER_CHANNEL_POST.per_minute / 60, per_channel=True, whole_seconds=True)
        with tempfile.TemporaryDirectory(prefix="memory-") as folder:
            env = cli_env(
                Path(folder),
                DATABASE_URL=database.url,
                SLACK_BOT_TOKEN=TOKEN,
                SLACK_SIGNING_SECRET="bench-signing-secret",
                SLACK_API_URL=slack.url,
                CHECKIN_TICK_SECONDS=str(args.tick_seconds),
            )
            started = time.monotonic()
            async with serving(env, Path(folder) / "serve.log") as server:
                startup = time.monotonic() - started
                pid = server.pid
                started_mb = status_mb(pid, "VmRSS")
                await asyncio.sleep(args.ticks * args.tick_seconds)
                ticked_mb = status_mb(pid, "VmRSS")
                await make_due(database, min(args.due_now, people))
                samples = []
                watch_until = time.monotonic() + args.watch_seconds
                while time.monotonic() < watch_until and server.returncode is None:
                    samples.append(status_mb(pid, "VmRSS"))
                    await asyncio.sleep(SAMPLE_SECONDS)
                peak_mb = status_mb(pid, "VmHWM")
    sent = sum(1 for call in slack.called(POST) if call.ok)
    if not sent:
        raise SystemExit("no prompt was sent while watching: the batch never ran")
    return Result(args.database, people, started_mb, ticked_mb, samples, peak_mb, startup, sent)


def line(result: Result) -> str:
    batch = result.batch_mb
    return (
        f"{result.database:<9} {result.people:>7,} people  started {result.started_mb:5.0f} MB"
        f" (in {result.startup_seconds:4.1f} s)  after ticks {result.ticked_mb:5.0f} MB  "
        f"batch median {statistics.median(batch):5.0f} MB, max {max(batch):5.0f} MB "
        f"({len(batch)} samples, {result.sent} prompts sent)  peak VmHWM {result.peak_mb:5.0f} MB"
    )


async def bench(args: argparse.Namespace) -> list[Result]:
    results = []
    async with fresh_databases(args.database, args.postgres_url, "memory") as fresh:
        for people in args.people:
            async with fresh() as database:
                await upgrade(database.engine)
                result = await measure(database, people, args)
            results.append(result)
            print(line(result), flush=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--people", type=int, nargs="+", default=[10_000, 50_000, 100_000], help="people"
    )
    parser.add_argument("--due-now", type=int, default=10_000, help="prompts made due (10000)")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", help="an admin URL on a server to use (else one starts)")
    parser.add_argument(
        "--tick-seconds", type=float, default=1.0, help="CHECKIN_TICK_SECONDS for serve (1)"
    )
    parser.add_argument("--ticks", type=int, default=5, help="idle ticks before the batch (5)")
    parser.add_argument(
        "--watch-seconds", type=float, default=60.0, help="how long to sample the wave (60)"
    )
    args = parser.parse_args()
    results = asyncio.run(bench(args))
    for result in results:
        if result.people >= GOAL_PEOPLE:
            most = max(result.peak_mb, *result.batch_mb)
            verdict = "meets" if most < GOAL_MB else "misses"
            print(
                f"{result.people:,} people: {verdict} the goal of {GOAL_MB:.0f} MB "
                f"(at most {most:.0f} MB)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
