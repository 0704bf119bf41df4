"""Sending within Slack's rate limits, losing nothing.

`Pacer` keeps one token bucket per (workspace, method) and, for chat.postMessage, one per
(workspace, channel). chat.postMessage's workspace rate isn't published ("several hundred a
minute"): its bucket starts at 300 a minute and finds the rate Slack holds it to from the 429s
(`adapters.pacing.Probe`). Waiters queue first come, first served: only the head of a queue sleeps
on the clock, and it hands its turn to the next when it has its token. `call_slack` waits on the
pacer, sends, and retries 429s (teaching the pacer), 5xx and connection errors.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.pacing import Probe, TurnQueue, backoff, retry_after, sleep_until_clear
from adapters.shared_rate import SharedRate, SharedRates

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rate:
    per_minute: float
    burst: int = 1
    # A rate the platform may let go faster than it says: probed up to this many a minute.
    most: float | None = None


DEFAULT = "*"
# Slack publishes these per workspace per app. views.* get room to burst: a trigger_id lives 3 s.
SLACK_RATES: Mapping[str, Rate] = {
    "chat.postMessage": Rate(300, 10, most=3000),
    "chat.update": Rate(50, 3),
    "chat.postEphemeral": Rate(100, 5),
    "conversations.open": Rate(50, 3),
    "conversations.history": Rate(50, 3),
    "views.open": Rate(100, 10),
    "views.publish": Rate(100, 5),
    "views.update": Rate(100, 5),
    "users.info": Rate(100, 5),
    "users.profile.get": Rate(100, 5),  # Tier 4: statuses, read when check-ins fall due
    "users.list": Rate(20, 1),  # Tier 2: `org sync` reads the whole directory at this pace
    "users.lookupByEmail": Rate(50, 3),
    "auth.test": Rate(100, 5),
    "files.getUploadURLExternal": Rate(100, 5),  # Tier 4
    "files.completeUploadExternal": Rate(100, 5),  # Tier 4
    DEFAULT: Rate(20, 1),
}
PER_CHANNEL_POST = Rate(60, 1)


class _Bucket:
    """A token bucket with a FIFO queue of waiters and an optional pause."""

    def __init__(self, rate: Rate, now: float) -> None:
        self.fixed_interval = 60.0 / rate.per_minute
        self.capacity = float(max(rate.burst, 1))
        self.tokens = self.capacity
        self.updated = now
        self.paused_until = -math.inf
        self.queue = TurnQueue()
        self.probe = (
            Probe(rate.per_minute, least=rate.per_minute / 10, most=rate.most)
            if rate.most and rate.most > rate.per_minute
            else None
        )

    @property
    def interval(self) -> float:
        """Seconds between two tokens: the rate as published, or as found."""
        return self.fixed_interval if self.probe is None else 60.0 / self.probe.value

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
        if self.probe is not None:
            # Out of burst: senders are waiting on the rate, so it may be more than it is.
            self.probe.sent(now, waited=self.tokens < 2.0)
        self.tokens -= 1.0

    def per_minute(self) -> float:
        return 60.0 / self.interval

    def pause(self, now: float, seconds: float) -> None:
        if self.probe is not None:
            self.probe.refused(now, seconds)
        # Resume at the steady rate, not with a burst into an API that just said "slow down".
        self.paused_until = max(self.paused_until, now + seconds)
        self.updated = self.paused_until
        self.tokens = 1.0

    def idle(self, now: float) -> bool:
        # A probed rate is what was learned of the workspace: kept, not forgotten as idle.
        fresh = self.probe is None
        return fresh and not self.queue and now >= self.paused_until and self.delay(now) == 0.0


class Pacer:
    def __init__(
        self,
        rates: Mapping[str, Rate] = SLACK_RATES,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        per_channel: Rate = PER_CHANNEL_POST,
        shared: SharedRates | None = None,
    ) -> None:
        self.rates = rates
        self.per_channel = per_channel
        # With several replicas: a probed rate (chat.postMessage's) found and held together.
        self.shared = shared
        self.clock = clock
        self.sleep = sleep
        self._buckets: dict[tuple[str, str, str], _Bucket] = {}

    def rate(self, method: str) -> Rate:
        return self.rates.get(method) or self.rates.get(DEFAULT) or SLACK_RATES[DEFAULT]

    async def wait(self, method: str, workspace: str, channel: str | None = None) -> None:
        if method != "chat.postMessage" or not channel:
            await self._method_turn(method, workspace)
            return
        # One sender per channel at a time, so a busy channel never holds the workspace's tokens.
        channel_bucket = self._bucket(("channel", workspace, channel), self.per_channel)
        async with channel_bucket.queue.turn():
            await sleep_until_clear(channel_bucket.delay, self.clock, self.sleep)
            await self._method_turn(method, workspace)
            channel_bucket.take(self.clock())

    async def _method_turn(self, method: str, workspace: str) -> None:
        rate = self.rate(method)
        shared = self._shared_rate(rate)
        if shared and self.shared and await self.shared.wait(f"slack:{workspace}", method, shared):
            return
        bucket = self._bucket(("method", workspace, method), rate)
        async with bucket.queue.turn():
            await sleep_until_clear(bucket.delay, self.clock, self.sleep)
            bucket.take(self.clock())

    def _shared_rate(self, rate: Rate) -> SharedRate | None:
        """A probed rate is found together by every replica, when they share one."""
        if self.shared is None or not rate.most or rate.most <= rate.per_minute:
            return None
        return SharedRate(rate.per_minute, rate.burst, rate.most)

    def pause(self, method: str, workspace: str, seconds: float) -> None:
        """Slack said 429: hold every caller of `method` in `workspace` for `seconds`, and take
        a probed rate down (the shared one too)."""
        bucket = self._bucket(("method", workspace, method), self.rate(method))
        bucket.pause(self.clock(), max(seconds, 0.0))
        if self.shared is not None and self._shared_rate(self.rate(method)) is not None:
            self.shared.refused(f"slack:{workspace}", method, seconds, pause_all=True)

    def per_minute(self, method: str, workspace: str) -> float:
        """The rate `method` is paced at in `workspace` now (a probed one as found so far)."""
        if self.shared is not None and self._shared_rate(self.rate(method)) is not None:
            found = self.shared.per_minute(f"slack:{workspace}", method)
            if found is not None:
                return found
        bucket = self._buckets.get(("method", workspace, method))
        return bucket.per_minute() if bucket else self.rate(method).per_minute

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
            await pacer.sleep(backoff(attempt, max_wait, first=FIRST_BACKOFF, most=MAX_BACKOFF))
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
    # Slack sends seconds; anything else (an HTTP date too) counts as unreadable: 1 s.
    return retry_after(headers, max_wait, http_date=False)
