"""Goals import (SPEC 2.1): CSV and YAML, validation with exact lines, history, tenants."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event
from sqlmodel import select

from bot.imports.goals_file import KeyResultRow, parse_goals
from bot.imports.goals_import import import_goals
from bot.imports.org_import import import_org
from bot.imports.rows import ImportProblem
from storage.db import Database
from storage.models import KeyResult, KeyResultChange, Objective, Person
from storage.repository import Store
from tests.seeded import SEEDED_AT

TENANT = "slack:T1"
OTHER = "slack:T2"
DATA = Path(__file__).parent / "data"
KR_HEADER = (
    "objective_id,objective,period,owner_email,parent_id,"
    "kr_id,key_result,metric,start,target,current,confidence\n"
)


@pytest.fixture
async def database(sqlite_db: Database) -> Database:
    await import_org(sqlite_db, TENANT, (DATA / "org.csv").read_text(), now=SEEDED_AT)
    return sqlite_db


Stored = tuple[
    dict[str, Objective], dict[str, KeyResult], list[KeyResultChange], dict[int | None, str]
]


async def stored(database: Database, tenant: str = TENANT) -> Stored:
    """The tenant's objectives and key results by key, its history, and every person as
    email@tenant by id (so a test can see which tenant an owner belongs to)."""
    async with database.session() as session:
        objectives = (
            await session.exec(select(Objective).where(Objective.tenant_id == tenant))
        ).all()
        krs = (await session.exec(select(KeyResult).where(KeyResult.tenant_id == tenant))).all()
        history = select(KeyResultChange).where(KeyResultChange.tenant_id == tenant)
        changes = (await session.exec(history)).all()
        people = (await session.exec(select(Person))).all()
    emails = {person.id: f"{person.email}@{person.tenant_id}" for person in people}
    return {o.key: o for o in objectives}, {k.key: k for k in krs}, list(changes), emails


def yaml_goals(*objectives: str, period: str = "period: 2026-Q4\n") -> str:
    return period + "objectives:\n" + "".join(objectives)


def problem_lines(problems: list[ImportProblem]) -> list[int]:
    return [problem.line for problem in problems]


# -- clean files ----------------------------------------------------------------------------


async def test_a_clean_yaml_file_imports_objectives_key_results_owners_and_parents(
    database: Database,
) -> None:
    report = await import_goals(
        database, TENANT, (DATA / "goals.yaml").read_text(), "goals.yaml", now=SEEDED_AT
    )

    assert report.problems == []
    assert (report.created, report.updated, report.unchanged) == (6, 0, 0)
    objectives, krs, _, emails = await stored(database)
    grow, platform = objectives["grow"], objectives["platform"]
    assert (grow.title, grow.period, grow.level) == ("Grow the user base", "2026-Q4", "company")
    assert emails[grow.owner_id] == f"grace@example.com@{TENANT}"
    assert (platform.parent_id, platform.team, platform.level) == (grow.id, "Engineering", "team")
    signups = krs["signups"]
    assert (signups.start, signups.target, signups.current) == (100, 400, 150)
    assert signups.confidence == 7
    assert (signups.unit, signups.objective_id) == ("signups", grow.id)
    assert emails[signups.owner_id] == f"alan@example.com@{TENANT}"
    # No owner given: the objective's owner owns the key result; no id given: one is derived.
    nps = krs["grow/net-promoter-score"]
    assert (nps.owner_id, nps.weight, nps.current) == (grow.owner_id, 2.0, None)
    assert (krs["uptime"].kind, krs["uptime"].current) == ("percent", 99.5)


async def test_a_clean_csv_file_imports_the_same_goals_as_the_yaml_file(
    database: Database,
) -> None:
    await import_goals(
        database, OTHER, (DATA / "goals.yaml").read_text(), "goals.yaml", now=SEEDED_AT
    )
    await import_org(database, OTHER, (DATA / "org.csv").read_text(), now=SEEDED_AT)
    await import_goals(
        database, OTHER, (DATA / "goals.yaml").read_text(), "goals.yaml", now=SEEDED_AT
    )

    report = await import_goals(
        database, TENANT, (DATA / "goals.csv").read_text(), "goals.csv", now=SEEDED_AT
    )

    assert report.problems == []
    assert (report.created, report.updated, report.unchanged) == (6, 0, 0)

    def shape(o: Objective | KeyResult, emails: dict[int | None, str]) -> tuple[object, ...]:
        owner = emails.get(o.owner_id, "").rsplit("@", 1)[0]
        fields = [k for k in type(o).model_fields if k not in ("id", "tenant_id", "owner_id")]
        return (owner, *(getattr(o, k) for k in fields if "_at" not in k and "_id" not in k))

    csv_objectives, csv_krs, _, emails = await stored(database)
    yaml_objectives, yaml_krs, _, other_emails = await stored(database, OTHER)
    assert {k: shape(o, emails) for k, o in csv_objectives.items()} == {
        k: shape(o, other_emails) for k, o in yaml_objectives.items()
    }
    assert {k: shape(kr, emails) for k, kr in csv_krs.items()} == {
        k: shape(kr, other_emails) for k, kr in yaml_krs.items()
    }


async def test_a_binary_key_result_takes_yes_or_no_and_runs_from_0_to_1(
    database: Database,
) -> None:
    text = yaml_goals(
        "  - id: ship\n    title: Ship\n    key_results:\n"
        "      - {title: Launch, metric: yes/no, current: yes}\n"
        "      - {title: Docs, metric: binary, start: 5, target: 5}\n"
        "      - {title: Demo, metric: binary, current: maybe}\n"
    )

    report = await import_goals(database, TENANT, text, "g.yml", now=SEEDED_AT)

    assert report.problems == [ImportProblem(8, "current: “maybe” is not yes or no")]
    _, krs, _, _ = await stored(database)
    launch, docs = krs["ship/launch"], krs["ship/docs"]
    assert (launch.kind, launch.start, launch.target, launch.current) == ("binary", 0, 1, 1)
    assert (docs.start, docs.target, docs.current) == (0, 1, None)


# -- history --------------------------------------------------------------------------------


async def test_a_new_key_result_with_a_value_gets_import_history_rows(database: Database) -> None:
    await import_goals(
        database, TENANT, (DATA / "goals.yaml").read_text(), "goals.yaml", now=SEEDED_AT
    )

    _, krs, changes, _ = await stored(database)

    signups = [c for c in changes if c.key_result_id == krs["signups"].id]
    assert sorted((c.field, c.old_value, c.new_value, c.source) for c in signups) == [
        ("confidence", None, 7, "import"),
        ("value", None, 150, "import"),
    ]
    assert all(c.source == "import" and c.author_id is None for c in changes)
    # A key result without a value or a confidence has no history yet.
    assert not [c for c in changes if c.key_result_id == krs["grow/net-promoter-score"].id]


async def test_reimport_with_new_values_adds_history_and_keeps_the_old_rows(
    database: Database,
) -> None:
    original = (DATA / "goals.yaml").read_text()
    await import_goals(database, TENANT, original, "goals.yaml", now=SEEDED_AT)
    changed = original.replace("current: 150", "current: 220")
    changed = changed.replace("confidence: 7", "confidence: 4")

    report = await import_goals(database, TENANT, changed, "goals.yaml", now=SEEDED_AT)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 5)
    _, krs, changes, _ = await stored(database)
    signups = sorted(
        [
            (c.field, c.old_value, c.new_value)
            for c in changes
            if c.key_result_id == krs["signups"].id
        ],
        key=lambda change: (change[0], change[1] is not None),
    )
    assert signups == [
        ("confidence", None, 7),
        ("confidence", 7, 4),
        ("value", None, 150),
        ("value", 150, 220),
    ]
    assert (krs["signups"].current, krs["signups"].confidence) == (220, 4)


async def test_reimporting_the_same_file_changes_nothing_and_adds_no_history(
    database: Database,
) -> None:
    text = (DATA / "goals.csv").read_text()
    await import_goals(database, TENANT, text, "goals.csv", now=SEEDED_AT)
    _, _, before, _ = await stored(database)

    report = await import_goals(database, TENANT, text, "goals.csv", now=SEEDED_AT)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 6)
    assert len((await stored(database))[2]) == len(before)


async def test_reimport_updates_titles_owners_and_parents_in_place(database: Database) -> None:
    await import_goals(
        database, TENANT, (DATA / "goals.yaml").read_text(), "goals.yaml", now=SEEDED_AT
    )
    objectives, krs, _, _ = await stored(database)
    text = yaml_goals(
        "  - id: platform\n    title: Trusted platform\n    owner: ada@example.com\n"
        "    key_results:\n      - {id: uptime, title: Uptime %, metric: percent, start: 99,"
        " target: 99.99, owner: katherine@example.com}\n"
    )

    report = await import_goals(database, TENANT, text, "g.yaml", now=SEEDED_AT)

    assert (report.created, report.updated, report.problems) == (0, 2, [])
    after_objectives, after_krs, _, emails = await stored(database)
    platform = after_objectives["platform"]
    assert (platform.id, platform.title, platform.parent_id) == (
        objectives["platform"].id, "Trusted platform", None,
    )  # fmt: skip
    assert emails[platform.owner_id].startswith("ada@")
    assert after_krs["uptime"].id == krs["uptime"].id
    assert (after_krs["uptime"].target, after_krs["uptime"].current) == (99.99, 99.5)
    assert emails[after_krs["uptime"].owner_id].startswith("katherine@")
    assert set(after_krs) == set(krs)  # nothing deleted


# -- re-imports and check-ins ---------------------------------------------------------------


async def checkin(
    database: Database, key: str, *, value: float | None = None, confidence: int | None = None
) -> None:
    """What a check-in does to a key result: a value and/or confidence with its history row."""
    async with database.session() as session:
        statement = select(KeyResult).where(KeyResult.tenant_id == TENANT, KeyResult.key == key)
        kr = (await session.exec(statement)).one()
        await Store(session).change_key_result(
            kr, value=value, confidence=confidence,
            author_id=None, run_id=None, source="checkin", when=SEEDED_AT,
        )  # fmt: skip


def history(changes: list[KeyResultChange], kr: KeyResult) -> list[tuple[object, ...]]:
    ordered = sorted((c for c in changes if c.key_result_id == kr.id), key=lambda c: c.id or 0)
    return [(c.field, c.old_value, c.new_value, c.source) for c in ordered]


async def test_reimporting_an_unedited_file_keeps_the_value_a_checkin_set(
    database: Database,
) -> None:
    text = (DATA / "goals.yaml").read_text()
    await import_goals(database, TENANT, text, "goals.yaml", now=SEEDED_AT)
    await checkin(database, "signups", value=400)
    _, _, before, _ = await stored(database)

    report = await import_goals(database, TENANT, text, "goals.yaml", now=SEEDED_AT)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 6)
    _, krs, changes, _ = await stored(database)
    assert (krs["signups"].current, krs["signups"].confidence) == (400, 7)
    assert len(changes) == len(before)


async def test_a_value_edited_in_the_file_replaces_the_checkin_value_with_history(
    database: Database,
) -> None:
    text = (DATA / "goals.yaml").read_text()
    await import_goals(database, TENANT, text, "goals.yaml", now=SEEDED_AT)
    await checkin(database, "signups", value=400)
    await import_goals(database, TENANT, text, "goals.yaml", now=SEEDED_AT)

    edited = text.replace("current: 150", "current: 450")
    report = await import_goals(database, TENANT, edited, "goals.yaml", now=SEEDED_AT)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 5)
    _, krs, changes, _ = await stored(database)
    assert krs["signups"].current == 450
    assert history(changes, krs["signups"]) == [
        ("value", None, 150, "import"),
        ("confidence", None, 7, "import"),
        ("value", 150, 400, "checkin"),
        ("value", 400, 450, "import"),
    ]


async def test_a_file_edited_to_the_current_value_goes_stale_like_any_other(
    database: Database,
) -> None:
    text = (DATA / "goals.yaml").read_text()
    await import_goals(database, TENANT, text, "goals.yaml", now=SEEDED_AT)
    await checkin(database, "signups", value=400)
    caught_up = text.replace("current: 150", "current: 400")
    await import_goals(
        database, TENANT, caught_up, "goals.yaml", now=SEEDED_AT
    )  # agrees: nothing to change
    await checkin(database, "signups", value=500)

    await import_goals(
        database, TENANT, caught_up, "goals.yaml", now=SEEDED_AT
    )  # the same file again

    _, krs, _, _ = await stored(database)
    assert krs["signups"].current == 500


async def test_reimporting_an_unedited_file_keeps_the_confidence_a_checkin_set(
    database: Database,
) -> None:
    text = (DATA / "goals.csv").read_text()
    await import_goals(database, TENANT, text, "goals.csv", now=SEEDED_AT)
    await checkin(database, "uptime", confidence=3)
    _, _, before, _ = await stored(database)

    report = await import_goals(database, TENANT, text, "goals.csv", now=SEEDED_AT)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 6)
    _, krs, changes, _ = await stored(database)
    assert (krs["uptime"].current, krs["uptime"].confidence) == (99.5, 3)
    assert len(changes) == len(before)


async def test_a_confidence_edited_in_the_file_replaces_the_checkin_confidence_with_history(
    database: Database,
) -> None:
    text = (DATA / "goals.csv").read_text()
    await import_goals(database, TENANT, text, "goals.csv", now=SEEDED_AT)
    await checkin(database, "uptime", value=99.7, confidence=3)
    await import_goals(database, TENANT, text, "goals.csv", now=SEEDED_AT)

    edited = text.replace("99.5,,,8", "99.5,,,9")
    report = await import_goals(database, TENANT, edited, "goals.csv", now=SEEDED_AT)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 5)
    _, krs, changes, _ = await stored(database)
    # Only the edited number moves: the check-in's value stays.
    assert (krs["uptime"].current, krs["uptime"].confidence) == (99.7, 9)
    assert history(changes, krs["uptime"])[-1] == ("confidence", 3, 9, "import")


async def test_a_value_no_import_has_set_yet_comes_from_the_file(database: Database) -> None:
    text = (DATA / "goals.yaml").read_text()
    await import_goals(database, TENANT, text, "goals.yaml", now=SEEDED_AT)
    await checkin(database, "grow/net-promoter-score", value=30)

    given = text.replace("start: 20\n", "start: 20\n        current: 35\n")
    report = await import_goals(database, TENANT, given, "goals.yaml", now=SEEDED_AT)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 5)
    _, krs, changes, _ = await stored(database)
    nps = krs["grow/net-promoter-score"]
    assert nps.current == 35
    assert history(changes, nps) == [("value", None, 30, "checkin"), ("value", 30, 35, "import")]


async def test_a_new_key_result_in_a_reimport_gets_its_history_rows(database: Database) -> None:
    text = (DATA / "goals.yaml").read_text()
    await import_goals(database, TENANT, text, "goals.yaml", now=SEEDED_AT)
    await checkin(database, "signups", value=400)

    added = text + "      - {id: latency, title: Latency, start: 900, target: 300, current: 700}\n"
    report = await import_goals(database, TENANT, added, "goals.yaml", now=SEEDED_AT)

    assert (report.created, report.updated, report.unchanged) == (1, 0, 6)
    _, krs, changes, _ = await stored(database)
    assert krs["latency"].current == 700
    assert history(changes, krs["latency"]) == [("value", None, 700, "import")]
    assert krs["signups"].current == 400


async def test_a_reimport_reads_the_import_history_in_one_query_whatever_the_file_size(
    database: Database,
) -> None:
    def goals(count: int) -> str:
        krs = "".join(
            f"      - {{id: k{i}, title: K{i}, target: 10, current: {i}, confidence: 5}}\n"
            for i in range(count)
        )
        return yaml_goals(f"  - id: o{count}\n    title: O\n    key_results:\n{krs}")

    async def selects_in_reimport(text: str) -> int:
        await import_goals(database, TENANT, text, "g.yaml", now=SEEDED_AT)
        statements: list[str] = []

        def record(*args: object) -> None:
            statements.append(str(args[2]))  # (connection, cursor, statement, ...)

        event.listen(database.engine.sync_engine, "before_cursor_execute", record)
        try:
            await import_goals(database, TENANT, text, "g.yaml", now=SEEDED_AT)
        finally:
            event.remove(database.engine.sync_engine, "before_cursor_execute", record)
        return sum(s.lstrip().upper().startswith("SELECT") for s in statements)

    assert await selects_in_reimport(goals(2)) == await selects_in_reimport(goals(30))


# -- owners, parents, tenants -----------------------------------------------------------------


async def test_an_unknown_owner_skips_that_row_and_its_key_results(database: Database) -> None:
    text = yaml_goals(
        "  - id: a\n    title: A\n    owner: nobody@example.com\n"
        "    key_results:\n      - {title: K1, target: 10}\n"
        "  - id: b\n    title: B\n"
        "    key_results:\n"
        "      - {title: K2, target: 10, owner: ghost@example.com}\n"
        "      - {title: K3, target: 10}\n"
    )

    report = await import_goals(database, TENANT, text, "g.yaml", now=SEEDED_AT)

    assert report.problems == [
        ImportProblem(3, "owner nobody@example.com is not in the org"),
        ImportProblem(7, "key result skipped: objective a was not imported"),
        ImportProblem(11, "owner ghost@example.com is not in the org"),
    ]
    objectives, krs, _, _ = await stored(database)
    assert (set(objectives), set(krs)) == ({"b"}, {"b/k3"})
    assert (report.created, report.skipped) == (2, 3)


async def test_a_goals_import_cannot_use_an_owner_from_another_tenant(database: Database) -> None:
    text = yaml_goals("  - id: a\n    title: A\n    owner: grace@example.com\n")

    report = await import_goals(database, OTHER, text, "g.yaml", now=SEEDED_AT)

    assert report.problems == [ImportProblem(3, "owner grace@example.com is not in the org")]
    assert (await stored(database, OTHER))[0] == {}


async def test_goals_with_the_same_keys_in_two_tenants_stay_separate(database: Database) -> None:
    await import_org(database, OTHER, "email,name\ngrace@example.com,Other Grace\n", now=SEEDED_AT)
    await import_goals(
        database, TENANT, (DATA / "goals.yaml").read_text(), "goals.yaml", now=SEEDED_AT
    )
    text = yaml_goals(
        "  - id: grow\n    title: Other growth\n    owner: grace@example.com\n"
        "    key_results:\n      - {id: signups, title: Signups, target: 9, current: 1}\n"
    )

    report = await import_goals(database, OTHER, text, "g.yaml", now=SEEDED_AT)

    assert (report.created, report.updated) == (2, 0)
    mine, my_krs, my_changes, _ = await stored(database)
    theirs, their_krs, their_changes, emails = await stored(database, OTHER)
    assert (mine["grow"].title, theirs["grow"].title) == ("Grow the user base", "Other growth")
    assert mine["grow"].id != theirs["grow"].id
    assert emails[theirs["grow"].owner_id] == f"grace@example.com@{OTHER}"
    assert (my_krs["signups"].current, their_krs["signups"].current) == (150, 1)
    assert len(their_changes) == 1 and len(my_changes) == 5


async def test_a_parent_already_in_the_org_is_linked(database: Database) -> None:
    await import_goals(
        database, TENANT, (DATA / "goals.yaml").read_text(), "goals.yaml", now=SEEDED_AT
    )
    text = yaml_goals("  - id: child\n    title: Child\n    parent: grow\n")

    report = await import_goals(database, TENANT, text, "g.yaml", now=SEEDED_AT)

    objectives, _, _, _ = await stored(database)
    assert (report.problems, objectives["child"].parent_id) == ([], objectives["grow"].id)


async def test_a_parent_in_neither_the_file_nor_the_org_skips_the_objective_and_its_children(
    database: Database,
) -> None:
    text = yaml_goals(
        "  - id: a\n    title: A\n    parent: nowhere\n"
        "  - id: b\n    title: B\n    parent: a\n"
        "  - id: c\n    title: C\n"
    )

    report = await import_goals(database, TENANT, text, "g.yaml", now=SEEDED_AT)

    assert report.problems == [
        ImportProblem(3, "parent nowhere is not in the file or the org's goals"),
        ImportProblem(6, "parent a is not in the file or the org's goals"),
    ]
    assert set((await stored(database))[0]) == {"c"}


async def test_a_parent_from_another_tenant_is_not_found(database: Database) -> None:
    await import_goals(
        database, OTHER, yaml_goals("  - {id: theirs, title: T}\n"), "g.yaml", now=SEEDED_AT
    )
    text = yaml_goals("  - {id: a, title: A, parent: theirs}\n")

    report = await import_goals(database, TENANT, text, "g.yaml", now=SEEDED_AT)

    assert problem_lines(report.problems) == [3]


async def test_a_parent_loop_through_stored_goals_is_reported_and_skipped(
    database: Database,
) -> None:
    first = yaml_goals("  - {id: a, title: A}\n  - {id: b, title: B, parent: a}\n")
    await import_goals(database, TENANT, first, "g.yaml", now=SEEDED_AT)

    second = yaml_goals("  - {id: a, title: A, parent: b}\n")

    report = await import_goals(database, TENANT, second, "g.yaml", now=SEEDED_AT)

    assert report.problems == [ImportProblem(3, "objective a is in a parent loop: a → b → a")]
    objectives, _, _, _ = await stored(database)
    assert objectives["a"].parent_id is None


async def test_a_csv_row_with_only_an_objective_id_adds_a_key_result_to_a_stored_objective(
    database: Database,
) -> None:
    await import_goals(
        database, TENANT, (DATA / "goals.yaml").read_text(), "goals.yaml", now=SEEDED_AT
    )
    text = KR_HEADER + "grow,,,,,,Revenue,currency,0,1000,,\nghost,,,,,,Nope,,0,1,,\n"

    report = await import_goals(database, TENANT, text, "more.csv", now=SEEDED_AT)

    assert report.problems == [
        ImportProblem(3, "objective ghost is not in the file or the org's goals")
    ]
    objectives, krs, _, _ = await stored(database)
    assert krs["grow/revenue"].objective_id == objectives["grow"].id
    assert krs["grow/revenue"].owner_id == objectives["grow"].owner_id


async def test_good_rows_import_despite_bad_ones(database: Database) -> None:
    text = (
        KR_HEADER
        + "a,A,2026-Q4,,,,Good one,,0,10,5,\n"
        + "a,A,2026-Q4,,,,Bad one,,0,nan,,\n"
        + "b,,2026-Q4,,,,Orphan,,0,10,,\n"
        + "c,C,2026-Q4,,,,Fine,,0,10,,11\n"
        + "d,D,2026-Q4,,,,Fine too,percent,0,100,50,9\n"
    )

    report = await import_goals(database, TENANT, text, "g.csv", now=SEEDED_AT)

    objectives, krs, _, _ = await stored(database)
    assert set(objectives) == {"a", "c", "d"}
    assert set(krs) == {"a/good-one", "d/fine-too"}
    assert report.lines() == [
        "line 3: target: “nan” is not a usable number (too large, infinite or NaN)",
        "line 4: objective title is missing",
        "line 5: confidence: “11” is not from 1 to 10",
        "imported 5 goals: 5 created, 0 updated, 0 unchanged; 2 rows skipped",
    ]


# -- parsing: every rule with its line ------------------------------------------------------

FIRST_KR, LAST_KR = "      - {title: First, target: 10}\n", "      - {title: Last, target: 10}\n"


@pytest.mark.parametrize(
    ("key_result", "reason"),
    [
        ("{title: K, target: .nan}", "target: “.nan” is not a number"),
        ("{title: K, target: .inf}", "target: “.inf” is not a number"),
        ("{title: K, target: 1e309}", "target: “1e309” is not a usable number"),
        ("{title: K, target: -1.0e+309}", "target: “-1.0e+309” is not a usable number"),
        ("{title: K, target: 10, current: NaN}", "current: “NaN” is not a usable number"),
        ("{title: K, target: ten}", "target: “ten” is not a number"),
        ("{title: K, start: 5}", "target is missing"),
        ("{title: K, start: 5, target: 5}", "start and target are both 5; progress needs a"),
        ("{title: K, target: 10, metric: vibes}", "metric: “vibes” is not one of number, percent"),
        ("{title: K, target: 10, confidence: 11}", "confidence: “11” is not from 1 to 10"),
        ("{title: K, target: 10, confidence: 0}", "confidence: “0” is not from 1 to 10"),
        ("{title: K, target: 10, confidence: 7.5}", "confidence: “7.5” is not a whole number"),
        ("{title: K, target: 10, weight: 0}", "weight: must be more than 0"),
        ("{title: K, target: 10, weight: -2}", "weight: must be more than 0"),
        ("{title: K, target: 100, metric: percent, current: 120}", "current 120% is over 100%"),
        ("{title: K, target: 50, metric: percent, start: -5}", "a percent can't be negative"),
        ("{target: 10}", "key result title is missing"),
        ("{title: '" + "x" * 501 + "', target: 10}", "key result title: over 500 characters"),
        ("{title: K, target: 10, owner: nobody}", "key result owner: “nobody” is not an email"),
        ("{id: 'has space', title: K, target: 10}", "key result id: “has space” is not a usable"),
        ("{title: K, target: 10, unit: " + "u" * 41 + "}", "unit: over 40 characters"),
        ("{title: [a, b], target: 10}", "title must be a single value"),
        ("just text", "expected a mapping of field: value"),
    ],
)
def test_each_bad_key_result_in_yaml_is_reported_on_its_own_line(
    key_result: str, reason: str
) -> None:
    header = "  - id: o\n    title: O\n    key_results:\n"
    text = yaml_goals(header + FIRST_KR + f"      - {key_result}\n" + LAST_KR)

    objectives, krs, problems = parse_goals(text, "g.yaml")

    assert [o.key for o in objectives] == ["o"]
    assert set(problem_lines(problems)) == {7}
    assert problems[0].reason.startswith(reason)
    if reason != "title must be a single value":
        assert [kr.line for kr in krs] == [6, 8]


@pytest.mark.parametrize(
    ("objective", "reason"),
    [
        ("{title: O}", "objective id is missing"),
        ("{id: o}", "objective title is missing"),
        ("{id: o, title: '" + "t" * 501 + "'}", "objective title: over 500 characters"),
        ("{id: o, title: O, level: galaxy}", "level: “galaxy” is not one of company, team, person"),
        ("{id: o, title: O, owner: 'not an email'}", "owner: “not an email” is not an email"),
        ("{id: o, title: O, weight: .inf}", "weight: “.inf” is not a number"),
        ("{id: o, title: O, weight: 1e999}", "weight: “1e999” is not a usable number"),
        ("{id: o, title: O, parent: 'bad id!'}", "parent: “bad id!” is not a usable id"),
        ("{id: o, title: O, period: ''}", ""),
    ],
)
def test_each_bad_objective_in_yaml_is_reported_on_its_own_line(
    objective: str, reason: str
) -> None:
    text = yaml_goals(
        f"  - {{id: first, title: First}}\n  - {objective}\n  - {{id: last, title: L}}\n"
    )

    objectives, _, problems = parse_goals(text, "g.yaml")

    if not reason:  # an empty period falls back to the file's default
        assert problems == [] and objectives[1].period == "2026-Q4"
        return
    assert [o.key for o in objectives] == ["first", "last"]
    assert problem_lines(problems) == [4]
    assert problems[0].reason.startswith(reason)


def test_a_period_is_required_when_the_file_has_no_default() -> None:
    text = yaml_goals("  - {id: a, title: A, period: 2027-Q1}\n  - {id: b, title: B}\n", period="")

    objectives, _, problems = parse_goals(text, "g.yaml")

    assert [(o.key, o.period) for o in objectives] == [("a", "2027-Q1")]
    assert problems == [ImportProblem(3, "period is missing")]


def test_key_results_of_a_bad_objective_are_reported_on_their_own_lines() -> None:
    text = yaml_goals(
        "  - id: o\n    key_results:\n"
        "      - {title: K1, target: 1}\n      - {title: K2, target: 2}\n"
    )

    _, krs, problems = parse_goals(text, "g.yaml")

    assert krs == []
    assert problems == [
        ImportProblem(3, "objective title is missing"),
        ImportProblem(5, "key result skipped: objective o was not imported"),
        ImportProblem(6, "key result skipped: objective o was not imported"),
    ]


def test_a_percent_target_past_100_lifts_the_ceiling() -> None:
    text = yaml_goals(
        "  - id: o\n    title: O\n    key_results:\n"
        "      - {title: K, metric: percent, start: 100, target: 150, current: 130}\n"
    )

    _, krs, problems = parse_goals(text, "g.yaml")

    assert problems == [] and krs[0].current == 130


def test_yaml_numbers_written_as_text_and_big_exponents_are_judged_alike() -> None:
    text = yaml_goals(
        "  - id: o\n    title: O\n    key_results:\n"
        "      - {title: A, target: '1e3', current: '250'}\n"
        "      - {title: B, target: 1.0e+3}\n"
    )

    _, krs, problems = parse_goals(text, "g.yaml")

    assert problems == []
    assert [(kr.target, kr.current) for kr in krs] == [(1000, 250), (1000, None)]


def test_duplicate_objective_ids_with_different_definitions_report_the_later_line() -> None:
    text = yaml_goals(
        "  - id: o\n    title: O\n    key_results: [{title: K1, target: 1}]\n"
        "  - id: o\n    title: O\n    key_results: [{title: K2, target: 1}]\n"
        "  - id: o\n    title: Oh\n    key_results: [{title: K3, target: 1}]\n"
    )

    objectives, krs, problems = parse_goals(text, "g.yaml")

    assert [(o.line, o.title) for o in objectives] == [(3, "O")]
    assert [kr.key for kr in krs] == ["o/k1", "o/k2"]
    assert problems == [
        ImportProblem(9, "objective o is defined differently on line 3"),
        ImportProblem(11, "key result skipped: objective o was not imported"),
    ]


def test_duplicate_key_result_ids_are_ambiguous_on_every_line() -> None:
    text = yaml_goals(
        "  - id: o\n    title: O\n    key_results:\n"
        "      - {title: Signups, target: 1}\n      - {id: other, title: X, target: 1}\n"
        "      - {title: signups!, target: 2}\n"
    )

    _, krs, problems = parse_goals(text, "g.yaml")

    assert [kr.key for kr in krs] == ["other"]
    assert problems == [
        ImportProblem(6, "ambiguous: key result o/signups also on line 8"),
        ImportProblem(8, "ambiguous: key result o/signups also on line 6"),
    ]


def test_a_parent_loop_in_the_file_reports_each_objective_in_it() -> None:
    text = yaml_goals(
        "  - {id: a, title: A, parent: c}\n  - {id: b, title: B, parent: a}\n"
        "  - {id: c, title: C, parent: b}\n  - {id: d, title: D, parent: a}\n"
        "  - {id: e, title: E, parent: e}\n"
    )

    objectives, _, problems = parse_goals(text, "g.yaml")

    assert [o.key for o in objectives] == ["d"]  # its parent is checked against the org later
    assert problems == [
        ImportProblem(3, "objective a is in a parent loop: a → c → b → a"),
        ImportProblem(4, "objective b is in a parent loop: b → a → c → b"),
        ImportProblem(5, "objective c is in a parent loop: c → b → a → c"),
        ImportProblem(7, "objective e is in a parent loop: e → e"),
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("objectives:\n  - id: a\n    title: [unclosed\n", ImportProblem(4, "not valid YAML: ")),
        ("period: 2026-Q4\nobjectives:\n\t- id: a\n", ImportProblem(3, "not valid YAML: ")),
        ("- just\n- a list\n", ImportProblem(1, "expected a mapping of field: value")),
        ("", ImportProblem(1, "expected a mapping of field: value")),
        ("period: 2026-Q4\n", ImportProblem(1, "expected a mapping with an objectives: list")),
        ("objectives: {a: 1}\n", ImportProblem(1, "objectives must be a list")),
    ],
)
def test_a_yaml_file_that_is_not_a_goals_file_is_one_problem_with_its_line(
    text: str, problem: ImportProblem
) -> None:
    objectives, krs, problems = parse_goals(text, "g.yaml")

    assert (objectives, krs) == ([], [])
    assert problems[0].line == problem.line
    assert problems[0].reason.startswith(problem.reason)


def test_an_unknown_yaml_field_is_reported_and_the_rest_imports() -> None:
    text = yaml_goals("  - id: a\n    title: A\n    tittle: typo\n")

    objectives, _, problems = parse_goals(text, "g.yaml")

    assert [o.key for o in objectives] == ["a"]
    assert problems == [ImportProblem(3, "unknown field “tittle” ignored")]


@pytest.mark.parametrize("filename", ["goals.json", "goals", "goals.csv.bak"])
def test_a_file_that_is_neither_csv_nor_yaml_is_one_problem(filename: str) -> None:
    assert parse_goals("objectives: []", filename) == (
        [], [], [ImportProblem(1, f"“{filename}” is not a .csv, .yaml or .yml file")],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("a,A,2026-Q4,,,,K,,0,NaN,,", "target: “NaN” is not a usable number"),
        ("a,A,2026-Q4,,,,K,,0,inf,,", "target: “inf” is not a usable number"),
        ("a,A,2026-Q4,,,,K,,0,1e309,,", "target: “1e309” is not a usable number"),
        ("a,A,2026-Q4,,,,K,gauge,0,10,,", "metric: “gauge” is not one of"),
        ("a,A,2026-Q4,,,,K,,0,10,,12", "confidence: “12” is not from 1 to 10"),
        ("a,A,2026-Q4,,,,K,percent,0,100,-5,", "a percent can't be negative"),
        ("a,A,2026-Q4,,,,K,,3,3,,", "start and target are both 3"),
        ("a,A,,,,,K,,0,10,,", "period is missing"),
        (",A,2026-Q4,,,,K,,0,10,,", "objective_id is missing"),
        ("a,A,2026-Q4,not-an-email,,,K,,0,10,,", "owner: “not-an-email” is not an email address"),
        ("a,,,,,,,,,,,", "nothing to import for objective a"),
    ],
)
def test_each_bad_csv_row_is_reported_on_its_line(row: str, reason: str) -> None:
    good, good_too = "ok,OK,2026-Q4,,,,Fine,,0,10,,\n", "ok2,OK,2026-Q4,,,,Fine,,0,1,,\n"
    text = KR_HEADER + good + row + "\n" + good_too

    _, krs, problems = parse_goals(text, "goals.CSV")

    assert problem_lines(problems) == [3]
    assert problems[0].reason.startswith(reason)
    assert [kr.key for kr in krs] == ["ok/fine", "ok2/fine"]


def test_csv_rows_of_one_objective_must_agree_or_leave_its_columns_empty() -> None:
    text = (
        KR_HEADER
        + "o,O,2026-Q4,,,,K1,,0,1,,\n"
        + "o,,,,,,K2,,0,1,,\n"
        + "o,O,2026-Q4,,,,K3,,0,1,,\n"
        + "o,O,2026-Q1,,,,K4,,0,1,,\n"
    )

    objectives, krs, problems = parse_goals(text, "g.csv")

    assert [o.period for o in objectives] == ["2026-Q4"]
    assert [kr.key for kr in krs] == ["o/k1", "o/k2", "o/k3"]
    assert problems == [ImportProblem(5, "objective o is defined differently on line 2")]


def test_a_csv_without_an_objective_id_column_is_one_problem_on_line_1() -> None:
    assert parse_goals("objective,key_result\nA,K\n", "g.csv") == (
        [], [], [ImportProblem(1, "the header has no objective_id column")],
    )  # fmt: skip


def test_key_result_ids_are_derived_from_the_objective_and_a_slug_of_the_title() -> None:
    text = (
        KR_HEADER
        + "o,O,2026-Q4,,,,  Über-cool   Signups (EU)!,,0,1,,\n"
        + "o,,,,,,日本の売上,,0,1,,\n"
        + "o,,,,,explicit-id,Named,,0,1,,\n"
    )

    _, krs, problems = parse_goals(text, "g.csv")

    assert problems == []
    assert [kr.key for kr in krs][0::2] == ["o/uber-cool-signups-eu", "explicit-id"]
    assert krs[1].key.startswith("o/kr-")
    title = "Über-cool Signups (EU)!"  # whitespace runs collapse
    assert krs[0] == KeyResultRow(2, "o/uber-cool-signups-eu", "o", title, target=1)


def test_a_percent_sign_after_a_number_is_accepted() -> None:
    text = KR_HEADER + "o,O,2026-Q4,,,,K,percent,0%,80%,45%,\n"

    _, krs, problems = parse_goals(text, "g.csv")

    assert problems == []
    assert (krs[0].start, krs[0].target, krs[0].current) == (0, 80, 45)


YAMLISH = st.text(alphabet=st.sampled_from(" -:\n\t{}[],'\"#&*!|>?abcdeilnorstuy0123456789._"))


@settings(max_examples=300, deadline=None)
@given(st.one_of(YAMLISH, st.text()), st.sampled_from(["g.yaml", "g.csv"]))
def test_any_text_gives_goals_and_problems_and_never_raises(text: str, filename: str) -> None:
    objectives, krs, problems = parse_goals(text, filename)

    assert all(problem.line >= 1 and problem.reason for problem in problems)
    assert all(o.key and o.title and o.period for o in objectives)
    assert all(kr.key and kr.title and kr.start != kr.target for kr in krs)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", "d", "e", None]), min_size=5, max_size=5))
def test_no_parent_loop_survives_parsing(parents: list[str | None]) -> None:
    lines = [
        f"  - {{id: {key}, title: T{key}" + (f", parent: {parent}}}\n" if parent else "}\n")
        for key, parent in zip("abcde", parents, strict=True)
    ]

    objectives, _, problems = parse_goals(yaml_goals(*lines), "g.yaml")

    kept = {o.key: o.parent_key for o in objectives}
    for key in kept:
        seen, node = set(), key
        while node in kept and node not in seen:
            seen.add(node)
            node = kept[node]  # type: ignore[assignment]
        assert node not in seen
    assert len(kept) + len(problems) == 5
