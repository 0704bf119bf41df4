"""A self review in Teams, over HTTP: the record card, then the questions as a card whose
ratings are choice sets; a card with a rating left out comes back named; a whole one is
submitted."""

from __future__ import annotations

import json

from sqlmodel import select

from storage.models import Person, Review
from tests.teams.conftest import Teams, card_actions
from tests.teams.test_teams_checkin import say
from tests.teams.test_teams_checkin_form import submit

START = 'review start "H2 2026" from 2026-07-01 to 2026-12-31 self manager due 2026-12-20'
ANSWERS = {
    "delivery": "4", "collaboration": "5", "craft": "3", "growth": "4",
    "went_well": "the importer", "to_grow": "writing",
}  # fmt: skip


async def test_a_self_review_in_teams_is_a_card_submitted_whole(teams: Teams) -> None:
    async with teams.database.session() as session:
        alan = (await session.exec(select(Person).where(Person.email == "alan@example.com"))).one()
        alan.is_admin = True
        session.add(alan)
    assert "has started" in await say(teams, START)  # after the answer to the admin
    assert any("Started “H2 2026” for 2 people" in text for text in teams.texts())

    seen = len(teams.connector.sent)
    form = await say(teams, "review self")
    record = json.dumps(teams.connector.sent[seen].activity, ensure_ascii=False)
    assert "Your record for “H2 2026”" in record and "Weekly signups" in record
    assert "Self review" in form and "Input.ChoiceSet" in form
    button = next(a for a in card_actions(form) if a.get("checkin") == "form")
    data = {k: v for k, v in button.items() if k != "title"}
    card_id = teams.connector.sent[-1].activity_id
    assert card_id is not None

    said = await submit(teams, data, {**ANSWERS, "craft": "", "_state": "submit"}, card_id)
    assert "Some answers need another look" in said and "Answer this to submit" in said
    said = await submit(teams, data, {**ANSWERS, "_state": "submit"}, card_id)
    assert "Submitted your self review" in said
    async with teams.database.session() as session:
        mine = select(Review).where(Review.kind == "self", Review.writer_id == alan.id)
        review = (await session.exec(mine)).one()
    assert review.status == "submitted"
    assert review.answers["went_well"] == "the importer"
