"""Anonymity below the application, on PostgreSQL: every row carries the id of the transaction
that last wrote it (xmin) and a physical place (ctid). A response is stored in the transaction
that marks its invitation answered, so until the round closes a join on xmin pairs them. The
close deletes the invitations and writes the responses again, in a random order with new ids,
in one transaction: afterwards nothing in the rows pairs a response with a person or with the
order in which people answered."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from storage.db import Database
from tests.bot.org_world import World, seed_world
from tests.bot.pulse.test_pulse import ENPS, PEOPLE, PLATFORM, answer_engagement

PAIRS = text(
    "SELECT r.id, count(i.id) FROM surveyresponse r "
    "LEFT JOIN surveyinvite i ON i.xmin = r.xmin GROUP BY r.id"
)


async def matches(world: World) -> list[int]:
    """For each response, how many invitations share its transaction id."""
    async with world.database.engine.connect() as connection:
        return sorted(count for _, count in (await connection.execute(PAIRS)).all())


async def scalar(world: World, sql: str) -> object:
    async with world.database.engine.connect() as connection:
        return (await connection.execute(text(sql))).scalar_one()


@pytest.mark.postgres
async def test_after_the_close_no_response_shares_a_transaction_with_one_person(
    postgres_db: Database,
) -> None:
    world = await seed_world(postgres_db, PEOPLE)
    await world.command("mo", "pulse", "send engagement to team Platform")
    for who in PLATFORM[:5]:
        await answer_engagement(world, who, ENPS[who])
    assert await matches(world) == [1] * 5  # open: each response pairs with its invitation
    await answer_engagement(world, PLATFORM[5], ENPS[PLATFORM[5]])  # the last: it closes
    assert "has closed: 6 answered" in world.last("mo")
    assert await matches(world) == [0] * 6  # no invitation is left to pair with
    assert await scalar(world, "SELECT count(*) FROM surveyinvite") == 0
    assert await scalar(world, "SELECT count(DISTINCT xmin::text) FROM surveyresponse") == 1
