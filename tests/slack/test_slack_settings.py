"""Settings in Slack: `settings` typed in the DM lists them and posts a button that opens them as
a modal; what is saved there holds (quiet hours, a kind turned off, the language), and a
mistake comes back at its field."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from adapters.slack.render import FORM_CALLBACK_ID
from storage.models import Person
from tests.conftest import until
from tests.slack.conftest import Slack, buttons, text_of
from tests.slack.payloads import block_action, message_event, view_submission
from tests.slack.test_slack_checkin_form import state


def opened(slack: Slack) -> dict[str, Any]:
    view = slack.api.called("views.open")[-1].params["view"]
    return view if isinstance(view, dict) else json.loads(view)


async def test_settings_are_listed_then_changed_in_a_modal(slack: Slack) -> None:
    await slack.event(message_event("settings", user="U_ALAN"))
    await until(lambda: len(slack.posts("U_ALAN")) >= 2)
    listing, offer = slack.posts("U_ALAN")[:2]
    assert "19:00–08:00 your time, and weekends" in text_of(listing)
    action_id, value = buttons(offer)["Open: Notification settings"]
    await slack.form(block_action(action_id, value, user="U_ALAN", trigger_id="1.2.fresh"))
    await until(lambda: bool(slack.api.called("views.open")))
    view = opened(slack)
    inputs = [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
    assert inputs[:3] == ["quiet_start", "quiet_end", "weekends"] and "kudos" in inputs

    typed = {"quiet_start": "late", "quiet_end": "08:00", "kudos": "off", "language": "de"}
    body = view_submission(FORM_CALLBACK_ID, value, state(view, typed), user="U_ALAN")
    status, response = await slack.form(body)
    assert "is not a time" in json.loads(response)["errors"]["quiet_start"]

    typed["quiet_start"] = "21:30"
    seen = len(slack.posts("U_ALAN"))
    body = view_submission(FORM_CALLBACK_ID, value, state(view, typed), user="U_ALAN")
    status, response = await slack.form(body)
    assert status == 200
    assert "Saved your notification settings." in text_of(await slack.next_post(seen))
    async with slack.database.session() as session:
        alan = (await session.exec(select(Person).where(Person.email == "alan@example.com"))).one()
    assert alan.notify == {
        "quiet": {"start": "21:30", "end": "08:00", "weekends": True},
        "off": ["kudos"],
    }
    assert alan.language == "de"
    seen = len(slack.posts("U_ALAN"))
    await slack.event(message_event("settings", user="U_ALAN"))
    await until(lambda: len(slack.posts("U_ALAN")) >= seen + 2)
    assert "Kudos-DMs: aus" in text_of(slack.posts("U_ALAN")[-2])
