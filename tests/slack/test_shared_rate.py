"""chat.postMessage's rate shared by replicas: one timeline of slots in the database, one rate
found from the 429s any of them gets, and each replica pacing alone when the database is away."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlmodel import select

from adapters.pacing import CUT
from adapters.shared_rate import SharedRate, SharedRates
from adapters.slack.pacing import Pacer, Rate
from storage.db import Database
from storage.models import SendBudget

POST = "chat.postMessage"
TENANT = "slack:T1"
# Fast enough for a test: 1,200 a second, found no faster (most = start: no probing up).
FAST = Rate(72_000, burst=1, most=72_000.001)


def replicas(database: Database, count: int = 2) -> list[Pacer]:
    return [
        Pacer({POST: FAST, "*": FAST}, per_channel=FAST, shared=SharedRates(database))
        for _ in range(count)
    ]


async def budget(database: Database) -> SendBudget:
    async with database.session() as session:
        return (await session.exec(select(SendBudget))).one()


async def test_two_replicas_take_their_slots_from_one_timeline(any_db: Database) -> None:
    first, second = replicas(any_db)
    sends = 120

    async def send(pacer: Pacer, n: int) -> None:
        await pacer.wait(POST, "T1", f"D{n}")

    started = time.time()
    await asyncio.gather(*(send(first if n % 2 else second, n) for n in range(sends)))

    row = await budget(any_db)
    interval = 60.0 / FAST.per_minute
    # Every slot either replica used came off the one timeline: it ran on by one interval a
    # send, whoever sent (each replica's own timeline would have run on by half of that).
    assert row.next_slot - started >= (sends - 1) * interval
    assert row.next_slot - started <= sends * interval + (time.time() - started)
    assert row.per_minute == pytest.approx(FAST.per_minute)


async def test_a_429_to_one_replica_slows_the_other_and_cuts_the_one_rate(
    any_db: Database,
) -> None:
    probed = Rate(600, burst=1, most=6_000)
    first, second = (
        Pacer({POST: probed}, per_channel=FAST, shared=SharedRates(any_db)) for _ in range(2)
    )
    await first.wait(POST, "T1", "D1")
    await second.wait(POST, "T1", "D2")
    before = (await budget(any_db)).per_minute

    first.pause(POST, "T1", 0.5)  # Slack said 429 to the first replica, Retry-After 0.5 s
    refused_at = time.time()
    await first.wait(POST, "T1", "D3")  # its next reservation tells everyone
    await second.wait(POST, "T1", "D4")

    assert time.time() >= refused_at + 0.5  # the second replica waited out the first's 429
    row = await budget(any_db)
    # Cut by a tenth, once; then grown a little again by the busy time since.
    assert before * CUT <= row.per_minute < before * (1 + CUT) / 2
    assert row.refused_at == pytest.approx(before)
    assert second.per_minute(POST, "T1") == pytest.approx(row.per_minute)


async def test_the_rate_grows_only_while_senders_wait_on_it(any_db: Database) -> None:
    probed = Rate(600, burst=1, most=6_000)  # a slot every 0.1 s: senders queue
    pacer = Pacer({POST: probed}, per_channel=FAST, shared=SharedRates(any_db, chunk=2))
    await asyncio.gather(*(pacer.wait(POST, "T1", f"D{n}") for n in range(8)))
    busy = (await budget(any_db)).per_minute
    assert busy > probed.per_minute  # they waited: the rate may be more than published

    lone = SharedRates(any_db)
    await asyncio.sleep(0.3)  # the timeline idle: a send that doesn't wait grows nothing
    assert await lone.wait(TENANT, POST, SharedRate(600, 1, 6_000))
    assert (await budget(any_db)).per_minute == pytest.approx(busy)


async def test_with_the_database_away_each_replica_paces_alone(tmp_path: object) -> None:
    away = Database("postgresql://nobody@127.0.0.1:9/nowhere")
    try:
        pacer = Pacer({POST: FAST, "*": FAST}, per_channel=FAST, shared=SharedRates(away))
        await asyncio.wait_for(pacer.wait(POST, "T1", "D1"), timeout=30)
        await asyncio.wait_for(pacer.wait(POST, "T1", "D2"), timeout=30)
        assert pacer.per_minute(POST, "T1") == pytest.approx(FAST.per_minute)
    finally:
        await away.dispose()
