"""The wave against Slack's limits: N people due at once, sent through the real Slack path.

The app is wired as `checkin-bot serve` wires it (app.server.build_web_app: the engine, the
Slack adapter's SlackOutbox, its Pacer and call_slack; the scheduler ticking as in serve),
pointed at the mock Slack Web API of tests/slack/mock_api.py, which enforces chat.postMessage's
limits: the workspace's rate the Pacer paces to (300 a minute in bursts of 10) and one a
second in each channel, answering 429 with a whole-second Retry-After as Slack does. Every DM
is its own channel, so the workspace's rate binds. It reports the rate achieved as a share of
the rate allowed, the 429s, and checks at the mock that every person got exactly one prompt.
Loopback only; it stops by itself.

    .venv/bin/python bench/wave_limits.py [--people N [N ...]] [--rate-scale K]
                                          [--database sqlite|postgres] [--postgres-url URL]
                                          [--slack-per-minute R] [--tick-seconds S] [--profile]
                                          [--replicas N]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import itertools
import logging
import pstats
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the app, and the mock Slack Web API in tests/

from aiohttp import web  # noqa: E402
from fresh_databases import fresh_databases  # noqa: E402
from scheduled_people import TEAM, seed_scheduled_people, slack_user  # noqa: E402
from sqlalchemy import func  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from adapters.slack.outbound import SlackOutbox  # noqa: E402
from adapters.slack.pacing import PER_CHANNEL_POST, SLACK_RATES, Pacer  # noqa: E402
from app.config import Settings  # noqa: E402
from app.routing import PlatformOutbox  # noqa: E402
from app.scheduling import build_scheduler  # noqa: E402
from app.server import ENGINE, build_web_app  # noqa: E402
from bot.checkins.scheduled import PROMPT  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import CheckinRun, ScheduledJob  # noqa: E402
from tests.slack.mock_api import MockSlackApi  # noqa: E402

TOKEN = "xoxb-bench"
POST = "chat.postMessage"
RATE = SLACK_RATES[POST]  # what the Pacer assumes of Slack: 300 a minute, bursts of 10
GOAL_SHARE = 0.90


class ScaledTime:
    """Slack's seconds, passing `scale` times faster than real ones: the mock's limits, its
    Retry-After and the Pacer all read this clock, so a run is the real one, compressed."""

    def __init__(self, scale: float) -> None:
        self.scale = scale
        self.origin = time.monotonic()

    def clock(self) -> float:
        return self.origin + (time.monotonic() - self.origin) * self.scale

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds / self.scale)


def scaled_pacer(serves: Pacer, database: Database, time_of: ScaledTime) -> Pacer:
    """The Pacer serve wired, on the bench's scaled clock."""
    shared = getattr(serves, "shared", None)
    if shared is None:
        return Pacer(clock=time_of.clock, sleep=time_of.sleep)
    rates = type(shared)(database, clock=time_of.clock, sleep=time_of.sleep)
    return Pacer(clock=time_of.clock, sleep=time_of.sleep, shared=rates)


def found_rate(pacers: list[Pacer]) -> float:
    """The workspace's rate the Pacers had found by the end: the one they share, or the sum
    of each one's own."""
    if any(getattr(p, "shared", None) is not None for p in pacers):
        return max(p.per_minute(POST, TEAM) for p in pacers)
    # An older Pacer (--against in goals.py) held the published rate: nothing to find.
    return sum(
        p.per_minute(POST, TEAM) if hasattr(p, "per_minute") else RATE.per_minute for p in pacers
    )


class LogCounts(logging.Handler):
    """Counts warnings and errors by message (the 429s the app saw, skipped ticks, ...)
    instead of printing each one."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        self.counts[f"{record.name}: {str(record.msg)[:60]}"] += 1


@dataclass(frozen=True)
class Result:
    database: str
    people: int
    allowed_per_minute: float
    sent: int
    limited: int  # 429s answered by the mock, all retried by call_slack
    first_to_last: float  # Slack seconds between the first and the last prompt Slack took
    start_to_last: float  # from the scheduler's start
    longest_gap: float
    real_seconds: float
    twice: int
    missing: int
    found_per_minute: float  # the rate the Pacers had found by the end, together
    replicas: int = 1

    @property
    def allowed(self) -> float:
        """What the limit lets through between the first send and the last: a full burst,
        then the steady rate."""
        return RATE.burst + self.allowed_per_minute / 60 * self.first_to_last

    @property
    def share(self) -> float:
        return self.sent / self.allowed

    @property
    def per_minute(self) -> float:
        return 60 * self.sent / self.first_to_last if self.first_to_last else 0.0


async def send_wave(
    database: Database, people: int, args: argparse.Namespace, time_of: ScaledTime
) -> Result:
    now = datetime.now(UTC)
    # Due a minute ago, daily at that minute: the current period runs for a day yet.
    due = now.replace(second=0, microsecond=0) - timedelta(minutes=1)
    ids = await seed_scheduled_people(database, people, checkin_time=f"{due:%H:%M}", due_at=due)
    logs = LogCounts()
    root = logging.getLogger()
    root.addHandler(logs)
    root.setLevel(logging.WARNING)
    async with MockSlackApi() as slack:
        slack.clock = time_of.clock
        slack.add_team(TEAM, TOKEN)
        slack.limit(POST, args.slack_per_minute / 60, burst=RATE.burst, whole_seconds=True)
        per_channel = PER_CHANNEL_POST.per_minute / 60
        slack.limit(POST, per_channel, per_channel=True, whole_seconds=True)
        settings = Settings(
            database_url=database.url,
            slack_bot_token=TOKEN,
            slack_signing_secret="bench-signing-secret",
            slack_api_url=slack.url,
        )
        # Each replica as serve wires one: its own engine, Slack client, Pacer and scheduler,
        # on the one database; their Pacers find the workspace's rate together, from the 429s
        # any of them gets (an older Pacer, --against in goals.py: each on its own).
        apps = [build_web_app(settings, database) for _ in range(args.replicas)]
        pacers = []
        for app in apps:
            outbox = slack_outbox(app[ENGINE].outbox)
            if time_of.scale != 1:
                outbox.api.pacer = scaled_pacer(outbox.api.pacer, database, time_of)
            pacers.append(outbox.api.pacer)
        runners = [web.AppRunner(app, access_log=None) for app in apps]
        for runner in runners:
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", 0).start()
        tick = args.tick_seconds / time_of.scale
        schedulers = [build_scheduler(app[ENGINE], tick_seconds=tick) for app in apps]
        profiler = cProfile.Profile() if args.profile and people == max(args.people) else None
        try:
            if profiler is not None:
                profiler.enable()
            started, real_started = time_of.clock(), time.monotonic()
            for scheduler in schedulers:
                scheduler.start()
            await until_sent(slack, database, people, args, time_of)
            real_seconds = time.monotonic() - real_started
        finally:
            for scheduler in schedulers:
                scheduler.stop()
            if profiler is not None:
                profiler.disable()
                report(profiler)
            for runner in runners:
                await runner.cleanup()
            root.removeHandler(logs)
        posts = slack.called(POST)
    if logs.counts:
        print(f"  warnings logged: {dict(logs.counts)}", file=sys.stderr)
    taken = [call for call in posts if call.ok]
    per_user = Counter(str(call.params.get("channel")) for call in taken)
    expected = {slack_user(i) for i in ids}
    times = [call.at for call in taken]
    return Result(
        args.database,
        people,
        args.slack_per_minute,
        len(taken),
        sum(1 for call in posts if call.status == 429),
        times[-1] - times[0] if times else 0.0,
        times[-1] - started if times else 0.0,
        max((b - a for a, b in itertools.pairwise(times)), default=0.0),
        real_seconds,
        sum(1 for user, n in per_user.items() if n > 1 or user not in expected),
        len(expected - set(per_user)),
        found_rate(pacers),
        args.replicas,
    )


def slack_outbox(outbox: Any) -> SlackOutbox:
    assert isinstance(outbox, PlatformOutbox), outbox
    slack = outbox.outboxes["slack"]
    assert isinstance(slack, SlackOutbox), slack
    return slack


async def until_sent(
    slack: MockSlackApi,
    database: Database,
    people: int,
    args: argparse.Namespace,
    time_of: ScaledTime,
) -> None:
    """Until Slack has taken everyone's prompt and the database has every run marked and
    every job moved on; bounded at three times the limit's pace, plus a minute."""
    pace = people / (args.slack_per_minute / 60) / time_of.scale
    deadline = time.monotonic() + 3 * pace + 60
    while time.monotonic() < deadline:
        await asyncio.sleep(0.25)
        if sum(1 for call in slack.called(POST) if call.ok) < people:
            continue
        async with database.session() as session:
            marked = select(func.count()).where(col(CheckinRun.prompted_at).is_not(None))
            pending = select(func.count()).where(
                col(ScheduledJob.kind) == PROMPT,
                col(ScheduledJob.due_at) <= datetime.now(UTC) + timedelta(hours=1),
            )
            if (await session.exec(marked)).one() == people and not (
                await session.exec(pending)
            ).one():
                return
    done = sum(1 for call in slack.called(POST) if call.ok)
    raise SystemExit(f"gave up waiting: Slack took {done} of {people} prompts")


def line(result: Result) -> str:
    return (
        f"{result.database:<9} {result.replicas} replica{'s' if result.replicas > 1 else ' '} "
        f"{result.people:>6,} people  {result.per_minute:5.1f} DMs/min of "
        f"{result.allowed_per_minute:.0f} allowed: {100 * result.share:5.1f} %  "
        f"{result.limited:3d} 429s  (found {result.found_per_minute:.0f}/min)  "
        f"wave {result.first_to_last:6.1f} s "
        f"(from start {result.start_to_last:6.1f} s, longest pause {result.longest_gap:4.1f} s, "
        f"{result.real_seconds:5.1f} s real)  "
        f"prompted {result.sent - result.twice:,} once, {result.twice} twice, "
        f"{result.missing} never"
    )


async def bench(args: argparse.Namespace) -> list[Result]:
    results = []
    async with fresh_databases(args.database, args.postgres_url, "limits") as fresh:
        for people in args.people:
            async with fresh() as database:
                await upgrade(database.engine)
                result = await send_wave(database, people, args, ScaledTime(args.rate_scale))
            results.append(result)
            print(line(result), flush=True)
    return results


def report(profiler: cProfile.Profile) -> None:
    for order, lines in (("cumulative", 30), ("tottime", 20)):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(lines)
        print(out.getvalue(), file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--people", type=int, nargs="+", default=[100, 250, 1000], help="wave sizes"
    )
    parser.add_argument(
        "--rate-scale",
        type=float,
        default=1.0,
        help="run Slack's clock (limits, Retry-After, the Pacer, the tick) K times faster",
    )
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", help="an admin URL on a server to use (else one starts)")
    parser.add_argument(
        "--slack-per-minute",
        type=float,
        default=RATE.per_minute,
        help="the workspace's chat.postMessage limit the mock enforces (the Pacer's 300)",
    )
    parser.add_argument(
        "--tick-seconds", type=float, default=10.0, help="the scheduler's tick (serve's 10)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the largest wave (to stderr)"
    )
    parser.add_argument(
        "--replicas",
        type=int,
        default=1,
        help="serve's wiring this many times in this process, on one database (1)",
    )
    args = parser.parse_args()
    if args.replicas < 1:
        parser.error("--replicas must be 1 or more")
    if args.replicas > 1 and args.database != "postgres":
        parser.error("replicas share a database on PostgreSQL: --database postgres")
    if args.rate_scale <= 0:
        parser.error("--rate-scale must be positive")
    results = asyncio.run(bench(args))
    failed = [r for r in results if r.twice or r.missing or r.sent != r.people]
    for result in results:
        verdict = "meets" if result.share >= GOAL_SHARE else "misses"
        print(
            f"{result.people:,}: {verdict} the goal of {100 * GOAL_SHARE:.0f} % of the allowed "
            f"rate ({100 * result.share:.1f} %) with {result.limited} 429s"
        )
    if failed:
        print(f"not everyone was prompted exactly once: {failed}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
