"""bench/inbound.py's open loop: requests started at a fixed rate, as Slack delivers them.

Slack does not wait for one ack before it delivers the next event, so neither does this load:
request n of a turn is sent at n / rate seconds from the turn's start, whether or not the ones
before it were answered, on a pool of keep-alive connections that opens another whenever all
are busy. Each ack is timed from that scheduled time, not from when the request went out: a
sender that falls behind (or a connection that had to be opened first) counts against the
server, instead of leaving the slow moments out of the figures (coordinated omission). The
bare app and the bot take turns at each rate, as at each closed-loop size, and a turn of the
bot's ends once it has sent every reply.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import aiohttp
from inbound_acks import CLIENT_TIMEOUT, SLACK_ACK_SECONDS, Sample, percentile, post
from inbound_servers import EVENTS_PATH, cpu_seconds

if TYPE_CHECKING:
    from inbound import Bot, Requests, Server

DEFAULT_RATES = (25.0, 50.0, 100.0)  # the goal's rate, one below and one above
GOAL_RATE, GOAL_P99 = 50.0, 1.5  # at 50 a second, the bot's ack p99 within 1.5x bare bolt's
# The sender's own lag behind its schedule is in every ack's time. Past these (its p99, its
# slowest) it is the machine's load showing in the figures more than the servers.
SENDER_LAG_P99, SENDER_LAG_MAX = 0.05, 1.0


@dataclass(frozen=True)
class Sent:
    samples: list[Sample]
    lags: list[float]  # how far behind its schedule the sender sent each request


async def send_at_rate(base_url: str, requests: Requests, rate: float, count: int) -> Sent:
    """`count` requests, the n-th due n / rate seconds after the first, each sent when due and
    never waiting for an answer; the turn ends when all are answered (or given up on)."""
    url = base_url + EVENTS_PATH
    sending: list[asyncio.Task[Sample]] = []
    lags: list[float] = []
    timeout = aiohttp.ClientTimeout(total=CLIENT_TIMEOUT)
    # No cap on connections: a request never waits in the client for one to come free.
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        begun = time.perf_counter()
        for n in range(count):
            body, headers = requests.next()  # signed before it is due, not on its time
            due = begun + n / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            lags.append(max(0.0, time.perf_counter() - due))
            sending.append(asyncio.create_task(post(session, url, body, headers, due)))
        samples = list(await asyncio.gather(*sending))
    return Sent(samples, lags)


@dataclass
class OpenSide:
    """One server's turns at one rate."""

    samples: list[Sample] = field(default_factory=list)
    lags: list[float] = field(default_factory=list)  # the sender's, behind its schedule
    drain_seconds: float = 0.0  # from the last ack until every reply was sent
    cpu_seconds: float = 0.0  # the server process's, all threads, drain included

    @property
    def acks(self) -> int:
        return sum(1 for s in self.samples if s.ok)

    @property
    def refused(self) -> int:
        return sum(1 for s in self.samples if s.refused)

    @property
    def timed_out(self) -> int:
        return sum(1 for s in self.samples if s.timed_out)

    @property
    def failed(self) -> int:
        return sum(1 for s in self.samples if not (s.ok or s.refused or s.timed_out))

    @property
    def over(self) -> int:
        """Answers (acks, or refusals) that came after Slack's 3 s."""
        return sum(1 for s in self.samples if (s.ok or s.refused) and s.seconds > SLACK_ACK_SECONDS)

    @property
    def cpu_per_request(self) -> float:
        return self.cpu_seconds / len(self.samples)

    def p(self, q: float) -> float:
        return percentile([s.seconds for s in self.samples], q)


@dataclass
class OpenRate:
    rate: float
    bare: OpenSide = field(default_factory=OpenSide)
    bot: OpenSide = field(default_factory=OpenSide)
    missing: int = 0  # replies still not sent DRAIN_SECONDS after the bot's last turn
    sorry: int = 0  # replies saying something went wrong and nothing was saved
    load: float = 0.0  # the 1-minute load average when the rate was done

    @property
    def p99_ratio(self) -> float:
        return self.bot.p(0.99) / self.bare.p(0.99)


def per_turn(rate: float, args: argparse.Namespace) -> int:
    """A turn lasts `--open-seconds` at the rate, and sends at most `--open-requests`."""
    most: int = args.open_requests
    seconds: float = args.open_seconds
    return max(1, min(most, round(rate * seconds)))


async def open_rate(
    rate: float, bare: Server, bot: Bot, requests: Requests, args: argparse.Namespace
) -> OpenRate:
    """Both servers at `rate`, taking turns (bare, bot, bare, bot ...); a turn of the bot's
    ends once all its replies are sent, so no work of it is left for the next turn."""
    result = OpenRate(rate)
    sorry_before = (await bot.mock.tally()).sorry
    for _ in range(args.rounds):
        for side, server in ((result.bare, bare), (result.bot, bot)):
            cpu_before = cpu_seconds(server.pid)
            sent = await send_at_rate(server.url, requests, rate, per_turn(rate, args))
            side.samples += sent.samples
            side.lags += sent.lags
            if server is bot:
                bot.sent += sum(1 for sample in sent.samples if sample.ok)
                drain, tally = await bot.drained()
                side.drain_seconds += drain
                result.missing = bot.sent - (tally.load_posts - bot.prompts)
                result.sorry = tally.sorry - sorry_before
            side.cpu_seconds += cpu_seconds(server.pid) - cpu_before
    result.load = os.getloadavg()[0]
    return result


def open_line(result: OpenRate) -> str:
    def side(name: str, s: OpenSide) -> str:
        p50, p99, top = (s.p(q) * 1000 for q in (0.5, 0.99, 1.0))
        return (
            f"{name} {len(s.samples):5} sent {s.acks:5} acks  p50 {p50:6.1f}  "
            f"p99 {p99:6.1f}  max {top:6.1f} ms  {s.over} over "
            f"{SLACK_ACK_SECONDS:.0f} s  {s.cpu_per_request * 1000:4.1f} ms CPU/req"
            + (f", {s.refused} refused (busy)" if s.refused else "")
            + (f", {s.timed_out} TIMED OUT" if s.timed_out else "")
            + (f", {s.failed} FAILED" if s.failed else "")
        )

    lags = result.bare.lags + result.bot.lags
    lag_p99, lag_max = (percentile(lags, q) * 1000 for q in (0.99, 1.0))
    return (
        f"{result.rate:5g} req/s open | {side('bare', result.bare)} | {side('bot', result.bot)} | "
        f"bot/bare {result.p99_ratio:4.2f}x p99 | replies done +{result.bot.drain_seconds:4.1f} s"
        + (f", {result.missing} MISSING" if result.missing > 0 else "")
        + (f", {result.sorry} SORRY" if result.sorry else "")
        + (f" | sender lag p99 {lag_p99:.0f}, max {lag_max:.0f} ms" if lag_max >= 10 else "")
        + f" | load {result.load:.2f}"
    )


def open_verdicts(rates: list[OpenRate]) -> list[str]:
    """At 50 a second, the bot's ack p99 within 1.5x bare bolt's; at every rate, no ack of
    the bot's over 3 s (nor a request unanswered)."""
    if not rates:
        return []
    lines = []
    at_goal = next((r for r in rates if r.rate == GOAL_RATE), None)
    if at_goal is None:
        lines.append(f"open loop: no run at {GOAL_RATE:g} req/s, the p99 goal not judged")
    else:
        verdict = "meets" if at_goal.p99_ratio <= GOAL_P99 else "misses"
        lines.append(
            f"open loop at {GOAL_RATE:g} req/s: {verdict} the p99 goal (the bot's "
            f"{at_goal.bot.p(0.99) * 1000:.1f} ms, {at_goal.p99_ratio:.2f}x bare bolt's "
            f"{at_goal.bare.p(0.99) * 1000:.1f} ms, goal {GOAL_P99:.1f}x)"
        )
    late = [r.bot.over + r.bot.timed_out + r.bot.failed for r in rates]
    verdict = "meets" if sum(late) == 0 else "misses"
    lines.append(
        f"open loop: {verdict} the goal of no ack over {SLACK_ACK_SECONDS:.0f} s at any rate ("
        + "; ".join(
            f"{r.rate:g} req/s: slowest {r.bot.p(1.0):.2f} s, {n} over or unanswered"
            for r, n in zip(rates, late, strict=True)
        )
        + ")"
    )
    for r in rates:
        lags = r.bare.lags + r.bot.lags
        lag_p99, lag_max = percentile(lags, 0.99), max(lags)
        if lag_p99 > SENDER_LAG_P99 or lag_max > SENDER_LAG_MAX:
            lines.append(
                f"  (at {r.rate:g} req/s the sender itself fell behind its schedule, p99 "
                f"{lag_p99 * 1000:.0f} ms, at worst {lag_max:.2f} s: that is in the acks' times, "
                "the machine's load more than the servers')"
            )
    return lines
