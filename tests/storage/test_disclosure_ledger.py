"""The disclosure ledger's storage: entries written once per questions and audience, read by
question, and on PostgreSQL one close at a time per org."""

from __future__ import annotations

import asyncio

import pytest

from storage.db import Database
from storage.pulse import PulseStore
from storage.repository import Store
from tests.seeded import SEEDED_AT

TENANT = "slack:T1"


async def org(database: Database) -> None:
    async with database.session() as session:
        await Store(session).ensure_tenant(TENANT, "slack", "T1", SEEDED_AT)


async def test_an_entry_is_written_once_and_read_by_any_of_its_questions(
    sqlite_db: Database,
) -> None:
    await org(sqlite_db)
    async with sqlite_db.session() as session:
        ledger = PulseStore(session)
        await ledger.disclose(TENANT, ["q1", "q2"], [{"1", "2", "3"}, {"3", "2", "1"}], SEEDED_AT)
        await ledger.disclose(TENANT, ["q2", "q1"], [["1", "2", "3"]], SEEDED_AT)
    async with sqlite_db.session() as session:
        ledger = PulseStore(session)
        [entry] = await ledger.disclosures(TENANT, ["q2", "q9"])
        assert entry.audience == ["1", "2", "3"] and entry.questions == ["q1", "q2"]
        assert await ledger.disclosures(TENANT, ["q9"]) == []
        assert await ledger.disclosures("slack:OTHER", ["q1"]) == []


@pytest.mark.postgres
async def test_two_closes_of_one_org_take_the_ledger_in_turn(postgres_db: Database) -> None:
    """The second waits for the first to commit, then reads what it recorded."""
    await org(postgres_db)
    first_has_it, second_read = asyncio.Event(), asyncio.Event()
    seen: list[int] = []

    async def first() -> None:
        async with postgres_db.session() as session:
            ledger = PulseStore(session)
            await ledger.disclosures(TENANT, ["q1"], lock=True)
            first_has_it.set()
            await asyncio.sleep(0.3)  # the second must be waiting now, not reading
            assert not second_read.is_set()
            await ledger.disclose(TENANT, ["q1"], [{"1", "2", "3"}], SEEDED_AT)

    async def second() -> None:
        await first_has_it.wait()
        async with postgres_db.session() as session:
            seen.append(len(await PulseStore(session).disclosures(TENANT, ["q1"], lock=True)))
            second_read.set()

    await asyncio.wait_for(asyncio.gather(first(), second()), timeout=30)
    assert seen == [1]  # the second close saw the first one's group
