"""The tenant's rate shared by Teams replicas: one timeline of slots in the database."""

from __future__ import annotations

import asyncio
import time

from sqlmodel import select

from adapters.shared_rate import SharedRates
from adapters.teams.pacing import TENANT, TeamsPacer, Window
from storage.db import Database
from storage.models import SendBudget

FAST_TENANT = (Window(600, 1),)  # 600 a second: fast enough for a test
ROOMY = (Window(1000, 1),)  # conversations never the limit here


def replica(database: Database) -> TeamsPacer:
    return TeamsPacer(
        tenant_windows=FAST_TENANT,
        conversation_windows=ROOMY,
        margin=0.0,
        shared=SharedRates(database),
    )


async def test_two_replicas_send_to_a_tenant_on_one_timeline(any_db: Database) -> None:
    first, second = replica(any_db), replica(any_db)
    sends = 120
    started = time.time()
    await asyncio.gather(
        *((first if n % 2 else second).wait("tid", f"a:{n}") for n in range(sends))
    )
    async with any_db.session() as session:
        row = (await session.exec(select(SendBudget))).one()
    assert (row.tenant_id, row.method) == ("teams:tid", TENANT)
    assert row.next_slot - started >= (sends - 1) / 600  # one timeline for both


async def test_a_429_to_one_replica_slows_the_tenant_for_both_and_holds_its_conversation(
    any_db: Database,
) -> None:
    first, second = replica(any_db), replica(any_db)
    await first.wait("tid", "a:1")
    await second.wait("tid", "a:2")
    first.pause("tid", "a:1", 0.4)
    refused_at = time.time()
    await first.wait("tid", "a:3")  # its reservation shares the 429: the one rate is cut
    await second.wait("tid", "a:4")
    assert second.tenant_share("tid") < 1.0
    await first.wait("tid", "a:1")  # the refused conversation itself waits out Retry-After
    assert time.time() >= refused_at + 0.4
