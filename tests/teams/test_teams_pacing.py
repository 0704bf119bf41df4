"""The Teams pacer in simulated time, and send_with_retries through botbuilder's ConnectorClient."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import MicrosoftAppCredentials

from adapters.teams import sending
from adapters.teams.pacing import CONVERSATION_WINDOWS, TeamsPacer, Window
from adapters.teams.sending import TeamsSendError, let_pacer_retry, send_with_retries
from tests.simulated_time import VirtualTime
from tests.teams.connector import MockConnector

SECRET_TOKEN = "eyJ-secret-bot-token"
PRIVATE_TEXT = "my private answer: 40% of signups"


@pytest.fixture
def vt() -> VirtualTime:
    return VirtualTime(max_steps=20_000)


def pacer_on(vt: VirtualTime, **kwargs: Any) -> TeamsPacer:
    """A pacer on simulated time; without the network margin, so schedules are round numbers."""
    return TeamsPacer(clock=vt.clock, sleep=vt.sleep, **{"margin": 0.0, **kwargs})


def assert_within(times: list[float], window: Window) -> None:
    """No `window.seconds`-long span (as the server counts: (t - seconds, t]) exceeds the limit."""
    ordered = sorted(times)
    for end in ordered:
        inside = [t for t in ordered if end - window.seconds < t <= end]
        assert len(inside) <= window.limit, f"{len(inside)} sends in {window} ending at {end}"


async def sends(
    pacer: TeamsPacer,
    vt: VirtualTime,
    log: list[Any],
    label: Any,
    conversation: str,
    *,
    tenant: str = "t1",
) -> None:
    await pacer.wait(tenant, conversation)
    log.append((label, vt.now))


# -- pacing in simulated time -------------------------------------------------------------------


async def test_one_conversation_gets_seven_a_second_and_eight_in_two(vt: VirtualTime) -> None:
    pacer = pacer_on(vt)
    log: list[Any] = []
    await vt.run(*(sends(pacer, vt, log, i, "a:1chat") for i in range(20)))

    times = [t for _, t in log]
    assert times[:7] == [0.0] * 7
    assert times[7] == 1.0
    for window in CONVERSATION_WINDOWS:
        assert_within(times, window)


async def test_the_default_margin_leaves_slack_at_each_window_edge(vt: VirtualTime) -> None:
    pacer = TeamsPacer(clock=vt.clock, sleep=vt.sleep)
    log: list[Any] = []
    await vt.run(*(sends(pacer, vt, log, i, "a:1chat") for i in range(9)))

    assert [t for _, t in log] == [0.0] * 7 + [1.03, 2.03]


async def test_one_conversation_gets_sixty_in_thirty_seconds(vt: VirtualTime) -> None:
    pacer = pacer_on(vt)
    log: list[Any] = []
    await vt.run(*(sends(pacer, vt, log, i, "a:1chat") for i in range(70)))

    times = [t for _, t in log]
    assert times[60] >= 30.0
    assert times[59] < 30.0
    for window in CONVERSATION_WINDOWS:
        assert_within(times, window)


async def test_two_conversations_do_not_slow_each_other(vt: VirtualTime) -> None:
    pacer = pacer_on(vt)
    log: list[Any] = []
    await vt.run(*(sends(pacer, vt, log, c, c) for c in ["a:1x", "a:1y"] * 7))

    assert [t for _, t in log] == [0.0] * 14
    assert vt.sleeps == 0


async def test_the_tenant_limit_caps_the_sum_of_its_conversations(vt: VirtualTime) -> None:
    pacer = pacer_on(vt)
    log: list[Any] = []
    jobs = [sends(pacer, vt, log, c, f"a:1c{c}") for c in range(10) for _ in range(7)]
    other_tenant = [sends(pacer, vt, log, "other", "a:1o", tenant="t2") for _ in range(7)]
    await vt.run(*jobs, *other_tenant)

    t1 = [t for label, t in log if label != "other"]
    assert t1.count(0.0) == 50
    assert sorted(t1)[50:] == [1.0] * 20
    assert_within(t1, Window(50, 1))
    assert [t for label, t in log if label == "other"] == [0.0] * 7


async def test_pause_holds_the_conversation_but_not_its_neighbours(vt: VirtualTime) -> None:
    pacer = pacer_on(vt)
    log: list[Any] = []
    pacer.pause("t1", "a:1busy", 5.0)
    await vt.run(
        *(sends(pacer, vt, log, "busy", "a:1busy") for _ in range(3)),
        sends(pacer, vt, log, "calm", "a:1calm"),
    )

    assert [t for label, t in log if label == "busy"] == [5.0, 5.0, 5.0]
    assert [t for label, t in log if label == "calm"] == [0.0]


async def test_a_pause_during_a_wait_extends_it(vt: VirtualTime) -> None:
    pacer = pacer_on(vt)
    log: list[Any] = []

    async def throttled_later() -> None:
        await vt.sleep(0.5)
        pacer.pause("t1", "a:1chat", 3.0)

    await vt.run(*(sends(pacer, vt, log, i, "a:1chat") for i in range(8)), throttled_later())

    assert [t for _, t in log] == [0.0] * 7 + [3.5]


async def test_a_hundred_waiters_are_served_first_come_first_served(vt: VirtualTime) -> None:
    pacer = pacer_on(vt)
    log: list[Any] = []
    await vt.run(*(sends(pacer, vt, log, i, "a:1chat") for i in range(100)))

    assert [label for label, _ in log] == list(range(100))
    assert_within([t for _, t in log], Window(60, 30))
    # Only the head sleeps, about once per send: no busy loop.
    assert vt.sleeps <= 2 * len(log)


async def test_a_cancelled_waiter_passes_its_turn_on(vt: VirtualTime) -> None:
    pacer = pacer_on(vt)
    log: list[Any] = []
    tasks = [asyncio.ensure_future(sends(pacer, vt, log, i, "a:1chat")) for i in range(10)]

    async def cancel_two() -> None:
        await vt.sleep(0.1)
        tasks[7].cancel()  # the head, asleep until t=1
        tasks[8].cancel()  # queued behind it

    await vt.run(*tasks[:7], *tasks[9:], cancel_two())

    assert [label for label, _ in log] == [0, 1, 2, 3, 4, 5, 6, 9]
    assert log[-1][1] == 1.0


async def test_idle_conversations_are_forgotten(vt: VirtualTime) -> None:
    pacer = pacer_on(vt)
    log: list[Any] = []
    await vt.run(*(sends(pacer, vt, log, c, f"a:1c{c}", tenant=f"t{c}") for c in range(500)))
    assert pacer.tracked() == 1000  # a conversation and a tenant each

    vt.now += 3600 + 60
    await vt.run(sends(pacer, vt, log, "late", "a:1late"))

    assert pacer.tracked() == 2


# -- send_with_retries through botbuilder's ConnectorClient -------------------------------------


class FixedTokenCredentials(MicrosoftAppCredentials):  # type: ignore[misc]
    """Signs requests with a known token, without asking Microsoft for one."""

    def get_access_token(self, force_refresh: bool = False) -> str:
        return SECRET_TOKEN


@pytest.fixture
async def connector() -> AsyncIterator[MockConnector]:
    async with MockConnector() as mock:
        yield mock


@pytest.fixture
def client(connector: MockConnector) -> ConnectorClient:
    client = ConnectorClient(FixedTokenCredentials("bot-app-id", "pw"), base_url=connector.url)
    let_pacer_retry(client)
    return client


def post(client: ConnectorClient, conversation: str, text: str = PRIVATE_TEXT) -> Any:
    async def send() -> Any:
        activity = Activity(type="message", text=text)
        return await client.conversations.send_to_conversation(conversation, activity)

    return send


async def test_a_429_storm_still_delivers_the_message_exactly_once(
    connector: MockConnector, client: ConnectorClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    connector.fail(5, status=429, retry_after=0.05)
    # The pacer's clock moves only by its own sleeps: each pause is counted, not waited for.
    paused: list[float] = []

    async def sleep(seconds: float) -> None:
        paused.append(seconds)

    pacer = TeamsPacer(clock=lambda: sum(paused), sleep=sleep)
    sent = await send_with_retries(pacer, "t1", "a:1chat", post(client, "a:1chat"))

    assert paused == pytest.approx([0.05] * 5)  # each Retry-After paused the conversation
    assert [m["text"] for m in connector.messages_to("a:1chat")] == [PRIVATE_TEXT]
    assert sent.id == connector.sent[0].activity_id
    assert connector.rejected == [("a:1chat", 429)] * 5
    assert connector.sent[0].authorization == f"Bearer {SECRET_TOKEN}"
    assert "teams throttled" in caplog.text
    assert SECRET_TOKEN not in caplog.text
    assert PRIVATE_TEXT not in caplog.text


async def test_a_503_is_retried_with_backoff(
    connector: MockConnector, client: ConnectorClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sending, "FIRST_BACKOFF", 0.01)
    connector.fail(2, status=503, retry_after=None)

    await send_with_retries(TeamsPacer(), "t1", "a:1chat", post(client, "a:1chat"))

    assert len(connector.messages_to("a:1chat")) == 1
    assert connector.rejected == [("a:1chat", 503)] * 2


async def test_an_update_failing_with_503_is_retried_by_us_not_by_urllib3(
    connector: MockConnector, client: ConnectorClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sending, "FIRST_BACKOFF", 0.01)
    first = await client.conversations.send_to_conversation("a:1c", Activity(type="message"))
    connector.fail(1, status=503, retry_after=None)

    async def update() -> Any:
        activity = Activity(type="message", text="edited")
        return await client.conversations.update_activity("a:1c", first.id, activity)

    await send_with_retries(TeamsPacer(), "t1", "a:1c", update, max_attempts=2)

    assert [u.activity["text"] for u in connector.updates] == ["edited"]
    assert connector.rejected == [("a:1c", 503)]


async def test_a_blocked_bot_gets_a_403_raised_at_once(
    connector: MockConnector, client: ConnectorClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    connector.block("a:1gone", code="MessageWritesBlocked")

    with pytest.raises(TeamsSendError) as raised:
        await send_with_retries(TeamsPacer(), "t1", "a:1gone", post(client, "a:1gone"))

    assert (raised.value.status, raised.value.code) == (403, "MessageWritesBlocked")
    assert raised.value.retryable is False
    assert connector.rejected == [("a:1gone", 403)]
    assert SECRET_TOKEN not in caplog.text
    assert PRIVATE_TEXT not in caplog.text


async def test_other_4xx_are_not_retried(connector: MockConnector, client: ConnectorClient) -> None:
    async def update_unknown() -> Any:
        return await client.conversations.update_activity("a:1c", "404", Activity(type="message"))

    with pytest.raises(TeamsSendError) as raised:
        await send_with_retries(TeamsPacer(), "t1", "a:1c", update_unknown)

    assert (raised.value.status, raised.value.code) == (404, "ActivityNotFoundInConversation")
    assert raised.value.retryable is False


async def test_giving_up_after_max_attempts_is_retryable(
    connector: MockConnector, client: ConnectorClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sending, "FIRST_BACKOFF", 0.01)
    connector.fail(3, status=502, retry_after=None)

    with pytest.raises(TeamsSendError) as raised:
        await send_with_retries(TeamsPacer(), "t1", "a:1c", post(client, "a:1c"), max_attempts=3)

    assert (raised.value.status, raised.value.retryable) == (502, True)
    assert connector.sent == []


async def test_connection_failures_are_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sending, "FIRST_BACKOFF", 0.01)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_url = f"http://127.0.0.1:{probe.getsockname()[1]}/"
    dead = ConnectorClient(MicrosoftAppCredentials(None, None), base_url=closed_url)
    let_pacer_retry(dead)

    with pytest.raises(TeamsSendError) as raised:
        await send_with_retries(TeamsPacer(), "t1", "a:1c", post(dead, "a:1c"), max_attempts=2)
    assert (raised.value.code, raised.value.retryable) == ("ConnectionError", True)

    attempts = 0

    async def flaky() -> str:
        nonlocal attempts
        attempts += 1
        if attempts < 3:
            raise aiohttp.ClientConnectionError("reset")
        return "sent"

    assert await send_with_retries(TeamsPacer(), "t1", "a:1c", flaky) == "sent"
    assert attempts == 3


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ({"Retry-After": "3"}, 3.0),
        ({"retry-after": "0.25"}, 0.25),
        ({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, 0.0),  # a date in the past
        ({"Retry-After": "soon"}, 1.0),
        ({}, 1.0),
        ({"Retry-After": "86400"}, 120.0),
    ],
)
def test_retry_after_is_read_defaulted_and_capped(header: dict[str, str], seconds: float) -> None:
    assert sending._retry_after(header, max_wait=120.0) == seconds


async def test_a_conversation_paused_while_queued_for_the_tenant_lets_others_go(
    vt: VirtualTime,
) -> None:
    pacer = pacer_on(vt)
    log: list[Any] = []
    filler = [sends(pacer, vt, log, "filler", f"a:1f{i}") for i in range(50)]

    async def later(label: str, conversation: str) -> None:
        await vt.sleep(0.1)  # after the tenant's second is full
        await sends(pacer, vt, log, label, conversation)

    async def throttled() -> None:
        await vt.sleep(0.5)
        pacer.pause("t1", "a:1x", 3.0)

    await vt.run(*filler, later("x", "a:1x"), later("y", "a:1y"), throttled())

    assert [(label, t) for label, t in log if label != "filler"] == [("y", 1.0), ("x", 3.5)]
