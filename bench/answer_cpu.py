"""CPU per event, in-process: the engine's own cost of a typed answer, a DM `help` and a
`/checkin help`, without HTTP, bolt or the reply's round trip.

`bench/inbound.py` gives the figure the goal is judged on (CPU per request of the served bot,
beside a bare bolt app); this one says how much of it is the engine's unit of work, and where
it goes (`--profile`). One person checks in week after week (`checkin now`, then nine answers:
numbers, confidences, "same", words), through `Engine.handle` and `Engine.deliver` against an
outbox that only records. The figure is the main thread's CPU time (`time.thread_time`) of
`handle`, median over the answers, and of `deliver` for an answer's reply (sent, and its
message handle saved in a transaction of its own); the database's own work (SQLite's thread,
PostgreSQL's backend) is not in it. Loopback only; it stops by itself.

    .venv/bin/python bench/answer_cpu.py [--database sqlite|postgres] [--postgres-url URL]
                                         [--weeks N] [--profile FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import itertools
import statistics
import sys
import time
from collections.abc import Awaitable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests/ holds the seeded org and the fakes

from fresh_databases import fresh_databases  # noqa: E402

from bot.core.events import CommandInvoked, TextReceived  # noqa: E402
from bot.engine import Engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from tests.bot.conftest import seed_org  # noqa: E402
from tests.conftest import FakeClock, RecordingOutbox  # noqa: E402
from tests.seeded import SEEDED_AT  # noqa: E402

# One week's check-in of the seeded person: three key results (a number, a confidence, "same"
# for the second...), a blocker question, a win, and the rest.
ANSWERS = ("400", "7", "same", "same", "no", "9", "waiting on design review", "shipped", "4")
WARM_UP = 30  # events before timing: SQLAlchemy compiles each statement on first use


async def measure(args: argparse.Namespace) -> dict[str, list[float]]:
    databases = fresh_databases(args.database, args.postgres_url, "answer_cpu")
    async with databases as fresh, fresh() as database:
        await upgrade(database.engine)
        org = await seed_org(database)
        clock = FakeClock(SEEDED_AT + timedelta(days=3))
        outbox = RecordingOutbox()
        engine = Engine(database, outbox, clock)
        ids = itertools.count()

        async def handle(kind: str, text: str) -> float:
            event_id = f"e{next(ids)}"
            event = (
                CommandInvoked(org.alan, "checkin", text, event_id)
                if kind == "command"
                else TextReceived(org.alan, text, event_id)
            )
            started = time.thread_time()
            handled = await engine.handle(event, deliver=False)
            spent = time.thread_time() - started
            started = time.thread_time()
            await engine.deliver(org.alan, handled.replies, handled.closed, handled.notices)
            if kind == "text" and text in ANSWERS:
                cpu["its delivery"].append(time.thread_time() - started)
            return spent

        cpu: dict[str, list[float]] = {
            "DM help": [],
            "/checkin help": [],
            "answer": [],
            "its delivery": [],  # the answer's reply sent and its message handle saved
        }
        for _ in range(WARM_UP):
            await handle("text", "help")
        profiler = cProfile.Profile() if args.profile else None
        for _ in range(args.weeks):
            cpu["DM help"].append(await handle("text", "help"))
            cpu["/checkin help"].append(await handle("command", "help"))
            await handle("command", "now")
            for answer in ANSWERS:
                cpu["answer"].append(await _profiled(profiler, handle("text", answer)))
            clock.advance(days=7)
        if "Check-in saved" not in outbox.texts()[-1]:
            raise SystemExit(f"the check-in was not saved: {outbox.texts()[-1]!r}")
        if profiler is not None:
            profiler.dump_stats(args.profile)
        return cpu


async def _profiled(profiler: cProfile.Profile | None, step: Awaitable[float]) -> float:
    """`step`, under `profiler` if any (its own timing then includes the profiler's cost)."""
    if profiler is None:
        return await step
    profiler.enable()
    try:
        return await step
    finally:
        profiler.disable()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", help="an admin URL on a server to use (else one starts)")
    parser.add_argument("--weeks", type=int, default=20, help="check-ins to time (20)")
    parser.add_argument(
        "--profile", metavar="FILE", help="cProfile the answers into FILE (their times grow)"
    )
    args = parser.parse_args()
    cpu = asyncio.run(measure(args))
    print(f"{args.database}: main-thread CPU of Engine.handle, in-process")
    for name, spent in cpu.items():
        print(
            f"{name:>14}: median {statistics.median(spent) * 1000:5.2f} ms, "
            f"p90 {statistics.quantiles(spent, n=10)[-1] * 1000:5.2f} ms over {len(spent)}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
