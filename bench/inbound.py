"""The inbound benchmark: signed Slack requests through the whole stack, against bare bolt.

Signed `/checkin help` slash commands and DM events (`help`, and answers to the check-in each
sender has open) from 1,000 people go to two servers on loopback in the same run: the bot
(`checkin-bot serve`: bolt, engine, database, scheduler) and a bare slack-bolt app whose
listeners only ack. At 1, 16 and 64 concurrent clients it times each request until its HTTP 200
ack: req/s, p50, p99 and the bot's ratios to the bare app. The two take turns, twice per size,
and each of the bot's turns ends only once it has sent every reply (counted at the mock Slack
Web API): acks that run ahead of the work show as the time the replies took after them, and
as the rate of work done. Then a wave of 10,000 due check-ins is released on the bot while 16
clients keep sending: the slowest ack, p99, how many took over Slack's 3 s, the wave's length.
With --rates (or --open-loop: 25, 50 and 100 a second) the two also take turns under an
open-loop load, requests started at a fixed rate whatever the answers (bench/inbound_open.py),
after the sizes and before the wave (without --clients, instead of the sizes).
A request the bot refuses while its backlog is full (a 503, or a slash command's "I'm swamped"
answer: bot/core/backlog.py) is counted apart, as "refused", and owes no reply.

Four processes (bench/inbound_servers.py): this one is the load generator; the bot, the bare
app and the mock Slack Web API (tests/slack/mock_api.py: zero latency, no rate limits) each
run in one of their own. On two cores a load generator or a mock sharing a server's event loop
would take its time, and not in the same measure for both servers. The bot's pacer is
unlimited: at Slack's 300 DMs a minute its replies and the wave would take many minutes, and
rate limits are another benchmark. SQLite in a temporary directory, or PostgreSQL (a throwaway
server from tests/postgres.py unless --postgres-url is given). It stops by itself.

    .venv/bin/python bench/inbound.py [--clients N [N ...]] [--requests N] [--rounds N]
                                      [--seconds S] [--wave-people N] [--wave-rate R]
                                      [--open-loop] [--rates R [R ...]]
                                      [--open-seconds S] [--open-requests N]
                                      [--no-wave] [--database sqlite|postgres]
                                      [--postgres-url URL] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import itertools
import math
import os
import pstats
import re
import sys
import tempfile
import time
from collections import Counter
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the app, and the signed payloads in tests/slack/

import aiohttp  # noqa: E402
from inbound_acks import CLIENT_TIMEOUT, SLACK_ACK_SECONDS, Sample, percentile, post  # noqa: E402
from inbound_open import DEFAULT_RATES, open_line, open_rate, open_verdicts  # noqa: E402
from inbound_servers import (  # noqa: E402
    EVENTS_PATH,
    SECRET,
    STARTUP_SECONDS,
    TOKEN,
    MockProcess,
    Tally,
    cpu_seconds,
    database_url,
    load_user,
    open_checkins,
    release_wave,
    seed,
    server_process,
)

from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from tests.postgres import free_port  # noqa: E402
from tests.serve_process import until_healthy  # noqa: E402
from tests.slack.payloads import FORM, JSON, message_event, signed_headers, slash_command  # noqa: E402

LOAD_PEOPLE = 1_000
WAVE_PEOPLE = 10_000
WAVE_CLIENTS = 16
ANSWER = "Shipped the invite flow and fixed the two login bugs"
GOAL_THROUGHPUT, GOAL_P99, GOAL_CLIENTS = 0.70, 1.5, (16, 64)
DRAIN_SECONDS, WAVE_SECONDS = 60.0, 120.0


class Requests:
    """Signed requests as Slack sends them, in turn over the load's people: `/checkin help`,
    a DM saying `help`, a DM answering the check-in (the next question, or the summary)."""

    def __init__(self, people: int) -> None:
        self.people = people
        self.serial = itertools.count()

    def next(self) -> tuple[str, dict[str, str]]:
        n = next(self.serial)
        user = load_user(n % self.people)
        if n % 3 == 0:
            body = slash_command("/checkin", "help", user=user, channel=f"D{user}")
            return body, signed_headers(SECRET, body, content_type=FORM)
        body = message_event("help" if n % 3 == 1 else ANSWER, user=user)
        return body, signed_headers(SECRET, body, content_type=JSON)


async def drive(
    base_url: str,
    requests: Requests,
    clients: int,
    *,
    count: int,
    seconds: float,
    stop: asyncio.Event | None = None,
    rate: float | None = None,
) -> tuple[list[Sample], float]:
    """`clients` at once, on one pool of keep-alive connections, each sending its next request
    when the last is acked (with a `rate`, not before its turn at that many a second in all),
    until `count` are sent, `seconds` are up or `stop` is set. The samples, and the time."""
    samples: list[Sample] = []
    url = base_url + EVENTS_PATH
    begun = time.perf_counter()
    deadline = begun + seconds
    left, turns = itertools.count(count, -1), itertools.count()

    async def client(session: aiohttp.ClientSession) -> None:
        while next(left) > 0 and time.perf_counter() < deadline:
            if rate is not None:
                await asyncio.sleep(max(0.0, begun + next(turns) / rate - time.perf_counter()))
            if stop is not None and stop.is_set():
                return
            body, headers = requests.next()
            samples.append(await post(session, url, body, headers, time.perf_counter()))

    timeout = aiohttp.ClientTimeout(total=CLIENT_TIMEOUT)
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(client(session) for _ in range(clients)))
    return samples, time.perf_counter() - begun


@dataclass
class Server:
    url: str
    pid: int


@dataclass
class Bot(Server):
    database: Database
    mock: MockProcess
    prompts: int  # posts to the load's people that answer no request: their first questions
    sent: int = 0  # requests sent to it so far; each gets one reply

    async def drained(self) -> tuple[float, Tally]:
        """Waits until every request sent has its reply (at most DRAIN_SECONDS); the seconds
        it took, and the mock's tally then."""
        started = time.perf_counter()
        while True:
            tally = await self.mock.tally()
            waited = time.perf_counter() - started
            if tally.load_posts - self.prompts >= self.sent or waited > DRAIN_SECONDS:
                return waited, tally
            await asyncio.sleep(0.05)


# -- the sizes --------------------------------------------------------------------------------


@dataclass
class Side:
    """One server's turns at one size."""

    samples: list[Sample] = field(default_factory=list)
    seconds: float = 0.0  # from the first request to the last ack
    drain_seconds: float = 0.0  # from the last ack until every reply was sent
    cpu_seconds: float = 0.0  # the server process's, all threads, drain included

    @property
    def rate(self) -> float:
        return len(self.samples) / self.seconds

    @property
    def done_rate(self) -> float:
        return len(self.samples) / (self.seconds + self.drain_seconds)

    @property
    def cpu_per_request(self) -> float:
        return self.cpu_seconds / len(self.samples)

    @property
    def failed(self) -> int:
        return sum(1 for sample in self.samples if not sample.ok and not sample.refused)

    @property
    def refused(self) -> int:
        return sum(1 for sample in self.samples if sample.refused)

    def p(self, q: float) -> float:
        return percentile([sample.seconds for sample in self.samples], q)


@dataclass
class Level:
    clients: int
    bare: Side = field(default_factory=Side)
    bot: Side = field(default_factory=Side)
    missing: int = 0  # replies still not sent DRAIN_SECONDS after the bot's last turn
    sorry: int = 0  # replies saying something went wrong and nothing was saved

    @property
    def throughput_ratio(self) -> float:
        return self.bot.rate / self.bare.rate

    @property
    def done_ratio(self) -> float:
        return self.bot.done_rate / self.bare.rate

    @property
    def p99_ratio(self) -> float:
        return self.bot.p(0.99) / self.bare.p(0.99)


async def level(
    clients: int, bare: Server, bot: Bot, requests: Requests, args: argparse.Namespace
) -> Level:
    """Both servers at `clients`, taking turns (bare, bot, bare, bot ...); a turn of the
    bot's ends once all its replies are sent, so no work of it is left for the next turn."""
    result = Level(clients)
    per_turn = max(1, args.requests // args.rounds)
    sorry_before = (await bot.mock.tally()).sorry
    for _ in range(args.rounds):
        for side, server in ((result.bare, bare), (result.bot, bot)):
            cpu_before = cpu_seconds(server.pid)
            samples, seconds = await drive(
                server.url, requests, clients, count=per_turn, seconds=args.seconds
            )
            side.samples += samples
            side.seconds += seconds
            if server is bot:
                bot.sent += sum(1 for sample in samples if sample.ok)
                drain, tally = await bot.drained()
                side.drain_seconds += drain
                result.missing = bot.sent - (tally.load_posts - bot.prompts)
                result.sorry = tally.sorry - sorry_before
            side.cpu_seconds += cpu_seconds(server.pid) - cpu_before
    return result


def level_line(result: Level) -> str:
    def side(name: str, s: Side) -> str:
        return (
            f"{name} {s.rate:4.0f} req/s  p50 {s.p(0.5) * 1000:5.1f}  "
            f"p99 {s.p(0.99) * 1000:5.1f} ms  {s.cpu_per_request * 1000:4.1f} ms CPU/req"
        )

    failed = result.bare.failed + result.bot.failed
    return (
        f"{result.clients:>2} clients | {side('bare', result.bare)} | {side('bot', result.bot)} | "
        f"bot/bare {result.throughput_ratio:4.2f}x req/s {result.p99_ratio:4.2f}x p99 | "
        f"replies done +{result.bot.drain_seconds:4.1f} s: {result.bot.done_rate:3.0f} req/s"
        + (f", {result.missing} MISSING" if result.missing > 0 else "")
        + (f", {result.sorry} SORRY" if result.sorry else "")
        + (f", {result.bot.refused} refused (busy)" if result.bot.refused else "")
        + (f", {failed} FAILED" if failed else "")
    )


# -- the wave ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Wave:
    people: int
    prompted: int  # distinct people with a prompt at the mock
    prompts: int
    first_seconds: float  # from the release to the first prompt
    seconds: float  # from the release to the last prompt (or to giving up)
    during: list[Sample]  # the requests sent meanwhile
    rate: float | None  # the most requests a second the load sent, if paced
    owed: int  # replies to the load not sent yet a second after the wave

    @property
    def over(self) -> int:
        return sum(
            1 for s in self.during if s.seconds > SLACK_ACK_SECONDS or not (s.ok or s.refused)
        )


async def wave(bot: Bot, requests: Requests, people: int, rate: float | None) -> Wave:
    """The bot under 16 clients; two seconds in, the wave is released. The load stops a second
    after the last prompt reached the mock, or WAVE_SECONDS after it began."""
    stop = asyncio.Event()
    load = asyncio.create_task(
        drive(
            bot.url, requests, WAVE_CLIENTS, count=10**9, seconds=WAVE_SECONDS, stop=stop, rate=rate
        )
    )
    await asyncio.sleep(2.0)
    tally = await bot.mock.tally()
    before = tally.wave_posts
    released_at = time.perf_counter()
    await release_wave(bot.database)
    first = math.nan
    while not load.done() and tally.wave_people < people:
        await asyncio.sleep(0.1)
        tally = await bot.mock.tally()
        if tally.wave_posts > before and math.isnan(first):
            first = time.perf_counter() - released_at
    finished_at = time.perf_counter()
    await asyncio.sleep(1.0)
    stop.set()
    samples, _ = await load
    bot.sent += sum(1 for sample in samples if sample.ok)
    owed = bot.sent - ((await bot.mock.tally()).load_posts - bot.prompts)
    during = [s for s in samples if released_at <= s.started <= finished_at]
    return Wave(
        people,
        tally.wave_people,
        tally.wave_posts - before,
        first,
        finished_at - released_at,
        during,
        rate,
        owed,
    )


def wave_lines(result: Wave, database: str) -> list[str]:
    during = [s.seconds for s in result.during]
    p50, p99, slowest = (percentile(during, q) * 1000 for q in (0.5, 0.99, 1.0))
    failed = sum(1 for s in result.during if not s.ok and not s.refused)
    refused = sum(1 for s in result.during if s.refused)
    twice = result.prompts - result.prompted
    paced = f" paced to {result.rate:g} req/s" if result.rate else ""
    return [
        f"wave {result.people:,} ({database}): {result.prompted:,} prompted in "
        f"{result.seconds:.1f} s from its release (the first after {result.first_seconds:.1f} s)"
        + (f", {twice} prompted TWICE" if twice else ""),
        f"  meanwhile {len(during):,} requests at {WAVE_CLIENTS} clients{paced} "
        f"({len(during) / result.seconds:.0f} req/s): p50 {p50:.1f}  p99 {p99:.1f}  "
        f"max {slowest:.0f} ms, {result.over} over {SLACK_ACK_SECONDS:.0f} s"
        + (f" ({failed} failed)" if failed else "")
        + (f", {refused} refused (busy)" if refused else "")
        + f"; {result.owed:,} replies still owed a second after the wave",
    ]


# -- the run ----------------------------------------------------------------------------------


def verdicts(levels: list[Level], result: Wave | None) -> list[str]:
    lines = []
    for found in levels:
        if found.clients not in GOAL_CLIENTS:
            continue
        fast = "meets" if found.throughput_ratio >= GOAL_THROUGHPUT else "misses"
        steady = "meets" if found.p99_ratio <= GOAL_P99 else "misses"
        lines.append(
            f"{found.clients} clients: {fast} the throughput goal (acks at "
            f"{found.throughput_ratio:.2f} of bare bolt's rate, goal {GOAL_THROUGHPUT:.2f}; the "
            f"work done at {found.done_ratio:.2f}); {steady} the p99 goal "
            f"({found.p99_ratio:.2f}x, goal {GOAL_P99:.1f}x)"
        )
    if result is not None:
        done = result.prompted == result.people
        verdict = "meets" if result.over == 0 and done else "misses"
        lines.append(
            f"{verdict} the goal of no ack over {SLACK_ACK_SECONDS:.0f} s during a wave "
            f"({result.over} over; {result.prompted:,} of {result.people:,} prompted)"
        )
    return lines


async def bench(args: argparse.Namespace, folder: str) -> None:
    async with AsyncExitStack() as stack:
        url = await stack.enter_async_context(
            database_url(args.database, args.postgres_url, folder)
        )
        pipes = {"stdin": asyncio.subprocess.PIPE, "stdout": asyncio.subprocess.PIPE}
        mock_process = await stack.enter_async_context(server_process("mock", **pipes))
        assert mock_process.stdout is not None
        mock = MockProcess(mock_process, (await mock_process.stdout.readline()).decode().strip())
        database = Database(url)
        stack.push_async_callback(database.dispose)
        await upgrade(database.engine)
        started = time.perf_counter()
        wave_people = 0 if args.no_wave else args.wave_people
        await seed(database, LOAD_PEOPLE, wave_people)
        opened = await open_checkins(database, mock.url, LOAD_PEOPLE)
        print(
            f"{args.database}: seeded {LOAD_PEOPLE:,} + {wave_people:,} people and opened "
            f"{opened:,} check-ins in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
        log = stack.enter_context((Path(folder) / "servers.log").open("wb"))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MICROSOFT_"))}
        env |= {
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": url,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": mock.url,
            "CHECKIN_TICK_SECONDS": "1",
        } | ({"BENCH_PROFILE": str(Path(folder) / "bot.prof")} if args.profile else {})
        ports = free_port(), free_port()
        bot_process = await stack.enter_async_context(
            server_process(
                "bot", "--port", str(ports[0]), env=env, stdout=log, stderr=log, cwd=folder
            )
        )
        bare_process = await stack.enter_async_context(
            server_process(
                "bare", "--port", str(ports[1]), "--api-url", mock.url, stdout=log, stderr=log
            )
        )
        prompts = (await mock.tally()).load_posts
        bot = Bot(f"http://127.0.0.1:{ports[0]}", bot_process.pid, database, mock, prompts)
        bare = Server(f"http://127.0.0.1:{ports[1]}", bare_process.pid)
        for process, url in ((bot_process, bot.url), (bare_process, bare.url)):
            await until_healthy(process, url, within=STARTUP_SECONDS, fail=SystemExit)
        requests = Requests(LOAD_PEOPLE)
        # Warm-up: connections, bolt's auth.test, the bot's first statements; then its replies.
        await drive(bare.url, requests, 16, count=300, seconds=30)
        samples, _ = await drive(bot.url, requests, 16, count=300, seconds=30)
        bot.sent += len(samples)
        await bot.drained()
        levels = []
        for clients in args.clients:
            levels.append(await level(clients, bare, bot, requests, args))
            print(level_line(levels[-1]), flush=True)
        rates = []
        for rate in args.rates:
            rates.append(await open_rate(rate, bare, bot, requests, args))
            print(open_line(rates[-1]), flush=True)
        result = None
        if not args.no_wave:
            result = await wave(bot, requests, wave_people, args.wave_rate)
            for line in wave_lines(result, args.database):
                print(line, flush=True)
        for line in verdicts(levels, result) + open_verdicts(rates):
            print(line)
        failed = (await mock.tally()).failed
        if failed:
            print(f"calls the mock Slack Web API failed: {failed}", file=sys.stderr)


def report_log(path: Path) -> None:
    """The servers' warnings and errors, counted by their first 160 characters (digits
    masked: times and counts differ from one to the next)."""
    if not path.exists():
        return
    lines = path.read_text(errors="replace").splitlines()
    firsts = Counter(
        re.sub(r"\d", "#", line[:160]) for line in lines if line.startswith(("WARNING", "ERROR"))
    )
    if firsts:
        print("the servers logged:", file=sys.stderr)
        for line, count in firsts.most_common(12):
            print(f"  {count:6,} x {line}", file=sys.stderr)
    error = next((n for n, line in enumerate(lines) if line.startswith("ERROR")), None)
    if error is not None:
        print("the first error, and what followed it:", file=sys.stderr)
        for line in lines[error : error + 40]:
            print(f"  {line[:200]}", file=sys.stderr)


def report_profile(path: Path) -> None:
    """The bot's main thread: its own time by package, then the 30 costliest functions.
    (Coroutines make cProfile's cumulative times meaningless; its own times hold.)"""
    stats = pstats.Stats(str(path))
    by_package: Counter[str] = Counter()
    for (filename, _, function), row in stats.stats.items():  # type: ignore[attr-defined]
        by_package[package_of(filename, function)] += row[2]
    total = sum(by_package.values())
    print(f"the bot's main thread, {total:.1f} s of its own time by package:", file=sys.stderr)
    for name, seconds in by_package.most_common(15):
        print(f"  {seconds:7.2f} s {seconds / total:6.1%}  {name}", file=sys.stderr)
    out = io.StringIO()
    pstats.Stats(str(path), stream=out).sort_stats("tottime").print_stats(30)
    print(out.getvalue(), file=sys.stderr)


def package_of(filename: str, function: str) -> str:
    if filename == "~":
        return function  # a built-in: "<method 'send' of '_socket.socket' objects>"
    if "site-packages/" in filename:
        return filename.split("site-packages/")[1].split("/")[0]
    if filename.startswith(str(ROOT)):
        return "checkin-bot " + filename[len(str(ROOT)) + 1 :].split("/")[0] + "/"
    return "the standard library"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--clients", type=int, nargs="+", help="concurrent clients (1 16 64; none if open loop)"
    )
    parser.add_argument(
        "--requests", type=int, default=1200, help="requests per server and size (1200)"
    )
    parser.add_argument(
        "--rounds", type=int, default=2, help="turns per server and size, or rate (2)"
    )
    parser.add_argument(
        "--seconds", type=float, default=20.0, help="the longest one turn may take (20)"
    )
    parser.add_argument(
        "--wave-people", type=int, default=WAVE_PEOPLE, help="the wave's size (10000)"
    )
    parser.add_argument(
        "--wave-rate", type=float, help="during the wave, send at most this many requests a second"
    )
    parser.add_argument(
        "--open-loop", action="store_true", help="open-loop turns too, at --rates (25 50 100)"
    )
    parser.add_argument(
        "--rates", type=float, nargs="+", help="open-loop requests a second (implies --open-loop)"
    )
    parser.add_argument(
        "--open-seconds", type=float, default=10.0, help="one open-loop turn's length (10)"
    )
    parser.add_argument(
        "--open-requests", type=int, default=1000, help="the most one open-loop turn sends (1000)"
    )
    parser.add_argument("--no-wave", action="store_true", help="no wave")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", help="an admin URL on a server to use (else one starts)")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the bot's main thread (to stderr)"
    )
    args = parser.parse_args()
    if args.rates is None:
        args.rates = list(DEFAULT_RATES) if args.open_loop else []
    if args.clients is None:
        args.clients = [] if args.rates else [1, 16, 64]
    print(f"load average before: {os.getloadavg()[0]:.2f}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="inbound-") as folder:
        try:
            asyncio.run(bench(args, folder))
        finally:
            print(f"load average after: {os.getloadavg()[0]:.2f}", file=sys.stderr)
            report_log(Path(folder) / "servers.log")
            if args.profile and (Path(folder) / "bot.prof").exists():
                report_profile(Path(folder) / "bot.prof")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
