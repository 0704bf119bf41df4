"""The wave on Teams: N people due at one minute, sent by `checkin-bot serve` (one replica or
two on one database) through the real Teams path, against Teams' limits at a mock Bot Connector.

Everyone is in one Teams tenant with a personal chat the bot has a stored conversation reference
for (serviceUrl: the mock connector of tests/teams/connector.py), and a daily check-in whose
prompt job falls due at the next whole minute, set once the replicas answer /healthz. The
replicas are `python -m app serve` processes (bench/serve_replicas.py; scheduler ticking every
CHECKIN_TICK_SECONDS), Teams on with an empty app id as tests/teams/test_teams_serve_process.py
runs it: a served process can't be handed the offline token minter of tests/teams/auth_server.py,
and MSAL takes only https authorities, so sends carry no token. The connector, in this process,
holds writes to 50 a second per tenant and to Teams' per-conversation limits, answering 429
with a whole-second Retry-After; the bot is not told the tenant's figure. It reports the rate
achieved as a share of the enforced one, the 429s, the time from the minute to the last prompt
taken, and counts at the connector who got their prompt once, twice, never; under each line,
where the batches' time went (bench/wave_record.py). Loopback only; it stops by itself.

    .venv/bin/python bench/wave_teams.py [--people N [N ...]] [--replicas R [R ...]]
                                         [--database sqlite|postgres] [--postgres-url URL]
                                         [--tenant-per-second N] [--tick-seconds S]
                                         [--profile [FILE]]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the CLI, the mock Bot Connector and the throwaway PostgreSQL

from fresh_databases import fresh_databases  # noqa: E402
from inbound import report_profile  # noqa: E402
from inbound_servers import cpu_seconds  # noqa: E402
from scheduled_people import TEAMS_TENANT, seed_scheduled_people, teams_user, teams_workspace  # noqa: E402
from serve_replicas import logged, replicas  # noqa: E402
from wave_record import Minute, batches, fall_due, phases, settled  # noqa: E402

from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from tests.serve_process import cli_env  # noqa: E402
from tests.teams.activities import personal_conversation_id  # noqa: E402
from tests.teams.connector import MockConnector  # noqa: E402

GOAL_SHARE, GOAL_SECONDS, GOAL_PEOPLE = 0.90, 300.0, 10_000
POLL_SECONDS = 0.5


@dataclass(frozen=True)
class Result:
    database: str
    replicas: int
    people: int
    per_second: int  # the tenant's limit the connector enforced
    taken: int  # prompts the connector accepted
    limited: Counter[str]  # 429s answered, by the limit ("tenant", "conversation")
    first_after: float  # seconds from the minute to the first prompt taken
    last_after: float  # ... to the last
    longest_pause: float
    once: int
    twice: int
    never: int
    cpu: float  # CPU seconds of the replicas from the minute to the end (all threads)
    gave_up: bool
    phases: str  # where the batches' time went (wave_record.phases)

    @property
    def span(self) -> float:
        return self.last_after - self.first_after

    @property
    def share(self) -> float:
        """Of the most the limit lets through from the first prompt taken to the last: a full
        window's worth at the start of each second."""
        return self.taken / (self.per_second * (1 + math.floor(self.span))) if self.taken else 0.0


async def until_sent(
    connector: MockConnector, database: Database, people: int, minute: Minute, args: Any
) -> bool:
    """Until the connector has taken a prompt for everyone and the database has settled; False
    if that has not happened three times the limit's pace plus two minutes after the minute."""
    deadline = minute.monotonic + 3 * people / args.tenant_per_second + 120
    while time.monotonic() < deadline:
        await asyncio.sleep(POLL_SECONDS)
        if len({sent.conversation_id for sent in connector.sent}) < people:
            continue
        if await settled(database, people):
            return True
    return False


async def send_wave(
    database: Database, people: int, replica_count: int, args: argparse.Namespace, folder: Path
) -> Result:
    async with MockConnector() as connector:
        connector.limit_tenant(args.tenant_per_second, whole_seconds=True)
        connector.limit_conversations(whole_seconds=True)
        workspace = teams_workspace(connector.url)
        tomorrow = datetime.now(UTC) + timedelta(days=1)
        ids = await seed_scheduled_people(
            database, people, checkin_time=f"{tomorrow:%H:%M}", due_at=tomorrow, workspace=workspace
        )
        for person_id in ids:  # the connector knows each chat's tenant by its member
            user = teams_user(person_id)
            connector.add_member(user, email=f"{person_id}@bench.example.com", tenant=TEAMS_TENANT)
        env = cli_env(
            folder,
            DATABASE_URL=database.url,
            MICROSOFT_APP_ID="",
            CHECKIN_TICK_SECONDS=str(args.tick_seconds),
        )
        profile = folder / "serve.prof" if args.profile and people == max(args.people) else None
        async with replicas(env, replica_count, folder, profile_to=profile) as running:
            pids = [replica.process.pid for replica in running]
            minute = await fall_due(database, workspace.tenant_id)
            cpu_before = sum(map(cpu_seconds, pids))
            done = await until_sent(connector, database, people, minute, args)
            cpu = sum(map(cpu_seconds, pids)) - cpu_before
            if not done:
                reached = len({sent.conversation_id for sent in connector.sent})
                print(
                    f"gave up waiting {time.monotonic() - minute.monotonic:.0f} s after the "
                    f"minute: {reached:,} of {people:,} people prompted, or the database not "
                    "settled (a run unmarked, a prompt job due again within the hour)",
                    file=sys.stderr,
                )
        warnings = logged([replica.log for replica in running])
    if warnings:
        print("  the replicas logged:", file=sys.stderr)
        for line, count in warnings.most_common(10):
            print(f"  {count:7,} x {line}", file=sys.stderr)
    if profile is not None and profile.exists():
        report_profile(profile)
        if isinstance(args.profile, str):
            shutil.copyfile(profile, args.profile)
    chats = {personal_conversation_id(teams_user(i)): i for i in ids}
    per_chat = Counter(sent.conversation_id for sent in connector.sent)
    times = sorted(sent.at - minute.monotonic for sent in connector.sent)
    taken_at: dict[int, float] = {}
    for sent in connector.sent:
        taken_at.setdefault(chats.get(sent.conversation_id, -1), sent.at)
    timeline = phases(await batches(database, taken_at, minute), replica_count)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    return Result(
        args.database,
        replica_count,
        people,
        args.tenant_per_second,
        len(connector.sent),
        Counter(connector.throttle.refused),
        times[0] if times else 0.0,
        times[-1] if times else 0.0,
        max(gaps, default=0.0),
        sum(1 for chat in chats if per_chat[chat] == 1),
        sum(1 for chat, n in per_chat.items() if n > 1 or chat not in chats),
        sum(1 for chat in chats if not per_chat[chat]),
        cpu,
        not done,
        timeline,
    )


def line(result: Result) -> str:
    limited = sum(result.limited.values())
    rate = result.taken / result.span if result.span else 0.0
    cpu_ms = 1000 * result.cpu / max(result.taken, 1)
    return (
        f"{result.database:<9} {result.replicas} replica{'s' if result.replicas > 1 else ' '} "
        f"{result.people:>6,} people  {result.taken:>6,} taken  {rate:5.1f}/s of "
        f"{result.per_second}: {100 * result.share:5.1f} %  {limited:6,} 429s "
        f"({result.limited['tenant']:,} tenant)  last {result.last_after:6.1f} s after the "
        f"minute (first {result.first_after:4.1f} s, "
        f"longest {result.longest_pause:4.1f} s)  CPU {cpu_ms:4.1f} ms a prompt  "
        f"prompted {result.once:,} once, {result.twice} twice, {result.never} never"
        + ("  GAVE UP" if result.gave_up else "")
    )


async def bench(args: argparse.Namespace) -> list[Result]:
    results = []
    async with fresh_databases(args.database, args.postgres_url, "teamswave") as fresh:
        for replica_count in args.replicas:
            for people in args.people:
                with tempfile.TemporaryDirectory(prefix="wave-teams-") as folder:
                    async with fresh() as database:
                        await upgrade(database.engine)
                        result = await send_wave(
                            database, people, replica_count, args, Path(folder)
                        )
                results.append(result)
                print(line(result), f"(load {load_average()})", flush=True)
                print(f"  {result.phases}", flush=True)
    return results


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def verdicts(results: list[Result]) -> list[str]:
    lines = []
    for r in results:
        where = f"{r.people:,} people, {r.database}, {r.replicas} replica(s)"
        share = "meets" if r.share >= GOAL_SHARE else "misses"
        lines.append(
            f"{where}: {share} the goal of {100 * GOAL_SHARE:.0f} % of the enforced rate "
            f"({100 * r.share:.1f} %)"
        )
        if r.people >= GOAL_PEOPLE:
            late = "meets" if r.last_after <= GOAL_SECONDS and not r.gave_up else "misses"
            lines.append(
                f"{where}: {late} the goal of the last prompt within {GOAL_SECONDS / 60:.0f} "
                f"minutes of the minute ({r.last_after:.1f} s)"
            )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--people", type=int, nargs="+", default=[1000, 5000, 10_000], help="wave sizes"
    )
    parser.add_argument(
        "--replicas", type=int, nargs="+", help="serve processes (1 2 on postgres, 1 on sqlite)"
    )
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", help="an admin URL on a server to use (else one starts)")
    parser.add_argument(
        "--tenant-per-second",
        type=int,
        default=50,
        help="the tenant's limit the connector enforces",
    )
    parser.add_argument(
        "--tick-seconds", type=float, default=10.0, help="CHECKIN_TICK_SECONDS (serve's 10)"
    )
    parser.add_argument(
        "--profile",
        nargs="?",
        const=True,
        metavar="FILE",
        help="cProfile the first replica of the largest wave (to stderr; the raw stats to FILE)",
    )
    args = parser.parse_args()
    args.replicas = args.replicas or ([1, 2] if args.database == "postgres" else [1])
    if args.database == "sqlite" and max(args.replicas) > 1:
        parser.error("replicas share a database on PostgreSQL: --database postgres")
    if min(args.people) < 1 or min(args.replicas) < 1 or args.tenant_per_second < 1:
        parser.error("--people, --replicas and --tenant-per-second must be positive")
    print(f"load average at the start: {load_average()}", file=sys.stderr)
    results = asyncio.run(bench(args))
    for verdict in verdicts(results):
        print(verdict)
    failed = [r for r in results if r.gave_up or r.twice or r.never or r.once != r.people]
    if failed:
        print(f"not everyone was prompted exactly once: {failed}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
