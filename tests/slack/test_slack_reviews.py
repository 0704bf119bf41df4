"""A review cycle in Slack, over HTTP: Mo (an admin and Sam's manager) starts one; Sam opens his
self review from its button, sees his record above it, and submits the modal; Mo writes his
review the same way, shares it, and Sam acknowledges it."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from adapters.slack.render import ACTION_OPEN_NAMED_FORM, FORM_CALLBACK_ID
from storage.models import Person
from tests.conftest import until
from tests.slack.conftest import Slack, buttons, text_of
from tests.slack.payloads import block_action, view_submission
from tests.slack.test_slack_checkin_form import state
from tests.slack.test_slack_feedback_pulse import meet, say, slack, user

__all__ = ["slack"]  # the fixture: Mo's Platform team
ANSWERS = {
    "delivery": "4", "collaboration": "5", "craft": "3", "growth": "4",
    "went_well": "the <b>importer</b>", "to_grow": "writing", "_state": "submit",
}  # fmt: skip


async def open_and_submit(slack: Slack, key: str, typed: dict[str, str]) -> str:
    """Clicks the form's button in `key`'s DM, fills the modal and submits it; the response."""
    button = slack.posts(user(key))[-1]
    action_id, value = buttons(button)[next(iter(buttons(button)))]
    assert action_id == ACTION_OPEN_NAMED_FORM
    opened = len(slack.api.called("views.open"))
    assert (await slack.form(block_action(action_id, value, user=user(key))))[0] == 200
    await until(lambda: len(slack.api.called("views.open")) > opened)
    view: Any = slack.api.called("views.open")[-1].params["view"]
    view = view if isinstance(view, dict) else json.loads(view)
    body = view_submission(
        FORM_CALLBACK_ID, view["private_metadata"], state(view, typed), user=user(key)
    )
    status, response = await slack.form(body)
    assert status == 200
    return response


async def test_a_review_cycle_in_slack_from_start_to_acknowledgement(slack: Slack) -> None:
    async with slack.database.session() as session:
        mo = (await session.exec(select(Person).where(Person.email == "mo@example.com"))).one()
        mo.is_admin = True
        session.add(mo)
    await meet(slack, "mo", "sam")
    start = (
        'review start "H2 2026" from 2026-07-01 to 2026-12-31 self manager due 2026-12-20 '
        "for team Platform"
    )
    said = await say(slack, "mo", start)
    assert "Started “H2 2026” for the Platform team (6 people)" in text_of(said)
    await until(lambda: "has started" in text_of(slack.posts(user("sam"))[-1]))

    seen = len(slack.posts(user("sam")))
    await say(slack, "sam", "review self")
    await until(lambda: len(slack.posts(user("sam"))) >= seen + 2)
    record = text_of(slack.posts(user("sam"))[-2])
    assert "Your record for “H2 2026”" in record and "Check-ins" in record
    response = await open_and_submit(slack, "sam", ANSWERS)
    assert "errors" not in response
    await until(lambda: "Submitted your self review" in text_of(slack.posts(user("sam"))[-1]))
    await until(
        lambda: "Sam Lee submitted their self review" in text_of(slack.posts(user("mo"))[-1])
    )

    seen = len(slack.posts(user("mo")))
    await say(slack, "mo", "review manager sam@example.com")
    await until(lambda: len(slack.posts(user("mo"))) >= seen + 3)
    shown = [text_of(call) for call in slack.posts(user("mo"))[seen:]]
    assert any(
        "Sam Lee's self review" in text and "the &lt;b&gt;importer&lt;/b&gt;" in text
        for text in shown
    )
    await open_and_submit(slack, "mo", {**ANSWERS, "went_well": "a strong half"})
    await until(lambda: "review share sam@example.com" in text_of(slack.posts(user("mo"))[-1]))

    seen = len(slack.posts(user("sam")))
    assert "Shared your review with Sam Lee." in text_of(
        await say(slack, "mo", "review share sam@example.com")
    )
    await until(lambda: len(slack.posts(user("sam"))) >= seen + 2)
    assert any("a strong half" in text_of(c) for c in slack.posts(user("sam"))[seen:])
    await say(slack, "sam", "review ack thanks")
    await until(lambda: "read and acknowledged your review" in text_of(slack.posts(user("mo"))[-1]))
