"""The mock Slack API answers like Slack, its Socket Mode speaks slack_sdk's protocol, and the
payload builders pass bolt's signature check and reach the right listeners."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient

from tests.slack import payloads
from tests.slack.mock_api import UPLOAD, MockSlackApi


@pytest.fixture
async def api() -> AsyncIterator[MockSlackApi]:
    async with MockSlackApi() as mock:
        yield mock


def client_for(api: MockSlackApi, token: str = "xoxb-any") -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=api.url, retry_handlers=[])


async def error_of(call: Any) -> str:
    with pytest.raises(SlackApiError) as raised:
        await asyncio.wait_for(call, 5)
    return str(raised.value.response["error"])


async def test_users_info_gives_the_added_users_email_and_time_zone(api: MockSlackApi) -> None:
    api.add_user("U1", email="ada@example.com", name="Ada Lovelace", tz="America/New_York")
    client = client_for(api)
    user = (await client.users_info(user="U1"))["user"]
    assert user["profile"]["email"] == "ada@example.com"
    assert user["real_name"] == "Ada Lovelace"
    assert user["tz"] == "America/New_York"
    assert user["tz_offset"] in (-5 * 3600, -4 * 3600)
    assert user["team_id"] == "T1"
    assert await error_of(client.users_info(user="U404")) == "user_not_found"


async def test_lookup_by_email_finds_people_in_the_callers_workspace_only(
    api: MockSlackApi,
) -> None:
    api.add_team("T1", "xoxb-t1")
    api.add_team("T2", "xoxb-t2")
    api.add_user("U1", team="T1", email="Ada@Example.com")
    found = await client_for(api, "xoxb-t1").users_lookupByEmail(email="ada@example.com")
    assert found["user"]["id"] == "U1"
    other = client_for(api, "xoxb-t2").users_lookupByEmail(email="ada@example.com")
    assert await error_of(other) == "users_not_found"


async def test_views_open_refuses_an_expired_trigger(api: MockSlackApi) -> None:
    client = client_for(api)
    view = {"type": "modal", "title": {"type": "plain_text", "text": "Weekly check-in"}}
    assert await error_of(client.views_open(trigger_id="expired", view=view)) == (
        "expired_trigger_id"
    )
    opened = await client.views_open(trigger_id="123.456.abc", view=view)
    assert opened["view"]["id"] in api.views
    too_long = view | {"title": {"type": "plain_text", "text": "A title longer than 24 chars"}}
    assert await error_of(client.views_open(trigger_id="1.2.3", view=too_long)) == (
        "invalid_arguments"
    )


async def test_tokens_decide_the_workspace_and_unknown_ones_are_invalid_auth(
    api: MockSlackApi,
) -> None:
    assert (await client_for(api, "xoxb-whatever").auth_test())["team_id"] == "T1"
    api.add_team("T1", "xoxb-t1")
    api.add_team("T2", "xoxb-t2", bot_user="UBOT2")
    second = await client_for(api, "xoxb-t2").auth_test()
    assert (second["team_id"], second["user_id"]) == ("T2", "UBOT2")
    assert await error_of(client_for(api, "xoxb-stolen").auth_test()) == "invalid_auth"
    api.revoke("xoxb-t1")
    assert await error_of(client_for(api, "xoxb-t1").auth_test()) == "token_revoked"


async def test_limit_answers_429_with_retry_after_above_the_rate(api: MockSlackApi) -> None:
    api.limit("chat.postMessage", per_second=2)
    client = client_for(api)
    await client.chat_postMessage(channel="U1", text="first")
    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="U1", text="too soon")
    assert raised.value.response.status_code == 429
    assert 0 < float(raised.value.response.headers["Retry-After"]) <= 0.5
    await asyncio.sleep(0.5)
    await client.chat_postMessage(channel="U1", text="later")
    assert [call.ok for call in api.called("chat.postMessage")] == [True, False, True]


async def test_posting_to_a_user_lands_in_their_dm_and_can_be_updated(api: MockSlackApi) -> None:
    client = client_for(api)
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "How did it go?"}}]
    first = await client.chat_postMessage(channel="U1", text="Check-in", blocks=blocks)
    second = await client.chat_postMessage(channel="U1", text="Again")
    assert first["channel"] == "DU1"
    assert first["ts"] == "1700000000.000100"
    assert float(second["ts"]) > float(first["ts"])
    assert first["message"]["blocks"] == blocks
    await client.chat_update(channel="DU1", ts=first["ts"], text="Answered")
    assert api.messages[("DU1", first["ts"])]["text"] == "Answered"
    update_by_user_id = client.chat_update(channel="U1", ts=first["ts"], text="x")
    assert await error_of(update_by_user_id) == "channel_not_found"
    opened = await client.conversations_open(users="U1")
    assert opened["channel"]["id"] == "DU1"


async def test_a_json_body_is_ignored_by_methods_that_take_only_forms(api: MockSlackApi) -> None:
    api.add_user("U1", email="ada@example.com")
    client = client_for(api)
    as_json = client.api_call("users.info", json={"user": "U1"})
    assert await error_of(as_json) == "invalid_arguments"
    as_form = await client.api_call("users.info", data={"user": "U1"})
    assert as_form["user"]["id"] == "U1"


@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
async def test_oauth_install_and_bot_token_rotation(api: MockSlackApi) -> None:
    api.set_oauth("code-1", "T9", "xoxe.xoxb-1-first", refresh_token="xoxe-1-first")
    client = AsyncWebClient(base_url=api.url)
    credentials = {"client_id": api.client_id, "client_secret": api.client_secret}
    installed = await client.oauth_v2_access(code="code-1", **credentials)
    assert (installed["team"]["id"], installed["access_token"]) == ("T9", "xoxe.xoxb-1-first")
    assert installed["bot_user_id"] == "UBOT"
    assert installed["expires_in"] == 43200
    assert await error_of(client.oauth_v2_access(code="code-1", **credentials)) == "invalid_code"

    rotated = await client.oauth_v2_access(
        grant_type="refresh_token", refresh_token="xoxe-1-first", **credentials
    )
    assert rotated["token_type"] == "bot"
    assert (await client_for(api, rotated["access_token"]).auth_test())["team_id"] == "T9"
    reused = client.oauth_v2_access(
        grant_type="refresh_token", refresh_token="xoxe-1-first", **credentials
    )
    assert await error_of(reused) == "invalid_refresh_token"
    wrong_secret = client.oauth_v2_access(code="x", client_id=api.client_id, client_secret="no")
    assert await error_of(wrong_secret) == "bad_client_secret"


async def test_unknown_methods_are_refused(api: MockSlackApi) -> None:
    assert await error_of(client_for(api).api_call("chat.scheduleTelepathy")) == "unknown_method"


async def test_socket_mode_round_trip_with_slack_sdks_client(api: MockSlackApi) -> None:
    received: list[SocketModeRequest] = []

    async def listener(client: AsyncBaseSocketModeClient, request: SocketModeRequest) -> None:
        received.append(request)
        ack = SocketModeResponse(envelope_id=request.envelope_id, payload={"text": "on it"})
        await client.send_socket_mode_response(ack)

    client = SocketModeClient(app_token="xapp-test", web_client=AsyncWebClient(base_url=api.url))
    client.socket_mode_request_listeners.append(listener)
    try:
        await asyncio.wait_for(client.connect(), 5)
        await api.socket_connected(timeout=5)
        command = {"command": "/checkin", "text": "", "user_id": "U1", "team_id": "T1"}
        ack = await api.socket_send("slash_commands", command, timeout=5)
        assert ack is not None
        assert ack["payload"] == {"text": "on it"}
        assert [(r.type, r.payload["command"]) for r in received] == [
            ("slash_commands", "/checkin")
        ]
        assert ack["envelope_id"] == received[0].envelope_id

        await api.socket_disconnect()
        await api.socket_connected(timeout=5, connections=2)
        assert await api.socket_send("events_api", {"type": "event_callback"}, timeout=5)
    finally:
        await client.close()
    [opened, *_] = api.called("apps.connections.open")
    assert opened.token == "xapp-test"
    assert not api.socket_errors


async def test_payloads_pass_bolts_signature_check_and_reach_listeners(api: MockSlackApi) -> None:
    secret = "signing-secret"
    app = AsyncApp(signing_secret=secret, client=client_for(api, "xoxb-any"))
    seen: list[str] = []
    all_seen = asyncio.Event()

    def note(what: str) -> None:
        seen.append(what)
        if len(seen) == 5:
            all_seen.set()

    @app.command("/checkin")
    async def command(ack: Any, command: dict[str, Any]) -> None:
        await ack()
        note(f"command {command['text']}")

    @app.message()
    async def message(message: dict[str, Any]) -> None:
        note(f"message {message['text']}")

    @app.event("app_home_opened")
    async def home(event: dict[str, Any]) -> None:
        note(f"home {event['user']}")

    @app.action("answer")
    async def action(ack: Any, action: dict[str, Any]) -> None:
        await ack()
        note(f"action {action['value']}")

    @app.view("checkin")
    async def submitted(ack: Any, view: dict[str, Any]) -> None:
        await ack()
        note(f"view {view['state']['values']['kr1']['progress']['value']}")

    values = {"kr1": {"progress": {"type": "plain_text_input", "value": "40%"}}}
    requests = [
        (payloads.slash_command("/checkin", "now", user="U1"), payloads.FORM),
        (payloads.message_event("done", user="U1"), payloads.JSON),
        (payloads.message_event("our own echo", user="UBOT", bot=True), payloads.JSON),
        (payloads.app_home_opened("U1"), payloads.JSON),
        (payloads.block_action("answer", "yes", user="U1"), payloads.FORM),
        (payloads.view_submission("checkin", "{}", values, user="U1"), payloads.FORM),
    ]
    async with asyncio.timeout(5):
        for body, content_type in requests:
            headers = payloads.signed_headers(secret, body, content_type=content_type)
            response = await app.async_dispatch(AsyncBoltRequest(body=body, headers=headers))
            assert response.status == 200, response.body
        challenge = payloads.url_verification("abc")
        headers = payloads.signed_headers(secret, challenge, content_type=payloads.JSON)
        response = await app.async_dispatch(AsyncBoltRequest(body=challenge, headers=headers))
        assert response.body == '{"challenge": "abc"}'
        stale = payloads.signed_headers(secret, challenge, timestamp=1, content_type=payloads.JSON)
        rejected = await app.async_dispatch(AsyncBoltRequest(body=challenge, headers=stale))
        assert rejected.status == 401
        await all_seen.wait()  # listeners run on after their ack
    assert sorted(seen) == [
        "action yes",
        "command now",
        "home U1",
        "message done",
        "view 40%",
    ]


# -- conversations.history ---------------------------------------------------------------------

CHECKIN = {"event_type": "checkin_question", "event_payload": {"prompt_id": "p1"}}


async def history(client: AsyncWebClient, channel: str = "DU1", **params: Any) -> Any:
    return (await client.conversations_history(channel=channel, **params)).data


async def test_history_reads_a_dm_newest_first_a_page_at_a_time(api: MockSlackApi) -> None:
    client = client_for(api)
    posted = [(await client.chat_postMessage(channel="U1", text=f"m{n}"))["ts"] for n in range(5)]
    await client.chat_postMessage(channel="U2", text="someone else's DM")
    seen, cursor, pages = [], None, 0
    while True:
        page = await history(client, limit=2, cursor=cursor)
        pages += 1
        seen += [message["ts"] for message in page["messages"]]
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        assert page["has_more"] is bool(cursor)
        if not cursor:
            break
    assert pages == 3
    assert seen == posted[::-1]
    assert len((await history(client))["messages"]) == 5  # 100 by default


async def test_history_keeps_to_oldest_and_latest_inclusive_only_when_asked(
    api: MockSlackApi,
) -> None:
    client = client_for(api)
    first, second, third = [
        (await client.chat_postMessage(channel="U1", text=text))["ts"] for text in "abc"
    ]

    async def between(**params: Any) -> list[str]:
        return [message["ts"] for message in (await history(client, **params))["messages"]]

    assert await between(oldest=first) == [third, second]
    assert await between(oldest=first, inclusive=True) == [third, second, first]
    assert await between(oldest=first, latest=third) == [second]
    assert await between(oldest=first, latest=third, inclusive=True) == [third, second, first]
    assert await between(latest=second) == [first]


async def test_history_shows_metadata_only_with_include_all_metadata(api: MockSlackApi) -> None:
    client = client_for(api)
    posted = await client.chat_postMessage(channel="U1", text="How did it go?", metadata=CHECKIN)
    assert posted["message"]["metadata"] == CHECKIN
    await client.chat_postMessage(channel="U1", text="no metadata")
    form = {"channel": "U1", "text": "as a form", "metadata": json.dumps(CHECKIN)}
    await client.api_call("chat.postMessage", data=form)

    plain, full = await history(client), await history(client, include_all_metadata=True)
    assert [m.get("metadata") for m in plain["messages"]] == [None, None, None]
    assert [m.get("metadata") for m in full["messages"]] == [CHECKIN, None, CHECKIN]
    assert "metadata" not in api.messages[("DU1", full["messages"][1]["ts"])]


async def test_metadata_with_a_bad_event_type_is_dropped_with_a_warning(api: MockSlackApi) -> None:
    client = client_for(api)
    bad = {"event_type": "checkin.question", "event_payload": {"prompt_id": "p1"}}
    posted = await client.chat_postMessage(channel="U1", text="x", metadata=bad)
    assert posted["warning"] == "invalid_metadata_schema"
    assert "metadata" not in posted["message"]


async def test_history_of_a_channel_it_never_saw_is_channel_not_found(api: MockSlackApi) -> None:
    client = client_for(api)
    assert (await history(client, "DU_NEW"))["messages"] == []  # a DM nobody wrote in yet
    assert await error_of(client.conversations_history(channel="C404")) == "channel_not_found"
    assert await error_of(client.conversations_history(channel="")) == "channel_not_found"
    bad_cursor = client.conversations_history(channel="DU1", cursor="bm9wZQ==")
    assert await error_of(bad_cursor) == "invalid_cursor"


async def test_history_pages_shrink_to_the_apps_maximum(api: MockSlackApi) -> None:
    api.history_max = 15  # a non-Marketplace app's lot
    client = client_for(api)
    for n in range(20):
        await client.chat_postMessage(channel="U1", text=str(n))
    page = await history(client, limit=200)
    assert len(page["messages"]) == 15 and page["has_more"] is True


async def test_history_can_fail_on_a_later_call(api: MockSlackApi) -> None:
    api.fail("conversations.history", 1, error="missing_scope", after=1)
    client = client_for(api)
    assert (await history(client))["ok"] is True
    assert await error_of(client.conversations_history(channel="DU1")) == "missing_scope"
    assert (await history(client))["ok"] is True


async def test_advance_moves_the_clock_that_stamps_messages(api: MockSlackApi) -> None:
    client = client_for(api)
    start = api.now()
    assert start == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    api.advance(minutes=10)
    assert api.now() == start + timedelta(minutes=10)
    posted = await client.chat_postMessage(channel="U1", text="later")
    assert posted["ts"] == "1700000600.000100"
    assert api.now() == start + timedelta(minutes=10, microseconds=100)


# -- files ----------------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


async def test_slack_sdks_files_upload_v2_shares_a_file_through_the_mock(api: MockSlackApi) -> None:
    client = client_for(api)
    posted = await client.chat_postMessage(channel="U1", text="results")
    shared = await asyncio.wait_for(
        client.files_upload_v2(
            channel="DU1",
            file=PNG,
            filename="enps.png",
            title="eNPS by round",
            alt_txt="eNPS: +12, +20",
            thread_ts=posted["ts"],
        ),
        10,
    )
    file_id = shared["file"]["id"]
    assert shared["files"] == [{"id": file_id, "title": "eNPS by round"}]
    methods = [call.method for call in api.calls]
    assert methods == [
        "chat.postMessage",
        "files.getUploadURLExternal",
        UPLOAD,
        "files.completeUploadExternal",
    ]
    stored = api.files[file_id]
    assert stored.data == PNG and stored.length == len(PNG) and stored.filename == "enps.png"
    assert (stored.channel, stored.thread_ts, stored.title) == (
        "DU1",
        posted["ts"],
        "eNPS by round",
    )
    assert stored.alt_txt == "eNPS: +12, +20" and stored.completed


async def test_a_shared_file_shows_in_the_conversation_after_the_message(api: MockSlackApi) -> None:
    client = client_for(api)
    await client.chat_postMessage(channel="U1", text="results")
    await client.files_upload_v2(channel="DU1", file=PNG, filename="a.png", title="A")
    newest, card = (await history(client))["messages"]
    assert card["text"] == "results"
    assert newest["subtype"] == "file_share" and newest["files"][0]["title"] == "A"
    assert float(newest["ts"]) > float(card["ts"]) and "thread_ts" not in newest


async def test_a_file_must_be_uploaded_before_it_completes_and_completes_once(
    api: MockSlackApi,
) -> None:
    client = client_for(api)
    ticket = await client.files_getUploadURLExternal(filename="a.png", length=len(PNG))
    assert ticket["upload_url"] == f"{api.files_url}{ticket['file_id']}"
    files = [{"id": ticket["file_id"], "title": "A"}]
    complete = client.files_completeUploadExternal(files=files, channel_id="DU1")
    assert await error_of(complete) == "file_not_found"
    async with aiohttp.ClientSession() as session:
        async with session.post(ticket["upload_url"], data=PNG[:-1]) as short:
            assert short.status == 400
        async with session.post(ticket["upload_url"], data=PNG) as uploaded:
            assert uploaded.status == 200 and await uploaded.text() == f"OK - {len(PNG)}"
    done = await client.files_completeUploadExternal(files=files, channel_id="DU1")
    assert done["files"] == files
    again = client.files_completeUploadExternal(files=files, channel_id="DU1")
    assert await error_of(again) == "file_not_found"


async def test_upload_url_arguments_are_checked_like_slack(api: MockSlackApi) -> None:
    client = client_for(api)
    assert await error_of(client.files_getUploadURLExternal(filename="a.png", length=0)) == (
        "missing_argument"
    )
    too_long = client.files_getUploadURLExternal(filename="a.png", length=3, alt_txt="x" * 1001)
    assert await error_of(too_long) == "alt_txt_too_large"


async def test_completing_into_an_unknown_channel_or_thread_is_refused(api: MockSlackApi) -> None:
    client = client_for(api)
    ticket = await client.files_getUploadURLExternal(filename="a.png", length=len(PNG))
    async with aiohttp.ClientSession() as session, session.post(ticket["upload_url"], data=PNG):
        pass
    files = [{"id": ticket["file_id"]}]
    bad_channel = client.files_completeUploadExternal(files=files, channel_id="nope")
    assert await error_of(bad_channel) == "channel_not_found"
    bad_thread = client.files_completeUploadExternal(
        files=files, channel_id="DU1", thread_ts="1.000001"
    )
    assert await error_of(bad_thread) == "invalid_thread_ts"


async def test_the_upload_itself_can_fail_on_demand(api: MockSlackApi) -> None:
    api.fail(UPLOAD, 1, status=500)
    client = client_for(api)
    with pytest.raises(SlackRequestError, match="status: 500"):
        await client.files_upload_v2(channel="DU1", file=PNG, filename="a.png")
    [failed] = api.called(UPLOAD)
    assert failed.status == 500 and not api.called("files.completeUploadExternal")
