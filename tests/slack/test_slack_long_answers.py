"""A check-in answer over the free-text cap, typed in the DM or in the modal, as Slack sends it:
the same friendly words back, nothing stored, and the question still asked."""

from __future__ import annotations

import json

from sqlmodel import select

from adapters.slack.render import FORM_CALLBACK_ID
from bot.core.limits import MAX_FREE_TEXT, TOO_LONG
from storage.models import Answer
from tests.conftest import until
from tests.slack.conftest import Slack, buttons, text_of
from tests.slack.payloads import block_action, message_event, slash_command, view_submission

HUGE = "blocked by review " * 5_556  # 100,000 characters


async def answers(slack: Slack) -> dict[str, Answer]:
    async with slack.database.session() as session:
        return {a.question_key: a for a in (await session.exec(select(Answer))).all()}


async def test_a_100000_character_dm_answer_is_refused_and_the_question_stays(
    slack: Slack,
) -> None:
    await slack.form(slash_command("/checkin", "now", user="U_ALAN"))
    await slack.next_post(0)
    for n in range(4):  # the two key results' value and confidence
        await slack.event(message_event("skip", user="U_ALAN"))
        await slack.next_post(n + 1)
    status, _ = await slack.event(message_event(HUGE, user="U_ALAN"))
    assert status == 200
    reply = await slack.next_post(5)
    assert TOO_LONG in text_of(reply) and "blocked by review" not in json.dumps(reply.params)
    assert "blockers" not in await answers(slack)
    await slack.event(message_event("waiting on review", user="U_ALAN"))
    await slack.next_post(6)
    assert (await answers(slack))["blockers"].text == "waiting on review"


async def test_a_modal_answer_over_the_cap_is_shown_on_its_field_and_nothing_is_stored(
    slack: Slack,
) -> None:
    await slack.form(slash_command("/checkin", "now", user="U_ALAN"))
    first = await slack.next_post(0)
    action_id, prompt_id = buttons(first)["Fill in as a form"]
    await slack.form(block_action(action_id, prompt_id, user="U_ALAN"))
    await until(lambda: bool(slack.api.called("views.open")))
    view = slack.api.called("views.open")[0].params["view"]
    view = view if isinstance(view, dict) else json.loads(view)
    over = "x" * (MAX_FREE_TEXT + 1)  # under the input's own 3,000, over the cap
    typed = {"wins": {"value": {"type": "plain_text_input", "value": over}}}
    status, response = await slack.form(
        view_submission(FORM_CALLBACK_ID, view["private_metadata"], typed, user="U_ALAN")
    )
    assert status == 200
    assert json.loads(response) == {"response_action": "errors", "errors": {"wins": TOO_LONG}}
    assert await answers(slack) == {}
