"""A card's chart in Slack: the card is posted (its chart in words), then the PNG follows as a
file in the same conversation, through the mock Web API's three-step upload. A failed upload
costs only the image: the card stays posted and send() still returns its ref."""

from __future__ import annotations

import json
import logging

import pytest

from adapters.slack import upload
from adapters.slack.outbound import SlackOutbox
from adapters.slack.pacing import SLACK_RATES, Pacer, Rate
from adapters.slack.render import render_home, render_message
from adapters.slack.upload import file_name
from adapters.slack.web_api import SlackApi
from bot.core.messages import Card, Chart, Field, Section, Text
from bot.core.ports import Recipient
from bot.digests.charts import line_chart
from tests.slack.conftest import TOKEN
from tests.slack.mock_api import UPLOAD, MockSlackApi

ALAN = Recipient("slack", "T1", "U_ALAN")
CHART = line_chart(
    "eNPS by round", ["Mar 2", "Mar 9", "Mar 16"], [("eNPS", [12, 20, 35])], y_min=-100, y_max=100
)
CARD = Card("Pulse results", (Section("Latest", (Field("eNPS", "+35"),)),), "Anonymous", CHART)
FILE_CALLS = ["files.getUploadURLExternal", UPLOAD, "files.completeUploadExternal"]


def outbox_for(api: MockSlackApi, *, chart_in_thread: bool = False) -> SlackOutbox:
    async def token(workspace: str) -> str | None:
        return TOKEN if workspace == "T1" else None

    fast = Rate(600_000, 1_000)
    pacer = Pacer({"*": fast}, per_channel=fast)
    return SlackOutbox(SlackApi(api.url, token, pacer), chart_in_thread=chart_in_thread)


@pytest.fixture
def slack_outbox(api: MockSlackApi) -> SlackOutbox:
    return outbox_for(api)


@pytest.fixture(autouse=True)
def quick_upload_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upload, "FIRST_WAIT", 0.01)


def methods(api: MockSlackApi) -> list[str]:
    return [call.method for call in api.calls]


# -- the card -----------------------------------------------------------------------------------


def test_the_card_says_what_the_chart_shows_above_its_footer() -> None:
    blocks = render_message(CARD)["blocks"]
    chart_line, footer = blocks[-2], blocks[-1]
    assert chart_line["type"] == "context"
    assert chart_line["elements"][0]["text"] == f"Chart: {CHART.alt}"
    assert footer["elements"][0]["text"] == "Anonymous"
    assert CHART.alt in render_message(CARD)["text"]


def test_chart_words_are_escaped_and_fit_the_home_tab_too() -> None:
    hostile = Card("R", chart=Chart(CHART.png, "<!channel>", "Tom & <@U1> " * 500))
    [chart_line] = [b for b in render_message(hostile)["blocks"] if b["type"] == "context"]
    text = chart_line["elements"][0]["text"]
    assert text.startswith("Chart: &lt;!channel&gt;. Tom &amp; &lt;@U1&gt;")
    assert len(text) <= 3000
    home = render_home(hostile, start_button=True)["blocks"]
    assert any(b["type"] == "context" for b in home)


def test_file_names_come_from_the_title() -> None:
    assert file_name("eNPS by round") == "enps-by-round.png"
    assert file_name("🎉 ---") == "chart.png"
    assert len(file_name("x" * 500)) <= 64


# -- the upload ---------------------------------------------------------------------------------


async def test_a_card_with_a_chart_is_posted_then_its_png_shared_in_the_same_dm(
    api: MockSlackApi, slack_outbox: SlackOutbox
) -> None:
    ref = await slack_outbox.send(ALAN, CARD)
    assert methods(api) == ["chat.postMessage", *FILE_CALLS]
    [posted] = api.called("chat.postMessage")
    assert ref == {"channel": posted.response["channel"], "ts": posted.response["ts"]}

    [ticket] = api.called("files.getUploadURLExternal")
    assert ticket.params["filename"] == "enps-by-round.png"
    assert ticket.params["length"] == str(len(CHART.png))
    assert ticket.params["alt_txt"] == CHART.alt
    [completed] = api.called("files.completeUploadExternal")
    assert completed.params["channel_id"] == ref["channel"] == "DU_ALAN"
    assert "thread_ts" not in completed.params
    [file] = api.files.values()
    assert file.data == CHART.png
    assert (file.channel, file.thread_ts, file.title) == ("DU_ALAN", None, "eNPS by round")
    assert json.loads(completed.params["files"]) == [{"id": file.id, "title": "eNPS by round"}]


async def test_the_chart_lands_right_after_the_card_in_the_conversation(
    api: MockSlackApi, slack_outbox: SlackOutbox
) -> None:
    ref = await slack_outbox.send(ALAN, CARD)
    assert ref is not None
    shared = [m for m in api.messages.values() if m.get("subtype") == "file_share"]
    assert [m["files"][0]["title"] for m in shared] == ["eNPS by round"]
    assert float(shared[0]["ts"]) > float(ref["ts"])


async def test_with_chart_in_thread_the_png_is_a_reply_to_the_card(api: MockSlackApi) -> None:
    ref = await outbox_for(api, chart_in_thread=True).send(ALAN, CARD)
    assert ref is not None
    [completed] = api.called("files.completeUploadExternal")
    assert completed.params["thread_ts"] == ref["ts"]
    [file] = api.files.values()
    assert file.thread_ts == ref["ts"]


async def test_messages_without_a_chart_upload_nothing(
    api: MockSlackApi, slack_outbox: SlackOutbox
) -> None:
    await slack_outbox.send(ALAN, Text("hello"))
    await slack_outbox.send(ALAN, Card("No chart", (Section("A", text="b"),)))
    assert methods(api) == ["chat.postMessage", "chat.postMessage"]


async def test_a_rate_limited_upload_step_waits_and_goes_through(
    api: MockSlackApi, slack_outbox: SlackOutbox
) -> None:
    api.fail("files.getUploadURLExternal", 1, status=429, retry_after=0.05)
    api.fail("files.completeUploadExternal", 1, status=503)
    await slack_outbox.send(ALAN, CARD)
    assert [call.status for call in api.called("files.getUploadURLExternal")] == [429, 200]
    assert [call.status for call in api.called("files.completeUploadExternal")] == [503, 200]
    [file] = api.files.values()
    assert file.completed and file.data == CHART.png


async def test_a_failed_post_of_the_bytes_is_tried_again(
    api: MockSlackApi, slack_outbox: SlackOutbox
) -> None:
    api.fail(UPLOAD, 1, status=500)
    await slack_outbox.send(ALAN, CARD)
    assert [call.status for call in api.called(UPLOAD)] == [500, 200]
    assert [file.completed for file in api.files.values()] == [True]


@pytest.mark.parametrize(
    ("method", "failure", "calls"),
    [
        ("files.getUploadURLExternal", {"error": "missing_scope"}, FILE_CALLS[:1]),
        (UPLOAD, {"status": 500}, [FILE_CALLS[0], UPLOAD, UPLOAD, UPLOAD]),
        (UPLOAD, {"status": 403}, FILE_CALLS[:2]),
        ("files.completeUploadExternal", {"error": "not_in_channel"}, FILE_CALLS),
    ],
    ids=["no files:write scope", "upload keeps failing", "upload refused", "share refused"],
)
async def test_a_failed_upload_leaves_the_card_posted_and_does_not_raise(
    api: MockSlackApi,
    slack_outbox: SlackOutbox,
    caplog: pytest.LogCaptureFixture,
    method: str,
    failure: dict[str, object],
    calls: list[str],
) -> None:
    api.fail(method, 3, **failure)  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING, logger="adapters.slack.outbound"):
        ref = await slack_outbox.send(ALAN, CARD)
    [posted] = api.called("chat.postMessage")
    assert posted.ok and ref == {"channel": "DU_ALAN", "ts": posted.response["ts"]}
    assert CHART.alt in posted.params["text"]  # the chart in words, in the card's fallback
    assert methods(api) == ["chat.postMessage", *calls]
    assert not any(file.completed for file in api.files.values())
    assert any("slack chart not shared" in r.getMessage() for r in caplog.records)


def test_the_upload_methods_are_paced_as_tier_4() -> None:
    for method in ("files.getUploadURLExternal", "files.completeUploadExternal"):
        assert SLACK_RATES[method].per_minute == 100
