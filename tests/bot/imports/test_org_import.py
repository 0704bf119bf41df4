"""Org import (SPEC 2.6): parsing and validation with exact lines, then the HRIS-style sync."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.imports.applying import ImportReport
from bot.imports.org_file import parse_org_csv
from bot.imports.org_import import import_org
from bot.imports.rows import ImportProblem
from storage.db import Database
from storage.models import CheckinRun, Person, Tenant
from tests.seeded import SEEDED_AT

TENANT = "slack:T1"
OTHER = "teams:contoso"
HEADER = "email,name,manager_email,team,timezone,checkin_days,checkin_time\n"
DATA = Path(__file__).parent / "data"


@pytest.fixture
def database(sqlite_db: Database) -> Database:
    return sqlite_db


async def people(database: Database, tenant: str = TENANT) -> dict[str, Person]:
    async with database.session() as session:
        rows = (await session.exec(select(Person).where(Person.tenant_id == tenant))).all()
    return {person.email: person for person in rows}


def manager_of(everyone: dict[str, Person], email: str) -> str | None:
    by_id = {person.id: person.email for person in everyone.values()}
    return by_id.get(everyone[email].manager_id)


def lines_of(problems: list[ImportProblem]) -> list[int]:
    return [problem.line for problem in problems]


# -- a clean file ---------------------------------------------------------------------------


async def test_clean_org_file_imports_everyone_with_managers_and_normalised_cadence(
    database: Database,
) -> None:
    report = await import_org(database, TENANT, (DATA / "org.csv").read_text(), now=SEEDED_AT)

    assert (report.created, report.updated, report.unchanged, report.problems) == (4, 0, 0, [])
    everyone = await people(database)
    alan = everyone["alan@example.com"]
    assert (alan.name, alan.team, alan.timezone) == ("Alan Turing", "Engineering", "Europe/London")
    assert (alan.checkin_days, alan.checkin_time, alan.cadence_weeks) == ("mon,thu", "09:30", 2)
    assert everyone["ada@example.com"].checkin_days == "mon,tue,wed,thu,fri"
    assert everyone["grace@example.com"].is_admin and not alan.is_admin
    assert manager_of(everyone, "alan@example.com") == "grace@example.com"
    assert manager_of(everyone, "ada@example.com") == "alan@example.com"
    assert manager_of(everyone, "grace@example.com") is None


async def test_the_tenant_is_created_from_its_namespaced_id(database: Database) -> None:
    await import_org(database, OTHER, HEADER + "ann@x.com,Ann,,,,,\n", now=SEEDED_AT)

    async with database.session() as session:
        tenant = await session.get(Tenant, OTHER)
    assert tenant is not None
    assert (tenant.platform, tenant.external_id) == ("teams", "contoso")


def test_header_names_are_trimmed_case_insensitive_in_any_order_and_extra_columns_ignored() -> None:
    text = " Team ,EMAIL,Shoe size, Name\nEng,Ann@X.com,42,Ann\n"

    rows, problems = parse_org_csv(text)

    assert problems == []
    assert [(r.email, r.name, r.team) for r in rows] == [("ann@x.com", "Ann", "Eng")]


def test_a_header_without_email_is_one_problem_on_line_1_and_no_rows() -> None:
    rows, problems = parse_org_csv("name,team\nAnn,Eng\n")

    assert rows == []
    assert problems == [ImportProblem(1, "the header has no email column")]


def test_an_empty_file_is_a_problem_on_line_1() -> None:
    assert lines_of(parse_org_csv("")[1]) == [1]


def test_an_excel_export_with_a_byte_order_mark_and_crlf_line_ends_reads_the_same() -> None:
    rows, problems = parse_org_csv("\ufeffEmail,Name\r\nann@x.com,Ann\r\nbad,Bad\r\n")

    assert [(r.line, r.email) for r in rows] == [(2, "ann@x.com")]
    assert lines_of(problems) == [3]


def test_blank_lines_are_skipped_but_still_counted_in_line_numbers() -> None:
    rows, problems = parse_org_csv(HEADER + "\nann@x.com,Ann,,,,,\n,,,,,,\nbad,Bad,,,,,\n")

    assert [r.line for r in rows] == [3]
    assert lines_of(problems) == [5]


# -- every validation rule, with its line ----------------------------------------------------

GOOD = "ann@x.com,Ann,,Eng,Europe/Berlin,mon,09:00\n"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("not-an-email,Bob,,,,,", "email: “not-an-email” is not an email address"),
        ("bob@nowhere,Bob,,,,,", "email: “bob@nowhere” is not an email address"),
        ("bob@x..com,Bob,,,,,", "email: “bob@x..com” is not an email address"),
        (",Bob,,Eng,,,", "email is missing"),
        ("bob@x.com," + "B" * 201 + ",,,,,", "name: over 200 characters"),
        ("bob@x.com,Bob,boss-at-x,,,,", "manager_email: “boss-at-x” is not an email address"),
        ("bob@x.com,Bob,,,Mars/Olympus,,", "timezone: “Mars/Olympus” is not a time zone"),
        ("bob@x.com,Bob,,,,funday,", "checkin_days: “funday” is not a day of the week"),
        ("bob@x.com,Bob,,,,,25:00", "checkin_time: “25:00” is not a time of day"),
        ("bob@x.com,Bob,,,,,noon", "checkin_time: “noon” is not a time"),
        ("bob@x.com,Bob,,," + "T" * 201 + ",,", "timezone: “" + "T" * 40),
    ],
)
def test_each_bad_cell_is_reported_on_its_line_and_only_that_row_is_skipped(
    row: str, reason: str
) -> None:
    rows, problems = parse_org_csv(HEADER + GOOD + row + "\n" + GOOD.replace("ann", "cy"))

    assert [r.email for r in rows] == ["ann@x.com", "cy@x.com"]
    assert lines_of(problems) == [3]
    assert problems[0].reason.startswith(reason)


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ("3,", "cadence_weeks: check-ins repeat every 1, 2 or 4 weeks"),
        ("two,", "cadence_weeks: “two” is not a number"),
        ("1,maybe", "admin: “maybe” is not yes or no"),
    ],
)
def test_optional_cadence_and_admin_columns_are_validated(cells: str, reason: str) -> None:
    text = "email,cadence_weeks,admin\nann@x.com,2,true\nbob@x.com," + cells + "\n"

    rows, problems = parse_org_csv(text)

    assert [(r.email, r.cadence_weeks, r.is_admin) for r in rows] == [("ann@x.com", 2, True)]
    assert problems == [ImportProblem(3, reason)]


def test_a_row_with_several_bad_cells_reports_each_of_them_on_its_line() -> None:
    _, problems = parse_org_csv(HEADER + "bob@x.com,Bob,,,Nowhere/Land,funday,99:99\n")

    assert lines_of(problems) == [2, 2, 2]


def test_a_quoted_cell_spanning_lines_reports_the_rows_first_line() -> None:
    text = HEADER + 'ann@x.com,"Ann\nvan\nDyke",,,,,\nbob@x.com,Bob,,,Nowhere/Land,,\n'

    rows, problems = parse_org_csv(text)

    assert [(r.line, r.name) for r in rows] == [(2, "Ann van Dyke")]
    assert lines_of(problems) == [5]


def test_duplicate_emails_skip_every_occurrence_and_name_the_other_lines() -> None:
    text = HEADER + "dup@x.com,One,,,,,\nann@x.com,Ann,,,,,\nDUP@x.com,Two,,,,,\ndup@x.com,3,,,,,\n"

    rows, problems = parse_org_csv(text)

    assert [r.email for r in rows] == ["ann@x.com"]
    assert problems == [
        ImportProblem(2, "ambiguous: dup@x.com also on lines 4, 5"),
        ImportProblem(4, "ambiguous: dup@x.com also on lines 2, 5"),
        ImportProblem(5, "ambiguous: dup@x.com also on lines 2, 4"),
    ]


def test_two_rows_with_one_email_name_each_other() -> None:
    _, problems = parse_org_csv(HEADER + "x@y.com,A,,,,,\nann@x.com,Ann,,,,,\nx@y.com,B,,,,,\n")

    assert problems == [
        ImportProblem(2, "ambiguous: x@y.com also on line 4"),
        ImportProblem(4, "ambiguous: x@y.com also on line 2"),
    ]


def test_control_characters_and_line_breaks_in_names_become_single_spaces() -> None:
    rows, problems = parse_org_csv(HEADER + 'ann@x.com,"Ann\x00 \t van\r\nDyke",,,,,\n')

    assert (problems, rows[0].name) == ([], "Ann van Dyke")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(',"\r\n \x00abc@.xyz:/;EuropeLndon09mon-')) | st.text())
def test_any_text_gives_rows_and_problems_and_never_raises(body: str) -> None:
    rows, problems = parse_org_csv(HEADER + body)

    assert all(row.line >= 2 and "@" in row.email for row in rows)
    assert all(problem.line >= 2 and problem.reason for problem in problems)


# -- managers -------------------------------------------------------------------------------


async def test_a_manager_defined_later_in_the_file_than_its_report_is_linked(
    database: Database,
) -> None:
    text = HEADER + "ann@x.com,Ann,boss@x.com,,,,\nboss@x.com,Boss,,,,,\n"

    report = await import_org(database, TENANT, text, now=SEEDED_AT)

    assert report.problems == []
    assert manager_of(await people(database), "ann@x.com") == "boss@x.com"


async def test_a_manager_already_in_the_org_is_linked(database: Database) -> None:
    await import_org(database, TENANT, HEADER + "boss@x.com,Boss,,,,,\n", now=SEEDED_AT)

    report = await import_org(
        database, TENANT, "email,manager_email\nann@x.com,BOSS@x.com\n", now=SEEDED_AT
    )

    assert report.problems == []
    assert manager_of(await people(database), "ann@x.com") == "boss@x.com"


async def test_unknown_manager_is_reported_with_its_line_and_the_person_still_imports(
    database: Database,
) -> None:
    text = HEADER + "boss@x.com,Boss,,,,,\nann@x.com,Ann,nobody@x.com,Eng,,,\n"

    report = await import_org(database, TENANT, text, now=SEEDED_AT)

    assert report.problems == [
        ImportProblem(3, "manager nobody@x.com is not in the file or the org")
    ]
    assert (report.created, report.skipped) == (2, 0)
    everyone = await people(database)
    assert everyone["ann@x.com"].team == "Eng"
    assert manager_of(everyone, "ann@x.com") is None


async def test_unknown_manager_on_reimport_keeps_the_manager_already_set(
    database: Database,
) -> None:
    await import_org(
        database, TENANT, HEADER + "boss@x.com,B,,,,,\nann@x.com,A,boss@x.com,,,,\n", now=SEEDED_AT
    )

    report = await import_org(
        database, TENANT, HEADER + "ann@x.com,A,gone@x.com,,,,\n", now=SEEDED_AT
    )

    assert lines_of(report.problems) == [2]
    assert manager_of(await people(database), "ann@x.com") == "boss@x.com"


async def test_a_person_named_as_their_own_manager_imports_without_that_manager(
    database: Database,
) -> None:
    report = await import_org(
        database, TENANT, HEADER + "ann@x.com,Ann,ANN@x.com,,,,\n", now=SEEDED_AT
    )

    assert report.problems == [
        ImportProblem(2, "ann@x.com can't be their own manager; manager left unchanged")
    ]
    assert report.created == 1
    assert manager_of(await people(database), "ann@x.com") is None


async def test_a_manager_loop_in_the_file_is_reported_on_each_row_and_sets_no_manager(
    database: Database,
) -> None:
    text = HEADER + "a@x.com,A,b@x.com,,,,\nok@x.com,Ok,a@x.com,,,,\nb@x.com,B,a@x.com,,,,\n"

    report = await import_org(database, TENANT, text, now=SEEDED_AT)

    assert report.problems == [
        ImportProblem(2, "manager loop a@x.com → b@x.com → a@x.com; manager left unchanged"),
        ImportProblem(4, "manager loop b@x.com → a@x.com → b@x.com; manager left unchanged"),
    ]
    everyone = await people(database)
    assert manager_of(everyone, "a@x.com") is None
    assert manager_of(everyone, "b@x.com") is None
    assert manager_of(everyone, "ok@x.com") == "a@x.com"


async def test_a_manager_loop_through_people_already_in_the_org_is_reported(
    database: Database,
) -> None:
    await import_org(
        database, TENANT, HEADER + "b@x.com,B,,,,,\na@x.com,A,b@x.com,,,,\n", now=SEEDED_AT
    )

    report = await import_org(database, TENANT, HEADER + "b@x.com,B,a@x.com,,,,\n", now=SEEDED_AT)

    assert lines_of(report.problems) == [2]
    assert "manager loop b@x.com → a@x.com → b@x.com" in report.problems[0].reason
    everyone = await people(database)
    assert manager_of(everyone, "b@x.com") is None
    assert manager_of(everyone, "a@x.com") == "b@x.com"


async def test_undoing_one_loop_that_would_close_another_reports_that_one_too(
    database: Database,
) -> None:
    await import_org(
        database, TENANT, HEADER + "p@x.com,P,,,,,\na@x.com,A,p@x.com,,,,\n", now=SEEDED_AT
    )
    text = HEADER + "a@x.com,A,b@x.com,,,,\nb@x.com,B,a@x.com,,,,\np@x.com,P,a@x.com,,,,\n"

    report = await import_org(database, TENANT, text, now=SEEDED_AT)

    assert lines_of(report.problems) == [2, 3, 4]
    everyone = await people(database)
    assert manager_of(everyone, "a@x.com") == "p@x.com"
    assert manager_of(everyone, "p@x.com") is None


# -- re-import ------------------------------------------------------------------------------


async def test_reimport_updates_managers_and_teams_and_deletes_no_one(database: Database) -> None:
    await import_org(database, TENANT, (DATA / "org.csv").read_text(), now=SEEDED_AT)
    before = await people(database)
    text = (
        "email,name,manager_email,team\n"
        "alan@example.com,Alan Turing,katherine@example.com,Flight\n"
        "grace@example.com,Grace Hopper,,Leadership\n"
    )

    report = await import_org(database, TENANT, text, now=SEEDED_AT)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    after = await people(database)
    assert set(after) == set(before)
    assert after["alan@example.com"].id == before["alan@example.com"].id
    assert after["alan@example.com"].team == "Flight"
    assert manager_of(after, "alan@example.com") == "katherine@example.com"
    # Columns not in this file (timezone, days, time) stay as they were.
    assert after["alan@example.com"].timezone == "Europe/London"
    assert after["alan@example.com"].checkin_days == "mon,thu"


async def test_an_empty_cell_clears_the_field_but_an_empty_name_keeps_the_name(
    database: Database,
) -> None:
    text = HEADER + "b@x.com,B,,,,,\na@x.com,A,b@x.com,Eng,UTC,mon,09:00\n"
    await import_org(database, TENANT, text, now=SEEDED_AT)

    await import_org(database, TENANT, HEADER + "a@x.com,,,,,,\n", now=SEEDED_AT)

    ann = (await people(database))["a@x.com"]
    assert (ann.name, ann.manager_id, ann.team, ann.timezone) == ("A", None, None, None)
    assert (ann.checkin_days, ann.checkin_time) == (None, None)


async def test_reimporting_the_same_file_changes_nothing(database: Database) -> None:
    text = (DATA / "org.csv").read_text()
    await import_org(database, TENANT, text, now=SEEDED_AT)

    report = await import_org(database, TENANT, text, now=SEEDED_AT)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)


# -- good rows despite bad ones, the report ---------------------------------------------------


async def test_good_rows_import_despite_bad_ones_and_the_report_says_so(
    database: Database,
) -> None:
    await import_org(database, TENANT, HEADER + "old@x.com,Old,,,,,\n", now=SEEDED_AT)
    text = (
        HEADER
        + "old@x.com,Old Timer,,,,,\n"
        + "new@x.com,New,nobody@x.com,,,,\n"
        + "bad,Bad,,,,,\n"
        + "tz@x.com,Tz,,,Nowhere/Land,,\n"
        + "new2@x.com,New Two,old@x.com,,,,\n"
    )

    report = await import_org(database, TENANT, text, now=SEEDED_AT)

    assert set(await people(database)) == {"old@x.com", "new@x.com", "new2@x.com"}
    assert report == ImportReport(2, 1, 0, report.problems, skipped=2)
    assert report.lines() == [
        "line 3: manager nobody@x.com is not in the file or the org",
        "line 4: email: “bad” is not an email address",
        "line 5: timezone: “Nowhere/Land” is not a time zone; use a name like Europe/Berlin.",
        "imported 3 rows: 2 created, 1 updated, 0 unchanged; 2 rows skipped",
    ]


async def test_a_file_without_an_email_column_imports_nothing(database: Database) -> None:
    report = await import_org(database, TENANT, "name\nAnn\n", now=SEEDED_AT)

    assert report.lines() == [
        "line 1: the header has no email column",
        "imported 0 rows: 0 created, 0 updated, 0 unchanged; 0 rows skipped",
    ]
    assert await people(database) == {}


# -- tenants --------------------------------------------------------------------------------


async def test_the_same_emails_in_two_tenants_stay_separate(database: Database) -> None:
    await import_org(
        database, TENANT, HEADER + "b@x.com,Boss,,Eng,,,\na@x.com,A,b@x.com,,,,\n", now=SEEDED_AT
    )

    report = await import_org(
        database, OTHER, HEADER + "a@x.com,A elsewhere,b@x.com,Ops,,,\n", now=SEEDED_AT
    )

    assert report.created == 1
    assert lines_of(report.problems) == [2]  # b@x.com is in the other tenant only
    here, there = await people(database), await people(database, OTHER)
    assert set(there) == {"a@x.com"}
    assert there["a@x.com"].id != here["a@x.com"].id
    assert (here["a@x.com"].name, there["a@x.com"].name) == ("A", "A elsewhere")
    assert manager_of(here, "a@x.com") == "b@x.com"
    assert there["a@x.com"].manager_id is None


# -- a full (HRIS) import: the file is the whole org ---------------------------------------------


async def alans_run(database: Database) -> CheckinRun:
    """A check-in of Alan's, submitted under his first manager."""
    alan = (await people(database))["alan@example.com"]
    start = datetime(2026, 11, 20, 15, tzinfo=UTC)
    run = CheckinRun(
        tenant_id=TENANT, person_id=alan.id or 0, period_label="2026-11-20",
        period_start=start, period_end=start + timedelta(weeks=1), status="submitted",
    )  # fmt: skip
    async with database.session() as session:
        session.add(run)
    return run


async def test_a_full_import_makes_people_not_in_the_file_inactive_and_keeps_their_history(
    database: Database,
) -> None:
    await import_org(database, TENANT, (DATA / "org.csv").read_text(), now=SEEDED_AT)
    run = await alans_run(database)
    text = (
        "email,name,manager_email,team\n"
        "grace@example.com,Grace Hopper,,Leadership\n"
        "katherine@example.com,Katherine Johnson,grace@example.com,Flight\n"
        "ada@example.com,Ada Lovelace,katherine@example.com,Flight\n"
    )

    report = await import_org(database, TENANT, text, full=True, now=SEEDED_AT)

    assert report.left == ["alan@example.com"]
    assert "1 person not in the file now inactive" in report.lines()[-1]
    everyone = await people(database)
    assert not everyone["alan@example.com"].active
    assert all(p.active for e, p in everyone.items() if e != "alan@example.com")
    assert manager_of(everyone, "ada@example.com") == "katherine@example.com"
    async with database.session() as session:
        kept = (await session.exec(select(CheckinRun))).one()
    assert (kept.id, kept.person_id, kept.status) == (run.id, run.person_id, "submitted")


async def test_someone_back_in_a_later_file_is_active_again(database: Database) -> None:
    text = (DATA / "org.csv").read_text()
    await import_org(database, TENANT, text, now=SEEDED_AT)
    without_alan = "\n".join(line for line in text.splitlines() if not line.startswith("alan@"))
    without_alan = without_alan.replace("alan@example.com", "grace@example.com") + "\n"
    assert (await import_org(database, TENANT, without_alan, full=True, now=SEEDED_AT)).left == [
        "alan@example.com"
    ]

    report = await import_org(database, TENANT, text, full=True, now=SEEDED_AT)

    assert report.left == [] and report.updated >= 1
    assert (await people(database))["alan@example.com"].active


async def test_a_plain_import_of_part_of_the_org_makes_no_one_inactive(
    database: Database,
) -> None:
    await import_org(database, TENANT, (DATA / "org.csv").read_text(), now=SEEDED_AT)
    report = await import_org(
        database, TENANT, HEADER + "grace@example.com,Grace,,,,,\n", now=SEEDED_AT
    )
    assert report.left == []
    assert all(p.active for p in (await people(database)).values())


@pytest.mark.parametrize(
    "text",
    [
        HEADER,  # no one
        HEADER + "grace@example.com,Grace,,,,,\nnot-an-email,Bad,,,,,\n",  # a skipped row
    ],
)
async def test_a_full_import_it_could_not_read_whole_makes_no_one_inactive(
    database: Database, text: str
) -> None:
    await import_org(database, TENANT, (DATA / "org.csv").read_text(), now=SEEDED_AT)

    report = await import_org(database, TENANT, text, full=True, now=SEEDED_AT)

    assert report.left == [] and report.kept_all is not None
    assert report.lines()[-1].startswith("nobody was made inactive")
    assert all(p.active for p in (await people(database)).values())


async def test_a_country_column_says_whose_public_holidays_someone_has(database: Database) -> None:
    csv = "email,name,timezone,country\nana@x.com,Ana,Europe/Berlin,es\nben@x.com,Ben,UTC,\n"
    csv += "cy@x.com,Cy,UTC,Germany\n"
    report = await import_org(database, TENANT, csv, now=SEEDED_AT)
    assert [(p.line, p.reason) for p in report.problems] == [
        (4, "country: “Germany” is not a country: use its two-letter ISO code, like DE or US")
    ]
    everyone = await people(database)
    assert everyone["ana@x.com"].country == "ES"
    assert everyone["ben@x.com"].country is None
    again = "email,name\nana@x.com,Ana\n"  # a file without the column leaves it alone
    await import_org(database, TENANT, again, now=SEEDED_AT)
    assert (await people(database))["ana@x.com"].country == "ES"
