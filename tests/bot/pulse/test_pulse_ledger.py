"""The org's disclosure ledger, through the engine: results shown in one survey or round can't
be set against results shown in another to single someone out, whatever the manager sends, to
whom, and however the org changes in between. Each test is a break found by trying, closed."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import text
from sqlmodel import select

from app.erase import JOB_KINDS
from app.scheduling import build_scheduler
from bot.core.messages import Card, Question
from bot.imports.org_import import import_org
from storage.db import Database
from storage.erase import erase_person
from storage.insert import shuffle
from storage.models import Disclosure, Person, PlatformIdentity, SurveyInvite, SurveyResponse
from tests.bot.org_world import TENANT, OrgSpec, World, seed_world
from tests.bot.pulse.test_pulse import answer_engagement, pause_checkins
from tests.seeded import SEEDED_AT

ALPHA = [f"a{n}" for n in range(1, 6)]  # team Alpha, five of Max's reports
GROWTH = [f"g{n}" for n in range(1, 5)]  # team Growth, four of Ada's reports
PEOPLE: OrgSpec = {
    "ada": ("Ada Admin", None, True, None),
    "max": ("Max Manager", None, False, "Leads"),
    **{a: (f"Alpha {a}", "max", False, "Alpha") for a in ALPHA},
    "yara": ("Yara Solo", "max", False, None),
    **{g: (f"Growth {g}", "ada", False, "Growth") for g in GROWTH},
}
SCORES = {"a1": "10", "a2": "9", "a3": "9", "a4": "8", "a5": "10", "yara": "0"}


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    world = await seed_world(sqlite_db, PEOPLE)
    await pause_checkins(world)  # each person's newest question is the survey's
    return world


async def everyone_answers(world: World, who: list[str]) -> None:
    for person in who:
        await answer_engagement(world, person, SCORES.get(person, "9"))


async def results(world: World, viewer: str, args: str) -> Card:
    await world.command(viewer, "pulse", f"results {args}")
    card = world.messages_to(viewer)[-1]
    assert isinstance(card, Card), card
    return card


def hidden(card: Card) -> bool:
    text = card.fallback_text()
    return "eNPS" not in text and "comment from" not in text and "Hidden" in text


async def set_active(world: World, name: str, active: bool) -> None:
    async with world.database.session() as session:
        person = await session.get(Person, world.ids[name])
        assert person is not None
        person.active = active
        session.add(person)


async def test_two_surveys_to_nested_groups_dont_subtract_to_one_person(world: World) -> None:
    """Break 1: the same survey to team Alpha (5) and to Max's org (Alpha and Yara, 6)."""
    await world.command("max", "pulse", "send engagement to team Alpha")
    await everyone_answers(world, ALPHA)
    assert "eNPS" in (await results(world, "max", "1")).fallback_text()
    await world.command("max", "pulse", "send engagement to my org")
    sent = world.last("max")
    assert "Heads-up: these people differ by fewer than 5 from a group already shown" in sent
    await everyone_answers(world, [*ALPHA, "yara"])
    assert "(round 1) has closed. See the results" in world.last("max")  # no count either
    whole = await results(world, "max", "2")
    assert hidden(whole) and "comment from yara" not in whole.fallback_text()
    text = whole.fallback_text()
    assert "6 asked. Hidden: the people asked differ by fewer than 5" in text
    assert "6 of 6" not in text and "Alpha" not in text.split("\n", 1)[1]  # names no group
    # The same five as before may be shown again: the same people, new answers.
    assert not hidden(await results(world, "max", "2 team Alpha"))


async def test_the_same_survey_before_and_after_someone_leaves(world: World) -> None:
    """Break 2: a full org import leaves Yara out between two sends to Max's org."""
    await world.command("max", "pulse", "send engagement to my org")
    await everyone_answers(world, [*ALPHA, "yara"])
    first = (await results(world, "max", "1")).fallback_text()
    assert "comment from yara" in first and "6 of 6 answered" in first
    rows = [
        f"{key}@x.com,{name},{manager + '@x.com' if manager else ''},{team or ''},"
        f"{'yes' if admin else ''}"
        for key, (name, manager, admin, team) in PEOPLE.items()
        if key != "yara"
    ]
    csv = "email,name,manager_email,team,admin\n" + "\n".join(rows) + "\n"
    report = await import_org(world.database, TENANT, csv, now=world.clock.now(), full=True)
    assert report.left == ["yara@x.com"]
    await world.command("max", "pulse", "send engagement to my org")
    assert "5 people" in world.last("max")
    await everyone_answers(world, ALPHA)
    assert hidden(await results(world, "max", "2"))


async def test_a_repeating_survey_hides_the_round_someone_joined(world: World) -> None:
    """Break 3: Yara joins Max's org before round 2 of a weekly survey to it."""
    await set_active(world, "yara", False)
    scheduler = build_scheduler(world.engine, 1)
    await world.command("max", "pulse", "send engagement to my org every 1 week")
    await everyone_answers(world, ALPHA)
    assert not hidden(await results(world, "max", "1"))
    await set_active(world, "yara", True)
    world.clock.advance(weeks=1)
    await scheduler.run_until_idle()
    assert isinstance(world.messages_to("yara")[-1], Question)
    await everyone_answers(world, [*ALPHA, "yara"])
    card = await results(world, "max", "1")
    assert "round 2" in card.title and hidden(card)
    assert card.chart is None  # no trend either: it would show round 2's score
    async with world.database.session() as session:
        ledger = (await session.exec(select(Disclosure))).all()
    yara = str(world.ids["yara"])
    assert ledger and all(yara not in entry.audience for entry in ledger)


async def test_a_hidden_group_says_how_many_were_asked_not_that_none_answered(
    world: World,
) -> None:
    """Break 7: team Growth (4) of a survey to everyone, all four answering."""
    await world.command("ada", "pulse", "send engagement to everyone")
    await everyone_answers(world, ["ada", "max", *ALPHA, "yara", *GROWTH])
    text = (await results(world, "ada", "1 team Growth")).fallback_text()
    assert "0 of 4" not in text and "answered (" not in text
    assert "4 asked. Fewer than 5 people were asked, so neither their answers nor how many" in text


async def test_results_by_survey_title_or_number(world: World) -> None:
    await world.command("max", "pulse", "send engagement to team Alpha")
    await everyone_answers(world, ALPHA)
    await world.command("max", "pulse", "send wellbeing to team Alpha")
    by_number = await results(world, "max", "1")
    by_title = await results(world, "max", "engagement")
    assert by_number.title == by_title.title == "Engagement: team Alpha, round 1"
    assert (await results(world, "max", "“Engagement” team Alpha")).title == by_title.title
    assert (await results(world, "max", "wellbeing")).title.startswith("Wellbeing")
    await world.command("max", "pulse", "results nosuch")
    assert "No survey or group called nosuch in “Wellbeing”" in world.last("max")
    await world.command("max", "pulse", "results 1 team Nowhere")
    assert "No group called Nowhere in “Engagement”" in world.last("max")
    await world.command("max", "pulse", "results 9")
    assert "No survey 9 among yours. Yours: 2 “Wellbeing”, 1 “Engagement”" in world.last("max")


async def test_erasing_someone_keeps_the_ledger_counting_them(world: World) -> None:
    """Erased, Yara's id leaves the ledger, but the groups shown still differ by someone:
    without her, a later survey to Alpha can't be set against the one she answered."""
    await world.command("max", "pulse", "send engagement to my org")
    await everyone_answers(world, [*ALPHA, "yara"])
    async with world.database.session() as session:
        yara = await session.get(Person, world.ids["yara"])
        assert yara is not None
        await erase_person(session, yara, JOB_KINDS)
    async with world.database.session() as session:
        ledger = (await session.exec(select(Disclosure))).all()
    assert ledger and all(str(world.ids["yara"]) not in e.audience for e in ledger)
    assert any(m.startswith("erased-") for e in ledger for m in e.audience)
    await world.command("max", "pulse", "send engagement to my org")
    await everyone_answers(world, ALPHA)
    assert hidden(await results(world, "max", "2"))


async def test_someone_new_to_the_org_is_counted_once_asked(world: World) -> None:
    """A survey to everyone after a hire: the new audience differs by one from the last."""
    await world.command("ada", "pulse", "send engagement to everyone")
    await everyone_answers(world, ["ada", "max", *ALPHA, "yara", *GROWTH])
    assert not hidden(await results(world, "ada", "1"))
    async with world.database.session() as session:
        hire = Person(tenant_id=TENANT, email="new@x.com", name="New Hire", created_at=SEEDED_AT)
        session.add(hire)
        await session.flush()
        assert hire.id is not None
        session.add(
            PlatformIdentity(
                tenant_id=TENANT, person_id=hire.id, platform="slack", external_user_id="U_NEW"
            )
        )
    await world.command("ada", "pulse", "send engagement to everyone")
    await everyone_answers(world, ["ada", "max", *ALPHA, "yara", *GROWTH, "new"])
    assert hidden(await results(world, "ada", "2"))


ROWS_IN_PLACE = {
    "sqlite": "SELECT id, answers FROM surveyresponse ORDER BY rowid",
    "postgresql": "SELECT id, answers FROM surveyresponse ORDER BY ctid",
}


async def rows_in_place(world: World) -> list[tuple[str, str]]:
    """The responses in the order they sit in the table, below the application."""
    async with world.database.engine.connect() as connection:
        sql = ROWS_IN_PLACE[connection.dialect.name]
        return [(i, str(a)) for i, a in (await connection.execute(text(sql))).all()]


async def answers_leave_no_order(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Break 5: after the close, neither the ids nor the place of the responses follow the
    order in which people answered, and nothing says who answered."""
    shuffled: list[list[str]] = []

    def shuffle_and_tell(rows: list[SurveyResponse]) -> None:
        random.SystemRandom().shuffle(rows)
        shuffled.append([str(r.answers.get("q4")) for r in rows])

    monkeypatch.setattr("storage.insert.shuffle", shuffle_and_tell)
    await world.command("max", "pulse", "send engagement to team Alpha")
    await everyone_answers(world, ALPHA[:4])
    before = {i for i, _ in await rows_in_place(world)}
    comments = [f"comment from {a}" for a in ALPHA]
    # While the round is open the rows follow the answers: what the close is for.
    assert [next(c for c in comments if c in a) for _, a in await rows_in_place(world)] == (
        comments[:4]
    )
    await everyone_answers(world, ALPHA[4:])  # the last answer closes the round
    after = await rows_in_place(world)
    assert not before & {i for i, _ in after}  # every id is new
    # The rows sit in the order the close drew at random, not the order of answering.
    assert [next(c for c in shuffled[0] if c in a) for _, a in after] == shuffled[0]
    async with world.database.session() as session:
        assert (await session.exec(select(SurveyInvite))).all() == []


async def test_a_closed_round_keeps_no_answer_order_on_sqlite(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    await answers_leave_no_order(world, monkeypatch)


@pytest.mark.postgres
async def test_a_closed_round_keeps_no_answer_order_on_postgres(
    postgres_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await seed_world(postgres_db, PEOPLE)
    await pause_checkins(world)
    await answers_leave_no_order(world, monkeypatch)


def test_the_close_draws_its_order_from_the_system_random_source() -> None:
    rows = [SurveyResponse(id=str(n), tenant_id="t", round_id=1) for n in range(30)]
    shuffle(rows)  # type: ignore[arg-type]
    assert sorted(r.id for r in rows) == sorted(str(n) for n in range(30))
    assert [r.id for r in rows] != [str(n) for n in range(30)]  # 1 in 30! to fail by chance
