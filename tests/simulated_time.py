"""Simulated time for the pacers: a clock and a sleep, and a `run` that jumps time ahead."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable, Sequence
from typing import Any


class VirtualTime:
    """A clock and a sleep for a pacer; `run` jumps time to the next sleeper's wake-up."""

    def __init__(self, max_steps: int = 5000) -> None:
        self.now = 0.0
        self.sleeps = 0
        self.progress = 0  # bumped by `moved`: work done without anyone sleeping
        self.max_steps = max_steps  # jumps of time before `run` gives up
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        self.sleeps += 1
        wake: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(delay, 0.0), next(self._order), wake))
        await wake

    def moved(self) -> None:
        """Something happened (a send was taken, say): the loop isn't settled yet."""
        self.progress += 1

    async def run(self, *jobs: Awaitable[Any]) -> None:
        tasks = [asyncio.ensure_future(job) for job in jobs]
        try:
            for _ in range(self.max_steps):
                await self._settle(tasks)
                if all(task.done() for task in tasks):
                    for task in tasks:
                        task.result()
                    return
                assert self._sleepers, "stuck: tasks are waiting but nobody sleeps"
                self.now = max(self.now, self._sleepers[0][0])
                while self._sleepers and self._sleepers[0][0] <= self.now:
                    wake = heapq.heappop(self._sleepers)[2]
                    if not wake.done():
                        wake.set_result(None)
            raise AssertionError(f"not done after {self.max_steps} steps of simulated time")
        finally:
            for task in tasks:
                task.cancel()

    async def _settle(self, tasks: Sequence[asyncio.Future[Any]]) -> None:
        """Run the loop until every task sleeps, waits its turn, or is done."""
        quiet = 0
        last = (-1, -1)
        for _ in range(10_000):
            await asyncio.sleep(0)
            state = (len(self._sleepers), sum(task.done() for task in tasks), self.progress)
            quiet = quiet + 1 if state == last else 0
            last = state
            if quiet >= 10:
                return
