"""The bound on inbound work: slots, the queue behind them, and room for more."""

from __future__ import annotations

import asyncio

import pytest

from bot.core.backlog import Backlog
from tests.conftest import until


async def test_no_more_than_running_units_of_work_at_once() -> None:
    backlog = Backlog(running=2, queued=10)
    inside, most = 0, 0
    release = asyncio.Event()

    async def work() -> None:
        nonlocal inside, most
        async with backlog.turn():
            inside += 1
            most = max(most, inside)
            await release.wait()
            inside -= 1

    tasks = [asyncio.create_task(work()) for _ in range(6)]
    await until(lambda: backlog.waiting == 4)
    assert inside == 2
    release.set()
    await asyncio.gather(*tasks)
    assert most == 2 and backlog.waiting == 0


async def test_room_waits_while_the_queue_is_full_and_gives_up_after_its_timeout() -> None:
    backlog = Backlog(running=1, queued=2)
    release = asyncio.Event()

    async def work() -> None:
        async with backlog.turn():
            await release.wait()

    tasks = [asyncio.create_task(work()) for _ in range(3)]  # one runs, two wait
    await until(lambda: backlog.waiting == 2)
    assert await backlog.room(0.05) is False
    waiting_for_room = asyncio.create_task(backlog.room(5.0))
    await asyncio.sleep(0.01)
    assert not waiting_for_room.done()
    release.set()  # the running one ends, a waiting one starts: room for one more
    assert await waiting_for_room is True
    await asyncio.gather(*tasks)
    assert await backlog.room(0) is True


async def test_a_failing_unit_of_work_gives_its_slot_back() -> None:
    backlog = Backlog(running=1, queued=1)
    with pytest.raises(RuntimeError):
        async with backlog.turn():
            raise RuntimeError("the database went away")
    async with asyncio.timeout(1):
        async with backlog.turn():
            pass


async def test_a_cancelled_wait_leaves_the_count_right() -> None:
    backlog = Backlog(running=1, queued=5)
    release = asyncio.Event()

    async def work() -> None:
        async with backlog.turn():
            await release.wait()

    running = asyncio.create_task(work())
    waiting = asyncio.create_task(work())
    await until(lambda: backlog.waiting == 1)
    waiting.cancel()
    await asyncio.gather(waiting, return_exceptions=True)
    assert backlog.waiting == 0
    release.set()
    await running


def test_a_backlog_needs_a_slot() -> None:
    with pytest.raises(ValueError):
        Backlog(running=0, queued=1)
