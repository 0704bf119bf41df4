"""What the Slack and Teams pacers share; each platform's limits stay in its own pacer.

Senders queue first come, first served on a `TurnQueue`: only the head sleeps on the clock
(`sleep_until_clear`), and it hands its turn to the next when it leaves. `retry_after` reads a
throttled answer's Retry-After header; `backoff` spaces retries of transient failures.
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
