"""A deterministic quarter for the digest: team Platform's goals over twelve weekly check-ins
(Tuesdays 6 Oct to 22 Dec 2026), this week's runs with wins and blockers, and the rows that
must stay out of its digest: another team, an old quarter, inactive and skipping people, and
kudos that are private, to another team or older than the week."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

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
from tests.seeded import SEEDED_AT

TENANT = "slack:T0DIGEST"
# A Wednesday, four weeks after the shared clock fixture's: twelve weeks into 2026-Q4.
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC) + timedelta(weeks=4)
FIRST_UPDATE = datetime(2026, 10, 6, 10, 0, tzinfo=UTC)  # then every Tuesday, twelve in all
THIS_PERIOD = datetime(2026, 12, 21, 9, 0, tzinfo=UTC)  # Monday 09:00, weekly runs
WEEK = timedelta(weeks=1)

TRICKY_KR = "*Halve* the pages sent to <!channel>"
BLOCKER_WORDS = ("security review", "Flaky staging", "Quota for the CRM")


async def seed_quarter(database: Database) -> None:
    async with database.session() as session:
        session.add(
            Tenant(
                id=TENANT,
                platform="slack",
                external_id="T0DIGEST",
                name="Acme",
                created_at=SEEDED_AT,
            )
        )
        await session.flush()
        p = await _people(session)
        company = await _objective(
            session, "vendor", "Be the most reliable vendor", level="company"
        )
        deploys = await _objective(
            session, "deploys", "Make deploys boring", team="Platform", owner=p["ada"]
        )
        reliable = await _objective(
            session,
            "reliable",
            "Keep the platform reliable",
            team="Platform",
            owner=p["ada"],
            parent=company,
        )
        checklist = await _objective(
            session,
            "checklist",
            "Automate the release checklist",
            team="Platform",
            owner=p["sam"],
            parent=deploys,
        )
        mentor = await _objective(
            session, "mentor", "Mentor two new engineers", level="person", owner=p["priya"]
        )
        deals = await _objective(
            session, "deals", "Close more deals", team="Sales", owner=p["maria"]
        )
        old = await _objective(
            session,
            "old",
            "Last quarter's cleanup",
            team="Platform",
            owner=p["ada"],
            period="2026-Q3",
        )
        # Twelve weekly values, and the confidence given in some of those weeks.
        await _key_result(
            session, deploys, p["lin"], "Median deploy time", 45, 10, "min",
            values=[45, 42, 40, 38, 36, 33, 31, 30, 28, 26, 24, 20],
            confidence={0: 5, 11: 8},
        )  # fmt: skip
        await _key_result(
            session, deploys, p["sam"], "Deploys per week", 5, 20, None,
            values=[5, 6, 6, 7, 8, 8, 9, 10, 11, 12, 12, 12],
            confidence={0: 7, 5: 8, 11: 5},
        )  # fmt: skip
        await _key_result(
            session, reliable, p["priya"], "Uptime", 99.5, 99.95, None, kind="percent",
            values=[99.5, 99.6, 99.7, 99.7, 99.8, 99.8, 99.85, 99.85, 99.9, 99.9, 99.9, 99.92],
            confidence={0: 3, 11: 5},
        )  # fmt: skip
        await _key_result(
            session, reliable, p["lin"], TRICKY_KR, 40, 20, "pages",
            values=[40, 38, 36, 35, 35, 34, 33, 33, 32, 32, 31, 31],
            confidence={0: 6, 11: 3},
        )  # fmt: skip
        await _key_result(
            session, checklist, p["sam"], "Checklist runs in CI", 0, 1, None, kind="binary",
            values=[0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1],
            confidence={0: 6, 8: 9},
        )  # fmt: skip
        await _key_result(
            session, mentor, p["priya"], "Engineers mentored", 0, 2, None,
            values=[0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1],
            confidence={0: 8},
        )  # fmt: skip
        await _key_result(
            session, deals, p["maria"], "Deals closed", 0, 30, None,
            values=[0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22],
            confidence={0: 8, 11: 2},
        )  # fmt: skip
        await _key_result(
            session, old, p["ada"], "Old cleanup tickets", 0, 10, None,
            values=[3] * 12,
            confidence={0: 9, 11: 1},
        )  # fmt: skip
        await _runs(session, p)
        await _kudos(session, p)


async def _kudos(session: AsyncSession, p: dict[str, Person]) -> None:
    """Three kudos to Platform this week; one private, one to Sales and one older, left out."""
    for tag, name in (("craft", "Craft"), ("customer-first", "Customer first")):
        session.add(KudosValue(tenant_id=TENANT, tag=tag, name=name, created_at=SEEDED_AT))
    given = (
        (p["kim"], [p["ada"]], "shipping calmly #customer-first", 3, False),
        (p["maria"], [p["lin"]], "the <b>rollback</b> drill went *perfectly* #craft", 2, False),
        (p["sam"], [p["priya"], p["kim"]], "mentoring #craft #customer-first", 1, False),
        (p["ada"], [p["sam"]], "a private thanks", 1, True),
        (p["lin"], [p["maria"]], "the Sales demo", 1, False),
        (p["lin"], [p["sam"]], "last month's fix #craft", 30, False),
    )
    for giver, receivers, message, days_ago, private in given:
        kudos = Kudos(
            tenant_id=TENANT,
            giver_id=giver.id,
            message=message,
            tags=[word[1:] for word in message.split() if word.startswith("#")],
            private=private,
            created_at=NOW - timedelta(days=days_ago),
        )
        session.add(kudos)
        await session.flush()
        assert kudos.id is not None
        for person in receivers:
            assert person.id is not None
            session.add(KudosReceiver(tenant_id=TENANT, kudos_id=kudos.id, person_id=person.id))


async def _people(session: AsyncSession) -> dict[str, Person]:
    rows = {
        "ada": _person("Ada Lovelace", "Platform"),
        "lin": _person("Lin Wei", "Platform"),
        "sam": _person("Sam Okafor", "Platform"),
        "priya": _person("Priya Nair", "Platform"),
        "kim": _person("Kim Berg", "Platform"),  # skips this week
        "pat": _person("Pat Quinn", "Platform", paused_until="2027-01-04"),  # no run
        "tom": _person("Tom Left", "Platform", active=False),
        "maria": _person("Maria Garcia", "Sales"),
    }
    session.add_all(rows.values())
    await session.flush()
    return rows


def _person(name: str, team: str, **settings: Any) -> Person:
    email = f"{name.split()[0].lower()}@acme.test"
    return Person(
        tenant_id=TENANT, email=email, name=name, team=team, **settings, created_at=SEEDED_AT
    )


async def _objective(
    session: AsyncSession,
    key: str,
    title: str,
    *,
    team: str | None = None,
    owner: Person | None = None,
    parent: Objective | None = None,
    level: str = "team",
    period: str = "2026-Q4",
) -> Objective:
    objective = Objective(
        tenant_id=TENANT,
        key=key,
        title=title,
        period=period,
        level=level,
        team=team,
        owner_id=owner.id if owner else None,
        parent_id=parent.id if parent else None,
        created_at=FIRST_UPDATE - WEEK,
    )
    session.add(objective)
    await session.flush()
    return objective


async def _key_result(
    session: AsyncSession,
    objective: Objective,
    owner: Person,
    title: str,
    start: float,
    target: float,
    unit: str | None,
    *,
    values: Sequence[float],
    confidence: dict[int, int],
    kind: str = "number",
) -> None:
    """A key result imported at `start` and updated weekly: a history row per real change."""
    assert objective.id is not None
    kr = KeyResult(
        tenant_id=TENANT,
        key=f"{objective.key}:{title[:20]}",
        objective_id=objective.id,
        owner_id=owner.id,
        title=title,
        kind=kind,
        start=start,
        target=target,
        current=start,
        unit=unit,
        updated_at=FIRST_UPDATE - WEEK,
    )
    session.add(kr)
    await session.flush()
    assert kr.id is not None
    for week, value in enumerate(values):
        when = FIRST_UPDATE + week * WEEK
        if value != kr.current:
            session.add(_change(kr.id, "value", kr.current, value, owner, when))
            kr.current = value
        if week in confidence and confidence[week] != kr.confidence:
            session.add(_change(kr.id, "confidence", kr.confidence, confidence[week], owner, when))
            kr.confidence = confidence[week]
    session.add(kr)


def _change(
    kr_id: int, field: str, old: float | None, new: float, author: Person, when: datetime
) -> KeyResultChange:
    return KeyResultChange(
        tenant_id=TENANT,
        key_result_id=kr_id,
        field=field,
        old_value=old,
        new_value=new,
        author_id=author.id,
        source="checkin",
        changed_at=when,
    )


async def _runs(session: AsyncSession, p: dict[str, Person]) -> None:
    """This week's runs (and last week's for some), with wins, blockers and moods."""
    submitted = {
        "ada": (
            THIS_PERIOD + timedelta(hours=6),
            "Ran our first game day:\n12 runbooks tested,   3 fixed.",
            "none",
        ),
        "lin": (
            THIS_PERIOD + timedelta(days=1, hours=1),
            "Deploys down to 20 minutes. Next: cache the *docker* layers <!here>",
            "Waiting on the security review for the new runner",
        ),
        "sam": (THIS_PERIOD + timedelta(days=1, hours=2), "none", "Flaky staging DB"),
        "tom": (THIS_PERIOD + timedelta(hours=1), "A win from someone who left", "none"),
        "maria": (THIS_PERIOD + timedelta(hours=3), "Signed Globex", "Quota for the CRM"),
    }
    for key, (at, wins, blockers) in submitted.items():
        run = await _run(session, p[key], THIS_PERIOD, "submitted", at)
        await _answers(session, run, wins, blockers)
    await _run(session, p["priya"], THIS_PERIOD, "open", None)
    await _run(session, p["kim"], THIS_PERIOD, "skipped", None)
    # Last week's, submitted: its win is last week's news.
    last = await _run(
        session,
        p["priya"],
        THIS_PERIOD - WEEK,
        "submitted",
        THIS_PERIOD - WEEK + timedelta(hours=2),
    )
    await _answers(session, last, "Last week's win", "Quota for the CRM")


async def _run(
    session: AsyncSession, person: Person, start: datetime, status: str, at: datetime | None
) -> CheckinRun:
    assert person.id is not None
    run = CheckinRun(
        tenant_id=TENANT,
        person_id=person.id,
        period_label=start.date().isoformat(),
        period_start=start,
        period_end=start + WEEK,
        status=status,
        opened_at=start,
        submitted_at=at,
    )
    session.add(run)
    await session.flush()
    return run


async def _answers(session: AsyncSession, run: CheckinRun, wins: str, blockers: str) -> None:
    assert run.id is not None
    at = run.submitted_at or run.period_start
    for key, text, number in (
        ("blockers", blockers, None),
        ("wins", wins, None),
        ("mood", None, 4.0),
    ):
        session.add(
            Answer(
                tenant_id=TENANT, run_id=run.id, question_key=key, text=text, number=number,
                answered_at=at,
            )
        )  # fmt: skip
