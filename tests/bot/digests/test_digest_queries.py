"""A digest costs the same handful of SQL statements for a team of 5 as for a team of 50."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event
from sqlmodel import select

from bot.digests.digest import build_digest
from storage.db import Database
from storage.models import (
    Answer,
    CheckinRun,
    KeyResult,
    KeyResultChange,
    Kudos,
    KudosReceiver,
    KudosValue,
    Objective,
    Person,
    Tenant,
)
from tests.bot.digests.seed import FIRST_UPDATE, NOW, TENANT, THIS_PERIOD
from tests.seeded import SEEDED_AT

# People, objectives, key results, changes, runs, wins; kudos, their receivers, the values.
MOST_STATEMENTS = 9


@contextmanager
def counting_statements(database: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(str(args[2]))  # (connection, cursor, statement, ...)

    event.listen(database.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", record)


async def seed_team(database: Database, team: str, size: int) -> None:
    """`size` people, each with an objective of two key results updated weekly, a submitted
    check-in this week with wins and blockers, and a kudos received with a value."""
    async with database.session() as session:
        if not (await session.exec(select(KudosValue))).first():
            value = KudosValue(tenant_id=TENANT, tag="craft", name="Craft", created_at=SEEDED_AT)
            session.add(value)
        for n in range(size):
            person = Person(
                tenant_id=TENANT,
                email=f"{team}{n}@acme.test",
                name=f"{team} {n}",
                created_at=SEEDED_AT,
            )
            person.team = team
            session.add(person)
            await session.flush()
            assert person.id is not None
            objective = Objective(
                tenant_id=TENANT,
                key=f"{team}{n}",
                title=f"Goal {n}",
                period="2026-Q4",
                created_at=SEEDED_AT,
            )
            objective.owner_id = person.id
            session.add(objective)
            await session.flush()
            assert objective.id is not None
            for k in range(2):
                kr = KeyResult(
                    tenant_id=TENANT,
                    key=f"{team}{n}:{k}",
                    objective_id=objective.id,
                    owner_id=person.id,
                    title=f"KR {n}.{k}",
                    target=12,
                    current=11,
                    confidence=4,  # at risk since this week's check-in,
                    updated_at=SEEDED_AT,
                )
                session.add(kr)
                await session.flush()
                assert kr.id is not None
                session.add(
                    KeyResultChange(
                        tenant_id=TENANT,
                        key_result_id=kr.id,
                        field="confidence",
                        old_value=8,
                        new_value=4,
                        source="checkin",
                        changed_at=NOW - timedelta(days=1),
                    )
                )
                for week in range(11):
                    session.add(
                        KeyResultChange(
                            tenant_id=TENANT,
                            key_result_id=kr.id,
                            field="value",
                            old_value=week,
                            new_value=week + 1,
                            source="checkin",
                            changed_at=FIRST_UPDATE + timedelta(weeks=week),
                        )
                    )
            run = CheckinRun(
                tenant_id=TENANT,
                person_id=person.id,
                period_label="2026-12-21",
                period_start=THIS_PERIOD,
                period_end=THIS_PERIOD + timedelta(weeks=1),
                status="submitted",
                submitted_at=THIS_PERIOD + timedelta(minutes=n),
            )
            session.add(run)
            await session.flush()
            assert run.id is not None
            kudos = Kudos(
                tenant_id=TENANT,
                message=f"thanks {n} #craft",
                tags=["craft"],
                created_at=NOW - timedelta(days=2),
            )
            session.add(kudos)
            await session.flush()
            assert kudos.id is not None
            session.add(KudosReceiver(tenant_id=TENANT, kudos_id=kudos.id, person_id=person.id))
            for key in ("wins", "blockers"):
                session.add(
                    Answer(
                        tenant_id=TENANT,
                        run_id=run.id,
                        question_key=key,
                        text=key,
                        answered_at=SEEDED_AT,
                    )
                )


async def statements_for(database: Database, team: str, size: int) -> list[str]:
    with counting_statements(database) as statements:
        async with database.session() as session:
            digest = await build_digest(session, TENANT, team, NOW)
    # Every row was read: objectives, key results (all now at risk), runs and their wins.
    assert digest.summary == (
        f"{team} this week: {size} objectives, avg 92% (no change), {size} of {size} checked in, "
        f"{2 * size} key results turned at risk, {size} kudos"
    )
    assert len(next(s for s in digest.card.sections if s.title == "Top wins").fields) == 5
    return statements


async def test_a_digest_takes_the_same_statements_for_5_people_as_for_50(
    any_db: Database,
) -> None:
    async with any_db.session() as session:
        session.add(
            Tenant(id=TENANT, platform="slack", external_id="T0DIGEST", created_at=SEEDED_AT)
        )
    await seed_team(any_db, "Small", 5)
    await seed_team(any_db, "Large", 50)

    small = await statements_for(any_db, "Small", 5)
    large = await statements_for(any_db, "Large", 50)

    assert len(small) == len(large) <= MOST_STATEMENTS, large
