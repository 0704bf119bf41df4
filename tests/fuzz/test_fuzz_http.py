"""POST /slack/events and /api/messages with valid signatures and tokens but garbage inside:
random bytes, cut-off JSON, JSON of the wrong shape, forms with random fields, interactivity
payloads of random JSON, slash commands and activities with random (and huge) text.

Properties: never a 5xx; no stack trace or exception name in a response or in anything sent
to a user; nothing logged as an error; and a request from no one the bot knows changes nothing
in the database. Three records are by design: the event id (ProcessedEvent) when the engine
dedupes an event; the workspace's shared send timeline (SendBudget), moved on by the reply
the stranger gets; and, on Teams, the tenant with its serviceUrl, written for every
authenticated activity before anyone is recognised (it is how the bot later opens chats)."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.fuzz.apps import Bot, bolt_idle, snapshot, stack_traces
from tests.fuzz.strategies import either, hostile_text, piece
from tests.slack.conftest import SECRET
from tests.slack.payloads import (
    FORM,
    JSON,
    app_home_opened,
    block_action,
    message_event,
    message_shortcut,
    signed_headers,
    slash_command,
    url_verification,
    view_submission,
)
from tests.teams.activities import card_execute, card_submit, conversation_update, message

SLACK_KEYS = ("type", "event", "team_id", "team", "user", "user_id", "id", "text", "channel",
              "channel_type", "subtype", "bot_id", "event_id", "ts", "command", "trigger_id",
              "actions", "action_id", "value", "view", "state", "values", "private_metadata",
              "callback_id", "container", "channel_id", "message_ts", "challenge", "tab",
              "selected_option", "payload", "enterprise", "authorizations", "hash")  # fmt: skip
TEAMS_KEYS = ("type", "id", "text", "from", "conversation", "recipient", "serviceUrl",
              "channelId", "channelData", "value", "name", "entities", "membersAdded",
              "replyToId", "localTimezone", "tenantId", "conversationType", "tenant",
              "action", "data", "verb", "kind", "prompt_id", "form_id")  # fmt: skip
# Allowed to change on a request from a stranger (see the module docstring).
BY_DESIGN = ("processedevent", "sendbudget")
TEAMS_BY_DESIGN = ("processedevent", "sendbudget", "tenant")


def json_values(keys: tuple[str, ...]) -> st.SearchStrategy[Any]:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), hostile_text, piece)
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.sampled_from(keys) | hostile_text, children, max_size=6)
        ),
        max_leaves=20,
    )


slack_json = json_values(SLACK_KEYS)
teams_json = json_values(TEAMS_KEYS)
# People the bot has never met: not in the mock directory, or its own bot user.
strangers = st.sampled_from(["U_NOBODY", "UBOT", "W0STRANGER", ""]) | hostile_text
teams_ids = st.sampled_from(["T1", "T_OTHER", ""]) | hostile_text
huge = st.builds(lambda part, n: part * n, piece | hostile_text, st.integers(1_000, 30_000))
texts = either(hostile_text, huge, st.lists(piece, max_size=20).map(" ".join))
commands = st.sampled_from(
    ["/checkin", "/goals", "/feedback", "/pulse", "/digest", "/kudos", "/nope"]
)


def cut(body: str, where: float) -> str:
    return body[: int(len(body) * where)]


def slack_bodies(user: st.SearchStrategy[str]) -> st.SearchStrategy[tuple[str, str]]:
    """(body, content type) as Slack might post them, signed later."""
    team = st.just("T1") | teams_ids
    envelope = st.builds(
        lambda event, team_id, event_id: json.dumps(
            {"type": "event_callback", "team_id": team_id, "event": event, "event_id": event_id}
        ),
        slack_json
        | st.fixed_dictionaries(
            {"type": st.sampled_from(["message", "app_home_opened", "app_mention"]) | piece},
            optional={key: slack_json for key in SLACK_KEYS if key != "type"},
        ),
        team,
        hostile_text,
    )
    as_json = either(
        st.builds(lambda t, u: message_event(t, user=u), texts, user),
        st.builds(lambda u, c: message_event("hi", user=u, channel=c), user, hostile_text),
        st.builds(lambda u: app_home_opened(u), user),
        st.builds(url_verification, hostile_text),
        envelope,
        slack_json.map(json.dumps),
        st.builds(
            cut, st.builds(lambda t, u: message_event(t, user=u), texts, user), st.floats(0, 1)
        ),
    ).map(lambda body: (body, JSON))
    as_form = either(
        st.builds(lambda c, t, u: slash_command(c, t, user=u), commands, texts, user),
        st.builds(
            lambda a, v, u: block_action(a, v, user=u),
            st.sampled_from(["choice-0", "open_form", "start_checkin"]) | hostile_text,
            hostile_text | st.builds("{}|{}|{}".format, st.integers(0, 5), hostile_text, piece),
            user,
        ),
        st.builds(
            lambda u, a, t: message_shortcut("give_kudos", user=u, author=a, text=t),
            user,
            strangers | st.just("U_ALAN") | st.just("U" + "9" * 4000),
            hostile_text,
        ),
        st.builds(
            lambda m, values, u: view_submission("checkin_form", m, values, user=u),
            hostile_text,
            st.dictionaries(hostile_text, st.dictionaries(hostile_text, slack_json), max_size=3),
            user,
        ),
        st.dictionaries(st.sampled_from(SLACK_KEYS) | hostile_text, hostile_text).map(urlencode),
        slack_json.map(lambda payload: urlencode({"payload": json.dumps(payload)})),
        st.builds(
            lambda fields: urlencode({"payload": json.dumps(fields)}),
            st.fixed_dictionaries(
                {"type": st.sampled_from(["block_actions", "view_submission", "shortcut"])},
                optional={key: slack_json for key in SLACK_KEYS if key != "type"},
            ),
        ),
    ).map(lambda body: (body, FORM))
    raw = st.tuples(
        st.binary(max_size=3000).map(lambda b: b.decode("latin-1")),
        st.sampled_from([JSON, FORM, "text/plain", "application/octet-stream", ""]),
    )
    return either(as_json, as_json, as_form, as_form, raw)


def teams_activities(user: st.SearchStrategy[str], url: str) -> st.SearchStrategy[Any]:
    def drop(activity: dict[str, Any], dropped: list[str]) -> dict[str, Any]:
        return {k: v for k, v in activity.items() if k not in dropped}

    def mixed(activity: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
        # serviceUrl stays the mock's: with auth on, only Microsoft could name another one.
        return {**activity, **extra, "serviceUrl": url}

    keys = st.lists(st.sampled_from(TEAMS_KEYS), max_size=4)
    base = either(
        st.builds(lambda t, u: message(t, user=u, service_url=url), texts, user),
        st.builds(lambda v, u: card_submit(v, user=u, service_url=url), teams_json, user),
        st.builds(lambda d, u: card_execute(d, user=u, service_url=url), teams_json, user),
        st.builds(
            lambda members, u: conversation_update(members, user=u, service_url=url),
            st.lists(strangers, max_size=3),
            user,
        ),
    )
    return either(
        base,
        st.builds(drop, base, keys),
        st.builds(mixed, base, st.dictionaries(st.sampled_from(TEAMS_KEYS), teams_json)),
        st.builds(
            mixed,
            base,
            st.fixed_dictionaries(
                {"type": st.sampled_from(["message", "invoke", "event", "typing"]) | piece}
            ),
        ),
    )


FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


async def post_slack(bot: Bot, body: str, content_type: str) -> tuple[int, str]:
    headers = signed_headers(SECRET, body, content_type=content_type)
    if not content_type:
        headers.pop("Content-Type")
    response = await bot.slack.client.post(
        "/slack/events", data=body.encode("utf-8", "surrogatepass"), headers=headers
    )
    answer = await response.text(errors="replace")
    await bolt_idle()
    return response.status, answer


async def post_teams(bot: Bot, activity: Any) -> tuple[int, str]:
    token = bot.teams_token(bot.teams.connector.url)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    response = await bot.teams.client.post(
        "/api/messages", data=json.dumps(activity), headers=headers
    )
    return response.status, await response.text(errors="replace")


def not_implemented(activity: Any, status: int) -> bool:
    """botbuilder answers an invoke the bot has no handler for with 501, as the Bot Framework
    asks; the app's manifest declares none of them, so Teams doesn't send them."""
    invoke = isinstance(activity, dict) and activity.get("type") == "invoke"
    return status == 501 and invoke and activity.get("name") != "adaptiveCard/action"


def assert_no_error_logged(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [f"{r.name}: {r.getMessage()}" for r in errors]


@pytest.mark.long
@FUZZ
@given(case=slack_bodies(strangers))
async def test_garbage_signed_by_slack_gets_no_5xx_no_trace_and_changes_nothing(
    bot: Bot, caplog: pytest.LogCaptureFixture, case: tuple[str, str]
) -> None:
    body, content_type = case
    caplog.clear()
    before = await snapshot(bot.database, leave_out=BY_DESIGN)
    sent = len(bot.sent_texts())
    status, answer = await post_slack(bot, body, content_type)
    assert status < 500, (status, answer)
    assert not stack_traces([answer, *bot.sent_texts()[sent:]], sent=body)
    assert_no_error_logged(caplog)
    assert await snapshot(bot.database, leave_out=BY_DESIGN) == before


@settings(FUZZ, max_examples=60)
@given(case=slack_bodies(st.just("U_ALAN")))
async def test_anything_a_known_person_sends_gets_no_5xx_and_no_trace(
    bot: Bot, caplog: pytest.LogCaptureFixture, case: tuple[str, str]
) -> None:
    body, content_type = case
    caplog.clear()
    sent = len(bot.sent_texts())
    status, answer = await post_slack(bot, body, content_type)
    event(f"HTTP {status}, {'a' if len(bot.sent_texts()) > sent else 'no'} Web API call")
    assert status < 500, (status, answer)
    assert not stack_traces([answer, *bot.sent_texts()[sent:]], sent=body)
    assert_no_error_logged(caplog)


def teams_strangers() -> st.SearchStrategy[str]:
    # Cut short: a user id goes into the URL of the member look-up, and the mock Connector (an
    # aiohttp server) refuses request lines over 8 KB with an error in the log.
    return st.sampled_from(["29:nobody", "28:bot-app-id", ""]) | hostile_text.map(lambda s: s[:200])


@pytest.mark.long
@FUZZ
@given(data=st.data())
async def test_garbage_activities_with_a_valid_token_get_no_5xx_no_trace_and_change_nothing(
    bot: Bot, caplog: pytest.LogCaptureFixture, data: st.DataObject
) -> None:
    activity = data.draw(teams_activities(teams_strangers(), bot.teams.connector.url))
    caplog.clear()
    before = await snapshot(bot.database, leave_out=TEAMS_BY_DESIGN)
    sent = len(bot.sent_texts())
    status, answer = await post_teams(bot, activity)
    assert status < 500 or not_implemented(activity, status), (status, answer)
    assert not stack_traces([answer, *bot.sent_texts()[sent:]], sent=json.dumps(activity))
    assert_no_error_logged(caplog)
    assert await snapshot(bot.database, leave_out=TEAMS_BY_DESIGN) == before


@settings(FUZZ, max_examples=60)
@given(data=st.data())
async def test_anything_a_known_teams_user_sends_gets_no_5xx_and_no_trace(
    bot: Bot, caplog: pytest.LogCaptureFixture, data: st.DataObject
) -> None:
    activity = data.draw(teams_activities(st.just("29:alan"), bot.teams.connector.url))
    caplog.clear()
    sent = len(bot.sent_texts())
    status, answer = await post_teams(bot, activity)
    assert status < 500 or not_implemented(activity, status), (status, answer)
    assert not stack_traces([answer, *bot.sent_texts()[sent:]], sent=json.dumps(activity))
    assert_no_error_logged(caplog)


@FUZZ
@given(body=st.binary(max_size=2000) | teams_json.map(lambda v: json.dumps(v).encode()))
async def test_a_body_that_is_no_activity_is_a_4xx(
    bot: Bot, caplog: pytest.LogCaptureFixture, body: bytes
) -> None:
    caplog.clear()
    token = bot.teams_token(bot.teams.connector.url)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    response = await bot.teams.client.post("/api/messages", data=body, headers=headers)
    assert response.status < 500, await response.text()
    assert not stack_traces([await response.text(errors="replace")], sent=body)
    assert_no_error_logged(caplog)


# -- what the fuzzing found ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("Ç\n\x1f", JSON),  # bolt's json.loads raised before the signature was checked
        ("[1, 2]", JSON),  # JSON, but no object
        ('{"type": "event_callback", "team_id": "T1", "event": null}', JSON),
        ('{"type": "event_callback", "team_id": "T1", "event": 1000}', JSON),
        ('{"type": "event_callback", "team_id": "T1", "event": [{}]}', JSON),
        ("payload=%7Bnot+json", FORM),
        *(
            ("payload=" + json.dumps(payload | {"user": {"id": "U1", "team_id": "T1"}}), FORM)
            for payload in (
                {"type": "block_actions", "actions": {"view": {}}},
                {"type": "block_actions", "actions": [{"action_id": {"x": 1}}]},
                {"type": "view_submission", "view": {"callback_id": ["x"]}},
            )
        ),
    ],
)
async def test_a_payload_bolt_cant_read_is_a_400_without_a_stack_trace(
    bot: Bot, caplog: pytest.LogCaptureFixture, body: str, content_type: str
) -> None:
    before = await snapshot(bot.database)
    status, answer = await post_slack(bot, body, content_type)
    assert status == 400 and "invalid request" in answer
    assert_no_error_logged(caplog)
    assert await snapshot(bot.database) == before


async def test_an_unreadable_body_without_a_signature_is_refused_too(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    response = await bot.slack.client.post(
        "/slack/events", data="{not json", headers={"Content-Type": JSON}
    )
    assert response.status in (400, 401)
    assert_no_error_logged(caplog)


@pytest.mark.parametrize(
    "change",
    [
        {"conversation": None},
        {"recipient": None},
        {"from": None},
        {"serviceUrl": None},
        {"from": "29:alan"},  # msrest raised deep in the turn
        {"conversation": [["x"]]},
        {"timestamp": "yesterday"},
        {"entities": [1]},
        {"entities": [None]},  # botbuilder's get_mentions read None's type: a failed turn
        {"entities": [{}]},
    ],
)
async def test_an_activity_botbuilder_cant_answer_is_a_400_and_keeps_the_persons_reference(
    bot: Bot, caplog: pytest.LogCaptureFixture, change: dict[str, Any]
) -> None:
    url = bot.teams.connector.url
    assert (await post_teams(bot, message("help", service_url=url)))[0] < 300  # Alan's first
    before = await snapshot(bot.database, leave_out=BY_DESIGN)
    activity = {k: v for k, v in (message("help", service_url=url) | change).items() if v}
    status, answer = await post_teams(bot, activity)
    assert status == 400 and "not an activity" in answer
    assert_no_error_logged(caplog)
    # Before, an activity without its conversation was saved as Alan's reference, and every
    # message to him afterwards failed.
    assert await snapshot(bot.database, leave_out=BY_DESIGN) == before


async def test_a_tenant_that_is_no_object_is_nobody(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    url = bot.teams.connector.url
    activity = message("help", user="29:nobody", service_url=url) | {
        "channelData": {"tenant": True}
    }
    status, _ = await post_teams(bot, activity)
    assert status < 500
    assert_no_error_logged(caplog)


async def test_a_token_for_another_channel_is_a_401(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    """The signing key vouches for msteams (and the emulator): botbuilder's refusal of any
    other channel was a 500."""
    activity = message("help", service_url=bot.teams.connector.url) | {"channelId": "slack"}
    assert (await post_teams(bot, activity))[0] == 401
    assert_no_error_logged(caplog)
