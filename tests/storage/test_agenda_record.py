"""A 1:1 agenda's seeds from the record, on SQLite and on a real PostgreSQL: what happened to the
report between two meetings, each group oldest first, and nothing from before, from anyone
else, or that one of the pair may not see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.agenda_record import Seed, record_since
from storage.db import Database
from storage.models import (
    Answer,
    CheckinRun,
    FeedbackInvite,
    FeedbackRequest,
    KeyResult,
    KeyResultChange,
    Kudos,
    KudosReceiver,
    Objective,
    Person,
)
from storage.repository import Store
from storage.types import OpenOrClosed
from tests.seeded import SEEDED_AT

ORG = "slack:TAGENDA"
SINCE = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # the last meeting
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)  # this one's agenda, in 2026-Q4


def day(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


class World:
    """The rows a test writes, and their ids by name."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.ids: dict[str, int] = {}

    async def add(self, name: str, row: Any) -> int:
        self.session.add(row)
        await self.session.flush()
        self.ids[name] = int(row.id)
        return self.ids[name]

    async def person(self, name: str, full_name: str) -> int:
        email = f"{name}@example.com"
        return await self.add(
            name, Person(tenant_id=ORG, email=email, name=full_name, created_at=SEEDED_AT)
        )

    async def run(self, name: str, person: int, label: str, submitted: datetime, said: str) -> None:
        start = datetime.fromisoformat(label).replace(hour=8, tzinfo=UTC)
        run = CheckinRun(
            tenant_id=ORG,
            person_id=person,
            period_label=label,
            period_start=start,
            period_end=start + timedelta(days=3),
            status="submitted",
            submitted_at=submitted,
        )
        run_id = await self.add(f"run {name}", run)
        answer = Answer(
            tenant_id=ORG, run_id=run_id, question_key="blockers", text=said, answered_at=submitted
        )
        await self.add(name, answer)

    async def objective(self, name: str, period: str, archived: bool = False) -> int:
        objective = Objective(
            tenant_id=ORG,
            key=name,
            title=name,
            period=period,
            archived=archived,
            created_at=SEEDED_AT,
        )
        return await self.add(name, objective)

    async def key_result(self, title: str, objective: int, owner: int, active: bool = True) -> int:
        kr = KeyResult(
            tenant_id=ORG,
            key=title,
            objective_id=objective,
            owner_id=owner,
            title=title,
            active=active,
            updated_at=SEEDED_AT,
        )
        return await self.add(title, kr)

    async def change(
        self, name: str, kr: str, field: str, old: float, new: float, at: datetime
    ) -> None:
        change = KeyResultChange(
            tenant_id=ORG,
            key_result_id=self.ids[kr],
            field=field,
            old_value=old,
            new_value=new,
            source="checkin",
            changed_at=at,
        )
        await self.add(name, change)

    async def feedback(
        self,
        name: str,
        by: str,
        status: OpenOrClosed,
        due: datetime,
        answered: tuple[bool, ...] = (),
    ) -> None:
        request = FeedbackRequest(
            tenant_id=ORG,
            requester_id=self.ids[by],
            subject_id=self.ids["ana"],
            anonymous=name == "anonymous",
            status=status,
            due_at=due,
            closed_at=due if status == "closed" else None,
            created_at=SEEDED_AT,
        )
        request_id = await self.add(name, request)
        givers = ("sam", "mia", "ana")
        for giver, done in zip(givers, answered, strict=False):
            invite = FeedbackInvite(
                tenant_id=ORG, request_id=request_id, giver_id=self.ids[giver], answered=done
            )
            self.session.add(invite)

    async def kudos(
        self, name: str, giver: str | None, to: str, at: datetime, private: bool = False
    ) -> None:
        giver_id = self.ids[giver] if giver else None
        kudos = Kudos(
            tenant_id=ORG, giver_id=giver_id, message=name, private=private, created_at=at
        )
        kudos_id = await self.add(name, kudos)
        self.session.add(KudosReceiver(tenant_id=ORG, kudos_id=kudos_id, person_id=self.ids[to]))


async def seed(database: Database) -> dict[str, int]:
    """Mia manages Ana; Sam is a colleague of both. Ana's record, some of it in the window."""
    async with database.session() as session:
        await Store(session).ensure_tenant(ORG, "slack", "TAGENDA", SEEDED_AT)
        w = World(session)
        ana, sam = await w.person("ana", "Ana Lopez"), await w.person("sam", "Sam Lee")
        await w.person("mia", "Mia Park")

        await w.run("old blocker", ana, "2026-11-23", day(11, 24), "Waiting on legal")
        await w.run("review", ana, "2026-11-26", day(11, 27), "  Waiting on the security review ")
        await w.run("nothing", ana, "2026-11-30", day(11, 30, 15), "None.")
        await w.run("flaky", ana, "2026-12-03", day(12, 3, 10), "CI is flaky")
        await w.run("sam's", sam, "2026-11-30", day(12, 1), "Blocked by Ana")

        reliability = await w.objective("reliability", "2026-Q4")
        await w.key_result("Uptime", reliability, ana)
        await w.key_result("Median deploy time", reliability, ana)
        await w.key_result("Runbooks written", reliability, ana)
        await w.key_result("Dropped", reliability, ana, active=False)
        await w.key_result("Pager load", reliability, sam)
        await w.key_result("Old migration", await w.objective("gone", "2026-Q4", True), ana)
        await w.key_result("Q3 cleanup", await w.objective("last quarter", "2026-Q3"), ana)
        await w.change("uptime value", "Uptime", "value", 99.0, 99.5, day(12, 1))
        await w.change("deploy value", "Median deploy time", "value", 30, 25, day(11, 10))
        await w.change("drop", "Uptime", "confidence", 8, 5, day(12, 1))
        await w.change("rise", "Uptime", "confidence", 5, 7, day(12, 2))
        await w.change("drop before", "Uptime", "confidence", 9, 8, day(11, 20))
        await w.change("sam's drop", "Pager load", "confidence", 7, 3, day(12, 1))

        await w.feedback("by mia", "mia", "closed", day(12, 1), answered=(True, True, False))
        await w.feedback("anonymous", "ana", "closed", day(12, 2), answered=(False, False))
        await w.feedback("by sam", "sam", "closed", day(12, 1))
        await w.feedback("still open", "mia", "open", day(12, 10))
        await w.feedback("closed before", "mia", "closed", day(11, 20))

        await w.kudos("the failover drill", "sam", "ana", day(11, 28))
        await w.kudos("the on-call handover", None, "ana", day(12, 2))  # the giver was erased
        await w.kudos("a private thank-you", "mia", "ana", day(11, 29), private=True)
        await w.kudos("last month's launch", "mia", "ana", day(11, 20))
        await w.kudos("Sam's talk", "mia", "sam", day(11, 30))
        return w.ids


async def seeds_of(database: Database, ids: dict[str, int], tenant: str = ORG) -> list[Seed]:
    async with database.session() as session:
        mia, ana = await session.get(Person, ids["mia"]), await session.get(Person, ids["ana"])
        assert mia is not None and ana is not None
        return await record_since(session, tenant, mia, ana, SINCE, NOW)


async def test_the_agenda_seeds_the_reports_record_in_the_window_group_by_group(
    any_db: Database,
) -> None:
    ids = await seed(any_db)
    seeds = await seeds_of(any_db, ids)
    week_of = "blocker in the check-in of the week of"
    assert seeds == [
        Seed(f"blocker:{ids['review']}", "Waiting on the security review", f"{week_of} 26 Nov"),
        Seed(f"blocker:{ids['flaky']}", "CI is flaky", f"{week_of} 3 Dec"),
        Seed(f"confidence:{ids['drop']}", "Uptime: confidence 8 → 5", "check-in on 1 Dec"),
        Seed(f"stale:{ids['Runbooks written']}", "Runbooks written: no update yet", "key results"),
        Seed(
            f"stale:{ids['Median deploy time']}",
            "Median deploy time: not updated since 10 Nov",
            "key results",
        ),
        Seed(
            f"feedback:{ids['by mia']}",
            f"Feedback request #{ids['by mia']} about Ana Lopez closed: 2 of 3 answered",
            "feedback",
            only_for=ids["mia"],
        ),
        # Anonymous: no count of who answered.
        Seed(
            f"feedback:{ids['anonymous']}",
            f"Feedback request #{ids['anonymous']} about Ana Lopez closed",
            "feedback",
            only_for=ids["ana"],
        ),
        Seed(
            f"kudos:{ids['the failover drill']}",
            "Kudos from Sam Lee: the failover drill",
            "kudos on 28 Nov",
        ),
        Seed(
            f"kudos:{ids['the on-call handover']}",
            "Kudos from someone: the on-call handover",
            "kudos on 2 Dec",
        ),
    ]


async def test_seeding_twice_gives_the_same_keys(any_db: Database) -> None:
    ids = await seed(any_db)
    first, second = await seeds_of(any_db, ids), await seeds_of(any_db, ids)
    assert [s.key for s in first] == [s.key for s in second]
    assert len({s.key for s in first}) == len(first) == 9


async def test_another_tenant_is_given_nothing_of_this_record(any_db: Database) -> None:
    ids = await seed(any_db)
    async with any_db.session() as session:
        await Store(session).ensure_tenant("slack:TOTHER", "slack", "TOTHER", SEEDED_AT)
    assert await seeds_of(any_db, ids, tenant="slack:TOTHER") == []


async def test_a_long_blocker_is_cut_to_fit_the_agenda(any_db: Database) -> None:
    ids = await seed(any_db)
    async with any_db.session() as session:
        await World(session).run("long", ids["ana"], "2026-11-27", day(11, 28), "x" * 1500)
    [long] = [s for s in await seeds_of(any_db, ids) if s.text.startswith("x")]
    assert len(long.text) == 1000 and long.text.endswith("x…")
