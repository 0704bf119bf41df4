"""Goals written in Slack: `/goals add` opens the modal at once (a slash command carries the
trigger), `goals add` typed in the DM posts a button that opens it, a modal with mistakes comes
back with each one at its field, and a good one adds the objective and its key results."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from adapters.slack.render import FORM_CALLBACK_ID
from storage.models import KeyResult, Objective
from tests.conftest import until
from tests.slack.conftest import Slack, buttons, text_of
from tests.slack.payloads import block_action, message_event, slash_command, view_submission
from tests.slack.test_slack_checkin_form import state


def opened(slack: Slack, n: int) -> dict[str, Any]:
    view = slack.api.called("views.open")[n].params["view"]
    return view if isinstance(view, dict) else json.loads(view)


async def test_goals_add_opens_a_modal_that_names_each_mistake_then_adds_the_objective(
    slack: Slack,
) -> None:
    status, _ = await slack.form(slash_command("/goals", "add", user="U_ALAN"))
    assert status == 200
    await until(lambda: bool(slack.api.called("views.open")))
    view = opened(slack, 0)
    assert view["private_metadata"] == "g_add"
    assert view["title"]["text"] == "New objective"
    inputs = [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
    assert inputs[:5] == ["title", "quarter", "level", "owner", "parent"]
    assert not slack.posts("U_ALAN")  # the modal, not a message

    typed = {
        "title": "Make onboarding <b>fast</b>",
        "parent": "1",
        "n1_title": "Time to first check-in",
        "n1_start": "10",
        "n1_target": "20",
        "n1_unit": "minutes",
        "n1_direction": "lower",
    }
    body = view_submission(FORM_CALLBACK_ID, "g_add", state(view, typed), user="U_ALAN")
    status, response = await slack.form(body)
    answer = json.loads(response)
    assert answer["response_action"] == "errors"
    assert "Lower is better" in answer["errors"]["n1_target"]

    typed |= {"n1_target": "2", "n2_title": "Docs rewritten"}
    body = view_submission(FORM_CALLBACK_ID, "g_add", state(view, typed), user="U_ALAN")
    status, response = await slack.form(body)
    assert status == 200 and not response.strip()
    said = text_of(await slack.next_post(0))
    assert "Added #2 “Make onboarding &lt;b&gt;fast&lt;/b&gt;”: a personal objective" in said
    async with slack.database.session() as session:
        made = (await session.exec(select(Objective).where(Objective.id == 2))).one()
        krs = (await session.exec(select(KeyResult).where(KeyResult.objective_id == 2))).all()
    assert made.parent_id == 1 and made.title == "Make onboarding <b>fast</b>"
    assert sorted((kr.title, kr.kind) for kr in krs) == [
        ("Docs rewritten", "binary"),
        ("Time to first check-in", "number"),
    ]


async def test_goals_add_typed_in_the_dm_posts_a_button_that_opens_the_modal(
    slack: Slack,
) -> None:
    await slack.event(message_event("goals add", user="U_ALAN"))
    post = await slack.next_post(0)
    action_id, value = buttons(post)["Open: New objective"]
    assert value == "g_add"
    await slack.form(block_action(action_id, value, user="U_ALAN", trigger_id="1.2.fresh"))
    await until(lambda: bool(slack.api.called("views.open")))
    assert opened(slack, 0)["private_metadata"] == "g_add"

    # A button for someone else's objective opens nothing.
    await slack.form(block_action(action_id, "g_edit_1", user="U_ALAN", trigger_id="1.2.x"))
    assert "isn't for you" in text_of(await slack.next_post(1))
