"""Sending within Slack's rate limits, losing nothing.

`Pacer` keeps one token bucket per (workspace, method) and, for chat.postMessage, one per
(workspace, channel). Waiters queue first come, first served: only the head of a queue sleeps
on the clock, and it hands its turn to the next when it has its token. `call_slack` waits on the
pacer, sends, and retries 429s (teaching the pacer), 5xx and connection errors.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import random
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rate:
    per_minute: float
    burst: int = 1


DEFAULT = "*"
# Slack publishes these per workspace per app. views.* get room to burst: a trigger_id lives 3 s.
SLACK_RATES: Mapping[str, Rate] = {
    "chat.postMessage": Rate(300, 10),
    "chat.update": Rate(50, 3),
    "chat.postEphemeral": Rate(100, 5),
    "conversations.open": Rate(50, 3),
    "views.open": Rate(100, 10),
    "views.publish": Rate(100, 5),
    "views.update": Rate(100, 5),
    "users.info": Rate(100, 5),
    "users.lookupByEmail": Rate(50, 3),
    "auth.test": Rate(100, 5),
    DEFAULT: Rate(20, 1),
}
PER_CHANNEL_POST = Rate(60, 1)

_MAX_SLEEPS = 1000  # a head re-sleeps only when a pause extends; this bounds a pathological loop


class _Bucket:
    """A token bucket with a FIFO queue of waiters and an optional pause."""

    def __init__(self, rate: Rate, now: float) -> None:
        self.interval = 60.0 / rate.per_minute
        self.capacity = float(max(rate.burst, 1))
        self.tokens = self.capacity
        self.updated = now
        self.paused_until = -math.inf
        self.queue: deque[asyncio.Future[None]] = deque()

    def _refill(self, now: float) -> None:
        if now > self.updated:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) / self.interval)
            self.updated = now

    def delay(self, now: float) -> float:
        """Seconds until a token may be taken (0 when one may be taken now)."""
        if now < self.paused_until:
            return self.paused_until - now
        self._refill(now)
        missing = 1.0 - self.tokens
        return 0.0 if missing <= 1e-9 else missing * self.interval

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1.0

    def pause(self, now: float, seconds: float) -> None:
        # Resume at the steady rate, not with a burst into an API that just said "slow down".
        self.paused_until = max(self.paused_until, now + seconds)
        self.updated = self.paused_until
        self.tokens = 1.0

    def idle(self, now: float) -> bool:
        return not self.queue and now >= self.paused_until and self.delay(now) == 0.0


class Pacer:
    def __init__(
        self,
        rates: Mapping[str, Rate] = SLACK_RATES,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        per_channel: Rate = PER_CHANNEL_POST,
    ) -> None:
        self.rates = rates
        self.per_channel = per_channel
        self.clock = clock
        self.sleep = sleep
        self._buckets: dict[tuple[str, str, str], _Bucket] = {}

    def rate(self, method: str) -> Rate:
        return self.rates.get(method) or self.rates.get(DEFAULT) or SLACK_RATES[DEFAULT]

    async def wait(self, method: str, workspace: str, channel: str | None = None) -> None:
        method_key = ("method", workspace, method)
        if method != "chat.postMessage" or not channel:
            method_bucket = self._bucket(method_key, self.rate(method))
            async with self._turn(method_bucket):
                await self._until_ready(method_bucket)
                method_bucket.take(self.clock())
            return
        # One sender per channel at a time, so a busy channel never holds the workspace's tokens.
        channel_bucket = self._bucket(("channel", workspace, channel), self.per_channel)
        async with self._turn(channel_bucket):
            await self._until_ready(channel_bucket)
            method_bucket = self._bucket(method_key, self.rate(method))
            async with self._turn(method_bucket):
                await self._until_ready(method_bucket)
                now = self.clock()
                method_bucket.take(now)
                channel_bucket.take(now)

    def pause(self, method: str, workspace: str, seconds: float) -> None:
        bucket = self._bucket(("method", workspace, method), self.rate(method))
        bucket.pause(self.clock(), max(seconds, 0.0))

    def _bucket(self, key: tuple[str, str, str], rate: Rate) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= 10_000:
                self._forget_idle()
            bucket = self._buckets[key] = _Bucket(rate, self.clock())
        return bucket

    def _forget_idle(self) -> None:
        # A full, unpaused bucket nobody waits on behaves like a new one: drop it.
        now = self.clock()
        for key in [key for key, bucket in self._buckets.items() if bucket.idle(now)]:
            del self._buckets[key]

    @asynccontextmanager
    async def _turn(self, bucket: _Bucket) -> AsyncIterator[None]:
        """Wait until first in the bucket's queue; on leaving, wake the next in line."""
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        bucket.queue.append(turn)
        if len(bucket.queue) == 1:
            turn.set_result(None)
        try:
            await turn
            yield
        finally:
            was_head = bucket.queue[0] is turn
            bucket.queue.remove(turn)
            if was_head and bucket.queue and not bucket.queue[0].done():
                bucket.queue[0].set_result(None)

    async def _until_ready(self, bucket: _Bucket) -> None:
        for _ in range(_MAX_SLEEPS):
            delay = bucket.delay(self.clock())
            if delay <= 0:
                return
            await self.sleep(delay)


class SlackSendError(Exception):
    def __init__(self, method: str, error: str, *, retryable: bool) -> None:
        super().__init__(f"{method}: {error}")
        self.method = method
        self.error = error
        self.retryable = retryable


# Slack's own "try again later" answers, sent with ok: false.
TRANSIENT_ERRORS = frozenset({"internal_error", "service_unavailable", "fatal_error"})
# Slack reads JSON bodies only for these; the rest (users.info, ...) want form fields.
JSON_METHOD_PREFIXES = ("chat.", "views.", "conversations.")
FIRST_BACKOFF = 0.5
MAX_BACKOFF = 30.0


async def call_slack(
    client: AsyncWebClient,
    pacer: Pacer,
    method: str,
    workspace: str,
    *,
    max_attempts: int = 8,
    max_wait: float = 120.0,
    **params: Any,
) -> dict[str, Any]:
    if client.retry_handlers:
        # Retries are ours: a 429 the SDK swallowed would never teach the pacer to slow down.
        client.retry_handlers = []
    channel = params.get("channel") if method == "chat.postMessage" else None
    error = "no_attempt"
    for attempt in range(1, max_attempts + 1):
        await pacer.wait(method, workspace, channel if isinstance(channel, str) else None)
        try:
            response = await client.api_call(method, **_body(method, params))
        except SlackApiError as failure:
            status, headers, body = _unpack(failure.response)
            error = str(body.get("error") or f"http_{status}")
            if status == 429 or error == "ratelimited":
                wait = _retry_after(headers, max_wait)
                log.warning(
                    "slack rate limited: method=%s workspace=%s attempt=%d retry_after=%.2f",
                    method,
                    workspace,
                    attempt,
                    wait,
                )
                pacer.pause(method, workspace, wait)
                continue
            if status < 500 and status != 408 and error not in TRANSIENT_ERRORS:
                log.info("slack refused: method=%s workspace=%s error=%s", method, workspace, error)
                raise SlackSendError(method, error, retryable=False) from None
        except (aiohttp.ClientError, TimeoutError) as failure:
            error = type(failure).__name__
        else:
            data = response.data
            return data if isinstance(data, dict) else {"ok": True, "data": data}
        log.warning(
            "slack call failed: method=%s workspace=%s error=%s attempt=%d",
            method,
            workspace,
            error,
            attempt,
        )
        if attempt < max_attempts:
            await pacer.sleep(_backoff(attempt, max_wait))
    raise SlackSendError(method, error, retryable=True)


def _body(method: str, params: Mapping[str, Any]) -> dict[str, Any]:
    # A fresh dict per attempt: the SDK pops "token" and adds "team_id" to what it is given.
    if method.startswith(JSON_METHOD_PREFIXES):
        return {"json": {key: value for key, value in params.items() if value is not None}}
    form = {}
    for key, value in params.items():
        if isinstance(value, bool):
            form[key] = "true" if value else "false"
        elif isinstance(value, dict | list):
            form[key] = json.dumps(value)
        elif value is not None:
            form[key] = str(value)
    return {"data": form}


def _unpack(response: Any) -> tuple[int, Mapping[str, str], dict[str, Any]]:
    """Status, headers and JSON body of whatever the SDK attached to its error."""
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    headers = getattr(response, "headers", None) or {}
    data = getattr(response, "data", None)
    return int(status or 0), headers, data if isinstance(data, dict) else {}


def _retry_after(headers: Mapping[str, str], max_wait: float) -> float:
    try:
        seconds = float(headers.get("Retry-After", headers.get("retry-after", "")))
    except (TypeError, ValueError):
        seconds = 1.0
    if not math.isfinite(seconds) or seconds < 0:
        seconds = 1.0
    return min(seconds, max_wait)


def _backoff(attempt: int, max_wait: float) -> float:
    ceiling = min(FIRST_BACKOFF * 2 ** (attempt - 1), MAX_BACKOFF, max_wait)
    return random.uniform(ceiling / 2, ceiling)
