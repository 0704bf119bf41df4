"""Goals written in Teams: `goals add` sends the form as a card; a card with mistakes gets them
listed back and stores nothing; a good one adds the objective and its key results."""

from __future__ import annotations

from sqlmodel import select

from storage.models import KeyResult, Objective
from tests.teams.conftest import Teams, card_actions
from tests.teams.test_teams_checkin import say
from tests.teams.test_teams_checkin_form import submit


async def test_goals_add_is_a_card_that_names_mistakes_then_adds_the_objective(
    teams: Teams,
) -> None:
    card = await say(teams, "goals add")
    assert "New objective" in card
    button = next(a for a in card_actions(card) if a.get("checkin") == "form")
    data = {k: v for k, v in button.items() if k != "title"}
    assert data["form_id"] == "g_add"
    card_id = teams.connector.sent[-1].activity_id
    assert card_id is not None

    typed = {
        "title": "Faster onboarding",
        "parent": "1",
        "n1_title": "Signup conversion",
        "n1_start": "20%",
        "n1_target": "15%",
        "n1_unit": "%",
        "n1_direction": "higher",
    }
    said = await submit(teams, data, typed, card_id)
    assert "Some answers need another look" in said and "Higher is better" in said
    async with teams.database.session() as session:
        assert len((await session.exec(select(Objective))).all()) == 1

    said = await submit(teams, data, {**typed, "n1_target": "35%"}, card_id)
    assert "Added #2 “Faster onboarding”: a personal objective" in said
    async with teams.database.session() as session:
        made = (await session.exec(select(Objective).where(Objective.id == 2))).one()
        kr = (await session.exec(select(KeyResult).where(KeyResult.objective_id == 2))).one()
    assert made.parent_id == 1
    assert (kr.kind, kr.start, kr.target) == ("percent", 20, 35)
