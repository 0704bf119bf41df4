"""The check-in form card in Teams: submitted once, it is closed; a second submit of the same
card (Teams sends a re-rendered card's fields blank, or as first shown) changes nothing."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import col, select

from storage.models import Answer, KeyResult, KeyResultChange
from tests.conftest import until
from tests.teams.activities import card_submit
from tests.teams.conftest import Teams, card_actions
from tests.teams.test_teams_checkin import say


async def open_form(teams: Teams) -> tuple[dict[str, Any], str]:
    """The form card's submit data, and the id the connector gave the card."""
    first = await say(teams, "checkin now")
    button = next(a for a in card_actions(first) if a.get("checkin") == "open_form")
    seen = len(teams.connector.sent)
    data = {k: v for k, v in button.items() if k != "title"}
    await teams.post(card_submit(data, service_url=teams.connector.url))
    form = await teams.next_message(seen)
    submit = next(a for a in card_actions(form) if a.get("checkin") == "form")
    card_id = teams.connector.sent[-1].activity_id
    assert card_id is not None
    return {k: v for k, v in submit.items() if k != "title"}, card_id


async def submit(teams: Teams, data: dict[str, Any], values: dict[str, str], card: str) -> str:
    """Submit the form card; what the bot sent or changed in answer, as JSON."""
    connector = teams.connector
    sent, updated = len(connector.sent), len(connector.updates)
    activity = card_submit({**data, **values}, service_url=connector.url, reply_to_id=card)
    assert (await teams.post(activity))[0] in (200, 201)
    await until(lambda: len(connector.sent) > sent or len(connector.updates) > updated)
    changed = connector.sent[sent:] + connector.updates[updated:]
    return "\n".join(json.dumps(c.activity, ensure_ascii=False) for c in changed)


async def answers(teams: Teams) -> dict[str, Answer]:
    async with teams.database.session() as session:
        return {a.question_key: a for a in (await session.exec(select(Answer))).all()}


async def test_a_form_submitted_twice_in_teams_keeps_the_first_answers(teams: Teams) -> None:
    data, card = await open_form(teams)
    first = {
        "kr:1:value": "450",
        "kr:1:confidence": "7",
        "kr:2:confidence": "8",
        "blockers": "waiting on legal",
        "wins": "shipped the importer",
        "mood": "4",
    }
    await submit(teams, data, first, card)
    # The card itself now shows the summary: nothing left on it to submit.
    await until(lambda: any(u.activity_id == card for u in teams.connector.updates))
    update = next(u for u in teams.connector.updates if u.activity_id == card)
    assert "saved for the week of" in json.dumps(update.activity, ensure_ascii=False)
    assert not card_actions(json.dumps(update.activity))

    # The same card submitted again, as a re-rendered card sends it: blanks and first values.
    again = {"kr:1:value": "", "kr:2:confidence": "6", "blockers": "", "wins": "", "mood": ""}
    assert "already, so that changed nothing" in await submit(teams, data, again, card)
    stored = await answers(teams)
    assert stored["blockers"].text == "waiting on legal" and not stored["blockers"].skipped
    assert stored["mood"].number == 4 and not stored["mood"].skipped
    async with teams.database.session() as session:
        signups = (await session.exec(select(KeyResult).where(KeyResult.key == "signups"))).one()
        changes = (
            await session.exec(select(KeyResultChange).order_by(col(KeyResultChange.id)))
        ).all()
    assert (signups.current, signups.confidence) == (450, 7)
    confidences = [c.new_value for c in changes if c.field == "confidence"]
    assert confidences == [6, 7, 8]  # as imported, then the first submit's
