"""Sending within Bot Framework's limits for Teams, losing nothing.

Teams throttles a bot per conversation (7 per 1 s, 8 per 2 s, 60 per 30 s, 1800 per hour) and
an app per tenant (50 per second). `TeamsPacer` remembers recent send times per conversation
and per tenant, and lets a send go once every sliding window has room. Senders queue first
come, first served: only the head of a queue sleeps, and it wakes the next when it leaves.
`send_with_retries` waits on the pacer, sends, and retries throttling (pausing the conversation
for Retry-After), 5xx and connection failures; refusals such as a blocked bot raise at once.

The tenant's 50 a second is shared by every replica of the bot, and by anything else sending
as the same app. A 429 therefore also takes the tenant's pace down by a tenth, and it climbs
back while sends wait on it (`adapters.pacing.Probe`, never past what Teams publishes): two
replicas settle at about half each instead of having half their sends refused.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp
import requests
from msrest.exceptions import ClientRequestError, HttpOperationError

from adapters.pacing import MAX_SLEEPS, Probe, TurnQueue, backoff, retry_after, sleep_until_clear

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class Window:
    limit: int
    seconds: float

    def __post_init__(self) -> None:
        if self.limit < 1 or not self.seconds > 0:
            raise ValueError(f"a window needs limit >= 1 and seconds > 0, not {self}")


CONVERSATION_WINDOWS = (Window(7, 1), Window(8, 2), Window(60, 30), Window(1800, 3600))
TENANT_WINDOWS = (Window(50, 1),)
# After a 429, the tenant's pace climbs back by 3 % of the published limit a busy second: a
# replica whose peers finished their part of a wave has the whole rate back within about 20 s
# (at 0.2 % a second, as for Slack's unpublished rate, the last replica of a two-replica wave
# of 10,000 sent its part alone at half the rate: 54 % of the tenant's, in simulated time).
TENANT_CLIMB = 0.03

# Teams counts arrivals, we count departures: network jitter can squeeze two sends that left a
# full window apart into one window at Teams. A little slack per window avoids most of those
# 429s; the rest take the tenant's pace down a little (a tenth of a second here cost 9 % of a
# wave's rate, 30 ms costs 3 %).
DEFAULT_MARGIN = 0.03
_EPSILON = 1e-9  # float noise from clock arithmetic, not a real wait
_SWEEP_EVERY = 60.0  # seconds of clock between drops of idle conversations


class _Lane:
    """Recent send times and the queue of senders for one conversation, or one tenant."""

    def __init__(self, windows: tuple[Window, ...], margin: float, *, probed: bool = False) -> None:
        self.windows = windows
        self.margin = margin
        self.horizon = max((window.seconds for window in windows), default=0.0)
        # The newest `limit` sends are all any window needs to look at.
        self.sent: deque[float] = deque(maxlen=max((window.limit for window in windows), default=0))
        self.paused_until = -math.inf
        self.queue = TurnQueue()
        # The share of each window's limit that Teams lets this replica have, as found.
        self.share = Probe(1.0, least=0.05, most=1.0, climb=TENANT_CLIMB) if probed else None

    def limit(self, window: Window) -> int:
        if self.share is None:
            return window.limit
        return max(1, int(window.limit * self.share.value))

    def delay(self, now: float) -> float:
        """Seconds until one more send fits in every window (0 when it fits now)."""
        wait = self.paused_until - now
        for window in self.windows:
            limit = self.limit(window)
            if len(self.sent) >= limit:
                oldest = self.sent[-limit]
                wait = max(wait, oldest + window.seconds + self.margin - now)
        return wait if wait > _EPSILON else 0.0

    def took(self, now: float, waited: bool) -> None:
        """A send goes at `now`; `waited` if it had to wait for room in this lane."""
        if self.share is not None:
            self.share.sent(now, waited=waited)
        self.sent.append(now)

    def idle(self, now: float) -> bool:
        """Nobody waits and no window remembers a send: a fresh lane would behave the same."""
        recent = bool(self.sent) and now - self.sent[-1] < self.horizon + self.margin
        learned = self.share is not None and self.share.value < self.share.most
        return not self.queue and now >= self.paused_until and not recent and not learned


class TeamsPacer:
    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        conversation_windows: Iterable[Window] = CONVERSATION_WINDOWS,
        tenant_windows: Iterable[Window] = TENANT_WINDOWS,
        margin: float = DEFAULT_MARGIN,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self.conversation_windows = tuple(conversation_windows)
        self.tenant_windows = tuple(tenant_windows)
        self.margin = max(margin, 0.0)
        self._lanes: dict[tuple[str, ...], _Lane] = {}
        self._swept_at = clock()

    async def wait(self, tenant: str, conversation: str) -> None:
        """Return when one more send to `conversation` fits its and its tenant's limits."""
        lane = self._lane(("conversation", tenant, conversation), self.conversation_windows)
        async with lane.queue.turn():
            for _ in range(MAX_SLEEPS):
                await sleep_until_clear(lane.delay, self.clock, self.sleep)
                # Fetched only now: a lane nobody queues on may have been swept meanwhile.
                tenant_lane = self._tenant_lane(tenant)
                async with tenant_lane.queue.turn():
                    waited = tenant_lane.delay(self.clock()) > 0.0
                    await sleep_until_clear(tenant_lane.delay, self.clock, self.sleep)
                    now = self.clock()
                    # A 429 may have paused the conversation while we queued for the tenant;
                    # then give the tenant's turn to other conversations and wait again.
                    if lane.delay(now) == 0.0:
                        lane.took(now, waited=False)
                        tenant_lane.took(now, waited)
                        return
            log.warning("teams pacer gave up waiting: tenant=%s", tenant)

    def pause(self, tenant: str, conversation: str, seconds: float) -> None:
        """Teams answered 429 with Retry-After `seconds`: hold every send to `conversation`
        for that long, and take the tenant's pace down."""
        now = self.clock()
        lane = self._lane(("conversation", tenant, conversation), self.conversation_windows)
        lane.paused_until = max(lane.paused_until, now + max(seconds, 0.0))
        share = self._tenant_lane(tenant).share
        if share is not None:
            share.refused(now, seconds)

    def tenant_share(self, tenant: str) -> float:
        """The share of the tenant's published limits this pacer uses now (1.0 until a 429)."""
        share = self._tenant_lane(tenant).share
        return share.value if share is not None else 1.0

    def _tenant_lane(self, tenant: str) -> _Lane:
        return self._lane(("tenant", tenant), self.tenant_windows, probed=True)

    def tracked(self) -> int:
        """How many conversations and tenants the pacer remembers right now."""
        return len(self._lanes)

    def _lane(
        self, key: tuple[str, ...], windows: tuple[Window, ...], *, probed: bool = False
    ) -> _Lane:
        now = self.clock()
        if now - self._swept_at >= _SWEEP_EVERY:
            self._swept_at = now
            self._lanes = {k: lane for k, lane in self._lanes.items() if not lane.idle(now)}
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = _Lane(windows, self.margin, probed=probed)
        return lane


class TeamsSendError(Exception):
    def __init__(self, status: int | None, code: str | None, *, retryable: bool) -> None:
        super().__init__(f"Teams send failed: status={status} code={code} retryable={retryable}")
        self.status = status
        self.code = code
        self.retryable = retryable


FIRST_BACKOFF = 0.5
MAX_BACKOFF = 30.0
# What the requests transport under botbuilder's ConnectorClient raises when the network fails.
_TRANSIENT_TRANSPORT = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.RetryError,
)


async def send_with_retries(
    pacer: TeamsPacer,
    tenant: str,
    conversation: str,
    send: Callable[[], Awaitable[T]],
    *,
    max_attempts: int = 8,
    max_wait: float = 120.0,
) -> T:
    """Pace and send; retry throttling and transient failures; raise refusals at once.

    Logs carry tenant, conversation, status and Teams' error code, never tokens or text.
    """
    status: int | None = None
    code: str | None = None
    for attempt in range(1, max_attempts + 1):
        await pacer.wait(tenant, conversation)
        try:
            return await send()
        except HttpOperationError as error:
            status, headers, code = _http_failure(error)
            if status == 429:
                wait = _retry_after(headers, max_wait)
                log.warning(
                    "teams throttled: tenant=%s conversation=%s attempt=%d retry_after=%.2f",
                    tenant,
                    conversation,
                    attempt,
                    wait,
                )
                pacer.pause(tenant, conversation, wait)
                continue
            if status is None or (status < 500 and status != 408):
                log.info(
                    "teams refused: tenant=%s conversation=%s status=%s code=%s",
                    tenant,
                    conversation,
                    status,
                    code,
                )
                raise TeamsSendError(status, code, retryable=False) from error
        except (ClientRequestError, aiohttp.ClientError, ConnectionError, TimeoutError) as error:
            if not _is_connection_failure(error):
                raise
            status, code = None, type(_inner(error)).__name__
        log.warning(
            "teams send failed: tenant=%s conversation=%s status=%s code=%s attempt=%d",
            tenant,
            conversation,
            status,
            code,
            attempt,
        )
        if attempt < max_attempts:
            await pacer.sleep(backoff(attempt, max_wait, first=FIRST_BACKOFF, most=MAX_BACKOFF))
    raise TeamsSendError(status, code, retryable=True)


def let_pacer_retry(connector_client: Any) -> None:
    """Turn off the transport's own retries on a botbuilder `ConnectorClient`.

    msrest mounts urllib3 retries (3, with backoff and Retry-After sleeps in a worker thread)
    for GET/PUT on 5xx and 429 and for every failed connect. They hide 429s from the pacer and
    add seconds; with them off, every failure reaches `send_with_retries` with its status.
    """
    policy = connector_client.config.retry_policy
    policy.retries = 0
    policy.policy.raise_on_status = False


def _http_failure(error: HttpOperationError) -> tuple[int | None, Mapping[str, str], str | None]:
    """Status, headers and Teams' error code of a ConnectorClient error response."""
    response = getattr(error, "response", None)
    # requests (the default transport) says status_code; aiohttp says status.
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    headers = getattr(response, "headers", None) or {}
    code = getattr(getattr(getattr(error, "error", None), "error", None), "code", None)
    return (
        int(status) if isinstance(status, int) else None,
        headers,
        code if isinstance(code, str) else None,
    )


def _inner(error: BaseException) -> BaseException:
    inner = getattr(error, "inner_exception", None)
    return inner if isinstance(inner, BaseException) else error


def _is_connection_failure(error: BaseException) -> bool:
    if isinstance(error, ClientRequestError):
        return isinstance(_inner(error), _TRANSIENT_TRANSPORT)
    if isinstance(error, aiohttp.ClientResponseError):
        return error.status >= 500
    return isinstance(error, aiohttp.ClientError | ConnectionError | TimeoutError)


def _retry_after(headers: Mapping[str, str], max_wait: float) -> float:
    return retry_after(headers, max_wait, http_date=True)  # seconds, or an HTTP date
