"""Erasing a person, on SQLite and on a real PostgreSQL: afterwards no table holds their email,
name, ids or words; the org's goals, the others' data and anonymous answers stay."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.erase import JOB_KINDS
from storage import erase
from storage.db import Database
from storage.erase import FORMER_ORG, Erasure, erase_person, person_to_erase
from storage.models import (
    Answer,
    CheckinRun,
    FeedbackAnswer,
    FeedbackInvite,
    FeedbackRequest,
    GoalNudge,
    KeyResult,
    KeyResultChange,
    Kudos,
    KudosReceiver,
    Objective,
    PendingPrompt,
    Person,
    PlatformIdentity,
    ProcessedEvent,
    ScheduledJob,
    SlackInstallation,
    Survey,
    SurveyInvite,
    SurveyResponse,
    SurveyRound,
)
from storage.repository import Store
from tests.seeded import SEEDED_AT

ORG = "slack:TZ"
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
EMAIL = "Zelda.Quayle@example.com"
SLACK_ID = "UZELDA42"
# What Zelda wrote: none of it may survive her erasure.
HER_WORDS = (
    "blocked by the reorg, again",
    "thinking of quitting",
    "Dee ships fast, from the one who sits next to her",
    "Quayle-only draft",
)
# Anonymous: one of these is hers, and nothing says which.
ANONYMOUS_ABOUT_BOB = ("Bob listens", "Bob could delegate more")


@dataclass
class Org:
    ada: int
    zelda: int
    bob: int
    cy: int
    dee: int
    her_survey: int
    her_round: int
    ada_survey: int
    ada_round: int


def _id(row: Any) -> int:
    assert row.id is not None
    return int(row.id)


async def seed(database: Database) -> Org:
    """Zelda Quayle, a manager with everything a person can have; her manager Ada (an admin),
    her reports Bob and Cy, and Dee, who reports to Ada."""
    async with database.session() as session:
        await Store(session).ensure_tenant(ORG, "slack", "TZ", SEEDED_AT)
        ada = Person(
            tenant_id=ORG,
            email="ada@example.com",
            name="Ada Byron",
            is_admin=True,
            created_at=SEEDED_AT,
        )
        session.add(ada)
        await session.flush()
        zelda = Person(
            tenant_id=ORG, email=EMAIL, name="Zelda Quayle", manager_id=ada.id, created_at=SEEDED_AT
        )
        dee = Person(
            tenant_id=ORG,
            email="dee@example.com",
            name="Dee Ell",
            manager_id=ada.id,
            created_at=SEEDED_AT,
        )
        session.add_all([zelda, dee])
        await session.flush()
        bob = Person(
            tenant_id=ORG,
            email="bob@example.com",
            name="Bob Em",
            manager_id=zelda.id,
            created_at=SEEDED_AT,
        )
        cy = Person(
            tenant_id=ORG,
            email="cy@example.com",
            name="Cy En",
            manager_id=zelda.id,
            created_at=SEEDED_AT,
        )
        session.add_all([bob, cy])
        await session.flush()
        org = Org(_id(ada), _id(zelda), _id(bob), _id(cy), _id(dee), 0, 0, 0, 0)
        ada.weekly_blockers = zelda.weekly_blockers = True  # she reads blockers weekly
        session.add_all([ada, zelda])
        await _accounts(session, org)
        await _goals_and_checkins(session, org)
        await _feedback(session, org)
        await _surveys(session, org)
    return org


async def _accounts(session: AsyncSession, org: Org) -> None:
    session.add_all(
        [
            PlatformIdentity(
                tenant_id=ORG,
                person_id=org.zelda,
                platform="slack",
                external_user_id=SLACK_ID,
                conversation={"channel": "DZELDA42", "user": SLACK_ID},
            ),
            PlatformIdentity(
                tenant_id=ORG, person_id=org.zelda, platform="console", external_user_id=EMAIL
            ),
            PlatformIdentity(
                tenant_id=ORG, person_id=org.bob, platform="slack", external_user_id="UBOB"
            ),
            SlackInstallation(
                tenant_id=ORG,
                app_id="A1",
                team_id="TZ",
                bot_user_id="UBOT",
                bot_id="B1",
                bot_token_enc="plain:xoxb-1",
                installer_user_id=SLACK_ID,
                installed_at=SEEDED_AT,
            ),
            ProcessedEvent(
                tenant_id=ORG, platform="slack", event_id="Ev0001", received_at=SEEDED_AT
            ),
            ProcessedEvent(
                tenant_id=ORG, platform="slack", event_id="cmd:1234.5678", received_at=SEEDED_AT
            ),
        ]
    )


async def _goals_and_checkins(session: AsyncSession, org: Org) -> None:
    growth = Objective(
        tenant_id=ORG,
        key="growth",
        title="Grow",
        period="2026-Q4",
        owner_id=org.zelda,
        created_at=SEEDED_AT,
    )
    company = Objective(
        tenant_id=ORG,
        key="company",
        title="Thrive",
        period="2026-Q4",
        owner_id=org.ada,
        created_at=SEEDED_AT,
    )
    session.add_all([growth, company])
    await session.flush()
    signups = KeyResult(
        tenant_id=ORG,
        key="signups",
        objective_id=_id(growth),
        owner_id=org.zelda,
        title="Signups",
        updated_at=SEEDED_AT,
    )
    uptime = KeyResult(
        tenant_id=ORG,
        key="uptime",
        objective_id=_id(company),
        owner_id=org.bob,
        title="Uptime",
        updated_at=SEEDED_AT,
    )
    session.add_all([signups, uptime])
    await session.flush()
    her_runs = [_run(org.zelda, weeks_ago) for weeks_ago in (1, 0)]
    bobs_run = _run(org.bob, 0)
    session.add_all([*her_runs, bobs_run])
    await session.flush()
    answers = [
        (her_runs[0], "kr:signups", 400.0, None),
        (her_runs[0], "blockers", None, HER_WORDS[0]),
        (her_runs[0], "mood", 2.0, None),
        (her_runs[1], "wins", None, HER_WORDS[1]),
        (bobs_run, "wins", None, "shipped the importer"),
    ]
    for run, key, number, text in answers:
        session.add(
            Answer(
                tenant_id=ORG,
                run_id=_id(run),
                question_key=key,
                number=number,
                text=text,
                answered_at=SEEDED_AT,
            )
        )
        session.add(
            PendingPrompt(
                id=f"p_{run.id}_{key}",
                tenant_id=ORG,
                run_id=_id(run),
                question_key=key,
                status="answered",
                message_ref={"channel": "DZELDA42" if run.person_id == org.zelda else "DBOB"},
                created_at=SEEDED_AT,
            )
        )
    session.add_all(
        [
            KeyResultChange(
                tenant_id=ORG,
                key_result_id=_id(signups),
                field="value",
                old_value=120,
                new_value=400,
                author_id=org.zelda,
                checkin_run_id=her_runs[0].id,
                source="checkin",
                changed_at=SEEDED_AT,
            ),
            KeyResultChange(
                tenant_id=ORG,
                key_result_id=_id(uptime),
                field="value",
                new_value=99.9,
                author_id=org.bob,
                checkin_run_id=bobs_run.id,
                source="checkin",
                changed_at=SEEDED_AT,
            ),
            KeyResultChange(
                tenant_id=ORG,
                key_result_id=_id(signups),
                field="value",
                new_value=120,
                source="import",
                changed_at=SEEDED_AT,
            ),
            _job("checkin_prompt", org.zelda),
            _job("checkin_reminder", org.zelda),
            _job("checkin_prompt", org.bob),
        ]
    )


def _run(person_id: int, weeks_ago: int) -> CheckinRun:
    start = NOW - timedelta(weeks=weeks_ago)
    return CheckinRun(
        tenant_id=ORG,
        person_id=person_id,
        period_label=start.date().isoformat(),
        period_start=start,
        period_end=start + timedelta(weeks=1),
        status="submitted" if weeks_ago else "open",
        questions=[{"key": "wins", "kind": "text", "text": "Wins?"}],
    )


def _job(kind: str, subject_id: int) -> ScheduledJob:
    return ScheduledJob(tenant_id=ORG, kind=kind, subject_id=subject_id, due_at=NOW)


async def _feedback(session: AsyncSession, org: Org) -> None:
    def request(requester: int, subject: int, *, anonymous: bool) -> FeedbackRequest:
        return FeedbackRequest(
            tenant_id=ORG,
            requester_id=requester,
            subject_id=subject,
            anonymous=anonymous,
            questions=["What should Zelda Quayle do more of?" if subject == org.zelda else "How?"],
            created_at=SEEDED_AT,
        )

    hers = request(org.zelda, org.zelda, anonymous=False)
    about_her = request(org.ada, org.zelda, anonymous=True)
    about_dee = request(org.ada, org.dee, anonymous=False)
    bobs = request(org.bob, org.bob, anonymous=True)
    session.add_all([hers, about_her, about_dee, bobs])
    await session.flush()
    invites = [
        (hers, org.bob, True),
        (hers, org.cy, False),
        (about_her, org.bob, True),
        (about_her, org.dee, False),
        (about_dee, org.zelda, True),
        (about_dee, org.bob, True),
        (bobs, org.zelda, True),
        (bobs, org.cy, True),
    ]
    for req, giver, answered in invites:
        draft = [HER_WORDS[3]] if giver == org.zelda and not answered else []
        session.add(
            FeedbackInvite(
                tenant_id=ORG, request_id=_id(req), giver_id=giver, answered=answered, draft=draft
            )
        )
    named = [(hers, org.bob, "Zelda Quayle unblocks us"), (about_dee, org.zelda, HER_WORDS[2])]
    named.append((about_dee, org.bob, "Dee is kind"))
    for n, (req, giver, text) in enumerate(named):
        session.add(
            FeedbackAnswer(
                id=f"fa_named{n}",
                tenant_id=ORG,
                request_id=_id(req),
                giver_id=giver,
                answers=[text],
                created_at=NOW,
            )
        )
    anonymous = [(about_her, "She is fair"), *((bobs, text) for text in ANONYMOUS_ABOUT_BOB)]
    for n, (req, text) in enumerate(anonymous):
        session.add(
            FeedbackAnswer(id=f"fa_anon{n}", tenant_id=ORG, request_id=_id(req), answers=[text])
        )
    session.add_all(
        [
            _job("feedback_reminder", _id(hers)),
            _job("feedback_close", _id(hers)),
            _job("feedback_close", _id(about_her)),
            _job("feedback_close", _id(bobs)),
        ]
    )


async def _surveys(session: AsyncSession, org: Org) -> None:
    """Her survey to her org, open; Ada's to everyone, closed, which Zelda answered."""
    hers = Survey(
        tenant_id=ORG,
        creator_id=org.zelda,
        title="Team health",
        questions=[{"key": "q1", "kind": "likert", "text": "Goals are clear"}],
        audience={"kind": "org", "manager": org.zelda},
        every_weeks=2,
        created_at=SEEDED_AT,
    )
    adas = Survey(
        tenant_id=ORG,
        creator_id=org.ada,
        title="Engagement",
        questions=[{"key": "q1", "kind": "enps", "text": "Recommend us?"}],
        audience={"kind": "everyone"},
        created_at=SEEDED_AT,
    )
    session.add_all([hers, adas])
    await session.flush()
    her_org = sorted([org.bob, org.cy])
    her_round = SurveyRound(
        tenant_id=ORG,
        survey_id=_id(hers),
        number=1,
        opened_at=NOW,
        closes_at=NOW + timedelta(days=3),
        k=2,
        slices={"all": {"name": "Zelda's org", "kind": "all", "members": her_org}},
    )
    everyone = sorted([org.ada, org.zelda, org.bob, org.cy, org.dee])
    hidden = "hidden: together with “Zelda's org” it would reveal fewer than 2 people's answers"
    ada_round = SurveyRound(
        tenant_id=ORG,
        survey_id=_id(adas),
        number=1,
        opened_at=NOW - timedelta(days=7),
        closes_at=NOW - timedelta(days=4),
        status="closed",
        k=2,
        slices={
            "all": {"name": "everyone", "kind": "all", "members": everyone, "shown": True},
            f"org:{org.ada}": {
                "name": "Ada's org",
                "kind": "org",
                "members": sorted([org.zelda, org.bob, org.cy, org.dee]),
                "shown": False,
                "reason": hidden,
            },
            f"org:{org.zelda}": {
                "name": "Zelda's org",
                "kind": "org",
                "members": her_org,
                "shown": True,
            },
        },
    )
    session.add_all([her_round, ada_round])
    await session.flush()
    org.her_survey, org.her_round = _id(hers), _id(her_round)
    org.ada_survey, org.ada_round = _id(adas), _id(ada_round)
    for member in her_org:
        session.add(SurveyInvite(tenant_id=ORG, round_id=org.her_round, person_id=member))
    for member in everyone:
        session.add(
            SurveyInvite(tenant_id=ORG, round_id=org.ada_round, person_id=member, answered=True)
        )
        groups = ["all", f"org:{org.ada}"] if member != org.ada else ["all"]
        if member in her_org:
            groups.append(f"org:{org.zelda}")
        session.add(
            SurveyResponse(
                id=f"sr_{member}",
                tenant_id=ORG,
                round_id=org.ada_round,
                answers={"q1": 9},
                slices=groups,
            )
        )
    session.add_all(
        [
            _job("pulse_round", org.her_survey),
            _job("pulse_reminder", org.her_round),
            _job("pulse_close", org.her_round),
        ]
    )


async def erase_zelda(database: Database) -> Erasure:
    async with database.session() as session:
        zelda = await person_to_erase(session, ORG, EMAIL.upper())
        assert zelda is not None
        return await erase_person(session, zelda, JOB_KINDS)


async def dump(database: Database) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, in the order of their keys."""
    tables: dict[str, list[dict[str, Any]]] = {}
    async with database.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            statement = sa.select(table).order_by(*table.primary_key.columns)
            rows = (await connection.execute(statement)).mappings().all()
            tables[table.name] = [dict(row) for row in rows]
    return tables


def person_columns() -> set[tuple[str, str]]:
    return {
        (table.name, column.name)
        for table in SQLModel.metadata.sorted_tables
        for column in table.columns
        for key in column.foreign_keys
        if key.target_fullname == "person.id"
    }


async def count(database: Database, model: Any, *where: Any) -> int:
    async with database.session() as session:
        return len((await session.exec(select(model).where(*where))).all())


async def test_an_erased_person_is_found_in_no_table(any_db: Database) -> None:
    org = await seed(any_db)
    await erase_zelda(any_db)

    tables = await dump(any_db)
    for name, rows in tables.items():
        text = json.dumps(rows, default=str, ensure_ascii=False).lower()
        for trace in ("zelda", "quayle", SLACK_ID.lower(), "dzelda42", f'org:{org.zelda}"'):
            assert trace not in text, f"{trace!r} is still in {name}"
        for words in HER_WORDS:
            assert words.lower() not in text, f"her words are still in {name}"
    for name, column in person_columns():
        held = {row[column] for row in tables[name]}
        assert org.zelda not in held, f"{name}.{column} still points at her"
    for survey_round in tables["surveyround"]:
        for group in survey_round["slices"].values():
            assert org.zelda not in group["members"]
    assert all(s["audience"].get("manager") != org.zelda for s in tables["survey"])
    (tenant,) = tables["tenant"]
    assert "weekly_blockers" not in tenant["settings"]  # org settings name no one
    assert [p["weekly_blockers"] for p in tables["person"] if p["id"] == org.ada] == [True]


async def test_the_org_keeps_its_goals_and_everyone_else_keeps_their_data(
    any_db: Database,
) -> None:
    org = await seed(any_db)
    before = await dump(any_db)
    erasure = await erase_zelda(any_db)
    after = await dump(any_db)

    assert len(after["person"]) == len(before["person"]) - 1
    assert len(after["objective"]) == 2 and len(after["keyresult"]) == 2
    assert [c["new_value"] for c in after["keyresultchange"]] == [400, 99.9, 120]
    async with any_db.session() as session:
        signups = (await session.exec(select(KeyResult).where(KeyResult.key == "signups"))).one()
        growth = (await session.exec(select(Objective).where(Objective.key == "growth"))).one()
        bob = await session.get(Person, org.bob)
        cy = await session.get(Person, org.cy)
    assert signups.owner_id is None and growth.owner_id is None
    assert bob is not None and cy is not None
    assert bob.manager_id == cy.manager_id == org.ada

    assert await count(any_db, CheckinRun) == 1
    assert [a["text"] for a in after["answer"]] == ["shipped the importer"]
    assert len(after["pendingprompt"]) == 1
    assert await count(any_db, PlatformIdentity) == 1
    jobs = {(j["kind"], j["subject_id"]) for j in after["scheduledjob"]}
    assert ("checkin_prompt", org.bob) in jobs
    assert not {("checkin_prompt", org.zelda), ("checkin_reminder", org.zelda)} & jobs
    assert ("pulse_round", org.her_survey) not in jobs  # her org is gone: no more rounds
    assert ("pulse_close", org.her_round) in jobs  # the open round still closes
    assert len(jobs) == 4  # Bob's prompt, his request's close, her round's reminder and close

    assert len(after["feedbackrequest"]) == 2  # Ada's about Dee, Bob's about himself
    assert sorted(a["answers"][0] for a in after["feedbackanswer"]) == sorted(
        ["Dee is kind", *ANONYMOUS_ABOUT_BOB]
    )
    assert all(i["giver_id"] in (org.bob, org.cy) for i in after["feedbackinvite"])

    assert len(after["surveyresponse"]) == len(before["surveyresponse"]) == 5
    assert await count(any_db, SurveyInvite) == 2 + 4
    assert erasure.lines[:4] == [
        "check-ins: 2 deleted",
        "check-in answers: 4 deleted",
        "check-in questions sent: 4 deleted",
        "scheduled check-in prompts and reminders: 2 deleted",
    ]
    assert "people who reported to them: 2 now report to ada@example.com" in erasure.lines
    assert "key results they owned: 1 kept, now without an owner" in erasure.lines


async def test_her_surveys_go_to_an_admin_and_her_org_becomes_a_former_managers(
    any_db: Database,
) -> None:
    org = await seed(any_db)
    erasure = await erase_zelda(any_db)

    async with any_db.session() as session:
        hers = await session.get(Survey, org.her_survey)
        her_round = await session.get(SurveyRound, org.her_round)
        ada_round = await session.get(SurveyRound, org.ada_round)
        responses = (
            await session.exec(select(SurveyResponse).order_by(col(SurveyResponse.id)))
        ).all()
    assert hers is not None and her_round is not None and ada_round is not None
    assert hers.creator_id == org.ada and hers.status == "stopped"
    assert her_round.slices["all"]["name"] == FORMER_ORG
    assert set(ada_round.slices) == {"all", f"org:{org.ada}", "org:former"}
    assert ada_round.slices["org:former"] == {
        "name": FORMER_ORG,
        "kind": "org",
        "members": sorted([org.bob, org.cy]),
        "shown": True,
    }
    assert f"“{FORMER_ORG}”" in ada_round.slices[f"org:{org.ada}"]["reason"]
    assert sum("org:former" in r.slices for r in responses) == 2
    assert "pulse surveys they sent: 1 kept, now sent by ada@example.com (an admin)" in (
        erasure.lines
    )


async def test_with_no_admin_to_take_them_her_surveys_are_deleted(any_db: Database) -> None:
    org = await seed(any_db)
    async with any_db.session() as session:
        ada = await session.get(Person, org.ada)
        assert ada is not None
        ada.is_admin = False
        session.add(ada)
    erasure = await erase_zelda(any_db)

    after = await dump(any_db)
    assert [s["id"] for s in after["survey"]] == [org.ada_survey]
    assert [r["id"] for r in after["surveyround"]] == [org.ada_round]
    assert {i["round_id"] for i in after["surveyinvite"]} == {org.ada_round}
    assert not [j for j in after["scheduledjob"] if j["kind"].startswith("pulse_")]
    assert len(after["surveyresponse"]) == 5  # Ada's survey: every answer kept, hers too
    assert (
        "pulse surveys they sent: 1 deleted, with 1 round and 0 responses "
        "(no admin to hand them to)"
    ) in erasure.lines


async def test_a_failure_halfway_changes_nothing(
    any_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed(any_db)
    before = await dump(any_db)

    async def broken(self: Any) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(erase._Erasing, "accounts", broken)
    with pytest.raises(RuntimeError):
        await erase_zelda(any_db)
    assert await dump(any_db) == before


async def test_only_the_org_asked_for_loses_the_person(any_db: Database) -> None:
    await seed(any_db)
    async with any_db.session() as session:
        await Store(session).ensure_tenant("slack:T2", "slack", "T2", SEEDED_AT)
        session.add(
            Person(tenant_id="slack:T2", email=EMAIL, name="Zelda Quayle", created_at=SEEDED_AT)
        )
    await erase_zelda(any_db)

    assert await count(any_db, Person, col(Person.email) == EMAIL) == 1
    async with any_db.session() as session:
        assert await person_to_erase(session, ORG, EMAIL) is None
        assert await person_to_erase(session, "slack:T2", " zelda.quayle@EXAMPLE.com ")


async def test_reports_go_to_the_top_when_her_manager_reported_to_her(
    any_db: Database,
) -> None:
    org = await seed(any_db)
    async with any_db.session() as session:
        ada = await session.get(Person, org.ada)
        assert ada is not None
        ada.manager_id = org.zelda
        session.add(ada)
    await erase_zelda(any_db)

    async with any_db.session() as session:
        managers = {p.id: p.manager_id for p in (await session.exec(select(Person))).all()}
    assert managers == {org.ada: None, org.bob: org.ada, org.cy: org.ada, org.dee: org.ada}


async def test_no_one_waits_for_her_to_confirm_and_her_nudges_go(any_db: Database) -> None:
    org = await seed(any_db)
    async with any_db.session() as session:
        ada = await session.get(Person, org.ada)
        assert ada is not None
        ada.manager_asked_id = org.zelda
        session.add(ada)
        nudge = GoalNudge(
            tenant_id=ORG, person_id=org.zelda, period="2026-Q4", kind="set", sent_at=SEEDED_AT
        )
        session.add(nudge)
    await erase_zelda(any_db)

    async with any_db.session() as session:
        ada = await session.get(Person, org.ada)
    assert ada is not None and ada.manager_asked_id is None
    assert await count(any_db, GoalNudge) == 0


def test_every_column_that_points_at_a_person_is_erased() -> None:
    """A new table with a person in it needs its line in storage/erase.py, then here."""
    assert person_columns() == {
        ("person", "manager_id"),
        ("person", "manager_asked_id"),
        ("goalnudge", "person_id"),
        ("kudos", "giver_id"),
        ("kudosreceiver", "person_id"),
        ("oneonone", "starter_id"),
        ("oneonone", "other_id"),
        ("agendaitem", "author_id"),
        ("agendaitem", "only_for_id"),
        ("reviewcycle", "created_by"),
        ("review", "subject_id"),
        ("review", "writer_id"),
        ("platformidentity", "person_id"),
        ("objective", "owner_id"),
        ("keyresult", "owner_id"),
        ("keyresultchange", "author_id"),
        ("checkinrun", "person_id"),
        ("feedbackrequest", "requester_id"),
        ("feedbackrequest", "subject_id"),
        ("feedbackinvite", "giver_id"),
        ("feedbackanswer", "giver_id"),
        ("survey", "creator_id"),
        ("surveyinvite", "person_id"),
        ("digestsubscription", "created_by"),
        ("heldmessage", "person_id"),
    }


async def test_her_name_goes_from_kudos_and_those_naming_only_her_go(any_db: Database) -> None:
    org = await seed(any_db)
    async with any_db.session() as session:
        texts = {"by her": org.zelda, "to her alone": org.ada, "to her and bob": org.ada}
        made = {}
        for text, giver in texts.items():
            kudos = Kudos(tenant_id=ORG, giver_id=giver, message=text, created_at=SEEDED_AT)
            session.add(kudos)
            await session.flush()
            made[text] = kudos.id
        for text, person in (
            ("by her", org.ada),
            ("to her alone", org.zelda),
            ("to her and bob", org.zelda),
            ("to her and bob", org.bob),
        ):
            session.add(KudosReceiver(tenant_id=ORG, kudos_id=made[text], person_id=person))
    await erase_zelda(any_db)

    async with any_db.session() as session:
        kept = {k.message: k for k in (await session.exec(select(Kudos))).all()}
        receivers = {
            (r.kudos_id, r.person_id) for r in (await session.exec(select(KudosReceiver))).all()
        }
    assert set(kept) == {"by her", "to her and bob"}
    assert kept["by her"].giver_id is None and kept["to her and bob"].giver_id == org.ada
    assert receivers == {(made["by her"], org.ada), (made["to her and bob"], org.bob)}
