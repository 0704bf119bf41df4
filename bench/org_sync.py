"""`org sync` of a large Slack workspace against Slack's Tier 2 limit on users.list.

N people in the mock Slack Web API of tests/slack/mock_api.py (with 1 % guests, 0.5 % apps and
1 % deactivated accounts on top), half of them, and every deactivated one, already in the org
from a CSV import. The mock enforces users.list's Tier 2 limit (20 calls a minute, answering
429 with a whole-second Retry-After past it). The sync runs as `checkin-bot org sync` runs it:
the Slack adapter's SlackDirectory (auth.test, then users.list 200 a page through the Pacer and
call_slack's 429 handling), then bot.org.sync.sync_org on the database. It reports the wall
time, the calls and the 429s, checks the org against what the directory holds, runs the sync a
second time (it must change nothing), and sets it beside the linking it replaces: each person
looked up with users.lookupByEmail (Tier 3, 50 a minute), measured on a sample with
`--lookup-sample`, and estimated for N. Loopback only; it stops by itself.

    .venv/bin/python bench/org_sync.py [--people N] [--rate-scale K] [--lookup-sample S]
                                       [--database sqlite|postgres] [--postgres-url URL]
                                       [--slack-per-minute R]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the app, and the mock Slack Web API in tests/

from fresh_databases import counting_statements, fresh_databases  # noqa: E402
from sqlalchemy import func  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from adapters.slack.app import SlackAdapter  # noqa: E402
from adapters.slack.linking import link_by_email  # noqa: E402
from adapters.slack.pacing import SLACK_RATES, Pacer  # noqa: E402
from app.config import Settings  # noqa: E402
from app.server import slack_config  # noqa: E402
from bot.imports.org_import import import_org  # noqa: E402
from bot.org.sync import SyncReport, sync_org  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Person, PlatformIdentity  # noqa: E402
from tests.slack.mock_api import MockSlackApi  # noqa: E402

TEAM, TOKEN = "T1", "xoxb-bench"
ORG = f"slack:{TEAM}"
LIST, LOOKUP = "users.list", "users.lookupByEmail"
GOAL_SECONDS = 300
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "UTC")
LOCALES = ("de-DE", "en-US", "ja-JP", "en-AU", "es-ES")


class ScaledTime:
    """Slack's seconds, passing `scale` times faster than real ones (as in wave_limits.py):
    the mock's limit and Retry-After and the Pacer all read it, so a run is the real one,
    compressed; the database's own time is not."""

    def __init__(self, scale: float) -> None:
        self.scale = scale
        self.origin = time.monotonic()

    def clock(self) -> float:
        return self.origin + (time.monotonic() - self.origin) * self.scale

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds / self.scale)


@dataclass(frozen=True)
class Workspace:
    members: int
    deactivated: int
    guests: int
    apps: int
    imported: int  # members from the CSV, the deactivated ones besides

    @classmethod
    def of(cls, people: int) -> Workspace:
        return cls(people, people // 100, people // 100, people // 200, people // 2)


@dataclass(frozen=True)
class Result:
    database: str
    people: int
    slack_seconds: float  # the read, in Slack's time: what a real workspace would take
    read_seconds: float  # the read, in real seconds
    merge_seconds: float
    statements: int
    calls: int
    limited: int
    report: SyncReport
    second: SyncReport
    second_seconds: float
    second_statements: int
    problems: list[str]


def fill(slack: MockSlackApi, shape: Workspace) -> None:
    for n in range(shape.members):
        slack.add_user(
            f"U{n:07d}",
            team=TEAM,
            email=f"person{n}@bench.example",
            name=f"Person {n}",
            tz=ZONES[n % len(ZONES)],
            locale=LOCALES[n % len(LOCALES)],
            admin=n % 500 == 0,
        )
    for n in range(shape.deactivated):
        slack.add_user(f"UGONE{n:05d}", team=TEAM, email=f"left{n}@bench.example", deleted=True)
    for n in range(shape.guests):
        slack.add_user(f"UGUEST{n:05d}", team=TEAM, email=f"guest{n}@partner.example", guest=True)
    for n in range(shape.apps):
        slack.add_user(f"BAPP{n:05d}", team=TEAM, email=f"app{n}@bench.example", is_bot=True)


def org_csv(shape: Workspace, emails: list[str] | None = None) -> str:
    """The org file: the first half of the members with a team each, and those who left."""
    if emails is None:
        emails = [f"person{n}@bench.example" for n in range(shape.imported)]
        emails += [f"left{n}@bench.example" for n in range(shape.deactivated)]
    rows = [f"{email},Imported {n},Team {n % 40}\n" for n, email in enumerate(emails)]
    return "email,name,team\n" + "".join(rows)


def directory(settings: Settings, database: Database, time_of: ScaledTime) -> SlackAdapter:
    """The Slack adapter `org sync` builds; its Pacer on Slack's clock when that is scaled."""
    adapter = SlackAdapter(slack_config(settings), database)
    if time_of.scale != 1:
        adapter.api.pacer = Pacer(clock=time_of.clock, sleep=time_of.sleep)
    return adapter


async def sync_once(
    adapter: SlackAdapter, database: Database, time_of: ScaledTime
) -> tuple[SyncReport, float, float, float, int]:
    """One `org sync`: (report, Slack seconds and real seconds reading, seconds merging,
    statements merging)."""
    slack_started, started = time_of.clock(), time.monotonic()
    listing = await adapter.directory.accounts("slack", TEAM)
    slack_seconds, read_seconds = time_of.clock() - slack_started, time.monotonic() - started
    started = time.monotonic()
    with counting_statements(database) as statements:
        report = await sync_org(database, ORG, "slack", listing, datetime.now(UTC))
    return report, slack_seconds, read_seconds, time.monotonic() - started, statements[0]


async def check(database: Database, shape: Workspace) -> list[str]:
    """What the org should be now: every member a person, linked; those who left inactive."""
    async with database.session() as session:
        people = (await session.exec(select(func.count()).select_from(Person))).one()
        inactive = (
            await session.exec(select(func.count()).where(col(Person.active).is_(False)))
        ).one()
        linked = (await session.exec(select(func.count()).select_from(PlatformIdentity))).one()
    problems = []
    if people != shape.members + shape.deactivated:
        problems.append(f"{people} people, not {shape.members + shape.deactivated}")
    if inactive != shape.deactivated:
        problems.append(f"{inactive} inactive, not {shape.deactivated}")
    if linked != shape.members + shape.deactivated:
        problems.append(f"{linked} accounts linked, not {shape.members + shape.deactivated}")
    return problems


async def run_sync(database: Database, args: argparse.Namespace) -> Result:
    shape = Workspace.of(args.people)
    time_of = ScaledTime(args.rate_scale)
    assert not (await import_org(database, ORG, org_csv(shape), now=datetime.now(UTC))).problems
    async with MockSlackApi() as slack:
        slack.clock = time_of.clock
        slack.add_team(TEAM, TOKEN)
        fill(slack, shape)
        slack.limit(LIST, args.slack_per_minute / 60, whole_seconds=True)
        settings = Settings(slack_bot_token=TOKEN, slack_api_url=slack.url)
        adapter = directory(settings, database, time_of)
        await adapter.api.open()
        try:
            first = await sync_once(adapter, database, time_of)
            calls = slack.called(LIST)
            problems = await check(database, shape)
            second = await sync_once(adapter, database, time_of)
        finally:
            await adapter.api.close()
    report, slack_seconds, read_seconds, merge_seconds, statements = first
    return Result(
        args.database,
        args.people,
        slack_seconds,
        read_seconds,
        merge_seconds,
        statements,
        sum(1 for call in calls if call.ok),
        sum(1 for call in calls if call.status == 429),
        report,
        second[0],
        second[2] + second[3],
        second[4],
        problems,
    )


async def lookup_sample(database: Database, args: argparse.Namespace) -> float:
    """The old linking: `--lookup-sample` people looked up one by one at Tier 3, the mock
    enforcing users.lookupByEmail's 50 a minute; Slack seconds a person."""
    shape = Workspace.of(args.lookup_sample)
    time_of = ScaledTime(args.rate_scale)
    emails = [f"person{n}@bench.example" for n in range(args.lookup_sample)]
    assert not (
        await import_org(database, ORG, org_csv(shape, emails), now=datetime.now(UTC))
    ).problems
    async with MockSlackApi() as slack:
        slack.clock = time_of.clock
        slack.add_team(TEAM, TOKEN)
        fill(slack, shape)
        rate = SLACK_RATES[LOOKUP]
        slack.limit(LOOKUP, rate.per_minute / 60, burst=rate.burst, whole_seconds=True)
        adapter = directory(
            Settings(slack_bot_token=TOKEN, slack_api_url=slack.url), database, time_of
        )
        await adapter.api.open()
        try:
            started = time_of.clock()
            report = await link_by_email(database, ORG, adapter.directory)
            seconds = time_of.clock() - started
        finally:
            await adapter.api.close()
    if len(report.linked) != args.lookup_sample:
        raise SystemExit(f"the lookup sample linked {len(report.linked)} of {args.lookup_sample}")
    return seconds / args.lookup_sample


def minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min" if seconds >= 90 else f"{seconds:.1f} s"


def show(result: Result, per_lookup: float | None, args: argparse.Namespace) -> None:
    report = result.report
    print(
        f"{result.database}: {result.people:,} people in Slack, org sync {report.summary()} "
        f"({report.came_back} back, {report.skipped} guests/apps skipped)"
    )
    print(
        f"  read: {result.calls} users.list calls, {result.limited} answered 429, "
        f"{minutes(result.slack_seconds)} of Slack time ({result.read_seconds:.1f} s real at "
        f"rate scale {args.rate_scale:g})"
    )
    print(
        f"  merge: {result.merge_seconds:.1f} s, {result.statements} SQL statements; "
        f"second run: {result.second.summary()}, {result.second_statements} statements, "
        f"{result.second_seconds:.1f} s real"
    )
    total = result.slack_seconds + result.merge_seconds
    verdict = "meets" if total < GOAL_SECONDS else "misses"
    print(f"  whole sync {minutes(total)}: {verdict} the goal of {GOAL_SECONDS // 60} minutes")
    rate = SLACK_RATES[LOOKUP]
    estimate = result.people / rate.per_minute * 60
    line = f"  old linking, one users.lookupByEmail a person at {rate.per_minute:.0f}/min: "
    line += f"{minutes(estimate)} estimated for {result.people:,}"
    if per_lookup is not None:
        line += (
            f"; measured {per_lookup:.2f} s a person on {args.lookup_sample} people, "
            f"{minutes(per_lookup * result.people)} for {result.people:,}"
        )
    print(line)


async def bench(args: argparse.Namespace) -> Result:
    async with fresh_databases(args.database, args.postgres_url, "orgsync") as fresh:
        async with fresh() as database:
            await upgrade(database.engine)
            result = await run_sync(database, args)
        per_lookup = None
        if args.lookup_sample:
            async with fresh() as database:
                await upgrade(database.engine)
                per_lookup = await lookup_sample(database, args)
    show(result, per_lookup, args)
    return result


def main() -> int:
    # The 429s are counted at the mock; call_slack's warning for each would only be noise here.
    logging.getLogger("adapters.slack.pacing").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000, help="members of the workspace")
    parser.add_argument(
        "--rate-scale", type=float, default=1.0, help="run Slack's clock K times faster"
    )
    parser.add_argument(
        "--lookup-sample",
        type=int,
        default=0,
        help="also time the old users.lookupByEmail linking on this many people",
    )
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", help="an admin URL on a server to use (else one starts)")
    parser.add_argument(
        "--slack-per-minute",
        type=float,
        default=SLACK_RATES[LIST].per_minute,
        help="users.list calls a minute the mock allows (Tier 2: 20)",
    )
    args = parser.parse_args()
    if args.rate_scale <= 0 or args.people < 1 or args.lookup_sample < 0:
        parser.error("--rate-scale and --people must be positive, --lookup-sample not negative")
    result = asyncio.run(bench(args))
    changed = result.second.summary() != "added 0, updated 0, made inactive 0, linked 0"
    for problem in result.problems + (["the second run changed something"] if changed else []):
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if result.problems or changed else 0


if __name__ == "__main__":
    raise SystemExit(main())
