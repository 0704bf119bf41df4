"""Anonymity below the application: on PostgreSQL every row carries the id of the transaction
that last wrote it (xmin). A response is stored in the transaction that marks its invitation
answered, so until the round closes a join on xmin pairs them; the close rewrites them all in
one transaction, so afterwards nothing in the rows pairs a response with a person."""

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
    async with world.database.session() as session:
        return sorted(count for _, count in (await session.execute(PAIRS)).all())


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
    assert await matches(world) == [6] * 6  # all written by the close: nothing singles out
