"""Teams conversation references: kept in process for the people written to most recently,
read back from their platform identity for everyone else, however many people there are."""

from __future__ import annotations

import pytest

from adapters.teams.references import ReferenceBook
from bot.core.recent import Recent
from storage.db import Database
from storage.models import Person, PlatformIdentity
from storage.repository import Store
from tests.seeded import SEEDED_AT

TENANT = "tid-1"


def reference(user: str) -> dict[str, object]:
    return {"user": {"id": user}, "conversation": {"id": f"a:{user}"}, "serviceUrl": "http://x/"}


async def people(database: Database, users: list[str]) -> None:
    async with database.session() as session:
        await Store(session).ensure_tenant(f"teams:{TENANT}", "teams", TENANT, SEEDED_AT)
        for user in users:
            person = Person(
                tenant_id=f"teams:{TENANT}", email=f"{user}@x.com", name=user, created_at=SEEDED_AT
            )
            session.add(person)
            await session.flush()
            assert person.id is not None
            session.add(
                PlatformIdentity(
                    tenant_id=f"teams:{TENANT}",
                    person_id=person.id,
                    platform="teams",
                    external_user_id=user,
                )
            )


async def test_the_book_keeps_the_latest_few_and_reads_the_rest_from_the_database(
    sqlite_db: Database,
) -> None:
    users = [f"29:u{n}" for n in range(5)]
    await people(sqlite_db, users)
    book = ReferenceBook(sqlite_db, kept=2)
    for user in users:
        await book.remember(TENANT, user, reference(user))
    assert len(book._cache) == 2 and len(book._saved) == 2

    for user in users:  # those no longer kept come back from their identity
        assert await book.get(TENANT, user) == reference(user)
    assert len(book._cache) == 2
    assert await book.get(TENANT, "29:nobody") is None


def test_a_recent_mapping_forgets_the_least_recently_used() -> None:
    recent: Recent[str, int] = Recent(2)
    recent.put("a", 1)
    recent.put("b", 2)
    assert recent.get("a") == 1  # used: "b" is now the oldest
    recent.put("c", 3)
    assert (recent.get("a"), recent.get("b"), recent.get("c")) == (1, None, 3)
    recent.drop("a")
    assert recent.get("a") is None and len(recent) == 1
    with pytest.raises(ValueError, match="at least one"):
        Recent(0)
