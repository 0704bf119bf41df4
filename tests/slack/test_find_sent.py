"""After a crash, SlackOutbox.find_sent asks Slack's DM history whether a question arrived:
its ref when it did, None when history shows it did not, an error when it can't tell."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.outbound import CLOCK_SKEW, SlackOutbox, slack_ts
from adapters.slack.pacing import Pacer, Rate, SlackSendError
from adapters.slack.render import render_message
from adapters.slack.web_api import SlackApi
from bot.core.messages import Choice, Question, Text
from bot.core.ports import Recipient, Undeliverable
from tests.slack.conftest import TOKEN
from tests.slack.mock_api import MockSlackApi

ALAN = Recipient("slack", "T1", "U_ALAN")


def question(prompt_id: str = "p1") -> Question:
    return Question(prompt_id, "How many signups this week?", (Choice("Done", "done"),), None, 1, 3)


@pytest.fixture
def slack_outbox(api: MockSlackApi) -> SlackOutbox:
    async def token(workspace: str) -> str | None:
        return TOKEN if workspace == "T1" else None

    # No pacing to speak of: these tests post hundreds of messages to one DM.
    fast = Rate(600_000, 1_000)
    return SlackOutbox(SlackApi(api.url, token, Pacer({"*": fast}, per_channel=fast)))


async def post_others(api: MockSlackApi, count: int) -> None:
    """Other messages from the bot in Alan's DM, straight to the mock."""
    client = AsyncWebClient(token=TOKEN, base_url=api.url, retry_handlers=[])
    for n in range(count):
        await client.chat_postMessage(channel="U_ALAN", text=f"note {n}")


async def test_a_sent_question_is_found_with_the_ref_send_returned(
    api: MockSlackApi, slack_outbox: SlackOutbox
) -> None:
    since = api.now()
    ref = await slack_outbox.send(ALAN, question())
    assert ref == {"channel": "DU_ALAN", "ts": "1700000000.000100"}
    assert await slack_outbox.find_sent(ALAN, "p1", since) == ref

    [opened] = api.called("conversations.open")
    assert opened.params["users"] == "U_ALAN"
    [read] = api.called("conversations.history")
    assert read.params == {
        "channel": "DU_ALAN",
        "oldest": slack_ts(since - CLOCK_SKEW),
        "inclusive": True,
        "include_all_metadata": True,
        "limit": 200,
    }
    assert read.params["oldest"] == "1699999995.000000"


async def test_the_posted_question_carries_its_prompt_id_as_metadata(
    api: MockSlackApi, slack_outbox: SlackOutbox
) -> None:
    await slack_outbox.send(ALAN, question("prompt-42"))
    await slack_outbox.send(ALAN, Text("Thanks!"))
    asked, thanked = api.called("chat.postMessage")
    metadata = {"event_type": "checkin_question", "event_payload": {"prompt_id": "prompt-42"}}
    assert asked.params["metadata"] == metadata
    assert asked.response["message"]["metadata"] == metadata
    assert "warning" not in asked.response
    assert "metadata" not in thanked.params


async def test_nothing_is_found_when_the_question_was_never_sent(
    api: MockSlackApi, slack_outbox: SlackOutbox
) -> None:
    assert await slack_outbox.find_sent(ALAN, "p1", api.now()) is None
    assert len(api.called("conversations.history")) == 1


async def test_another_prompts_question_is_not_found(
    api: MockSlackApi, slack_outbox: SlackOutbox
) -> None:
    since = api.now()
    await slack_outbox.send(ALAN, question("p2"))
    assert await slack_outbox.find_sent(ALAN, "p1", since) is None


async def test_a_question_sent_before_since_is_not_found(
    api: MockSlackApi, slack_outbox: SlackOutbox
) -> None:
    await slack_outbox.send(ALAN, question())
    api.advance(minutes=10)
    assert await slack_outbox.find_sent(ALAN, "p1", api.now()) is None


async def test_a_question_slacks_clock_put_a_little_before_since_is_still_found(
    api: MockSlackApi, slack_outbox: SlackOutbox
) -> None:
    ref = await slack_outbox.send(ALAN, question())
    api.advance(seconds=3)
    assert await slack_outbox.find_sent(ALAN, "p1", api.now()) == ref


async def test_the_same_question_without_metadata_never_matches(
    api: MockSlackApi, slack_outbox: SlackOutbox
) -> None:
    since = api.now()
    payload = render_message(question())  # what send posts, less the metadata
    client = AsyncWebClient(token=TOKEN, base_url=api.url, retry_handlers=[])
    await client.chat_postMessage(channel="U_ALAN", **payload)
    await slack_outbox.send(ALAN, Text("p1"))
    assert await slack_outbox.find_sent(ALAN, "p1", since) is None


async def test_a_question_on_the_second_page_of_history_is_found(
    api: MockSlackApi, slack_outbox: SlackOutbox
) -> None:
    since = api.now()
    ref = await slack_outbox.send(ALAN, question())
    await post_others(api, 210)
    assert await slack_outbox.find_sent(ALAN, "p1", since) == ref
    first, second = api.called("conversations.history")
    assert len(first.response["messages"]) == 200
    assert second.params["cursor"] == first.response["response_metadata"]["next_cursor"]


async def test_short_pages_of_a_non_marketplace_app_are_read_on(
    api: MockSlackApi, slack_outbox: SlackOutbox
) -> None:
    api.history_max = 15
    since = api.now()
    ref = await slack_outbox.send(ALAN, question())
    await post_others(api, 40)
    assert await slack_outbox.find_sent(ALAN, "p1", since) == ref
    assert len(api.called("conversations.history")) == 3


async def test_more_history_than_it_reads_raises_instead_of_answering_none(
    api: MockSlackApi, slack_outbox: SlackOutbox
) -> None:
    api.history_max = 15
    since = api.now()
    await slack_outbox.send(ALAN, question())
    await post_others(api, 150)  # ten pages of 15 newer messages hide the question
    with pytest.raises(SlackSendError) as raised:
        await slack_outbox.find_sent(ALAN, "p1", since)
    assert raised.value.error == "history_too_long"


async def test_an_error_reading_history_raises_instead_of_answering_none(
    api: MockSlackApi, slack_outbox: SlackOutbox
) -> None:
    api.fail("conversations.history", 1, error="missing_scope")
    with pytest.raises(SlackSendError) as raised:
        await slack_outbox.find_sent(ALAN, "p1", api.now())
    assert raised.value.error == "missing_scope"


async def test_an_error_on_a_later_page_raises_instead_of_answering_none(
    api: MockSlackApi, slack_outbox: SlackOutbox
) -> None:
    since = api.now()
    await slack_outbox.send(ALAN, question())
    await post_others(api, 210)
    api.fail("conversations.history", 1, error="missing_scope", after=1)
    with pytest.raises(SlackSendError):
        await slack_outbox.find_sent(ALAN, "p1", since)


async def test_a_person_slack_cannot_reach_is_undeliverable(
    api: MockSlackApi, slack_outbox: SlackOutbox
) -> None:
    api.fail("conversations.open", 1, error="user_not_found")
    with pytest.raises(Undeliverable):
        await slack_outbox.find_sent(ALAN, "p1", api.now())


def test_slack_timestamps_are_exact_to_the_microsecond() -> None:
    instant = datetime(2023, 11, 14, 22, 13, 20, 100, tzinfo=UTC)
    assert slack_ts(instant) == "1700000000.000100"
    assert slack_ts(instant.astimezone(timezone(timedelta(hours=5, minutes=30)))) == (
        "1700000000.000100"
    )
    assert slack_ts(instant.replace(tzinfo=None)) == "1700000000.000100"  # naive counts as UTC
