"""A platform's send rate shared by every replica sending to the same workspace.

A pacer per process would let two replicas each find the workspace's rate from their own
429s, each taking about half and neither knowing the other's share: their sum swings around
the rate Slack enforces. Here the rate and its timeline of send slots are one row in the
database (storage/models/pacing.py). A replica reserves the next few slots in one short
transaction, sends in them, and reserves again; a 429 any replica gets cuts the one rate and
pushes the timeline past the Retry-After for everyone. The probe that finds the rate
(`adapters.pacing.Probe`) is the same one a single pacer uses, kept in that row.

Should the database be unreachable, `wait` says so and the caller paces on its own.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.exc import SQLAlchemyError

from adapters.pacing import CLIMB, Probe, TurnQueue
from storage.db import Database
from storage.send_budget import locked_budget

log = logging.getLogger(__name__)

CHUNK = 8  # slots a replica reserves at a time, at most: one transaction per few sends
STALE = 1.0  # seconds: reserved slots all this far in the past are given up


@dataclass(frozen=True)
class SharedRate:
    """What the platform publishes of a rate, and how far the probe may take it."""

    per_minute: float
    burst: int
    most: float
    least_share: float = 0.1  # of `per_minute`: the probe goes no lower
    climb: float = CLIMB  # how fast the probe climbs back after a 429

    @property
    def least(self) -> float:
        return self.per_minute * self.least_share


@dataclass
class _Slots:
    """This process's reserved slots of one timeline, and its senders queued for them."""

    times: deque[float] = field(default_factory=deque)
    queue: TurnQueue = field(default_factory=TurnQueue)
    refusal: tuple[float, float, bool] | None = None  # a 429 (when, hold, for all) to share
    per_minute: float | None = None  # the rate as last read


class SharedRates:
    def __init__(
        self,
        database: Database,
        *,
        clock: Callable[[], float] = time.time,  # every replica's: the epoch, not monotonic
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        chunk: int = CHUNK,
    ) -> None:
        self.database = database
        self.clock = clock
        self.sleep = sleep
        self.chunk = chunk
        self._slots: dict[tuple[str, str], _Slots] = {}
        self._failing = False

    async def wait(self, tenant_id: str, method: str, rate: SharedRate) -> bool:
        """Return at this sender's slot on the shared timeline: True; or False at once when
        the database can't be reached (the caller then paces on its own)."""
        slots = self._slots.setdefault((tenant_id, method), _Slots())
        async with slots.queue.turn():
            if slots.times and slots.times[-1] < self.clock() - STALE:
                slots.times.clear()  # left over from a while ago: not a burst to send now
            if not slots.times:
                wanted = min(self.chunk, max(len(slots.queue), 1))
                if not await self._reserve(slots, tenant_id, method, rate, wanted):
                    return False
            delay = slots.times.popleft() - self.clock()
            if delay > 0:
                await self.sleep(delay)
        return True

    def refused(self, tenant_id: str, method: str, seconds: float, *, pause_all: bool) -> None:
        """A 429 asking to wait `seconds`: shared with the next reservation. The rate is cut
        for all; `pause_all` if the wait holds every send on the timeline too (Slack's, for a
        method in a workspace), not only the one conversation refused (Teams'). Then the
        slots reserved before it are given up as well."""
        slots = self._slots.setdefault((tenant_id, method), _Slots())
        slots.refusal = (self.clock(), max(seconds, 0.0), pause_all)
        if pause_all:
            slots.times.clear()

    def per_minute(self, tenant_id: str, method: str) -> float | None:
        """The shared rate as this process last read it (None: not read yet)."""
        slots = self._slots.get((tenant_id, method))
        return slots.per_minute if slots else None

    async def _reserve(
        self, slots: _Slots, tenant_id: str, method: str, rate: SharedRate, count: int
    ) -> bool:
        try:
            async with self.database.session() as session:
                row = await locked_budget(session, tenant_id, method, rate.per_minute)
                now = self.clock()
                probe = Probe.resumed(
                    rate.per_minute,
                    least=rate.least,
                    most=rate.most,
                    climb=rate.climb,
                    value=row.per_minute,
                    refused_at=row.refused_at,
                    quiet_until=row.quiet_until,
                    sent_at=row.last_reserved,
                )
                if slots.refusal is not None:
                    when, hold, for_all = slots.refusal
                    probe.refused(when, hold)
                    if for_all:
                        row.next_slot = max(row.next_slot, when + hold)
                # The timeline is busy when its next slot is already taken up to now or later:
                # senders wait on the rate, so it may be more than it is.
                probe.sent(now, waited=row.next_slot >= now)
                interval = 60.0 / probe.value
                first = max(row.next_slot, now - (rate.burst - 1) * interval)
                slots.times.extend(first + n * interval for n in range(count))
                row.next_slot = first + count * interval
                row.per_minute, row.refused_at = probe.value, probe.refused_at
                row.quiet_until, row.last_reserved = probe.quiet_until, now
                session.add(row)
        except (SQLAlchemyError, OSError) as error:
            slots.times.clear()
            if not self._failing:
                log.warning("the shared send rate can't be read; pacing alone: %s", error)
            self._failing = True
            return False
        if self._failing:
            log.warning("the shared send rate is read again")
            self._failing = False
        slots.refusal = None
        slots.per_minute = probe.value
        return True
