"""`org sync` against the mock Slack Web API: users.list read page after page with a cursor,
through rate-limited answers (429 and Retry-After), merged into the org; the daily job of
`serve`, run once a day by one replica; and an org import's linking in one users.list pass."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import select

from adapters.slack.directory import SlackDirectory
from adapters.slack.linking import link_after_import
from adapters.slack.pacing import Pacer, Rate
from adapters.slack.web_api import SlackApi
from app.scheduling import build_scheduler
from app.server import ENGINE, build_web_app
from bot.core.ports import DirectoryUnreadable
from bot.imports.org_import import import_org
from bot.org.scheduled import ORG_SYNC
from bot.org.sync import sync_org
from storage.db import Database
from storage.models import Person, ScheduledJob
from tests.conftest import FakeClock
from tests.seeded import SEEDED_AT
from tests.slack.conftest import TOKEN, seed, slack_settings
from tests.slack.mock_api import MockSlackApi

PAGE = 5
FAST = Rate(600_000, 1_000)  # the bot's pacer, faster than the mock lets it be: 429s follow


def directory(api: MockSlackApi) -> SlackDirectory:
    async def token(workspace: str) -> str | None:
        return TOKEN

    return SlackDirectory(SlackApi(api.url, token, Pacer({"*": FAST}, per_channel=FAST)), page=PAGE)


def colleagues(api: MockSlackApi, count: int) -> None:
    for n in range(count):
        api.add_user(
            f"U{n:04d}", email=f"person{n}@example.com", name=f"Person {n}", locale="es-ES"
        )


async def people(database: Database) -> dict[str, Person]:
    async with database.session() as session:
        return {p.email: p for p in (await session.exec(select(Person))).all()}


async def test_every_page_is_read_through_rate_limited_answers(
    api: MockSlackApi, sqlite_db: Database
) -> None:
    colleagues(api, 21)  # 23 users in all, with alan and grace: five pages of five
    api.add_user("U_GUEST", email="guest@partner.example", guest=True)
    api.add_user("U_GONE", email="gone@example.com", deleted=True)
    api.add_user("U_INVITED", email="invited@example.com", invited=True)
    api.limit("users.list", 20, burst=1)  # Tier 2, twenty times faster: 429s in between

    listing = await directory(api).accounts("slack", "T1")

    users = sorted(account.user for account in listing.accounts)
    assert len(users) == 25 and "U_INVITED" not in users  # invited only: not in it yet
    calls = api.called("users.list")
    passed = [call for call in calls if call.ok]
    assert len(passed) == 6 and any(call.status == 429 for call in calls)
    assert all(c.params["limit"] == str(PAGE) for c in passed)
    assert all(c.params["include_locale"] == "true" for c in passed)
    assert [bool(c.params.get("cursor")) for c in passed] == [False] + [True] * 5
    by_user = {account.user: account.profile for account in listing.accounts}
    assert by_user["U0003"].locale == "es-ES" and by_user["U0003"].email == "person3@example.com"
    assert by_user["U_GUEST"].guest and by_user["U_GONE"].deactivated


async def test_a_sync_adds_the_workspace_and_a_second_changes_nothing(
    api: MockSlackApi, sqlite_db: Database
) -> None:
    await seed(sqlite_db, "slack:T1", SEEDED_AT)
    colleagues(api, 8)
    api.add_user("U_APP", email="app@example.com", is_bot=True)
    api.limit("users.list", 50, burst=1)

    listing = await directory(api).accounts("slack", "T1")
    report = await sync_org(sqlite_db, "slack:T1", "slack", listing, SEEDED_AT)

    assert report.summary() == "added 8, updated 2, made inactive 0, linked 10"
    found = await people(sqlite_db)
    assert len(found) == 10 and "app@example.com" not in found
    assert found["person7@example.com"].locale == "es-ES"
    assert found["alan@example.com"].timezone == "Europe/London"  # the import's, kept
    again = await sync_org(sqlite_db, "slack:T1", "slack", listing, SEEDED_AT)
    assert again.summary() == "added 0, updated 0, made inactive 0, linked 0"


async def test_a_token_for_another_workspace_reads_nothing(
    api: MockSlackApi, sqlite_db: Database
) -> None:
    with pytest.raises(DirectoryUnreadable, match="for workspace T1, not T2"):
        await directory(api).accounts("slack", "T2")
    assert api.called("users.list") == []


async def test_a_revoked_token_is_said_in_words_an_admin_can_act_on(
    api: MockSlackApi, sqlite_db: Database
) -> None:
    api.revoke(TOKEN)
    with pytest.raises(DirectoryUnreadable, match="no working bot token"):
        await directory(api).accounts("slack", "T1")


async def test_a_large_import_is_linked_in_one_users_list_pass(
    api: MockSlackApi, sqlite_db: Database
) -> None:
    colleagues(api, 30)
    rows = "".join(f"person{n}@example.com,Person {n}\n" for n in range(30))
    csv = "email,name\n" + rows + "nobody@example.com,No Body\n"
    assert not (await import_org(sqlite_db, "slack:T1", csv, now=SEEDED_AT)).problems

    report = await link_after_import(sqlite_db, "slack:T1", directory(api), SEEDED_AT)

    assert len(report.linked) == 30 and report.not_found == ["nobody@example.com"]
    assert api.called("users.lookupByEmail") == []
    assert len([c for c in api.called("users.list") if c.ok]) == 7  # 32 users, 5 a page
    assert len(await people(sqlite_db)) == 31  # no one added: the file says who is in the org


async def test_the_daily_job_reads_the_directory_once_a_day(
    api: MockSlackApi, sqlite_db: Database, clock: FakeClock
) -> None:
    await seed(sqlite_db, "slack:T1", clock.now())
    api.add_user("U_NIA", email="nia@example.com", name="Nia New", locale="fr-FR")
    scheduler = build_scheduler(build_web_app(slack_settings(api), sqlite_db, clock)[ENGINE], 1)
    planned_at = clock.now()

    for _ in range(3):  # planning, tick after tick: no call to Slack
        await scheduler.tick()
    assert await sync_jobs(sqlite_db) == [("slack:T1", planned_at + timedelta(days=1))]
    assert api.called("users.list") == []

    clock.advance(days=1, minutes=1)
    await scheduler.run_until_idle()
    await scheduler.run_until_idle()

    assert len(api.called("users.list")) == 1
    nia = (await people(sqlite_db))["nia@example.com"]
    assert (nia.name, nia.locale, nia.active) == ("Nia New", "fr-FR", True)
    # Due again a day later, at the same time of day.
    assert await sync_jobs(sqlite_db) == [("slack:T1", planned_at + timedelta(days=2))]


@pytest.mark.postgres
async def test_two_replicas_read_the_directory_once(
    api: MockSlackApi, postgres_db: Database, clock: FakeClock
) -> None:
    await seed(postgres_db, "slack:T1", clock.now())
    engine = build_web_app(slack_settings(api), postgres_db, clock)[ENGINE]
    first, second = build_scheduler(engine, 1), build_scheduler(engine, 1)
    first.owner, second.owner = "replica-a", "replica-b"
    await asyncio.gather(first.tick(), second.tick())
    assert len(await sync_jobs(postgres_db)) == 1  # planned by both, added once

    clock.advance(days=1, minutes=1)
    await asyncio.gather(first.run_until_idle(), second.run_until_idle())

    assert len(api.called("users.list")) == 1


async def sync_jobs(database: Database) -> list[tuple[str, object]]:
    async with database.session() as session:
        jobs = (await session.exec(select(ScheduledJob).where(ScheduledJob.kind == ORG_SYNC))).all()
    return [(job.tenant_id, job.due_at) for job in jobs]


@pytest.mark.long
async def test_ten_thousand_people_are_read_page_by_page_and_merged_once(
    api: MockSlackApi, sqlite_db: Database
) -> None:
    """The issue's size: 10,000 colleagues, a thousand a page, all enrolled and linked; a second
    sync changes nothing. (429s: the test above; the pace at Slack's Tier 2: bench/org_sync.py.)"""
    await seed(sqlite_db, "slack:T1", SEEDED_AT)
    colleagues(api, 10_000)
    api.limit("users.list", 600, burst=1)

    async def token(workspace: str) -> str | None:
        return TOKEN

    slack = SlackDirectory(
        SlackApi(api.url, token, Pacer({"*": FAST}, per_channel=FAST)), page=1000
    )
    listing = await slack.accounts("slack", "T1")
    assert len(listing.accounts) == 10_002
    calls = api.called("users.list")
    assert len([c for c in calls if c.ok]) == 11

    report = await sync_org(sqlite_db, "slack:T1", "slack", listing, SEEDED_AT)
    assert report.summary() == "added 10000, updated 2, made inactive 0, linked 10002"
    again = await sync_org(sqlite_db, "slack:T1", "slack", listing, SEEDED_AT)
    assert again.summary() == "added 0, updated 0, made inactive 0, linked 0"
