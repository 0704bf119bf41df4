"""`checkin-bot export`: what each person's export holds and what it must not, the CSV tables,
the number of queries, and the command line."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from app.export import export_org
from app.export_csv import cell, csv_tables, write_tables
from bot.core.messages import Question
from storage.db import Database
from storage.models import (
    Answer,
    CheckinRun,
    FeedbackAnswer,
    FeedbackRequest,
    KeyResult,
    Objective,
    Person,
    Survey,
    SurveyResponse,
    SurveyRound,
    Tenant,
)
from tests.bot.digests.test_digest_queries import counting_statements
from tests.bot.org_world import (
    TENANT,
    OrgSpec,
    Seeded,
    World,
    copy_world,
    seed_once,
    seed_world,
)
from tests.console.conftest import Cli
from tests.seeded import SEEDED_AT
from tests.template_databases import SqliteTemplate

# Mo manages Rae and the Ops three; Rae manages the Core three (Sid and two more). Ada is an
# admin, Pat a peer with no reports, and four givers are there to be asked for feedback.
CORE = ["sid", "sam", "sue"]
OPS = ["una", "uli", "uma"]
PEOPLE: OrgSpec = {
    "ada": ("Ada Admin", None, True, None),
    "mo": ("Mo Manager", None, False, None),
    "rae": ("Rae Lead", "mo", False, None),
    **{c: (f"Core {c}", "rae", False, "Core") for c in CORE},
    **{o: (f"Ops {o}", "mo", False, "Ops") for o in OPS},
    "pat": ("Pat Peer", None, False, None),
    "gil": ("Gil Giver", None, False, None),
    "gus": ("Gus Giver", None, False, None),
    "gwen": ("Gwen Giver", None, False, None),
    "hal": ("Hal Giver", None, False, None),
}
OTHER_TENANT = "slack:T2"
FORMULA = '=HYPERLINK("http://evil.example","click")'
WEEK = datetime(2026, 2, 23, tzinfo=UTC)


async def answer_survey(world: World, who: str, comment: str) -> None:
    """The bank's engagement survey: eNPS by button, two scale questions, a comment."""
    question = world.messages_to(who)[-1]
    assert isinstance(question, Question) and question.total == 4
    await world.click(who, question.prompt_id, "9")
    await world.say(who, "4")
    nxt = world.messages_to(who)[-1]
    assert isinstance(nxt, Question)
    await world.click(who, nxt.prompt_id, "5")
    await world.say(who, comment)


async def add_checkin(world: World, who: str, *texts: str, status: str = "submitted") -> None:
    async with world.database.session() as session:
        run = CheckinRun(
            tenant_id=TENANT,
            person_id=world.ids[who],
            period_label=WEEK.date().isoformat(),
            period_start=WEEK,
            period_end=WEEK + timedelta(days=7),
            status=status,
            submitted_at=WEEK + timedelta(days=4) if texts else None,
        )
        session.add(run)
        await session.flush()
        assert run.id is not None
        for number, text in enumerate(texts):
            session.add(
                Answer(
                    tenant_id=TENANT,
                    run_id=run.id,
                    question_key=f"q{number}",
                    text=text,
                    answered_at=SEEDED_AT,
                )
            )


async def add_goal(world: World) -> None:
    async with world.database.session() as session:
        objective = Objective(
            tenant_id=TENANT, key="grow", title="Grow", period="2026-Q1", created_at=SEEDED_AT
        )
        objective.owner_id = world.ids["pat"]
        session.add(objective)
        await session.flush()
        assert objective.id is not None
        kr = KeyResult(
            tenant_id=TENANT,
            key="signups",
            objective_id=objective.id,
            title="Signups",
            target=10,
            updated_at=SEEDED_AT,
        )
        kr.owner_id = world.ids["pat"]
        session.add(kr)


async def seed_other_tenant(database: Database) -> None:
    """Another workspace, with people of the same emails and data of every kind."""
    async with database.session() as session:
        session.add(
            Tenant(
                id=OTHER_TENANT,
                platform="slack",
                external_id="T2",
                name="Other",
                created_at=SEEDED_AT,
            )
        )
        await session.flush()
        ada = Person(
            tenant_id=OTHER_TENANT,
            email="ada@x.com",
            name="Other Ada",
            is_admin=True,
            created_at=SEEDED_AT,
        )
        sid = Person(
            tenant_id=OTHER_TENANT, email="sid@x.com", name="Other Sid", created_at=SEEDED_AT
        )
        session.add_all([ada, sid])
        await session.flush()
        assert ada.id is not None and sid.id is not None
        run = CheckinRun(
            tenant_id=OTHER_TENANT,
            person_id=sid.id,
            period_label="2026-02-23",
            period_start=WEEK,
            period_end=WEEK + timedelta(days=7),
            status="submitted",
        )
        request = FeedbackRequest(
            tenant_id=OTHER_TENANT,
            requester_id=ada.id,
            subject_id=sid.id,
            questions=["Q?"],
            created_at=SEEDED_AT,
        )
        survey = Survey(
            tenant_id=OTHER_TENANT, creator_id=ada.id, title="Other survey", created_at=SEEDED_AT
        )
        session.add_all([run, request, survey])
        await session.flush()
        assert run.id is not None and request.id is not None and survey.id is not None
        survey_round = SurveyRound(
            tenant_id=OTHER_TENANT,
            survey_id=survey.id,
            number=1,
            opened_at=WEEK,
            closes_at=WEEK,
            status="closed",
            slices={"all": {"name": "everyone", "kind": "all", "members": [ada.id, sid.id]}},
        )
        session.add(survey_round)
        await session.flush()
        assert survey_round.id is not None
        session.add_all(
            [
                Answer(
                    tenant_id=OTHER_TENANT,
                    run_id=run.id,
                    question_key="q",
                    text="T2 secret",
                    answered_at=SEEDED_AT,
                ),
                FeedbackAnswer(
                    id="fa_other",
                    tenant_id=OTHER_TENANT,
                    request_id=request.id,
                    giver_id=ada.id,
                    answers=["T2 feedback"],
                    released=True,
                ),
                SurveyResponse(
                    id="sr_other", tenant_id=OTHER_TENANT, round_id=survey_round.id, slices=["all"]
                ),
            ]
        )


@pytest.fixture(scope="module")
def seeded(sqlite_template: SqliteTemplate, tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    """The world below, built once for the module; each test gets a copy of its database."""
    return seed_once(sqlite_template, tmp_path_factory.mktemp("export-world"), seed_export_world)


@pytest.fixture
async def world(seeded: Seeded, tmp_path: Path) -> AsyncIterator[World]:
    world = copy_world(seeded, tmp_path / "test.db")
    yield world
    await world.database.dispose()


async def seed_export_world(sqlite_db: Database) -> World:
    """Check-ins for Sid, Rae, Mo and Pat; a goal; a survey of Mo's org (k = 3) whose Ops
    group is hidden; and four feedback requests:

    1. Mo asks anonymously about Rae, from the four givers; three answer (shown together).
    2. Rae asks about Sid by name, from Pat and Gil; both answer (Pat with a formula).
    3. Sid asks about himself, from Gus.
    4. Pat gives Sid feedback unasked.
    """
    world = await seed_world(sqlite_db, PEOPLE)
    await seed_other_tenant(sqlite_db)
    async with sqlite_db.session() as session:
        tenant = await session.get(Tenant, TENANT)
        assert tenant is not None
        tenant.settings = {"pulse_k": 3}
        session.add(tenant)
    await add_checkin(world, "sid", "sid's blocker", "@SUM(A1)")
    await add_checkin(world, "rae", "rae's week")
    await add_checkin(world, "mo", "mo's week")
    await add_checkin(world, "pat", "pat's week")
    await add_checkin(world, "sam", status="missed")
    await add_goal(world)

    await world.command("mo", "pulse", "send engagement to my org")
    for who in ["rae", *CORE, *OPS]:
        await answer_survey(world, who, FORMULA if who == "sid" else f"comment from {who}")
    assert "has closed: 7 answered" in world.last("mo")

    await world.command("mo", "feedback", "request @rae from @gil @gus @gwen @hal anonymous")
    for giver in ("gil", "gus", "gwen"):
        await world.say(giver, f"anon keep from {giver}")
        await world.say(giver, f"anon change from {giver}")
    await world.command("rae", "feedback", "request @sid from @pat @gil")
    await world.say("pat", FORMULA)
    await world.say("pat", "+1 more")
    await world.say("gil", "gil on sid")
    await world.say("gil", "gil again")
    await world.command("sid", "feedback", "request me from @gus")
    await world.say("gus", "gus on sid")
    await world.say("gus", "skip")
    await world.command("pat", "feedback", "give @sid")
    await world.say("pat", "unasked from pat")
    return world


async def export_as(world: World, email: str | None) -> dict[str, Any]:
    return await export_org(world.database, TENANT, world.clock.now(), email)


def emails(rows: list[dict[str, Any]], key: str = "email") -> set[str]:
    return {row[key] for row in rows}


def feedback_by_subject(data: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(f["requester"], f["subject"]): f for f in data["feedback"]}


def group_names(data: dict[str, Any]) -> set[str]:
    return {
        group["name"]
        for survey in data["surveys"]
        for survey_round in survey["rounds"]
        for group in survey_round["groups"]
    }


def answer_texts(request: dict[str, Any]) -> list[str]:
    return [text for answer in request["answers"] for text in answer["answers"]]


# -- what each person sees --------------------------------------------------------------------


async def test_an_employee_sees_their_own_checkins_feedback_about_them_and_the_org_goals(
    world: World,
) -> None:
    data = await export_as(world, "sid@x.com")
    assert data["viewer"] == "sid@x.com"
    assert emails(data["people"]) == {"sid@x.com"}
    assert emails(data["checkins"], "person") == {"sid@x.com"}
    assert [o["id"] for o in data["objectives"]] == ["grow"]  # goals are the org's
    seen = feedback_by_subject(data)
    assert set(seen) == {("sid@x.com", "sid@x.com"), ("pat@x.com", "sid@x.com")}
    own = seen["sid@x.com", "sid@x.com"]
    assert own["seen_as"] == "requester" and own["givers_asked"] == ["gus@x.com"]
    unasked = seen["pat@x.com", "sid@x.com"]
    assert unasked["seen_as"] == "subject" and "givers_asked" not in unasked
    assert unasked["answers"][0]["giver"] == "pat@x.com"
    assert data["surveys"] == []  # no group of the survey is Sid's to see
    text = json.dumps(data)
    for hidden in ("rae's week", "mo's week", "pat's week", "anon keep", "gil on sid", "comment"):
        assert hidden not in text


async def test_a_peer_sees_their_own_answers_by_name_and_nothing_of_anonymous_ones(
    world: World,
) -> None:
    data = await export_as(world, "pat@x.com")
    assert emails(data["people"]) == {"pat@x.com"}
    assert emails(data["checkins"], "person") == {"pat@x.com"}
    seen = feedback_by_subject(data)
    assert set(seen) == {("rae@x.com", "sid@x.com"), ("pat@x.com", "sid@x.com")}
    given = seen["rae@x.com", "sid@x.com"]
    assert given["seen_as"] == "giver"
    assert "givers_asked" not in given and "answered" not in given
    assert [a["giver"] for a in given["answers"]] == ["pat@x.com"]  # not Gil's answer
    assert answer_texts(given) == [FORMULA, "+1 more"]
    assert data["surveys"] == []


async def test_a_giver_of_anonymous_feedback_sees_the_request_and_not_even_their_own_answer(
    world: World,
) -> None:
    data = await export_as(world, "hal@x.com")
    (request,) = data["feedback"]
    assert request["seen_as"] == "giver" and request["anonymous"]
    assert request["answers"] == [] and "givers_asked" not in request
    assert "anon keep" not in json.dumps(data) and "anon change" not in json.dumps(data)


async def test_a_manager_sees_their_reports_and_only_the_survey_groups_all_theirs(
    world: World,
) -> None:
    data = await export_as(world, "rae@x.com")
    assert emails(data["people"]) == {"rae@x.com", "sid@x.com", "sam@x.com", "sue@x.com"}
    assert emails(data["checkins"], "person") == {"rae@x.com", "sid@x.com", "sam@x.com"}
    # Rae asked about Sid: every answer, with names. Mo's anonymous request about Rae isn't
    # hers until Mo shares it.
    (request,) = data["feedback"]
    assert request["requester"] == "rae@x.com" and request["seen_as"] == "requester"
    assert sorted(a["giver"] for a in request["answers"]) == ["gil@x.com", "pat@x.com"]
    assert group_names(data) == {"Rae's org", "team Core"}
    text = json.dumps(data)
    assert "mo's week" not in text and "pat's week" not in text
    assert "unasked from pat" not in text and "gus on sid" not in text
    assert "team Ops" not in text and "Mo's org" not in text


async def test_the_survey_groups_in_the_export_are_those_pulse_results_shows(
    world: World,
) -> None:
    async with world.database.session() as session:
        statement = select(Survey).where(Survey.tenant_id == TENANT)
        survey_id = (await session.exec(statement)).one().id
    await world.command("rae", "pulse", f"results {survey_id} team Ops")
    assert "outside what you may see" in world.last("rae")
    await world.command("rae", "pulse", f"results {survey_id} team Core")
    assert "3 of 3 answered" in world.last("rae")
    assert "team Ops" not in group_names(await export_as(world, "rae@x.com"))


async def test_anonymous_feedback_shared_with_its_subject_comes_without_who_was_asked(
    world: World,
) -> None:
    async with world.database.session() as session:
        statement = select(FeedbackRequest).where(FeedbackRequest.anonymous)
        request_id = (await session.exec(statement)).one().id
    await world.command("mo", "feedback", f"share {request_id}")
    data = await export_as(world, "rae@x.com")
    shared = feedback_by_subject(data)["mo@x.com", "rae@x.com"]
    assert shared["seen_as"] == "subject" and "givers_asked" not in shared
    assert len(shared["answers"]) == 3
    assert all(set(answer) == {"answers"} for answer in shared["answers"])


async def test_a_skip_level_manager_sees_the_whole_tree_but_not_feedback_others_asked_for(
    world: World,
) -> None:
    data = await export_as(world, "mo@x.com")
    below = {"rae", "mo", *CORE, *OPS}
    assert emails(data["people"]) == {f"{p}@x.com" for p in below}
    assert emails(data["checkins"], "person") == {"sid@x.com", "rae@x.com", "mo@x.com", "sam@x.com"}
    (request,) = data["feedback"]  # Rae's request about Sid, two levels down, isn't Mo's
    assert request["anonymous"] and request["seen_as"] == "requester"
    assert len(request["answers"]) == 3
    assert all(set(answer) == {"answers"} for answer in request["answers"])
    assert request["givers_asked"] == ["gil@x.com", "gus@x.com", "gwen@x.com", "hal@x.com"]
    groups = {g["name"]: g for s in data["surveys"] for r in s["rounds"] for g in r["groups"]}
    assert set(groups) == {"Mo's org", "Rae's org", "team Core", "team Ops"}
    assert not groups["team Ops"]["shown"] and "questions" not in groups["team Ops"]
    assert "would single out fewer than" in groups["team Ops"]["note"]
    text = json.dumps(data)
    assert "pat's week" not in text and "gil on sid" not in text and "unasked" not in text


async def test_an_admin_sees_what_the_operator_sees(world: World) -> None:
    admin = await export_as(world, "ada@x.com")
    operator = await export_as(world, None)
    assert admin["viewer"] == "ada@x.com" and operator["viewer"] is None
    assert {**admin, "viewer": None} == operator
    assert len(operator["people"]) == len(PEOPLE)
    assert len(operator["feedback"]) == 4
    anonymous = next(f for f in operator["feedback"] if f["anonymous"])
    assert all(set(answer) == {"answers"} for answer in anonymous["answers"])
    assert group_names(operator) == {"Mo's org", "Rae's org", "team Core", "team Ops"}


@pytest.mark.parametrize("viewer", [None, "ada@x.com", "sid@x.com"])
async def test_another_orgs_data_never_appears(world: World, viewer: str | None) -> None:
    text = json.dumps(await export_as(world, viewer))
    for other in ("T2 secret", "T2 feedback", "Other survey", "Other Ada", "Other Sid"):
        assert other not in text


async def test_an_export_as_someone_unknown_or_inactive_is_refused(world: World) -> None:
    with pytest.raises(
        LookupError, match=re.escape("no one with the email nobody@x.com in slack:T1")
    ):
        await export_as(world, "nobody@x.com")
    async with world.database.session() as session:
        sam = await session.get(Person, world.ids["sam"])
        assert sam is not None
        sam.active = False
        session.add(sam)
    with pytest.raises(LookupError, match=re.escape("sam@x.com is no longer active in slack:T1")):
        await export_as(world, "SAM@x.com")
    assert (await export_as(world, " Sid@X.com "))["viewer"] == "sid@x.com"


# -- the queries ----------------------------------------------------------------------------------


async def test_the_export_takes_the_same_statements_however_many_requests_and_rounds(
    world: World,
) -> None:
    with counting_statements(world.database) as before:
        await export_as(world, "mo@x.com")
    for _ in range(3):
        await world.command("pat", "feedback", "request me from @gil")
        await world.say("gil", "more")
        await world.say("gil", "still more")
        await world.command("mo", "pulse", "send wellbeing to team Core")
    with counting_statements(world.database) as after:
        data = await export_as(world, "mo@x.com")
    assert len(data["surveys"]) == 4
    assert len(after) == len(before) == 19  # kudos, their receivers; 1:1s, meetings, items


# -- CSV ------------------------------------------------------------------------------------------


def read_tables(directory: Path) -> dict[str, list[dict[str, str]]]:
    tables = {}
    for path in sorted(directory.glob("*.csv")):
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
        with path.open(encoding="utf-8-sig", newline="") as file:
            tables[path.name] = list(csv.DictReader(file))
    return tables


async def test_the_csv_tables_parse_back_with_as_many_rows_as_the_json(
    world: World, tmp_path: Path
) -> None:
    data = await export_as(world, None)
    write_tables(tmp_path / "out", csv_tables(data))
    tables = read_tables(tmp_path / "out")
    assert set(tables) == {
        "export.csv", "people.csv", "objectives.csv", "key_results.csv",
        "key_result_history.csv", "checkins.csv", "feedback.csv", "surveys.csv",
        "survey_comments.csv", "kudos.csv", "one_on_ones.csv",
    }  # fmt: skip
    assert tables["export.csv"] == [
        {
            "org": TENANT,
            "org_name": "",
            "platform": "slack",
            "viewer": "",
            "exported_at": data["exported_at"],
        }
    ]
    assert len(tables["people.csv"]) == len(data["people"])
    assert len(tables["objectives.csv"]) == len(data["objectives"]) == 1
    assert len(tables["key_results.csv"]) == 1
    # One row per answer; Sam's missed check-in has none and still has its row.
    assert len(tables["checkins.csv"]) == sum(len(c["answers"]) or 1 for c in data["checkins"])
    missed = [row for row in tables["checkins.csv"] if row["status"] == "missed"]
    assert missed == [{**missed[0], "question": "", "text": ""}]
    assert len(tables["feedback.csv"]) == sum(
        len(f["answers"]) * len(f["questions"]) or 1 for f in data["feedback"]
    )
    groups = [g for s in data["surveys"] for r in s["rounds"] for g in r["groups"]]
    assert len(tables["surveys.csv"]) == sum(len(g.get("questions", [])) or 1 for g in groups)
    comments = [c for g in groups for q in g.get("questions", []) for c in q["comments"]]
    assert len(tables["survey_comments.csv"]) == len(comments)
    assert len(tables["kudos.csv"]) == len(data["kudos"])
    assert tables["one_on_ones.csv"] == []  # the operator's export has no 1:1s

    anonymous = [row for row in tables["feedback.csv"] if row["anonymous"] == "true"]
    assert len(anonymous) == 6 and all(r["giver"] == r["at"] == "" for r in anonymous)
    mos_org = [r for r in tables["surveys.csv"] if r["group"] == "Mo's org"]
    assert mos_org[0]["enps"] == "100" and mos_org[0]["distribution"].startswith("0:0; 1:0;")
    assert mos_org[1]["distribution"] == "1:0; 2:0; 3:0; 4:7; 5:0"
    ops = [r for r in tables["surveys.csv"] if r["group"] == "team Ops"]
    assert len(ops) == 1 and ops[0]["shown"] == "false" and "single out" in ops[0]["note"]


async def test_a_formula_in_anyones_text_is_neutralised_in_the_csv(
    world: World, tmp_path: Path
) -> None:
    write_tables(tmp_path / "out", csv_tables(await export_as(world, None)))
    tables = read_tables(tmp_path / "out")
    feedback = [row["text"] for row in tables["feedback.csv"]]
    assert "'" + FORMULA in feedback and "'+1 more" in feedback and FORMULA not in feedback
    assert "'" + FORMULA in [row["comment"] for row in tables["survey_comments.csv"]]
    assert "'@SUM(A1)" in [row["text"] for row in tables["checkins.csv"]]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-5%", "'-5%"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (-20, "-20"),
        (0.5, "0.5"),
        (True, "true"),
    ],
)
def test_a_cell_that_would_start_a_formula_gets_an_apostrophe(value: Any, written: str) -> None:
    assert cell(value) == written


async def test_the_csv_export_replaces_its_own_files_and_leaves_others(
    world: World, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "people.csv").write_text("old")
    write_tables(out, csv_tables(await export_as(world, "sid@x.com")))
    assert (out / "notes.txt").read_text() == "mine"
    tables = read_tables(out)
    assert [row["email"] for row in tables["people.csv"]] == ["sid@x.com"]
    assert tables["export.csv"][0]["viewer"] == "sid@x.com"
    assert len(list(out.iterdir())) == len(tables) + 1  # no partial files left behind


# -- the command line ----------------------------------------------------------------------------

CHECKIN = "checkin now\nsignups 400, nps 35\n7\n8\nyes\nnone\nshipped the importer\n4\n"


@pytest.fixture
def demo(cli: Cli) -> Cli:
    assert cli("demo").returncode == 0
    return cli


def test_the_cli_writes_csv_files_as_someone_into_a_new_directory(demo: Cli) -> None:
    """Alan, Grace's report, checks in; Grace's CSV has his check-in, Margaret's export none."""
    chat = demo("chat", "--as", "alan@demo.example", stdin=CHECKIN)
    assert "Check-in saved" in chat.stdout, chat.stderr
    result = demo("export", "--format", "csv", "--as", "grace@demo.example", "--out", "out/x")
    assert result.returncode == 0, result.stderr
    assert "wrote 11 CSV files to out/x" in result.stderr
    tables = read_tables(demo.folder / "out" / "x")
    assert tables["export.csv"][0]["viewer"] == "grace@demo.example"
    assert {row["person"] for row in tables["checkins.csv"]} == {"alan@demo.example"}
    assert "shipped the importer" in {row["text"] for row in tables["checkins.csv"]}

    margaret = demo("export", "--as", "margaret@demo.example")
    assert margaret.returncode == 0, margaret.stderr
    data = json.loads(margaret.stdout)
    assert data["viewer"] == "margaret@demo.example" and data["checkins"] == []


def test_the_cli_writes_the_json_export_to_a_file(demo: Cli) -> None:
    result = demo("export", "--out", "export.json")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and "wrote export.json" in result.stderr
    data = json.loads((demo.folder / "export.json").read_text(encoding="utf-8"))
    assert data == json.loads(demo("export").stdout) | {"exported_at": data["exported_at"]}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--as", "nobody@demo.example"), "no one with the email nobody@demo.example in"),
        (("--format", "csv"), "export --format csv writes one file per table"),
        (("--format", "xml"), "invalid choice"),
        (("--org", "slack:T404"), "no org called 'slack:T404'"),
        (("--out", "missing/dir/x.json"), "can't write missing/dir/x.json: No such file"),
        (("--format", "csv", "--out", "bot.db"), "can't write bot.db: it is a file"),
    ],
)
def test_bad_export_input_gets_one_clear_line_and_exit_code_2(
    demo: Cli, args: tuple[str, ...], message: str
) -> None:
    result = demo("export", *args)
    assert result.returncode == 2
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
