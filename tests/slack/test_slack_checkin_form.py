"""The check-in modal in Slack: once submitted it shows the summary; the same form submitted
again (a second modal left open, with its fields blank) changes nothing and says so."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import col, select

from adapters.slack.render import FORM_CALLBACK_ID
from storage.models import Answer, KeyResult, KeyResultChange
from tests.conftest import until
from tests.slack.conftest import Slack, buttons
from tests.slack.payloads import block_action, slash_command, view_submission


def state(view: dict[str, Any], typed: dict[str, str]) -> dict[str, dict[str, Any]]:
    """view.state.values as Slack sends them, for the typed fields (the rest left empty)."""
    values: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        key, text = block["block_id"], typed.get(block["block_id"], "")
        if block["element"]["type"] == "static_select":
            option = {"value": text} if text else None
            values[key] = {"value": {"type": "static_select", "selected_option": option}}
        elif block["element"]["type"] == "multi_users_select":  # typed: user ids, spaced
            values[key] = {"value": {"type": "multi_users_select", "selected_users": text.split()}}
        else:
            values[key] = {"value": {"type": "plain_text_input", "value": text or None}}
    return values


async def test_a_form_submitted_twice_in_slack_keeps_the_first_answers(slack: Slack) -> None:
    await slack.form(slash_command("/checkin", "now", user="U_ALAN"))
    first = await slack.next_post(0)
    action_id, prompt_id = buttons(first)["Fill in as a form"]
    await slack.form(block_action(action_id, prompt_id, user="U_ALAN"))
    await until(lambda: bool(slack.api.called("views.open")))
    view = slack.api.called("views.open")[0].params["view"]
    view = view if isinstance(view, dict) else json.loads(view)
    typed = {
        "kr:1:value": "450",
        "kr:1:confidence": "7",
        "kr:2:confidence": "8",
        "blockers": "waiting on legal",
        "mood": "4",
    }
    body = view_submission(
        FORM_CALLBACK_ID, view["private_metadata"], state(view, typed), user="U_ALAN"
    )
    status, response = await slack.form(body)
    # The modal turns into the summary: nothing left in it to submit.
    assert status == 200
    shown = json.loads(response)
    assert shown["response_action"] == "update" and "submit" not in shown["view"]
    assert "Check-in saved" in json.dumps(shown["view"], ensure_ascii=False)

    # The same form again, from a second modal: first values and blanks.
    again = {"kr:2:confidence": "6"}
    body = view_submission(
        FORM_CALLBACK_ID, view["private_metadata"], state(view, again), user="U_ALAN"
    )
    status, response = await slack.form(body)
    assert status == 200 and "sent this check-in already" in response
    async with slack.database.session() as session:
        stored = {a.question_key: a for a in (await session.exec(select(Answer))).all()}
        signups = (await session.exec(select(KeyResult).where(KeyResult.key == "signups"))).one()
        changes = (
            await session.exec(select(KeyResultChange).order_by(col(KeyResultChange.id)))
        ).all()
    assert stored["blockers"].text == "waiting on legal" and stored["mood"].number == 4
    assert (signups.current, signups.confidence) == (450, 7)
    confidences = [c.new_value for c in changes if c.field == "confidence"]
    assert confidences == [6, 7, 8]  # as imported, then the first submit's
