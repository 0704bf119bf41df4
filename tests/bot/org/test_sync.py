"""A directory merged into the org (bot/org/sync.py), the same for every platform: members
added, accounts linked, empty fields filled while the org import's values win, people whose
account is deactivated made inactive with their history kept and back when it is active again,
guests and apps never added, and a second run that writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event
from sqlmodel import select

from bot.checkins.prompting import PROMPT
from bot.core.ports import Account, Listing, Profile
from bot.imports.org_import import import_org
from bot.org.sync import FULL, LINK_ONLY, SyncReport, sync_org
from storage.db import Database
from storage.models import Person, PlatformIdentity, ScheduledJob
from storage.repository import Store
from tests.seeded import SEEDED_AT

ORG = "slack:T1"
NOW = SEEDED_AT + timedelta(days=30)
CSV = """email,name,manager_email,team,timezone,checkin_days,checkin_time
grace@example.com,Grace Hopper,,Eng,America/New_York,mon,09:00
alan@example.com,Alan Turing,grace@example.com,Eng,,,
"""


def member(user: str, email: str | None, name: str = "", **flags: Any) -> Account:
    flags.setdefault("timezone", "Europe/Berlin")
    flags.setdefault("locale", "de-DE")
    return Account(user, Profile(email=email, name=name or user, **flags))


def directory(*accounts: Account) -> Listing:
    return Listing(tuple(accounts))


WORKSPACE = directory(
    member("U_GRACE", "grace@example.com", "Grace B. Hopper", timezone="Europe/London"),
    member("U_ALAN", "Alan@Example.com", "Alan M. Turing"),
    member("U_NIA", "nia@example.com", "Nia New", timezone="Asia/Tokyo", locale="ja-JP"),
    member("U_GUEST", "guest@partner.example", guest=True),
    member("U_APP", "app@example.com", bot=True),
    member("USLACKBOT", None, "Slackbot", bot=True),
    member("U_NOMAIL", None, "No Mail"),
    member("U_GONE", "gone@example.com", deactivated=True),
)


async def sync(database: Database, listing: Listing, scope: Any = FULL) -> SyncReport:
    return await sync_org(database, ORG, "slack", listing, NOW, scope)


async def people(database: Database) -> dict[str, Person]:
    async with database.session() as session:
        return {p.email.lower(): p for p in (await session.exec(select(Person))).all()}


async def accounts(database: Database) -> dict[str, tuple[str, bool]]:
    """Account id -> (the person's email, reachable)."""
    async with database.session() as session:
        rows = (await session.exec(select(PlatformIdentity, Person).join(Person))).all()
    return {i.external_user_id: (p.email.lower(), i.reachable) for i, p in rows}


async def prompt_jobs(database: Database) -> set[int]:
    async with database.session() as session:
        jobs = (await session.exec(select(ScheduledJob).where(ScheduledJob.kind == PROMPT))).all()
    return {job.subject_id for job in jobs}


@contextmanager
def writes(database: Database) -> Iterator[list[str]]:
    """Every INSERT, UPDATE and DELETE sent to the database meanwhile."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            seen.append(statement)

    target = database.engine.sync_engine
    event.listen(target, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(target, "before_cursor_execute", record)


async def imported(database: Database, csv: str = CSV) -> None:
    assert not (await import_org(database, ORG, csv, now=SEEDED_AT)).problems


async def test_members_are_added_and_linked_with_what_the_directory_says(
    any_db: Database,
) -> None:
    await imported(any_db, "email,name\n")  # the org, with no one in it

    report = await sync(any_db, WORKSPACE)

    assert report.summary() == "added 3, updated 0, made inactive 0, linked 3"
    assert report.skipped == 4  # the guest, the app, Slackbot, the account with no email
    found = await people(any_db)
    assert set(found) == {"grace@example.com", "alan@example.com", "nia@example.com"}
    nia = found["nia@example.com"]
    assert (nia.name, nia.timezone, nia.locale, nia.active, nia.is_admin) == (
        "Nia New", "Asia/Tokyo", "ja-JP", True, False,
    )  # fmt: skip
    assert (nia.manager_id, nia.team, nia.checkin_days, nia.created_at) == (None, None, None, NOW)
    assert found["alan@example.com"].email == "Alan@Example.com"  # as the directory writes it
    assert await accounts(any_db) == {
        "U_GRACE": ("grace@example.com", True),
        "U_ALAN": ("alan@example.com", True),
        "U_NIA": ("nia@example.com", True),
    }


async def test_the_org_imports_values_win_and_empty_ones_are_filled_in(
    sqlite_db: Database,
) -> None:
    await imported(sqlite_db)
    before = await people(sqlite_db)

    report = await sync(sqlite_db, WORKSPACE)

    assert report.summary() == "added 1, updated 2, made inactive 0, linked 3"
    after = await people(sqlite_db)
    grace, alan = after["grace@example.com"], after["alan@example.com"]
    # The import's name, zone, team, manager and cadence stay; what it left empty is filled.
    assert (grace.name, grace.timezone, grace.team, grace.checkin_days, grace.checkin_time) == (
        "Grace Hopper", "America/New_York", "Eng", "mon", "09:00",
    )  # fmt: skip
    assert (alan.name, alan.timezone, alan.manager_id, alan.team) == (
        "Alan Turing", "Europe/Berlin", grace.id, "Eng",
    )  # fmt: skip
    assert (grace.locale, alan.locale) == ("de-DE", "de-DE")
    assert alan.email == before["alan@example.com"].email == "alan@example.com"


async def test_a_second_run_changes_nothing_and_writes_nothing(any_db: Database) -> None:
    await imported(any_db)
    with writes(any_db) as first:
        await sync(any_db, WORKSPACE)
    assert first  # the listener sees the writes there are
    state = (await people(any_db), await accounts(any_db))

    with writes(any_db) as written:
        again = await sync(any_db, WORKSPACE)

    assert again.summary() == "added 0, updated 0, made inactive 0, linked 0"
    assert written == []
    assert (await people(any_db), await accounts(any_db)) == state


async def test_someone_whose_account_is_deactivated_becomes_inactive_with_history_kept(
    sqlite_db: Database,
) -> None:
    await imported(sqlite_db)
    await sync(sqlite_db, WORKSPACE)
    alan_id = (await people(sqlite_db))["alan@example.com"].id
    async with sqlite_db.session() as session:
        await Store(session).plan(ORG, PROMPT, alan_id or 0, NOW + timedelta(days=2))
    left = directory(*WORKSPACE.accounts, member("U_ALAN", "alan@example.com", deactivated=True))

    report = await sync(sqlite_db, left)

    assert report.summary() == "added 0, updated 0, made inactive 1, linked 0"
    alan = (await people(sqlite_db))["alan@example.com"]
    assert (alan.id, alan.active, alan.team) == (alan_id, False, "Eng")  # the row, kept
    assert (await accounts(sqlite_db))["U_ALAN"] == ("alan@example.com", False)
    assert alan_id not in await prompt_jobs(sqlite_db)  # no more check-ins
    assert (await sync(sqlite_db, left)).summary().startswith("added 0, updated 0, made inactive 0")


async def test_someone_who_returns_is_active_again_and_planned(sqlite_db: Database) -> None:
    await imported(sqlite_db)
    await sync(sqlite_db, WORKSPACE)
    await sync(sqlite_db, directory(member("U_ALAN", "alan@example.com", deactivated=True)))

    report = await sync(sqlite_db, WORKSPACE)

    assert report.summary() == "added 0, updated 1, made inactive 0, linked 0"
    assert report.came_back == 1
    alan = (await people(sqlite_db))["alan@example.com"]
    assert alan.active and (await accounts(sqlite_db))["U_ALAN"] == ("alan@example.com", True)
    assert alan.id in await prompt_jobs(sqlite_db)


async def test_someone_the_import_made_inactive_stays_so(sqlite_db: Database) -> None:
    await imported(sqlite_db)
    await sync(sqlite_db, WORKSPACE)
    only_grace = "email,name\ngrace@example.com,Grace Hopper\n"
    assert (await import_org(sqlite_db, ORG, only_grace, now=NOW, full=True)).left

    report = await sync(sqlite_db, WORKSPACE)

    assert report.came_back == 0
    assert not (await people(sqlite_db))["alan@example.com"].active


async def test_a_deactivated_account_of_someone_not_linked_yet_is_linked_unreachable(
    sqlite_db: Database,
) -> None:
    await imported(sqlite_db)
    gone = directory(member("U_ALAN", "alan@example.com", deactivated=True))

    report = await sync(sqlite_db, gone)

    assert report.summary() == "added 0, updated 0, made inactive 1, linked 1"
    assert (await accounts(sqlite_db))["U_ALAN"] == ("alan@example.com", False)
    assert (await sync(sqlite_db, WORKSPACE)).came_back == 1


async def test_a_guest_the_import_named_is_linked_but_no_guest_is_added(
    sqlite_db: Database,
) -> None:
    await imported(sqlite_db, CSV + "guest@partner.example,Gus Guest,,,,,\n")

    report = await sync(sqlite_db, WORKSPACE)

    assert (await accounts(sqlite_db))["U_GUEST"] == ("guest@partner.example", True)
    assert "app@example.com" not in await people(sqlite_db)
    assert report.skipped == 3  # the app, Slackbot, the account with no email


async def test_a_linked_accounts_new_email_is_followed_unless_someone_else_has_it(
    sqlite_db: Database,
) -> None:
    await imported(sqlite_db)
    await sync(sqlite_db, WORKSPACE)
    moved = directory(
        member("U_ALAN", "alan.turing@example.com"), member("U_NIA", "grace@example.com")
    )

    report = await sync(sqlite_db, moved)

    found = await people(sqlite_db)
    assert "alan.turing@example.com" in found and "alan@example.com" not in found
    assert found["nia@example.com"].active  # grace's email is grace's: Nia keeps hers
    assert report.conflicts and "grace@example.com" in report.conflicts[0]


async def test_a_workspace_admin_becomes_an_admin_of_the_org(sqlite_db: Database) -> None:
    await imported(sqlite_db)
    await sync(sqlite_db, directory(member("U_GRACE", "grace@example.com", admin=True)))
    assert (await people(sqlite_db))["grace@example.com"].is_admin


async def test_linking_after_an_import_adds_no_one_and_makes_no_one_inactive(
    sqlite_db: Database,
) -> None:
    await imported(sqlite_db, CSV + "nobody@example.com,No Body,,,,,\n")
    # The same account again, as a later page has it: deactivated meanwhile.
    gone = member("U_GRACE", "grace@example.com", deactivated=True)
    listing = directory(*WORKSPACE.accounts, gone)

    report = await sync(sqlite_db, listing, LINK_ONLY)

    assert report.summary() == "added 0, updated 1, made inactive 0, linked 1"
    assert report.not_found == ["grace@example.com", "nobody@example.com"]
    assert set(await people(sqlite_db)) == {
        "grace@example.com", "alan@example.com", "nobody@example.com",
    }  # fmt: skip
    assert all(p.active for p in (await people(sqlite_db)).values())


async def test_a_bad_time_zone_and_over_long_values_are_not_stored(sqlite_db: Database) -> None:
    await imported(sqlite_db, "email,name\n")
    odd = member("U_ODD", "odd@example.com", "N" * 500, timezone="Mars/Olympus", locale="x" * 99)

    await sync(sqlite_db, directory(odd))

    person = (await people(sqlite_db))["odd@example.com"]
    assert (len(person.name), person.timezone, person.locale) == (200, None, "x" * 35)
