"""Goals written in chat: one-liners, the form, edit, archive, align, views by quarter, and who
may do what (people their personal goals, managers their team's and reports', admins all)."""

from __future__ import annotations

import itertools

import pytest
from sqlmodel import select

from bot.core.events import FormSubmitted
from bot.core.messages import Card, Form
from bot.core.outcome import Outcome
from storage.db import Database
from storage.models import KeyResult, Objective
from storage.repository import Store
from tests.bot.org_world import World, seed_world

_forms = itertools.count()


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    return await seed_world(
        sqlite_db,
        {
            "ada": ("Ada Admin", None, True, None),
            "mia": ("Mia Manager", None, False, "Growth"),
            "ben": ("Ben Report", "mia", False, "Growth"),
            "cy": ("Cy Else", None, False, "Platform"),
        },
    )


async def objectives(world: World) -> dict[str, Objective]:
    async with world.database.session() as session:
        rows = (await session.exec(select(Objective))).all()
    return {o.title: o for o in rows}


async def key_results(world: World) -> dict[str, KeyResult]:
    async with world.database.session() as session:
        rows = (await session.exec(select(KeyResult))).all()
    return {kr.title: kr for kr in rows}


async def submit(world: World, name: str, form_id: str, values: dict[str, str]) -> Outcome:
    event = FormSubmitted(world.actor(name), form_id, values, f"form{next(_forms)}")
    return await world.engine.handle(event)


async def company_objective(world: World) -> int:
    await world.say("ada", 'goals add "Win the mid-market" level company')
    return (await objectives(world))["Win the mid-market"].id or 0


async def test_one_line_objectives_and_key_results_aligned_under_the_companys(
    world: World,
) -> None:
    company = await company_objective(world)
    assert world.last("ada").startswith(f"Added #{company} “Win the mid-market”: a company")

    await world.say("ben", f'goals add "Grow self-serve revenue" for 2026-Q1 under #{company}')
    mine = (await objectives(world))["Grow self-serve revenue"]
    assert (mine.level, mine.period, mine.parent_id) == ("person", "2026-Q1", company)
    assert mine.owner_id == world.ids["ben"]
    assert f"aligned under #{company} “Win the mid-market”" in world.last("ben")

    await world.say("ben", f'goals kr #{mine.id} "New MRR" from 10000 to 20000 USD')
    await world.say("ben", f'goals kr #{mine.id} "Page load" from 650 to 300 ms')
    await world.say("ben", f'goals kr #{mine.id} "Launch the beta" done')
    await world.say("ben", f"goals kr #{mine.id} Activation from 20% to 40%")
    krs = await key_results(world)
    assert (krs["New MRR"].kind, krs["New MRR"].unit) == ("currency", "USD")
    assert (krs["New MRR"].start, krs["New MRR"].target) == (10000, 20000)
    assert (krs["Page load"].start, krs["Page load"].target, krs["Page load"].unit) == (
        650,
        300,
        "ms",
    )
    assert krs["Launch the beta"].kind == "binary"
    assert krs["Activation"].kind == "percent"
    assert all(kr.owner_id == world.ids["ben"] for kr in krs.values())
    assert "from 650 ms to 300 ms or less" in world.to("ben")[-3]

    # The new key results are what Ben checks in on.
    await world.say("ben", "checkin now")
    assert "New MRR" in "\n".join(world.to("ben")[-2:])


async def test_who_may_write_which_goals(world: World) -> None:
    company = await company_objective(world)

    await world.say("ben", 'goals add "Be the best" level company')
    assert "Only admins set company objectives" in world.last("ben")
    await world.say("ben", 'goals add "Ship it" level team')
    assert "Team objectives are set by the team's manager" in world.last("ben")
    await world.say("ben", 'goals add "For Cy" owner cy')
    assert "isn't one" in world.last("ben")
    await world.say("ben", f'goals kr #{company} "Deals" from 0 to 10')
    assert "company objective: only admins" in world.last("ben")

    # A manager: their team's and their reports' goals.
    await world.say("mia", 'goals add "Grow Growth" level team')
    team = (await objectives(world))["Grow Growth"]
    assert (team.level, team.team) == ("team", "Growth")
    await world.say("mia", 'goals add "Learn SQL" owner ben')
    learn = (await objectives(world))["Learn SQL"]
    assert learn.owner_id == world.ids["ben"]
    assert "Mia Manager added an objective for you: " in world.last("ben")
    await world.say("mia", 'goals add "Cy\'s thing" owner cy')
    assert "isn't one" in world.last("mia")

    await world.say("ben", f"goals archive #{team.id}")
    assert "team objective" in world.last("ben")
    await world.say("ben", f"goals align #{learn.id} under #{company}")
    assert "is aligned under" in world.last("ben")  # his own personal goal
    await world.say("cy", f"goals archive #{learn.id}")
    assert "isn't yours" in world.last("cy")
    await world.say("ada", f"goals archive #{learn.id}")
    assert world.last("ada").startswith(f"Archived #{learn.id}")


async def test_align_refuses_loops_other_quarters_and_archived_parents(world: World) -> None:
    company = await company_objective(world)
    await world.say("ada", f'goals add "Team A" level team under #{company}')
    team_a = (await objectives(world))["Team A"].id
    await world.say("ada", f"goals align #{company} under #{team_a}")
    assert "would make a loop" in world.last("ada")
    await world.say("ada", f"goals align #{company} under #{company}")
    assert "would make a loop" in world.last("ada")

    await world.say("ada", 'goals add "Next year" for 2027-Q1 level company')
    later = (await objectives(world))["Next year"].id
    await world.say("ada", f"goals align #{team_a} under #{later}")
    assert "align to an objective of the same quarter" in world.last("ada")

    await world.say("ada", f"goals align #{team_a} under none")
    assert "aligned to nothing now" in world.last("ada")
    assert (await objectives(world))["Team A"].parent_id is None

    await world.say("ada", f"goals archive #{company}")
    await world.say("ada", f"goals align #{team_a} under #{company}")
    assert f"#{company} is archived" in world.last("ada")
    await world.say("ada", "goals align #1 to #2")
    assert "goals align #12 under #3" in world.last("ada")


async def test_archive_takes_an_objective_out_of_views_and_checkins_and_restore_brings_it_back(
    world: World,
) -> None:
    await world.say("ben", 'goals add "Side quest"')
    quest = (await objectives(world))["Side quest"].id
    await world.say("ben", f'goals kr #{quest} "Quests done" from 0 to 3')
    await world.say("ben", f"goals archive #{quest}")
    assert "history kept" in world.last("ben")

    await world.say("ben", "goals")
    assert "Side quest" not in world.last("ben")
    await world.say("ben", "checkin now")
    assert "Quests done" not in "\n".join(world.to("ben")[-2:])

    await world.say("ben", f"goals restore #{quest}")
    assert world.last("ben").startswith(f"Restored #{quest}")
    await world.say("ben", "goals")
    assert "Side quest" in world.last("ben")
    await world.say("ben", f"goals restore #{quest}")
    assert "no archived objective" in world.last("ben")


async def test_goals_shows_this_quarter_and_a_named_one_shows_that(world: World) -> None:
    await world.say("ben", 'goals add "Last quarter thing" for 2025-Q4')
    await world.say("ben", 'goals add "This quarter thing"')
    await world.say("ben", "goals")
    now = world.last("ben")
    assert "This quarter thing" in now and "Last quarter thing" not in now
    assert "2026-Q1" in now
    await world.say("ben", "goals 2025-q4")
    then = world.last("ben")
    assert "Last quarter thing" in then and "This quarter thing" not in then
    await world.say("ben", "goals Q3 2024")
    assert "no goals for 2024-Q3" in world.last("ben")


async def test_the_tree_flags_unaligned_objectives_for_admins_only(world: World) -> None:
    company = await company_objective(world)
    await world.say("ada", 'goals add "Lonely company goal" level company')
    await world.say("ben", f'goals add "Aligned" under #{company}')
    await world.say("ben", 'goals add "Adrift"')

    await world.say("ada", "goals tree")
    tree = world.messages_to("ada")[-1]
    assert isinstance(tree, Card)
    lines = [s.title for s in tree.sections]
    assert any("Lonely company goal" in line and "nothing aligns to it" in line for line in lines)
    assert any("Adrift" in line and "aligned to nothing" in line for line in lines)
    assert not any("Aligned" in line and "⚑" in line for line in lines)
    assert any(line.startswith("  #") and "Aligned" in line for line in lines)  # indented
    assert "1 aligned to nothing, 1 nothing aligns to it" in tree.footer

    await world.say("ben", "goals tree")
    assert "⚑" not in world.last("ben")


async def test_bad_one_liners_say_what_to_type(world: World) -> None:
    await world.say("ben", 'goals kr #99 "X" from 1 to 2')
    assert "no objective #99" in world.last("ben")
    await world.say("ben", 'goals add "Mine"')
    mine = (await objectives(world))["Mine"].id
    await world.say("ben", f'goals kr #{mine} "X" from lots to more')
    assert "isn't a number" in world.last("ben")
    await world.say("ben", f'goals kr #{mine} "X" from 5 to 5')
    assert "the same" in world.last("ben")
    await world.say("ben", f'goals kr #{mine} "X"')
    assert "Say how it's measured" in world.last("ben")
    await world.say("ben", 'goals kr "X" from 1 to 2')
    assert "Name the objective first" in world.last("ben")
    await world.say("ben", 'goals add "Y" for 2026-Q5')
    assert "is not a quarter" in world.last("ben")
    await world.say("ben", 'goals add "Z" level galactic')
    assert "isn't a level" in world.last("ben")
    await world.say("ben", 'goals add "Z" owner nobody')
    assert "can't find nobody" in world.last("ben")
    await world.say("ben", "goals add " + '"' + "x" * 501 + '"')
    assert "keep it under 500" in world.last("ben")
    assert set(await objectives(world)) == {"Mine"}


async def test_the_form_adds_an_objective_with_key_results_or_names_each_mistake(
    world: World,
) -> None:
    company = await company_objective(world)
    await world.say("ben", "goals add")
    form = world.messages_to("ben")[-1]
    assert isinstance(form, Form)
    keys = [f.key for f in form.fields]
    assert keys[:5] == ["title", "quarter", "level", "owner", "parent"]
    assert "n1_title" in keys and "n3_direction" in keys
    level = next(f for f in form.fields if f.key == "level")
    assert [c.value for c in level.choices] == ["person"]  # neither a manager nor an admin
    parent = next(f for f in form.fields if f.key == "parent")
    assert str(company) in [c.value for c in parent.choices]

    bad = {
        "title": "Grow self-serve",
        "quarter": "2026-Q9",
        "parent": str(company),
        "n1_title": "Churn",
        "n1_start": "5",
        "n1_target": "8",
        "n1_unit": "%",
        "n1_direction": "lower",
    }
    sent_back = await submit(world, "ben", "g_add", bad)
    assert "Grow self-serve" not in await objectives(world)
    assert "not a quarter" in sent_back.form_errors["quarter"]
    assert (
        "Lower is better, so the target must be below the start"
        in (sent_back.form_errors["n1_target"])
    )

    good = {**bad, "quarter": "", "n1_target": "3", "n2_title": "Ship the beta"}
    await submit(world, "ben", "g_add", good)
    made = (await objectives(world))["Grow self-serve"]
    assert (made.period, made.parent_id, made.level) == ("2026-Q1", company, "person")
    krs = await key_results(world)
    assert (krs["Churn"].kind, krs["Churn"].start, krs["Churn"].target) == ("percent", 5, 3)
    assert krs["Ship the beta"].kind == "binary"
    assert "Key results: 2 added." in world.last("ben")


async def test_the_edit_form_changes_only_what_was_changed(world: World) -> None:
    await world.say("ben", 'goals add "Old title"')
    mine = (await objectives(world))["Old title"]
    await world.say("ben", f'goals kr #{mine.id} "Ship the beta" done')
    await world.say("ben", f'goals kr #{mine.id} "Signups" from 100 to 500')
    await world.say("ben", f"goals edit #{mine.id}")
    form = world.messages_to("ben")[-1]
    assert isinstance(form, Form) and form.form_id == f"g_edit_{mine.id}"
    values = {f.key: f.initial for f in form.fields}
    assert values["title"] == "Old title"
    signups = (await key_results(world))["Signups"]
    assert values[f"k{signups.id}_target"] == "500"

    # As a platform sends it back: every field as shown, two of them changed.
    await submit(
        world,
        "ben",
        form.form_id,
        {**values, "title": "New title", f"k{signups.id}_target": "800"},
    )
    assert "New title" in await objectives(world)
    krs = await key_results(world)
    assert krs["Signups"].target == 800
    assert krs["Ship the beta"].kind == "binary"  # left as it was

    await submit(world, "cy", form.form_id, {"title": "Hijacked"})
    assert "isn't yours" in world.last("cy")
    assert "Hijacked" not in await objectives(world)


async def test_the_chat_written_goals_keep_their_history_apart_from_imports(
    world: World,
) -> None:
    await world.say("ben", 'goals add "Mine"')
    async with world.database.session() as session:
        made = (await Store(session).objectives("slack:T1"))[0]
    assert made.key.startswith("chat-")


async def test_an_edit_refused_for_its_alignment_changes_nothing(world: World) -> None:
    await world.say("ada", 'goals add "Next year" for 2027-Q1 level company')
    await world.say("ben", 'goals add "Mine"')
    mine = (await objectives(world))["Mine"]
    later = (await objectives(world))["Next year"]
    sent_back = await submit(
        world, "ben", f"g_edit_{mine.id}", {"title": "Renamed", "parent": str(later.id)}
    )
    assert "same quarter" in sent_back.form_errors["parent"]
    assert "Renamed" not in await objectives(world)
