"""Sending within Bot Framework's limits for Teams, losing nothing.

Teams throttles a bot per conversation (7 per 1 s, 8 per 2 s, 60 per 30 s, 1800 per hour) and
an app per tenant (50 per second). `TeamsPacer` remembers recent send times per conversation
and per tenant, and lets a send go once every sliding window has room. Senders queue first
come, first served: only the head of a queue sleeps, and it wakes the next when it leaves.
`adapters.teams.sending.send_with_retries` waits on the pacer, sends, and retries.

The tenant's 50 a second is shared by every replica of the bot, and by anything else sending
as the same app. A 429 therefore also takes the tenant's pace down by a tenth, and it climbs
back while sends wait on it (`adapters.pacing.Probe`, never past what Teams publishes): two
replicas settle at about half each instead of having half their sends refused. Given the
database (`shared`), replicas find and hold the tenant's rate together instead, on one
timeline of send slots (adapters/shared_rate.py).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from adapters.pacing import MAX_SLEEPS, Probe, TurnQueue, sleep_until_clear
from adapters.shared_rate import SharedRate, SharedRates

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
TENANT = "tenant"  # the shared rate's name for the tenant's limit (storage/models/pacing.py)
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
        shared: SharedRates | None = None,
    ) -> None:
        # With several replicas: the tenant's rate held together, on one timeline of slots.
        self.shared = shared
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
                if self.shared is not None and self._tenant_rate is not None:
                    if not await self.shared.wait(f"teams:{tenant}", TENANT, self._tenant_rate):
                        await self._tenant_turn(tenant)  # the database is away: pace alone
                    now = self.clock()
                    if lane.delay(now) == 0.0:
                        lane.took(now, waited=False)
                        return
                    continue
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

    async def _tenant_turn(self, tenant: str) -> None:
        tenant_lane = self._tenant_lane(tenant)
        async with tenant_lane.queue.turn():
            waited = tenant_lane.delay(self.clock()) > 0.0
            await sleep_until_clear(tenant_lane.delay, self.clock, self.sleep)
            tenant_lane.took(self.clock(), waited)

    @property
    def _tenant_rate(self) -> SharedRate | None:
        """The tenant's tightest window as a steady rate, to find and hold together."""
        if not self.tenant_windows:
            return None
        window = min(self.tenant_windows, key=lambda w: w.limit / w.seconds)
        per_minute = 60.0 * window.limit / (window.seconds + self.margin)
        return SharedRate(per_minute, 1, per_minute, least_share=0.05, climb=TENANT_CLIMB)

    def pause(self, tenant: str, conversation: str, seconds: float) -> None:
        """Teams answered 429 with Retry-After `seconds`: hold every send to `conversation`
        for that long, and take the tenant's pace down (the shared one too)."""
        now = self.clock()
        lane = self._lane(("conversation", tenant, conversation), self.conversation_windows)
        lane.paused_until = max(lane.paused_until, now + max(seconds, 0.0))
        share = self._tenant_lane(tenant).share
        if share is not None:
            share.refused(now, seconds)
        if self.shared is not None:
            # As alone: the refused conversation waits, the tenant's other sends slow down.
            self.shared.refused(f"teams:{tenant}", TENANT, seconds, pause_all=False)

    def tenant_share(self, tenant: str) -> float:
        """The share of the tenant's published limits this pacer uses now (1.0 until a 429)."""
        rate = self._tenant_rate
        if self.shared is not None and rate is not None:
            found = self.shared.per_minute(f"teams:{tenant}", TENANT)
            if found is not None:
                return found / rate.most
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
