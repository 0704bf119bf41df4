"""The digest benchmark: every team's weekly digest, and the whole org's, over a quarter of data.

An org of N people in teams of 4 to 500, 0.8 N key results (two per objective) with 13 weeks
of value and confidence history, and 13 weekly check-ins per person with their answers, all
inserted in bulk. Then bot.digests.digest.build_digest, exactly as the scheduler calls it, once per
team and once for the whole org (team None), each in a session of its own: the time of each,
the part of it spent drawing the chart (bot.digests.charts, Pillow), and the SQL statements each
sends.
Loopback only: SQLite in a temporary directory, or PostgreSQL (a throwaway server from
tests/postgres.py unless --postgres-url is given). It stops by itself.

With --against COMMIT, the digest's modules as they were at COMMIT (read with `git show`) run
too, on the same data in the same process, each team's digest in turn with today's: a before
and after that one busy spell of the machine can't tilt. Their words must be the same.
With --analyze, PostgreSQL gathers its statistics after the import (as autovacuum does within
a minute or so); without, it plans the digests' queries on tables it knows nothing about.

    .venv/bin/python bench/digest.py [--people N [N ...]] [--database sqlite|postgres]
                                     [--postgres-url URL] [--profile] [--against COMMIT]
                                     [--analyze]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import os
import pstats
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any
from unittest.mock import patch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the app, and tests/postgres.py for the throwaway server

from fresh_databases import counting_statements, fresh_databases  # noqa: E402
from sqlalchemy import insert  # noqa: E402

import bot.digests.digest  # noqa: E402
from bot.core.messages import Chart  # noqa: E402
from bot.digests.digest import Digest  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import (  # noqa: E402
    Answer,
    CheckinRun,
    KeyResult,
    KeyResultChange,
    Objective,
    Person,
    Tenant,
)

TENANT = "slack:T0BENCH"
QUARTER = "2026-Q4"
FIRST_MONDAY = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)  # the quarter's first weekly check-in
WEEKS = 13
WEEK = timedelta(weeks=1)
NOW = datetime(2026, 12, 30, 12, 0, tzinfo=UTC)  # the Wednesday of the 13th week
TEAM_SIZES = (4, 8, 15, 30, 60, 120, 250, 500)  # repeated until everyone has a team
KEY_RESULTS_PER_PERSON = 0.8
COMPANY_OBJECTIVES = 5
GOAL_SECONDS = 2.0
GOAL_PEOPLE = 10_000
CHUNK = 5000
YARDSTICK = 2_000_000  # additions, timed with each run
# What --against loads as it was, in the order they import each other. One a commit doesn't
# have (split out of another since) is left out: nothing imports it there.
DIGEST_MODULES = (
    "storage/digest.py",
    "bot/digests/chart_words.py",
    "bot/digests/chart_png.py",
    "bot/digests/chart_drawing.py",
    "bot/digests/charts.py",
    "bot/goals/history.py",
    "bot/digests/week.py",
    "bot/digests/card.py",
    "bot/digests/digest.py",
)


@dataclass
class Org:
    people: int
    teams: dict[str, int] = field(default_factory=dict)  # name -> size
    key_results: int = 0
    rows: int = 0


@dataclass(frozen=True)
class Version:
    label: str  # "today", or the commit
    digest: ModuleType  # bot.digests.digest as it is, or was
    modules: tuple[ModuleType, ...]  # the DIGEST_MODULES it uses, as they are, or were


@dataclass(frozen=True)
class Timed:
    team: str | None
    size: int
    seconds: float
    chart_seconds: float
    statements: int
    words: str  # all of the digest but the chart's pixels


@dataclass(frozen=True)
class Result:
    database: str
    version: str
    org: Org
    seed_seconds: float
    teams: Sequence[Timed]
    whole: Timed

    @property
    def all_teams_seconds(self) -> float:
        return sum(t.seconds for t in self.teams)

    @property
    def statements(self) -> set[int]:
        return {t.statements for t in (*self.teams, self.whole)}


def team_sizes(people: int) -> dict[str, int]:
    """Teams of TEAM_SIZES in turn; the last takes whoever is left."""
    sizes: dict[str, int] = {}
    left = people
    for n in range(people):
        size = TEAM_SIZES[n % len(TEAM_SIZES)]
        if left < size + TEAM_SIZES[0]:
            sizes[f"Team {n + 1:03d}"] = left
            break
        sizes[f"Team {n + 1:03d}"] = size
        left -= size
    return sizes


async def seed(database: Database, people: int) -> Org:
    """The org, with explicit ids: the tables are new, and nothing but reads comes after."""
    org = Org(people, team_sizes(people))
    rng = random.Random(people)
    members = [team for team, size in org.teams.items() for _ in range(size)]
    async with database.session() as session:
        bench = Tenant(
            id=TENANT, platform="slack", external_id="T0BENCH", name="Bench", created_at=NOW
        )
        session.add(bench)
        await session.flush()
        insert_rows = _inserter(session, org)
        created = FIRST_MONDAY - 4 * WEEK
        await insert_rows(Person, (_person(n, members[n], rng, created) for n in range(people)))
        objectives = round(people * KEY_RESULTS_PER_PERSON / 2)
        await insert_rows(Objective, _objectives(objectives, people, members, created))
        org.key_results = 2 * objectives
        await insert_rows(KeyResult, _key_results(org.key_results, people, rng))
        await insert_rows(KeyResultChange, _changes(org.key_results, people, rng))
        await insert_rows(CheckinRun, _runs(people, rng))
        await insert_rows(Answer, _answers(people))
    return org


def _inserter(session: Any, org: Org) -> Callable[[type[Any], Iterable[dict[str, Any]]], Any]:
    async def insert_rows(model: type[Any], rows: Iterable[dict[str, Any]]) -> None:
        # One executemany a chunk, on the session's connection: compiled once, no ORM.
        connection = await session.connection()
        chunk: list[dict[str, Any]] = []
        for row in rows:
            chunk.append(row | {"tenant_id": TENANT})
            if len(chunk) == CHUNK:
                await connection.execute(insert(model), chunk)
                org.rows += len(chunk)
                chunk = []
        if chunk:
            await connection.execute(insert(model), chunk)
            org.rows += len(chunk)

    return insert_rows


def _person(n: int, team: str, rng: random.Random, created: datetime) -> dict[str, Any]:
    return {
        "id": n + 1,
        "email": f"p{n}@bench.example.com",
        "name": f"Person {n}",
        "team": team,
        "is_admin": False,
        "active": rng.random() > 0.01,
        "paused_until": "2027-01-04" if rng.random() < 0.01 else None,
        "reminders": True,
        "created_at": created,
    }


def _objectives(
    count: int, people: int, members: Sequence[str], created: datetime
) -> Iterable[dict[str, Any]]:
    """A few company objectives; the rest owned by someone, every other one a team objective
    (labelled with the owner's team and aligned to a company one), the others personal."""
    for n in range(count):
        company = n < COMPANY_OBJECTIVES
        owner = None if company else (n * people // count) % people
        level = "company" if company else ("team" if n % 2 else "person")
        yield {
            "id": n + 1,
            "key": f"o{n}",
            "title": f"Objective {n}: make the thing {n % 17} times better",
            "period": QUARTER,
            "level": level,
            "team": members[owner] if owner is not None and level == "team" else None,
            "owner_id": None if owner is None else owner + 1,
            "parent_id": 1 + n % COMPANY_OBJECTIVES if level == "team" else None,
            "weight": 1.0,
            "created_at": created,
        }


def _key_results(count: int, people: int, rng: random.Random) -> Iterable[dict[str, Any]]:
    for n in range(count):
        yield {
            "id": n + 1,
            "key": f"k{n}",
            "objective_id": n // 2 + 1,
            "owner_id": 1 + (n * people // count) % people,
            "title": f"Key result {n}",
            "kind": "number",
            "start": 0.0,
            "target": 100.0,
            "current": _value(n, WEEKS - 1),
            "unit": "widgets",
            "weight": 1.0,
            "confidence": _confidence(n, WEEKS - 1),
            "active": rng.random() > 0.02,
            "updated_at": FIRST_MONDAY + (WEEKS - 1) * WEEK + timedelta(days=1),
        }


def _value(kr: int, week: int) -> float:
    return float(min(100, (week + 1) * (3 + kr % 7)))


def _confidence(kr: int, week: int) -> int:
    """Steady, but a twentieth of the key results drop to at risk or off track in week 13."""
    if week == WEEKS - 1 and kr % 20 == 0:
        return 2 + kr % 4
    return 5 + (kr + week // 4) % 5


def _changes(count: int, people: int, rng: random.Random) -> Iterable[dict[str, Any]]:
    """Each key result's value every week, and its confidence when it moved: on the Tuesday
    after each check-in, as the check-in records them."""
    serial = 0
    for kr in range(count):
        author = 1 + (kr * people // count) % people
        for week in range(WEEKS):
            when = FIRST_MONDAY + week * WEEK + timedelta(days=1, minutes=rng.randrange(600))
            olds = (
                ("value", _value(kr, week - 1) if week else 0.0, _value(kr, week)),
                ("confidence", _confidence(kr, week - 1) if week else None, _confidence(kr, week)),
            )
            for name, old, new in olds:
                if old == new:
                    continue
                serial += 1
                yield {
                    "id": serial,
                    "key_result_id": kr + 1,
                    "field": name,
                    "old_value": old,
                    "new_value": new,
                    "author_id": author,
                    "source": "checkin",
                    "changed_at": when,
                }


def _run_id(person: int, week: int) -> int:
    return person * WEEKS + week + 1


def _status(person: int, week: int) -> str:
    """Mostly submitted; this week's still open for a fifth; some skipped or missed."""
    roll = (person * 7919 + week * 104729) % 100
    if week == WEEKS - 1 and roll < 20:
        return "open"
    return "skipped" if roll < 25 else "missed" if roll < 35 else "submitted"


def _runs(people: int, rng: random.Random) -> Iterable[dict[str, Any]]:
    for person in range(people):
        for week in range(WEEKS):
            start = FIRST_MONDAY + week * WEEK
            status = _status(person, week)
            yield {
                "id": _run_id(person, week),
                "person_id": person + 1,
                "period_label": start.date().isoformat(),
                "period_start": start,
                "period_end": start + WEEK,
                "status": status,
                "questions": [],
                "round": 1,
                "opened_at": start,
                "submitted_at": (
                    start + timedelta(minutes=rng.randrange(3000))
                    if status == "submitted"
                    else None
                ),
                "prompted_at": start,
            }


def _answers(people: int) -> Iterable[dict[str, Any]]:
    serial = 0
    for person in range(people):
        for week in range(WEEKS):
            if _status(person, week) != "submitted":
                continue
            at = FIRST_MONDAY + week * WEEK + timedelta(hours=5)
            for key, text, number in (
                ("mood", None, float(1 + (person + week) % 5)),
                ("wins", _win(person, week), None),
                ("blockers", "Waiting on the review" if person % 3 == 0 else "none", None),
            ):
                serial += 1
                yield {
                    "id": serial,
                    "run_id": _run_id(person, week),
                    "question_key": key,
                    "round": 1,
                    "number": number,
                    "text": text,
                    "skipped": False,
                    "answered_at": at,
                }


def _win(person: int, week: int) -> str:
    if person % 4 == 0:
        return "none"
    return f"Shipped part {week} of project {person % 50}, and the customer noticed."


def module_name(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def today() -> Version:
    modules = tuple(sys.modules[module_name(path)] for path in DIGEST_MODULES)
    return Version("today", bot.digests.digest, modules)


def digest_at(commit: str) -> Version:
    """bot.digests.digest as it was at `commit`, importing the other DIGEST_MODULES as they were
    then (the rest of the app as it is today)."""
    names = [module_name(path) for path in DIGEST_MODULES]
    kept = {name: sys.modules[name] for name in names}
    loaded: list[ModuleType] = []
    try:
        for path, name in zip(DIGEST_MODULES, names, strict=True):
            shown = subprocess.run(
                ["git", "-C", str(ROOT), "show", f"{commit}:{path}"],
                check=path == DIGEST_MODULES[-1],
                capture_output=True,
                text=True,
            )
            if shown.returncode != 0:
                continue  # not there yet at that commit
            module = ModuleType(name)
            module.__file__ = f"{commit}:{path}"
            sys.modules[name] = module  # for the modules after it, and for dataclasses
            exec(compile(shown.stdout, module.__file__, "exec"), module.__dict__)
            loaded.append(module)
    finally:
        sys.modules.update(kept)
    return Version(commit, loaded[-1], tuple(loaded))


class ChartClock:
    """Wraps the chart drawing that build_digest calls (bot.digests.charts.line_chart, Pillow), to
    tell its time apart from the queries and the arithmetic: where a version's modules import
    it (bot.digests.card today, bot.digests.digest before the card had a module of its own)."""

    def __init__(self, version: Version) -> None:
        self.seconds = 0.0
        callers = [m for m in version.modules if _imports_line_chart(m)]
        assert callers, f"no module of {version.label} draws a chart"
        self._patches = [patch.object(m, "line_chart", self._timed(m.line_chart)) for m in callers]

    def _timed(self, draw: Callable[..., Chart]) -> Callable[..., Chart]:
        def timed(*args: Any, **kwargs: Any) -> Chart:
            started = time.perf_counter()
            try:
                return draw(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started

        return timed

    def __enter__(self) -> ChartClock:
        for each in self._patches:
            each.start()
        return self

    def __exit__(self, *_: object) -> None:
        for each in self._patches:
            each.stop()


def _imports_line_chart(module: ModuleType) -> bool:
    draw = getattr(module, "line_chart", None)
    return draw is not None and draw.__module__ != module.__name__


async def time_digest(database: Database, version: Version, team: str | None, size: int) -> Timed:
    with counting_statements(database) as statements, ChartClock(version) as chart:
        started = time.perf_counter()
        async with database.session() as session:
            digest = await version.digest.build_digest(session, TENANT, team, NOW)
        elapsed = time.perf_counter() - started
    assert digest.summary and digest.card.sections, f"an empty digest for {team}"
    return Timed(team, size, elapsed, chart.seconds, statements[0], _words(digest))


def _words(digest: Digest) -> str:
    chart = digest.card.chart
    card = digest.card if chart is None else replace(digest.card, chart=replace(chart, png=b""))
    return repr((digest.summary, card))


async def time_digests(
    database: Database, org: Org, profile: bool, versions: Sequence[Version]
) -> dict[str, tuple[list[Timed], Timed]]:
    """Each team's digest and the whole org's, in each version, the versions taking turns to
    go first."""
    for version in versions:
        # One digest first, untimed: SQLAlchemy compiles and caches each statement on first use.
        await time_digest(database, version, next(iter(org.teams)), 0)
    teams: dict[str, list[Timed]] = {version.label: [] for version in versions}
    whole: dict[str, Timed] = {}
    profiler = cProfile.Profile() if profile else None
    if profiler is not None:
        profiler.enable()
    for turn, (team, size) in enumerate([*org.teams.items(), (None, org.people)]):
        first = turn % len(versions)
        for version in [*versions[first:], *versions[:first]]:
            timed = await time_digest(database, version, team, size)
            if team is None:
                whole[version.label] = timed
            else:
                teams[version.label].append(timed)
    if profiler is not None:
        profiler.disable()
        report(profiler)
    return {label: (teams[label], whole[label]) for label in teams}


def report(profiler: cProfile.Profile) -> None:
    for order, lines in (("cumulative", 35), ("tottime", 20)):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(lines)
        print(out.getvalue(), file=sys.stderr)


async def bench(args: argparse.Namespace) -> list[Result]:
    versions = [today()]
    if args.against:
        versions.append(digest_at(args.against))
    results = []
    async with fresh_databases(args.database, args.postgres_url, "digest") as fresh:
        for people in args.people:
            async with fresh() as database:
                await upgrade(database.engine)
                started = time.perf_counter()
                org = await seed(database, people)
                seeded = time.perf_counter() - started
                print(
                    f"{args.database}: seeded {people:,} people, {org.key_results:,} key results"
                    f" ({org.rows:,} rows) in {seeded:.1f} s",
                    file=sys.stderr,
                )
                if args.analyze and args.database == "postgres":
                    async with database.engine.begin() as connection:
                        await connection.exec_driver_sql("ANALYZE")
                profile = args.profile and people == max(args.people)
                gc.freeze()  # as `checkin-bot serve` does once started (app/server.py)
                before = _machine()
                timed = await time_digests(database, org, profile, versions)
                print(f"    {before} -> {_machine()}", flush=True)
            for label, (teams, whole) in timed.items():
                results.append(Result(args.database, label, org, seeded, teams, whole))
                print(line(results[-1]), flush=True)
                for size_line in by_team_size(results[-1].teams):
                    print(size_line, flush=True)
            if len(timed) > 1:
                print(f"    {_compared(results[-2], results[-1])}", flush=True)
    return results


def _machine() -> str:
    """The time of day, the load average, and the time a fixed loop of Python takes (on a
    shared virtual machine the same work can take twice as long at the same load)."""
    started = time.perf_counter()
    total = 0
    for n in range(YARDSTICK):
        total += n
    yardstick = 1000 * (time.perf_counter() - started)
    return f"{time.strftime('%H:%M:%S')} load {os.getloadavg()[0]:.2f} yardstick {yardstick:.0f} ms"


def _compared(today: Result, then: Result) -> str:
    pairs = list(zip((*today.teams, today.whole), (*then.teams, then.whole), strict=True))
    differ = [now.team or "the whole org" for now, before in pairs if now.words != before.words]
    words = f"words differ for {', '.join(differ)}" if differ else "the same words in every digest"
    return (
        f"{then.version} / today: all teams {then.all_teams_seconds / today.all_teams_seconds:.1f}x"
        f", whole org {then.whole.seconds / today.whole.seconds:.1f}x; {words}"
    )


def line(result: Result) -> str:
    org, whole, teams = result.org, result.whole, result.teams
    charts = sum(t.chart_seconds for t in teams)
    return (
        f"{result.version:<8.8} {result.database:<9} {org.people:>6,} people "
        f"{org.key_results:>6,} KRs "
        f"{len(teams):>3} teams: all teams {result.all_teams_seconds:5.2f} s "
        f"(charts {charts:4.2f} s), per team median "
        f"{1000 * statistics.median(t.seconds for t in teams):4.0f} ms, "
        f"slowest {1000 * max(t.seconds for t in teams):5.0f} ms;  whole org "
        f"{whole.seconds:5.2f} s (chart {1000 * whole.chart_seconds:3.0f} ms);  "
        f"SQL statements per digest: {sorted(result.statements)}"
    )


def by_team_size(teams: Sequence[Timed]) -> list[str]:
    lines = []
    for size in sorted({t.size for t in teams}):
        same = [t for t in teams if t.size == size]
        lines.append(
            f"    team of {size:>3}: {len(same):>3} digests, mean "
            f"{1000 * statistics.fmean(t.seconds for t in same):5.1f} ms "
            f"(chart {1000 * statistics.fmean(t.chart_seconds for t in same):4.1f} ms), "
            f"{sorted({t.statements for t in same})} statements"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--people", type=int, nargs="+", default=[1000, 5000, 10_000], help="org sizes"
    )
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", help="an admin URL on a server to use (else one starts)")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the largest org's digests (to stderr)"
    )
    parser.add_argument(
        "--against", metavar="COMMIT", help="also time the digest as it was at this commit"
    )
    parser.add_argument(
        "--analyze", action="store_true", help="PostgreSQL: ANALYZE the tables once seeded"
    )
    args = parser.parse_args()
    results = asyncio.run(bench(args))
    for result in results:
        if result.org.people < GOAL_PEOPLE or result.version != "today":
            continue
        slowest = max((*result.teams, result.whole), key=lambda t: t.seconds)
        each = "meets" if slowest.seconds < GOAL_SECONDS else "misses"
        print(
            f"{result.org.people:,} people: {each} the goal of {GOAL_SECONDS:.0f} s a digest "
            f"(slowest {slowest.seconds:.2f} s, {slowest.team or 'the whole org'})"
        )
        total = "meets" if result.all_teams_seconds < GOAL_SECONDS else "misses"
        print(
            f"{result.org.people:,} people: {total} {GOAL_SECONDS:.0f} s for all "
            f"{len(result.teams)} teams' digests together ({result.all_teams_seconds:.2f} s)"
        )
    counts = set().union(*(r.statements for r in results if r.version == "today"))
    verdict = "the same" if len(counts) == 1 else "NOT the same"
    print(f"SQL statements per digest: {verdict} for every team size and org ({sorted(counts)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
