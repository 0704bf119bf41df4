"""What the weekly digest says, and what it never says: blockers, other teams, old news."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from adapters.slack.render import render_message
from adapters.teams.render import render_card
from bot.core.messages import Section
from bot.digests.digest import Digest, build_digest
from bot.digests.week import SHOWN_WINS, WIN_CHARS, quarter_of
from storage.db import Database
from storage.models import Answer, CheckinRun, Objective, Person, Tenant
from tests.bot.digests.seed import BLOCKER_WORDS, NOW, TENANT, THIS_PERIOD, TRICKY_KR, seed_quarter
from tests.seeded import SEEDED_AT


@pytest.fixture
async def seeded(sqlite_db: Database) -> Database:
    await seed_quarter(sqlite_db)
    return sqlite_db


async def digest_of(database: Database, team: str | None, now: datetime = NOW) -> Digest:
    async with database.session() as session:
        return await build_digest(session, TENANT, team, now)


def everything_shown(digest: Digest) -> str:
    """Every string any platform would show or send for this digest."""
    return "\n".join(
        [
            digest.summary,
            digest.card.fallback_text(),
            json.dumps(render_message(digest.card), ensure_ascii=False),
            json.dumps(render_card(digest.card), ensure_ascii=False),
        ]
    )


def section(digest: Digest, title: str) -> Section:
    return next(s for s in digest.card.sections if s.title == title)


@pytest.mark.parametrize("team", ["Platform", "Sales", None])
async def test_blockers_never_appear_in_any_digest(seeded: Database, team: str | None) -> None:
    shown = everything_shown(await digest_of(seeded, team))
    for words in BLOCKER_WORDS:
        assert words not in shown
    assert "blockers go to managers only" in shown.lower()


async def test_other_teams_old_quarters_and_last_weeks_wins_stay_out(seeded: Database) -> None:
    shown = everything_shown(await digest_of(seeded, "Platform"))
    assert "Make deploys boring" in shown
    for outsider in (
        "Close more deals",  # team Sales
        "Deals closed",
        "Be the most reliable vendor",  # the company's, though a Platform objective aligns to it
        "Last quarter's cleanup",  # 2026-Q3
        "Old cleanup tickets",
        "Signed Globex",  # a Sales win
        "Last week's win",  # Priya's previous run
        "someone who left",  # an inactive member's run
    ):
        assert outsider not in shown


async def test_a_persons_own_objective_counts_for_their_team(seeded: Database) -> None:
    digest = await digest_of(seeded, "Platform")
    titles = [field.label for field in section(digest, "Objectives").fields]
    # Top-level ones first; the one aligned under "Make deploys boring" after them.
    assert titles == [
        "Make deploys boring",
        "Keep the platform reliable",
        "Mentor two new engineers",
        "Automate the release checklist",
    ]


async def test_progress_and_change_since_last_week_come_from_the_history(
    seeded: Database,
) -> None:
    values = {
        f.label: f.value for f in section(await digest_of(seeded, "Platform"), "Objectives").fields
    }
    # Deploy time 24 -> 20 min of 45 -> 10; deploys/week 12 of 5 -> 20; the checklist is done.
    assert values["Make deploys boring"] == "███████░░░ 73% · +4 pts"
    assert values["Mentor two new engineers"] == "█████░░░░░ 50% · no change"
    # A week earlier, the same numbers were a week younger.
    earlier = await digest_of(seeded, "Platform", NOW - timedelta(weeks=1))
    values = {f.label: f.value for f in section(earlier, "Objectives").fields}
    assert values["Make deploys boring"] == "███████░░░ 69% · +2 pts"


async def test_only_key_results_that_got_worse_this_week_are_listed(seeded: Database) -> None:
    turned = section(await digest_of(seeded, "Platform"), "Turned at risk or off track")
    listed = {field.label: field.value for field in turned.fields}
    assert list(listed) == [TRICKY_KR, "Deploys per week"]  # off track first
    assert listed[TRICKY_KR].startswith("off track (was at risk) · confidence 3/10")
    assert listed["Deploys per week"].startswith("at risk (was on track)")
    # Uptime went from off track to at risk: better, so not news here.
    assert "Uptime" not in listed


async def test_participation_counts_each_active_members_current_run(seeded: Database) -> None:
    digest = await digest_of(seeded, "Platform")
    # Ada, Lin and Sam submitted; Priya's is open. Kim skipped, Pat is paused (no run),
    # Tom is inactive: none of them is counted.
    assert section(digest, "Check-ins").text == "3 of 4 checked in."
    assert "3 of 4 checked in" in digest.summary


async def test_a_run_begun_just_before_monday_mornings_digest_keeps_last_weeks_answer(
    seeded: Database,
) -> None:
    """The digest goes out on Monday at 09:00; a person whose cadence is Monday 08:00 (east of
    the org's zone), or 09:00 in the same tick, has just been given a new run. The week's
    check-in is the one submitted in it, and its win is still this week's news."""
    monday = THIS_PERIOD + timedelta(weeks=1)
    async with seeded.session() as session:
        ada = (await session.exec(select(Person).where(Person.name == "Ada Lovelace"))).one()
        for start in (monday - timedelta(hours=1), monday):
            session.add(
                CheckinRun(
                    tenant_id=TENANT,
                    person_id=ada.id,
                    period_label=f"new {start.hour}",
                    period_start=start,
                    period_end=start + timedelta(weeks=1),
                    status="open",
                    opened_at=start,
                )
            )
        await session.commit()
    digest = await digest_of(seeded, "Platform", monday)
    assert section(digest, "Check-ins").text == "3 of 4 checked in."
    assert [f.label for f in section(digest, "Top wins").fields] == ["Ada Lovelace", "Lin Wei"]
    # A week on, Ada's open run is this week's, and last week's answer is old news.
    later = await digest_of(seeded, "Platform", monday + timedelta(weeks=1))
    assert section(later, "Check-ins").text.startswith("0 of ")
    assert section(later, "Top wins").fields == ()


async def test_wins_are_this_weeks_first_submitted_ones_without_nothing_answers(
    seeded: Database,
) -> None:
    wins = section(await digest_of(seeded, "Platform"), "Top wins")
    assert [(f.label, f.value) for f in wins.fields] == [
        ("Ada Lovelace", "Ran our first game day: 12 runbooks tested, 3 fixed."),
        ("Lin Wei", "Deploys down to 20 minutes. Next: cache the *docker* layers <!here>"),
    ]  # Sam said "none"


async def test_the_summary_is_one_line_with_the_headlines(seeded: Database) -> None:
    digest = await digest_of(seeded, "Platform")
    assert digest.summary == (
        "Platform this week: 4 objectives, avg 73% (+1), 3 of 4 checked in, "
        "2 key results turned at risk or off track, 3 kudos"
    )


async def test_recognition_has_the_weeks_public_kudos_to_the_team_never_a_private_one(
    seeded: Database,
) -> None:
    platform = section(await digest_of(seeded, "Platform"), "Recognition")
    assert platform.text == "3 kudos this week. Values most given: Craft (2), Customer first (2)."
    assert [f.label for f in platform.fields] == [
        "Sam Okafor to Priya Nair and Kim Berg",
        "Maria Garcia to Lin Wei",
        "Kim Berg to Ada Lovelace",
    ]
    everyone = await digest_of(seeded, None)
    assert "4 kudos this week" in section(everyone, "Recognition").text  # Sales' too
    for digest in (everyone, await digest_of(seeded, "Sales")):
        text = digest.card.fallback_text()
        assert "a private thanks" not in text and "last month's fix" not in text


async def test_the_whole_org_has_every_objective_and_charts_their_average(
    seeded: Database,
) -> None:
    digest = await digest_of(seeded, None)
    titles = [field.label for field in section(digest, "Objectives").fields]
    assert titles[0] == "Be the most reliable vendor"  # owned by no one, no team: still the org's
    assert "Close more deals" in titles and "Last quarter's cleanup" not in titles
    assert digest.summary.startswith("Everyone this week: 6 objectives")
    assert "4 of 5 checked in" in digest.summary  # Maria's too
    turned = [f.label for f in section(digest, "Turned at risk or off track").fields]
    assert turned == [TRICKY_KR, "Deals closed", "Deploys per week"]
    assert digest.card.chart is not None
    assert digest.card.chart.alt.startswith(
        "Average progress of 6 objectives in 2026-Q4 (%): 7 Oct 0, 14 Oct 7.3,"
    )


async def test_a_team_with_nothing_yet_gets_a_digest_that_says_so(seeded: Database) -> None:
    digest = await digest_of(seeded, "Nobody")
    assert digest.summary == "Nobody this week: no objectives for 2026-Q4, no check-ins due"
    assert digest.card.chart is None
    assert section(digest, "Top wins").text == "No wins shared yet this week."


async def test_the_first_days_of_a_quarter_chart_one_point(seeded: Database) -> None:
    now = datetime(2026, 10, 3, 12, 0, tzinfo=UTC)  # a week ago was still 2026-Q3
    digest = await digest_of(seeded, "Platform", now)
    # Nobody has checked in yet this week, and everyone is due.
    assert digest.summary == (
        "Platform this week: 4 objectives, avg 0% (no change), 0 of 5 checked in"
    )
    assert digest.card.chart is not None
    assert digest.card.chart.alt.endswith("Automate the release checklist: 3 Oct 0.")
    assert quarter_of(now).start == datetime(2026, 10, 1, tzinfo=UTC)


async def test_a_new_quarter_leaves_the_last_ones_objectives_behind(seeded: Database) -> None:
    digest = await digest_of(seeded, "Platform", datetime(2027, 1, 2, 12, 0, tzinfo=UTC))
    assert digest.summary.startswith("Platform this week: no objectives for 2027-Q1")


async def test_long_wins_are_cut_and_only_the_first_few_shown(sqlite_db: Database) -> None:
    await seed_quarter(sqlite_db)
    async with sqlite_db.session() as session:
        for n in range(SHOWN_WINS + 2):
            person = Person(
                tenant_id=TENANT,
                email=f"w{n}@acme.test",
                name=f"W{n}",
                team="Wins",
                created_at=SEEDED_AT,
            )
            session.add(person)
            await session.flush()
            assert person.id is not None
            run = CheckinRun(
                tenant_id=TENANT,
                person_id=person.id,
                period_label="2026-12-21",
                period_start=THIS_PERIOD,
                period_end=THIS_PERIOD + timedelta(weeks=1),
                status="submitted",
                submitted_at=THIS_PERIOD + timedelta(hours=n),
            )
            session.add(run)
            await session.flush()
            assert run.id is not None
            text = "word\n" * 100 if n == 0 else f"win {n}"
            session.add(
                Answer(
                    tenant_id=TENANT,
                    run_id=run.id,
                    question_key="wins",
                    text=text,
                    answered_at=SEEDED_AT,
                )
            )
    wins = section(await digest_of(sqlite_db, "Wins"), "Top wins").fields
    assert [f.label for f in wins] == [f"W{n}" for n in range(SHOWN_WINS)]
    assert len(wins[0].value) == WIN_CHARS and wins[0].value.endswith("…")
    assert "\n" not in wins[0].value


async def test_another_tenants_team_of_the_same_name_stays_out(seeded: Database) -> None:
    other = "teams:other-tenant"
    async with seeded.session() as session:
        session.add(
            Tenant(id=other, platform="teams", external_id="other-tenant", created_at=SEEDED_AT)
        )
        await session.flush()
        person = Person(
            tenant_id=other,
            email="eve@other.test",
            name="Eve",
            team="Platform",
            created_at=SEEDED_AT,
        )
        session.add(person)
        await session.flush()
        session.add(
            Objective(
                tenant_id=other, key="x", title="Another tenant's goal", period="2026-Q4",
                team="Platform", owner_id=person.id,
                created_at=SEEDED_AT,
            )
        )  # fmt: skip
        assert person.id is not None
        run = CheckinRun(
            tenant_id=other,
            person_id=person.id,
            period_label="2026-12-21",
            period_start=THIS_PERIOD,
            period_end=THIS_PERIOD + timedelta(weeks=1),
            status="submitted",
        )
        session.add(run)
        await session.flush()
        assert run.id is not None
        session.add(
            Answer(
                tenant_id=other,
                run_id=run.id,
                question_key="wins",
                text="Eve's win",
                answered_at=SEEDED_AT,
            )
        )
    shown = everything_shown(await digest_of(seeded, "Platform"))
    assert "Another tenant's goal" not in shown and "Eve's win" not in shown
    assert "3 of 4 checked in" in shown
