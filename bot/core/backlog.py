"""A bound on inbound work: how many units of work run at once, and how many may wait.

Platforms deliver as fast as people type; the database does not keep up without limit.
Unbounded, every event becomes a task holding (or waiting for) a database connection: past
the pool, they time out and fail, and the scheduler, which shares the pool, starves. Here at
most `running` units of work run at once, so a few connections always stay free for the
scheduler, and an adapter asks `room()` before it accepts more: it waits while `queued` are
already waiting, which slows the platform down instead of piling work up, and after its
timeout it refuses, so that the platform delivers again later (a retried delivery) or the person
is told to try again.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Backlog:
    def __init__(self, running: int, queued: int) -> None:
        if running < 1 or queued < 0:
            raise ValueError("a backlog needs at least one running slot")
        self.running = running
        self.queued = queued
        self._slots = asyncio.Semaphore(running)
        self._waiting = 0
        self._changed = asyncio.Condition()

    @property
    def waiting(self) -> int:
        return self._waiting

    async def room(self, timeout: float) -> bool:  # noqa: ASYNC109
        """True once fewer than `queued` units of work wait for a slot; False if that takes
        longer than `timeout` seconds."""
        if self._waiting < self.queued:
            return True
        async with self._changed:
            try:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: self._waiting < self.queued), timeout
                )
            except TimeoutError:
                return False
        return True

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """One unit of work's turn: waits for a free slot, holds it until the block ends."""
        self._waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self._waiting -= 1
            await self._notify()
        try:
            yield
        finally:
            self._slots.release()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()
