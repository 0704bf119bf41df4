"""What the Slack and Teams pacers share; each platform's limits stay in its own pacer.

Senders queue first come, first served on a `TurnQueue`: only the head sleeps on the clock
(`sleep_until_clear`), and it hands its turn to the next when it leaves. `retry_after` reads a
throttled answer's Retry-After header; `backoff` spaces retries of transient failures. `Probe`
learns, from its 429s, a rate the platform enforces but doesn't publish.
"""

from __future__ import annotations

import asyncio
import email.utils
import math
import random
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime

MAX_SLEEPS = 1000  # a head re-sleeps only when a pause extends; this bounds a pathological loop

# How a Probe moves: doubling in about 10 s of busy sending until the first refusal, a tenth
# down on a refusal, then back up by 0.2 % of the refused rate a busy second (0.9 to 1 in 50 s).
START_GROWTH = 0.07
CUT = 0.9
CLIMB = 0.002


class TurnQueue:
    """Waiters served one at a time, in arrival order."""

    def __init__(self) -> None:
        self._waiting: deque[asyncio.Future[None]] = deque()

    def __len__(self) -> int:
        return len(self._waiting)

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Wait until first in the queue; on leaving, wake the next in line."""
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(turn)
        if self._waiting[0] is turn:
            turn.set_result(None)
        try:
            await turn
            yield
        finally:
            was_head = self._waiting[0] is turn
            self._waiting.remove(turn)
            # A cancelled successor passes the turn on from its own `finally`.
            if was_head and self._waiting and not self._waiting[0].done():
                self._waiting[0].set_result(None)


async def sleep_until_clear(
    delay: Callable[[float], float],
    clock: Callable[[], float],
    sleep: Callable[[float], Awaitable[None]],
) -> None:
    """Sleep until `delay(clock())` is 0, reading it again after each sleep: a pause may grow."""
    for _ in range(MAX_SLEEPS):
        seconds = delay(clock())
        if seconds <= 0:
            return
        await sleep(seconds)


def retry_after(headers: Mapping[str, str], max_wait: float, *, http_date: bool) -> float:
    """Seconds a Retry-After header asks for, at most `max_wait`; 1 when missing or unreadable.

    The header holds seconds, or (read only with `http_date`) an HTTP date to wait until.
    """
    value = headers.get("Retry-After") or headers.get("retry-after") or ""
    seconds: float | None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = _seconds_until(value) if http_date else None
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        seconds = 1.0
    return min(seconds, max_wait)


def _seconds_until(http_date: str) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(http_date)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def backoff(attempt: int, max_wait: float, *, first: float, most: float) -> float:
    """A random wait after failed attempt `attempt`: half to all of a ceiling that doubles."""
    ceiling = min(first * 2 ** (attempt - 1), most, max_wait)
    return random.uniform(ceiling / 2, ceiling)


class Probe:
    """A send rate the platform enforces without saying it, found from its refusals.

    It starts at `start` (what the platform publishes) and grows only while senders are
    waiting on it, so an idle or lightly used rate never drifts up: fast (doubling in about
    10 s) until the first 429, then slowly past the rate that was refused. A 429 cuts it by a
    tenth, once for the refusals of one moment: the sends already in flight when the first came
    back are refused for the same reason. It stays within [least, most]. Averaged over the
    saw-tooth this holds about 95 % of the enforced rate, less the Retry-After pauses.
    """

    def __init__(self, start: float, *, least: float, most: float, climb: float = CLIMB) -> None:
        if not 0 < least <= start <= most:
            raise ValueError(f"a probe needs 0 < least <= start <= most: {least}, {start}, {most}")
        self.climb = climb
        self.value = start
        self.least = least
        self.most = most
        self.refused_at: float | None = None  # the rate a 429 last answered
        self._quiet_until = -math.inf
        self._sent_at: float | None = None

    @classmethod
    def resumed(
        cls,
        start: float,
        *,
        least: float,
        most: float,
        climb: float = CLIMB,
        value: float,
        refused_at: float | None,
        quiet_until: float,
        sent_at: float | None,
    ) -> Probe:
        """A probe as another left it (kept in the database, shared by replicas)."""
        probe = cls(start, least=least, most=most, climb=climb)
        probe.value = min(max(value, least), most)
        probe.refused_at = refused_at
        probe._quiet_until = quiet_until
        probe._sent_at = sent_at
        return probe

    @property
    def quiet_until(self) -> float:
        return self._quiet_until

    def sent(self, now: float, *, waited: bool) -> None:
        """A send goes at `now`; `waited` if it waited on this rate, so that the time since the
        one before was busy."""
        if waited and self._sent_at is not None:
            self.grow(now - self._sent_at)
        self._sent_at = now

    def grow(self, busy_seconds: float) -> None:
        """Senders waited on this rate for `busy_seconds`, and nothing was refused meanwhile."""
        if busy_seconds <= 0:
            return
        if self.refused_at is None:
            self.value *= math.exp(START_GROWTH * busy_seconds)
        else:
            self.value += self.climb * self.refused_at * busy_seconds
        self.value = min(self.value, self.most)

    def refused(self, now: float, hold: float) -> bool:
        """A 429 came back at `now`, asking to wait `hold` seconds; whether it cut the rate
        (refusals before the pause ends are the same moment's)."""
        if now < self._quiet_until:
            return False
        self.refused_at = self.value
        self.value = max(self.value * CUT, self.least)
        self._quiet_until = now + max(hold, 1.0)
        return True
