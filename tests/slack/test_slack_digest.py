"""Channel digests in Slack, end to end: `/digest subscribe` typed in a channel, the weekly job
on Monday morning, and the digest at the mock Web API: a one-line summary in the channel, the
details and the chart in its thread, never a blocker."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.slack.pacing import SlackSendError
from app.scheduling import build_scheduler
from app.server import ENGINE
from bot.core.messages import Text
from bot.core.ports import Recipient, Undeliverable
from tests.conftest import FakeClock, until
from tests.slack.conftest import Slack, text_of
from tests.slack.mock_api import Call, MockSlackApi
from tests.slack.payloads import message_event, slash_command
from tests.slack.test_slack_charts import CARD, outbox_for
from tests.slack.test_slack_feedback_pulse import PNG_SIGNATURE

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # the org's time zone is UTC
BLOCKER = "waiting on the legal review"


async def alan_checks_in(slack: Slack) -> None:
    await slack.form(slash_command("/checkin", "now", user="U_ALAN"))
    await slack.next_post(0)
    for reply in ("signups 400, nps 35", "7", "8", BLOCKER, "shipped the importer", "4"):
        seen = len(slack.posts("U_ALAN"))
        assert (await slack.event(message_event(reply, user="U_ALAN")))[0] == 200
        await slack.next_post(seen)
    assert "Check-in saved" in text_of(slack.posts("U_ALAN")[-1])


async def run_due_jobs(slack: Slack) -> None:
    """What the scheduler of `checkin-bot serve` does on its ticks, run to the end."""
    await build_scheduler(slack.client.server.app[ENGINE], 1).run_until_idle()


async def in_channel(
    slack: Slack, text: str, channel: str, name: str = "eng", user: str = "U_GRACE"
) -> str:
    """A /digest command typed in a channel; the bot's answer in the person's DM."""
    seen = len(slack.posts(user))
    body = slash_command("/digest", text, user=user, channel=channel, channel_name=name)
    status, ack = await slack.form(body)
    assert status == 200 and "direct messages" in ack
    return text_of(await slack.next_post(seen, user))


async def digest_note(slack: Slack, seen: int) -> Call:
    """The note to Grace about a digest that couldn't be posted. Her check-in prompt is due on
    the same tick and is sent alongside, in either order."""

    def notes() -> list[Call]:
        posts = slack.posts("U_GRACE")[seen:]
        return [c for c in posts if "goal digest" in c.params.get("text", "")]

    await until(lambda: bool(notes()))
    [note] = notes()
    return note


def in_channel_posts(slack: Slack, channel: str) -> list[Call]:
    return [c for c in slack.api.called("chat.postMessage") if c.params.get("channel") == channel]


async def test_a_subscribed_channel_gets_a_summary_with_details_and_chart_in_its_thread(
    slack: Slack, clock: FakeClock
) -> None:
    slack.api.add_channel("C_ENG")  # public, and the app isn't in it yet
    await alan_checks_in(slack)
    answer = await in_channel(slack, "subscribe", "C_ENG")
    assert "#eng gets the Engineering digest every Monday morning" in answer
    assert "the first on Mon 30 Nov 09:00 UTC" in answer
    assert in_channel_posts(slack, "C_ENG") == []

    await run_due_jobs(slack)
    assert in_channel_posts(slack, "C_ENG") == []  # not Monday yet
    clock.current = MONDAY
    await run_due_jobs(slack)
    assert [c.ok for c in slack.api.called("conversations.join")] == [True]
    summary, details = [c for c in in_channel_posts(slack, "C_ENG") if c.ok]
    assert "thread_ts" not in summary.params
    assert text_of(summary).count("Engineering this week:") >= 1
    assert "1 of 2 checked in" in text_of(summary)  # Alan, not yet Grace
    assert details.params["thread_ts"] == summary.response["ts"]
    assert "*Grow*" in text_of(details) and "75%" in text_of(details)
    assert "shipped the importer" in text_of(details)  # a win
    for call in (summary, details):
        assert BLOCKER not in text_of(call)

    (shared,) = slack.api.called("files.completeUploadExternal")
    assert shared.params["channel_id"] == "C_ENG"
    assert shared.params["thread_ts"] == summary.response["ts"]
    (uploaded,) = slack.api.files.values()
    assert uploaded.data is not None and uploaded.data.startswith(PNG_SIGNATURE)

    # The week after: one more summary, and the app stays in the channel.
    clock.current = MONDAY.replace(day=7, month=12)
    await run_due_jobs(slack)
    assert len([c for c in in_channel_posts(slack, "C_ENG") if c.ok]) == 4
    assert len(slack.api.called("conversations.join")) == 1


async def test_unsubscribe_stops_the_weekly_digest(slack: Slack, clock: FakeClock) -> None:
    await in_channel(slack, "subscribe", "C_ENG")
    answer = await in_channel(slack, "unsubscribe", "C_ENG")
    assert "Stopped" in answer
    assert "doesn't get that digest" in await in_channel(slack, "unsubscribe", "C_ENG")
    clock.current = MONDAY
    await run_due_jobs(slack)
    assert in_channel_posts(slack, "C_ENG") == []


async def test_a_private_channel_the_app_was_not_invited_to_tells_the_subscriber(
    slack: Slack, clock: FakeClock
) -> None:
    slack.api.add_channel("G_PRIV", private=True)
    answer = await in_channel(slack, "subscribe", "G_PRIV", name="privategroup")
    assert "this conversation gets the Engineering digest" in answer
    seen = len(slack.posts("U_GRACE"))
    clock.current = MONDAY
    await run_due_jobs(slack)
    # Grace is in New York: her quiet hours keep the note until 08:00 there.
    clock.current = MONDAY.replace(hour=13)
    await run_due_jobs(slack)
    note = text_of(await digest_note(slack, seen))
    assert "couldn't post this week's goal digest in this conversation" in note
    assert "/invite" in note
    assert not [c for c in in_channel_posts(slack, "G_PRIV") if c.ok]


async def test_the_subscriber_hears_how_to_invite_the_app_in_slacks_words(
    slack: Slack, clock: FakeClock
) -> None:
    slack.api.add_channel("G_PRIV", private=True)
    await in_channel(slack, "subscribe", "G_PRIV", name="privategroup")
    seen = len(slack.posts("U_GRACE"))
    clock.current = MONDAY
    await run_due_jobs(slack)
    # Grace is in New York: her quiet hours keep the note until 08:00 there.
    clock.current = MONDAY.replace(hour=13)
    await run_due_jobs(slack)
    note = await digest_note(slack, seen)
    assert note.params["text"] == (
        "I couldn't post this week's goal digest in this conversation: I'm not in it, or it's "
        "gone. Invite me there (/invite @checkin), or type digest unsubscribe there to stop it."
    )


async def test_subscribe_in_a_direct_message_says_where_to_type_it(slack: Slack) -> None:
    status, _ = await slack.form(slash_command("/digest", "subscribe", user="U_GRACE"))
    assert status == 200
    answer = await slack.next_post(0, "U_GRACE")
    assert answer.params["text"] == (
        "Type this in the channel that should get the digest: in Slack as /digest subscribe "
        "(a private channel needs /invite @checkin first), in Teams with @checkin in front."
    )


async def test_digest_rights_hold_in_a_channel_too(slack: Slack) -> None:
    # Alan isn't an admin: the whole org's digest is not his to subscribe a channel to.
    answer = await in_channel(slack, "subscribe everyone", "C_ENG", user="U_ALAN")
    assert "Only admins" in answer
    answer = await in_channel(slack, "subscribe Sales", "C_ENG", user="U_ALAN")
    assert "Which team?" in answer and "Engineering" in answer


# -- the outbox alone ----------------------------------------------------------------------------

CHANNEL = Recipient("slack", "T1", "", {"channel": "C_ENG", "key": "C_ENG", "name": "#eng"})
SUMMARY = Text("Engineering this week: 1 objective, avg 75% (+53), 1 of 2 checked in")


async def test_a_failure_in_the_thread_never_posts_the_summary_twice(api: MockSlackApi) -> None:
    api.fail("chat.postMessage", 1, status=200, error="invalid_blocks", after=1)
    await outbox_for(api).post_digest(CHANNEL, SUMMARY, CARD)  # logged, not raised
    posted = [c for c in api.called("chat.postMessage") if c.ok]
    assert [c.params.get("text") for c in posted] == [SUMMARY.text]


async def test_nothing_posted_yet_means_the_error_is_raised_for_a_retry(api: MockSlackApi) -> None:
    api.fail("chat.postMessage", 1, status=200, error="invalid_blocks")
    with pytest.raises(SlackSendError):
        await outbox_for(api).post_digest(CHANNEL, SUMMARY, CARD)
    assert not [c for c in api.called("chat.postMessage") if c.ok]


@pytest.mark.parametrize(
    ("channel", "why"),
    [
        ({"private": True}, "channel_not_found"),
        ({"archived": True}, "is_archived"),
    ],
)
async def test_a_channel_the_app_cannot_post_in_is_undeliverable(
    api: MockSlackApi, channel: dict[str, bool], why: str
) -> None:
    api.add_channel("C_ENG", **channel)
    with pytest.raises(Undeliverable, match=why):
        await outbox_for(api).post_digest(CHANNEL, SUMMARY, CARD)
