"""A year of operation: does anything grow without bound?

An org of N people (bench/soak_org.py) lives through a simulated year on the real engine, the
real scheduler (`app.scheduling.build_scheduler`) and a real database, against an outbox that
sends nowhere. The fake clock jumps to the next thing that happens: a job due, an answer, a
command someone types. At each instant the scheduler runs until idle. What happens:

- weekly check-ins at each person's local time (nine zones, any weekday, four times of day):
  78 % answer within the day, 7 % answer one or two questions and stop, 5 % answer after the
  reminder, 10 % never (the run closes as missed); every answer an inbound event through
  `Engine.handle` with an id of its own, as a platform delivers it;
- a pulse survey to everyone on the 3rd of each month (85 % answer), a feedback request from
  a tenth of the managers on the 10th (givers answer), kudos every weekday, 1:1s every two
  weeks between each manager and two reports (agenda items added), a weekly digest of the
  whole org and of three teams in channels;
- the org file imported in full on the 1st of each month: 2 % of people leave, as many join;
  each quarter's goals imported on its first day, last quarter's archived by their owners.

At the end of each month: the database's size on disk, the rows of every table, the
process's RSS, the median main-thread CPU (`time.thread_time`) of `Engine.handle` for the
month's check-in answers, the median main-thread CPU of the scheduled whole-org digest builds
(SQLite's statements run on that thread; PostgreSQL's backend is another process), and the
questions a check-in asked on average. Then the verdicts. Loopback only; it stops by itself.

    .venv/bin/python bench/soak.py [--people N] [--months M] [--database sqlite|postgres]
                                   [--postgres-url URL] [--retention-days D] [--seed S]
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import itertools
import logging
import os
import random
import resource
import statistics
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests/ holds the throwaway PostgreSQL and the fake clock

from fresh_databases import fresh_databases  # noqa: E402
from soak_org import (  # noqa: E402
    TENANT,
    LatestOutbox,
    Member,
    Replies,
    Roster,
    is_checkin,
    nudges,
    starts_checkin,
)
from sqlalchemy import func, select, text  # noqa: E402
from sqlmodel import SQLModel, col  # noqa: E402

import bot.digests.scheduled as scheduled_digests  # noqa: E402
import storage.models  # noqa: E402, F401  (every table in the metadata)
from app.scheduling import build_scheduler  # noqa: E402
from bot.core.events import CommandInvoked  # noqa: E402
from bot.core.messages import Question  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.imports.goals_import import import_goals  # noqa: E402
from bot.imports.org_import import import_org  # noqa: E402
from scheduler.runner import Scheduler  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Objective, ScheduledJob, Tenant  # noqa: E402
from tests.conftest import FakeClock  # noqa: E402

START = datetime(2026, 1, 1, tzinfo=UTC)
BOOKKEEPING = (
    "processedevent",
    "pendingprompt",
    "heldmessage",
    "goalnudge",
    "scheduledjob",
    "slackoauthstate",
)
# What people wrote, and the org itself: what the database may grow with.
WRITTEN = ("checkinrun", "answer", "keyresultchange", "feedbackanswer", "surveyresponse",
           "kudos", "agendaitem")  # fmt: skip
MAX_ANSWERS = 25  # answers in one sitting at most: a question asked again and again stops there
FLAT = 1.25  # late mean within this of early mean
SLACK_ROWS = 100  # rows a bookkeeping table may differ by, whatever the ratio
CHANNEL_ALL = {"channel": "C_ALL", "key": "C_ALL", "name": "#all-hands"}


@dataclass
class Month:
    label: str
    size_mb: float
    rows: dict[str, int]
    rss_mb: float
    answer_ms: float | None
    answers: int
    digest_ms: float | None
    digests: int
    seconds: float  # the month's real time
    counts: Counter[str]


@dataclass
class Measures:
    """What the current month collected so far."""

    answer_cpu: list[float] = field(default_factory=list)
    digest_seconds: list[float] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)


class ErrorCount(logging.Handler):
    """Warnings and errors logged by the product, counted by their message's pattern."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: Counter[tuple[str, str]] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        self.seen[(record.levelname, f"{record.name}: {record.msg}")] += 1


class Year:
    """The simulation: a heap of timed actions, the clock jumping from one to the next."""

    def __init__(self, args: argparse.Namespace, database: Database) -> None:
        self.args = args
        self.database = database
        self.rng = random.Random(args.seed)
        self.roster = Roster.of(args.people, self.rng)
        self.replies = Replies(self.rng)
        self.clock = FakeClock(START)
        self.outbox = LatestOutbox()
        self.engine = Engine(database, self.outbox, self.clock)
        self.scheduler: Scheduler = build_scheduler(self.engine, 1)
        self.end = add_months(START, args.months)
        self.actions: list[tuple[datetime, int, Callable[[], Awaitable[None]]]] = []
        self.order = itertools.count()
        self.measures = Measures()
        self.months: list[Month] = []
        self.month_started = time.perf_counter()
        self.objectives: dict[str, list[int]] = {}  # last quarter's objective ids by owner email
        self.oneonones: list[tuple[Member, Member]] = []
        self.late: set[int] = set()  # people who answer this week's check-in once reminded

    def at(self, when: datetime, action: Callable[[], Awaitable[None]]) -> None:
        heapq.heappush(self.actions, (when, next(self.order), action))

    async def run(self) -> list[Month]:
        await upgrade(self.database.engine)
        await self.import_org()
        if self.args.retention_days:
            async with self.database.session() as session:
                tenant = await session.get(Tenant, TENANT)
                assert tenant is not None
                tenant.settings = {**tenant.settings, "retention_days": self.args.retention_days}
                session.add(tenant)
        for member in self.roster.active():
            await self.first_contact(member)
        await self.quarter_goals()
        await self.subscribe_digests()
        self.at(START + timedelta(days=1), self.new_day)
        # The scheduled digests' builds, timed where the scheduler calls them.
        original = getattr(scheduled_digests, "build_digest")  # noqa: B009
        setattr(scheduled_digests, "build_digest", self._timed_digest(original))  # noqa: B010
        try:
            await self._steps()
        finally:
            setattr(scheduled_digests, "build_digest", original)  # noqa: B010
        return self.months

    async def _steps(self) -> None:
        # A due instant or an action a step; a year of 1,000 people has some 20,000 of them.
        limit = self.args.months * 31 * 24 * 12 + 1000
        for _ in range(limit):
            async with self.database.session() as session:
                due = (
                    await (await session.connection()).execute(
                        select(func.min(col(ScheduledJob.due_at)))
                    )
                ).scalar()
            when = min(self.actions[0][0], as_utc(due) if due is not None else self.end)
            if when >= self.end:
                await self.close_month()
                return
            self.clock.current = max(self.clock.current, when)
            await self.scheduler.run_until_idle()
            while self.actions and self.actions[0][0] <= self.clock.current:
                _, _, action = heapq.heappop(self.actions)
                await action()
            self.plan_answers()
        raise SystemExit(f"still stepping after {limit} steps at {self.clock.current}")

    # -- the calendar ------------------------------------------------------------------------

    async def new_day(self) -> None:
        today = self.clock.current
        if today.day == 1:
            await self.close_month()
            await self.turnover()
            if today.month in (1, 4, 7, 10):
                await self.quarter_goals()
        if today.day == 3:
            self.at(today + timedelta(hours=10), self.pulse)
        if today.day == 10:
            self.at(today + timedelta(hours=15), self.feedback_requests)
        if today.weekday() < 5:
            self.at(today + timedelta(hours=self.rng.randint(8, 18)), self.kudos)
        if today.weekday() == 0:
            self.at(today + timedelta(hours=11), self.oneonone_topics)
        if today == START + timedelta(days=4):  # the first Monday
            self.at(today + timedelta(hours=12), self.set_up_oneonones)
        self.at(today + timedelta(days=1), self.new_day)

    async def close_month(self) -> None:
        ending = self.clock.current - timedelta(hours=1)
        measures, self.measures = self.measures, Measures()
        measures.counts.update(self.outbox.counts)
        self.outbox.counts.clear()
        rows = await count_rows(self.database)
        cpu, digests = measures.answer_cpu, measures.digest_seconds
        month = Month(
            label=ending.strftime("%Y-%m"),
            size_mb=await database_mb(self.database),
            rows=rows,
            rss_mb=rss_mb(),
            answer_ms=statistics.median(cpu) * 1000 if cpu else None,
            answers=len(cpu),
            digest_ms=statistics.median(digests) * 1000 if digests else None,
            digests=len(digests),
            seconds=time.perf_counter() - self.month_started,
            counts=measures.counts,
        )
        self.months.append(month)
        self.month_started = time.perf_counter()
        print(month_line(month, len(self.months) == 1), flush=True)

    # -- what people do ----------------------------------------------------------------------

    async def say(self, member: Member, words: str) -> None:
        await self.engine.handle(self.replies.text(member, words))
        self.measures.counts["typed"] += 1

    async def first_contact(self, member: Member) -> None:
        """A new person writes to the bot: their Slack account is linked to them by email."""
        await self.say(member, "help")
        member.linked = True

    async def import_org(self) -> None:
        report = await import_org(
            self.database, TENANT, self.roster.org_csv(), now=self.clock.now(), full=True
        )
        if report.problems:
            raise SystemExit(f"the org file has problems: {report.problems[:3]}")

    async def turnover(self) -> None:
        leaving, joining = self.roster.turnover(0.02)
        await self.import_org()
        for member in joining:
            await self.first_contact(member)
        self.measures.counts["left"] += len(leaving)
        self.measures.counts["joined"] += len(joining)

    async def quarter_goals(self) -> None:
        """Last quarter's objectives archived by their owners, this quarter's imported."""
        now = self.clock.now()
        by_email = {m.email: m for m in self.roster.active()}
        for email, objectives in self.objectives.items():
            for objective in objectives if email in by_email else ():
                await self.say(by_email[email], f"goals archive #{objective}")
        period = f"{now.year}-Q{(now.month - 1) // 3 + 1}"
        report = await import_goals(
            self.database, TENANT, self.roster.goals_csv(period), "goals.csv", now=now
        )
        if report.problems:
            raise SystemExit(f"the goals file has problems: {report.problems[:3]}")
        async with self.database.session() as session:
            found = await (await session.connection()).execute(
                select(col(Objective.id), col(Objective.key)).where(col(Objective.period) == period)
            )
            keys = {str(key): int(str(objective)) for objective, key in found}
        self.objectives = {}
        for member in self.roster.active():
            for key in (
                f"{period.lower()}-own-{member.number}",
                f"{period.lower()}-team-{member.number}",
            ):
                if key in keys:
                    self.objectives.setdefault(member.email, []).append(keys[key])

    async def subscribe_digests(self) -> None:
        head = self.roster.head
        event = CommandInvoked(
            head.actor(), "digest", "subscribe everyone", self.replies.event_id(), CHANNEL_ALL
        )
        await self.engine.handle(event)
        for manager in self.roster.managers()[:3]:
            channel = {"channel": f"C{manager.number}", "key": f"C{manager.number}",
                       "name": f"#team-{manager.number}"}  # fmt: skip
            event = CommandInvoked(
                manager.actor(),
                "digest",
                f"subscribe {manager.team}",
                self.replies.event_id(),
                channel,
            )
            await self.engine.handle(event)

    async def pulse(self) -> None:
        await self.say(self.roster.head, "pulse send engagement to everyone")

    async def feedback_requests(self) -> None:
        managers = self.roster.managers()
        for manager in self.rng.sample(managers, max(1, len(managers) // 10)):
            team = self.roster.reports(manager)
            if len(team) < 3:
                continue
            subject, *givers = self.rng.sample(team, 3)
            mentions = " ".join(g.mention() for g in givers)
            await self.say(manager, f"feedback request {subject.mention()} from {mentions}")

    async def kudos(self) -> None:
        people = self.roster.active()
        for giver in self.rng.sample(people, max(1, len(people) // 100)):
            receiver = self.rng.choice(people)
            if receiver is not giver:
                await self.say(giver, f"kudos {receiver.mention()} for helping with the release")

    async def set_up_oneonones(self) -> None:
        for manager in self.roster.managers():
            for report in self.roster.reports(manager)[:2]:
                await self.say(manager, f"1on1 with {report.mention()} every 2 weeks tue 10:00")
                self.oneonones.append((manager, report))

    async def oneonone_topics(self) -> None:
        for manager, report in self.oneonones:
            if report.active and manager.active and self.rng.random() < 0.3:
                await self.say(report, "1on1 add the roadmap for next quarter")

    # -- answering ---------------------------------------------------------------------------

    def plan_answers(self) -> None:
        """Questions that came since the last step: when, and how much, each person answers."""
        now = self.clock.current
        for user, questions in self.outbox.take_arrived().items():
            member = self.roster.members.get(int(user[1:]))
            if member is None or not member.active:
                continue
            for question in questions:
                later = now + timedelta(hours=self.rng.randint(1, 10))
                draw = self.rng.random()
                if starts_checkin(question):
                    if draw < 0.78:
                        self.at(later, self._sitting(member, question, MAX_ANSWERS))
                    elif draw < 0.85:
                        self.at(later, self._sitting(member, question, self.rng.randint(1, 2)))
                    elif draw < 0.90:
                        self.late.add(member.number)  # answers once reminded
                elif nudges(question):
                    if member.number in self.late:
                        self.late.discard(member.number)
                        self.at(later, self._sitting(member, question, MAX_ANSWERS))
                elif not is_checkin(question) and question.position <= 1 and draw < 0.85:
                    self.at(later, self._sitting(member, question, MAX_ANSWERS))

    def _sitting(self, member: Member, first: Question, most: int) -> Callable[[], Awaitable[None]]:
        async def sitting() -> None:
            await self.answer(member, first, most)

        return sitting

    async def answer(self, member: Member, first: Question, most: int) -> None:
        """Answers `first`, then each question that follows it, `most` at most."""
        if not member.active:
            return
        question: Question | None = first
        asked: set[str] = set()
        checkin = is_checkin(first)
        for _ in range(most):
            if question is None or question.prompt_id in asked:
                return
            asked.add(question.prompt_id)
            event = self.replies.to(member, question)
            started = time.thread_time()
            await self.engine.handle(event)
            spent = time.thread_time() - started
            self.measures.counts["answers"] += 1
            if checkin:
                self.measures.answer_cpu.append(spent)
            following = self.outbox.latest.get(member.user)
            question = following if following and is_checkin(following) == checkin else None
        if most == MAX_ANSWERS and question is not None and question.prompt_id not in asked:
            self.measures.counts["sittings cut short"] += 1

    def _timed_digest(self, build: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def timed(session: Any, tenant_id: str, team: str | None, now: datetime) -> Any:
            started = time.thread_time()
            digest = await build(session, tenant_id, team, now)
            if team is None:
                self.measures.digest_seconds.append(time.thread_time() - started)
            return digest

        return timed


# -- measuring -------------------------------------------------------------------------------


async def count_rows(database: Database) -> dict[str, int]:
    rows = {}
    async with database.session() as session:
        for table in SQLModel.metadata.sorted_tables:
            found = await (await session.connection()).execute(
                select(func.count()).select_from(table)
            )
            rows[table.name] = int(found.scalar_one())
    return rows


async def database_mb(database: Database) -> float:
    if database.engine.dialect.name == "sqlite":
        path = Path(str(database.engine.url.database))
        files = (path, path.with_name(path.name + "-wal"))
        return sum(f.stat().st_size for f in files if f.exists()) / 1e6
    async with database.session() as session:
        found = await (await session.connection()).execute(
            text("SELECT pg_database_size(current_database())")
        )
        return int(found.scalar_one()) / 1e6


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def add_months(moment: datetime, months: int) -> datetime:
    years, month = divmod(moment.month - 1 + months, 12)
    return moment.replace(year=moment.year + years, month=month + 1)


# -- reporting -------------------------------------------------------------------------------


def month_line(month: Month, header: bool) -> str:
    def ms(value: float | None) -> str:
        return f"{value:6.2f}" if value is not None else "     -"

    columns = "  ".join(f"{name[:10]:>10}" for name in BOOKKEEPING + WRITTEN[:3])
    head = (
        f"{'month':7}  {'db MB':>7}  {'RSS MB':>6}  {'answer':>6}  {'digest':>6}  "
        f"{'Qs a':>5}  {columns}  {'real s':>6}\n"
        f"{'':7}  {'':>7}  {'':>6}  {'CPU ms':>6}  {'CPU ms':>6}  {'check':>5}\n"
        if header
        else ""
    )
    counts = "  ".join(f"{month.rows[name]:>10,}" for name in BOOKKEEPING + WRITTEN[:3])
    return (
        f"{head}{month.label:7}  {month.size_mb:7.1f}  {month.rss_mb:6.0f}  "
        f"{ms(month.answer_ms)}  {ms(month.digest_ms)}  {questions(month):5.2f}  {counts}  "
        f"{month.seconds:6.0f}"
    )


def questions(month: Month) -> float:
    """The questions of a check-in prompted that month, on average."""
    return month.counts["their questions"] / max(1, month.counts["check-ins prompted"])


def rows_table(months: list[Month]) -> str:
    lines = [f"{'table':18}" + "".join(f"{m.label[2:]:>9}" for m in months)]
    for name in months[-1].rows:
        mark = "*" if name in BOOKKEEPING else " "
        lines.append(f"{mark}{name:17}" + "".join(f"{m.rows[name]:>9,}" for m in months))
    return "\n".join(lines)


def activity_table(months: list[Month]) -> str:
    kinds = sorted({kind for m in months for kind in m.counts})
    lines = [f"{'happened':20}" + "".join(f"{m.label[2:]:>9}" for m in months)]
    for kind in kinds:
        lines.append(f"{kind:20}" + "".join(f"{m.counts[kind]:>9,}" for m in months))
    return "\n".join(lines)


def windows(months: list[Month]) -> tuple[list[Month], list[Month]]:
    """The second quarter and the last (of a year; a quarter and a half of fewer months)."""
    n = len(months)
    return months[n // 4 : max(n // 2, n // 4 + 1)], months[-max(1, n // 4) :]


def verdicts(months: list[Month]) -> list[str]:
    early, late = windows(months)
    span = f"{early[0].label}..{early[-1].label} against {late[0].label}..{late[-1].label}"
    out = [f"verdicts ({span}; flat: the late mean within {FLAT}x of the early mean)"]

    def mean(values: list[float]) -> float:
        return statistics.fmean(values) if values else float("nan")

    def flat(name: str, pick: Callable[[Month], float | None], unit: str) -> None:
        before = mean([v for m in early if (v := pick(m)) is not None])
        after = mean([v for m in late if (v := pick(m)) is not None])
        if before != before or after != after:  # nan: nothing measured in a window
            out.append(f"  {name:28} not measured in both windows")
            return
        ok = after <= before * FLAT
        out.append(
            f"  {name:28} {before:9.2f} -> {after:9.2f} {unit:6} "
            f"({after / before:4.2f}x) {'flat' if ok else 'GROWS'}"
        )

    flat("RSS", lambda m: m.rss_mb, "MB")
    flat("answer CPU (median)", lambda m: m.answer_ms, "ms")
    flat("whole-org digest CPU (median)", lambda m: m.digest_ms, "ms")
    flat("questions a check-in", questions, "")
    for name in BOOKKEEPING:
        before = mean([m.rows[name] for m in early])
        after = mean([m.rows[name] for m in late])
        ok = after <= before * FLAT + SLACK_ROWS
        out.append(f"  {name:28} {before:9.0f} -> {after:9.0f} rows   {'flat' if ok else 'GROWS'}")

    def written(m: Month) -> int:
        return sum(count for name, count in m.rows.items() if name not in BOOKKEEPING)

    # The database grows with what people wrote: its bytes per row kept stay as they were.
    before = mean([m.size_mb * 1e6 / written(m) for m in early])
    after = mean([m.size_mb * 1e6 / written(m) for m in late])
    ok = after <= before * FLAT
    out.append(
        f"  {'database bytes per row kept':28} {before:9.0f} -> {after:9.0f} bytes  "
        f"({after / before:4.2f}x) {'grows with what people wrote' if ok else 'GROWS FASTER'}"
    )
    return out


async def soak(args: argparse.Namespace) -> list[Month]:
    async with fresh_databases(args.database, args.postgres_url, "soak") as fresh, fresh() as db:
        return await Year(args, db).run()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1000, help="the org's size (1,000)")
    parser.add_argument("--months", type=int, default=12, help="months simulated (12)")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", help="an admin URL on a server to use (else one starts)")
    parser.add_argument(
        "--retention-days", type=int, help="the org's bookkeeping retention (its default, 30)"
    )
    parser.add_argument("--seed", type=int, default=20, help="the random draws' seed (20)")
    args = parser.parse_args()
    if args.people < 10 or not 1 <= args.months <= 36:
        parser.error("--people 10 or more, --months 1 to 36")
    errors = ErrorCount()
    logging.getLogger().addHandler(errors)
    logging.getLogger().setLevel(logging.WARNING)
    print(
        f"{args.people} people, {args.months} months on {args.database}, "
        f"load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    started = time.perf_counter()
    months = asyncio.run(soak(args))
    print(f"\nrows per table at the end of each month (* bookkeeping)\n{rows_table(months)}")
    print(f"\nwhat happened each month\n{activity_table(months)}\n")
    print("\n".join(verdicts(months)))
    for (level, message), count in errors.seen.most_common():
        print(f"logged {count:>6}x {level}: {message}")
    print(
        f"{(time.perf_counter() - started) / 60:.1f} minutes, load average {os.getloadavg()[0]:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
