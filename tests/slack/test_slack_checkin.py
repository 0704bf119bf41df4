"""The check-in in Slack, end to end: signed requests in, Web API calls out."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlmodel import select

from adapters.slack.render import ACTION_OPEN_FORM, FORM_CALLBACK_ID
from storage.models import Answer, KeyResult, Person, PlatformIdentity
from tests.conftest import until
from tests.slack.conftest import Slack, buttons, text_of
from tests.slack.payloads import (
    FORM,
    app_home_opened,
    block_action,
    message_event,
    signed_headers,
    slash_command,
    view_submission,
)


async def key_results(slack: Slack) -> dict[str, KeyResult]:
    async with slack.database.session() as session:
        return {kr.key: kr for kr in (await session.exec(select(KeyResult))).all()}


async def answers(slack: Slack) -> list[Answer]:
    async with slack.database.session() as session:
        return list((await session.exec(select(Answer))).all())


async def test_a_checkin_by_dm_replies_updates_the_key_results(slack: Slack) -> None:
    status, body = await slack.form(slash_command("/checkin", "now", user="U_ALAN"))
    assert status == 200 and body == ""  # acked at once; the work follows in the DM
    first = await slack.next_post(0)
    assert "Weekly signups" in text_of(first)
    for reply in ("signups 400, nps 35", "7", "8", "none", "shipped the importer", "4"):
        seen = len(slack.posts("U_ALAN"))
        assert (await slack.event(message_event(reply, user="U_ALAN")))[0] == 200
        await slack.next_post(seen)
    assert "Check-in saved" in text_of(slack.posts("U_ALAN")[-1])
    krs = await key_results(slack)
    assert (krs["signups"].current, krs["nps"].current, krs["nps"].confidence) == (400, 35, 8)
    # First contact went through users.info: the Slack user is now linked, with their zone.
    async with slack.database.session() as session:
        identity = (await session.exec(select(PlatformIdentity))).one()
        alan = (await session.exec(select(Person).where(Person.email == "alan@example.com"))).one()
    assert identity.external_user_id == "U_ALAN" and alan.timezone == "Europe/London"


async def test_buttons_answer_and_are_disabled_once_used(slack: Slack) -> None:
    await slack.form(slash_command("/checkin", "now", user="U_ALAN"))
    first = await slack.next_post(0)
    action_id, value = buttons(first)["No change"]
    await slack.form(block_action(action_id, value, user="U_ALAN", message_ts=first.response["ts"]))
    await slack.next_post(1)
    await until(lambda: bool(slack.api.called("chat.update")))
    update = slack.api.called("chat.update")[0]
    assert update.params["ts"] == first.response["ts"]
    assert "You answered" in text_of(update) and not buttons(update)
    # A second click on the old button records nothing more.
    await slack.form(block_action(action_id, value, user="U_ALAN"))
    await slack.next_post(2)
    assert "already answered" in text_of(slack.posts("U_ALAN")[-1])
    assert len(await answers(slack)) == 1


async def test_a_checkin_through_the_modal_updates_the_key_results(slack: Slack) -> None:
    await slack.form(slash_command("/checkin", "now", user="U_ALAN"))
    first = await slack.next_post(0)
    action_id, prompt_id = buttons(first)["Fill in as a form"]
    assert action_id == ACTION_OPEN_FORM
    await slack.form(block_action(action_id, prompt_id, user="U_ALAN"))
    await until(lambda: bool(slack.api.called("views.open")))
    view = slack.api.called("views.open")[0].params["view"]
    view = view if isinstance(view, dict) else json.loads(view)
    keys = [block["block_id"] for block in view["blocks"] if block["type"] == "input"]
    typed = {
        "kr:1:value": "450",
        "kr:1:confidence": "7",
        "kr:2:value": "same",
        "mood": "4",
        "blockers": "waiting on <!channel> review",
    }
    values: dict[str, dict[str, Any]] = {}
    for key in keys:
        text = typed.get(key, "")
        if key.endswith("confidence") or key == "mood":
            option = {"value": text} if text else None
            values[key] = {"value": {"type": "static_select", "selected_option": option}}
        else:
            values[key] = {"value": {"type": "plain_text_input", "value": text or None}}
    body = view_submission(FORM_CALLBACK_ID, view["private_metadata"], values, user="U_ALAN")
    status, response = await slack.form(body)
    assert status == 200 and json.loads(response)["response_action"] == "update"  # the summary
    krs = await key_results(slack)
    assert (krs["signups"].current, krs["signups"].confidence) == (450, 7)
    summary = await slack.next_post(1)
    assert "&lt;!channel&gt;" in text_of(summary) and "<!channel>" not in text_of(summary)


async def test_a_bad_modal_value_is_shown_on_its_field_and_nothing_is_stored(
    slack: Slack,
) -> None:
    await slack.form(slash_command("/checkin", "now", user="U_ALAN"))
    first = await slack.next_post(0)
    await slack.form(
        block_action(ACTION_OPEN_FORM, buttons(first)["Fill in as a form"][1], user="U_ALAN")
    )
    await until(lambda: bool(slack.api.called("views.open")))
    view = slack.api.called("views.open")[0].params["view"]
    bad = {"kr:1:value": {"value": {"type": "plain_text_input", "value": "lots"}}}
    status, response = await slack.form(
        view_submission(FORM_CALLBACK_ID, view["private_metadata"], bad, user="U_ALAN")
    )
    assert status == 200 and '"response_action":"errors"' in response.replace(" ", "")
    assert "kr:1:value" in response
    assert (await key_results(slack))["signups"].current == 120


async def test_an_expired_form_trigger_falls_back_to_the_conversation(slack: Slack) -> None:
    await slack.form(slash_command("/checkin", "now", user="U_ALAN"))
    first = await slack.next_post(0)
    prompt_id = buttons(first)["Fill in as a form"][1]
    await slack.form(block_action(ACTION_OPEN_FORM, prompt_id, user="U_ALAN", trigger_id="expired"))
    fallback = await slack.next_post(1)
    assert "timed out" in text_of(fallback)


async def test_app_home_shows_my_goals(slack: Slack) -> None:
    assert (await slack.event(app_home_opened("U_ALAN")))[0] == 200
    await until(lambda: bool(slack.api.called("views.publish")))
    call = slack.api.called("views.publish")[0]
    assert call.params["user_id"] == "U_ALAN"
    assert "Weekly signups" in text_of_view(call.params["view"])


def text_of_view(view: Any) -> str:
    return view if isinstance(view, str) else __import__("json").dumps(view, ensure_ascii=False)


async def test_goals_help_feedback_and_pulse_answer_and_future_commands_say_coming_soon(
    slack: Slack,
) -> None:
    for n, (command, text, expected) in enumerate(
        [
            ("/goals", "", "Weekly signups"),
            ("/checkin", "help", "checkin now"),
            ("/feedback", "request", "Say who it's about and who to ask"),
            ("/pulse", "", "Pulse surveys"),
            ("/digest", "subscribe", "Type this in the channel"),
            ("/goals", "update", "coming soon"),
        ]
    ):
        status, _ = await slack.form(slash_command(command, text, user="U_ALAN"))
        assert status == 200
        assert expected in text_of(await slack.next_post(n))


async def test_a_command_in_a_channel_says_the_answer_is_in_the_dm(slack: Slack) -> None:
    status, body = await slack.form(slash_command("/checkin", "now", user="U_ALAN", channel="C123"))
    assert status == 200 and "direct messages" in body


async def test_an_event_retried_three_times_records_one_answer(slack: Slack) -> None:
    await slack.form(slash_command("/checkin", "now", user="U_ALAN"))
    await slack.next_post(0)
    event = message_event("400", user="U_ALAN")
    for retry in ("", "1", "2", "3"):
        headers = {"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"}
        assert (await slack.event(event, **(headers if retry else {})))[0] == 200
    await slack.next_post(1)
    await until(lambda: len(slack.api.called("users.info")) >= 0)
    assert len(await answers(slack)) == 1
    assert len(slack.posts("U_ALAN")) == 2


async def test_unsigned_badly_signed_or_stale_requests_are_rejected(slack: Slack) -> None:
    body = slash_command("/checkin", "now", user="U_ALAN")
    good = signed_headers("8f742231b10e8888abcd99yyyzzz85a5", body, content_type=FORM)
    stale = signed_headers(
        "8f742231b10e8888abcd99yyyzzz85a5",
        body,
        content_type=FORM,
        timestamp=int(time.time()) - 6 * 60,
    )
    cases = [
        {"Content-Type": FORM},
        good | {"X-Slack-Signature": "v0=" + "0" * 64},
        stale,
        {k: v for k, v in good.items() if k != "X-Slack-Request-Timestamp"},
    ]
    for headers in cases:
        response = await slack.client.post("/slack/events", data=body, headers=headers)
        assert response.status == 401
    await __import__("asyncio").sleep(0.2)
    assert slack.api.calls == [] and await answers(slack) == []


async def test_a_429_storm_still_delivers_every_message_once(slack: Slack) -> None:
    slack.api.fail("chat.postMessage", 6, retry_after=0.05)
    await slack.form(slash_command("/checkin", "now", user="U_ALAN"))
    await slack.next_post(0)
    for n, reply in enumerate(("400", "7")):
        await slack.event(message_event(reply, user="U_ALAN"))
        await slack.next_post(n + 1)
    posted = [text_of(call) for call in slack.posts("U_ALAN")]
    assert len(posted) == 3 and len(set(posted)) == 3
    assert len([c for c in slack.api.called("chat.postMessage") if c.status == 429]) == 6


async def test_healthz_reports_the_database(slack: Slack) -> None:
    response = await slack.client.get("/healthz")
    assert response.status == 200 and (await response.json())["database"] == "ok"


async def test_what_people_type_is_stored_as_typed_and_shown_escaped(slack: Slack) -> None:
    await slack.form(slash_command("/checkin", "now", user="U_ALAN"))
    await slack.next_post(0)
    for n, reply in enumerate(("skip", "skip", "skip", "skip")):
        await slack.event(message_event(reply, user="U_ALAN"))
        await slack.next_post(n + 1)
    # Slack sends "a < b & c" escaped; a broadcast mention arrives in its <!...> form.
    await slack.event(message_event("latency &lt; 200ms &amp; <!channel> help", user="U_ALAN"))
    await slack.next_post(5)
    stored = {a.question_key: a.text for a in await answers(slack)}
    assert stored["blockers"] == "latency < 200ms & <!channel> help"
    for reply in ("ok", "3"):
        seen = len(slack.posts("U_ALAN"))
        await slack.event(message_event(reply, user="U_ALAN"))
        await slack.next_post(seen)
    summary = text_of(slack.posts("U_ALAN")[-1])
    assert "latency &lt; 200ms &amp; &lt;!channel&gt; help" in summary
    assert "<!channel>" not in summary
