"""The pacer in simulated time, and call_slack against the mock Slack API over HTTP."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import pacing
from adapters.slack.pacing import Pacer, Rate, SlackSendError, call_slack
from tests.simulated_time import VirtualTime
from tests.slack.mock_api import MockSlackApi


def paced(vt: VirtualTime, rates: dict[str, Rate]) -> tuple[Pacer, list[tuple[str, float]]]:
    return Pacer(rates, clock=vt.clock, sleep=vt.sleep), []


def waiter(
    pacer: Pacer,
    vt: VirtualTime,
    granted: list[tuple[str, float]],
    name: str,
    method: str = "chat.update",
    workspace: str = "W1",
    channel: str | None = None,
) -> Callable[[], Awaitable[None]]:
    async def wait() -> None:
        await pacer.wait(method, workspace, channel)
        granted.append((name, vt.now))

    return wait


def times(granted: list[tuple[str, float]], prefix: str = "") -> list[float]:
    return [round(at, 6) for name, at in granted if name.startswith(prefix)]


# -- the pacer in simulated time ---------------------------------------------------------------


async def test_a_burst_goes_at_once_then_the_steady_rate_follows() -> None:
    vt = VirtualTime()
    pacer, granted = paced(vt, {"chat.update": Rate(60, 3)})
    await vt.run(*(waiter(pacer, vt, granted, f"w{i}")() for i in range(6)))
    assert times(granted) == [0, 0, 0, 1, 2, 3]


async def test_two_workspaces_do_not_slow_each_other() -> None:
    vt = VirtualTime()
    pacer, granted = paced(vt, {"chat.update": Rate(60, 1)})
    jobs = [
        waiter(pacer, vt, granted, f"{ws}-{i}", workspace=ws)() for i in range(4) for ws in "AB"
    ]
    await vt.run(*jobs)
    assert times(granted, "A") == [0, 1, 2, 3]
    assert times(granted, "B") == [0, 1, 2, 3]


async def test_unknown_methods_get_the_default_tier_2_rate() -> None:
    vt = VirtualTime()
    pacer, granted = paced(vt, {"*": Rate(20, 1)})
    await vt.run(*(waiter(pacer, vt, granted, f"w{i}", method="team.info")() for i in range(3)))
    assert times(granted) == [0, 3, 6]


async def test_posts_to_one_channel_go_one_per_second() -> None:
    vt = VirtualTime()
    pacer, granted = paced(vt, {"chat.postMessage": Rate(600, 10)})
    jobs = [
        waiter(pacer, vt, granted, f"{ch}-{i}", "chat.postMessage", channel=ch)()
        for i in range(3)
        for ch in ("D1", "D2")
    ]
    await vt.run(*jobs)
    assert times(granted, "D1") == [0, 1, 2]
    assert times(granted, "D2") == [0, 1, 2]


async def test_a_busy_channel_does_not_hold_up_other_channels() -> None:
    vt = VirtualTime()
    pacer, granted = paced(vt, {"chat.postMessage": Rate(600, 2)})
    busy = [
        waiter(pacer, vt, granted, f"busy{i}", "chat.postMessage", channel="D1")() for i in range(5)
    ]
    quiet = [
        waiter(pacer, vt, granted, f"quiet{i}", "chat.postMessage", channel=f"D{i + 2}")()
        for i in range(3)
    ]
    await vt.run(*busy, *quiet)
    assert times(granted, "busy") == [0, 1, 2, 3, 4]
    # Two tokens at once, then the workspace's 0.1 s spacing: not the busy channel's backlog.
    assert times(granted, "quiet") == [0, 0.1, 0.2]


async def test_pause_holds_every_caller_of_that_method_in_that_workspace() -> None:
    vt = VirtualTime()
    pacer, granted = paced(vt, {"chat.update": Rate(60, 3), "views.open": Rate(60, 3)})
    pacer.pause("chat.update", "W1", 30)
    held = [waiter(pacer, vt, granted, f"held{i}")() for i in range(3)]
    other_workspace = waiter(pacer, vt, granted, "other-ws", workspace="W2")()
    other_method = waiter(pacer, vt, granted, "other-method", method="views.open")()
    await vt.run(*held, other_workspace, other_method)
    # After a pause the steady rate resumes, without a burst into an API that said "slow down".
    assert times(granted, "held") == [30, 31, 32]
    assert times(granted, "other") == [0, 0]


async def test_pause_also_holds_callers_already_queued() -> None:
    vt = VirtualTime()
    pacer, granted = paced(vt, {"chat.update": Rate(60, 1)})

    async def rate_limited_at_half_a_second() -> None:
        await vt.sleep(0.5)
        pacer.pause("chat.update", "W1", 10)

    jobs = [waiter(pacer, vt, granted, f"w{i}")() for i in range(3)]
    await vt.run(*jobs, rate_limited_at_half_a_second())
    assert times(granted) == [0, 10.5, 11.5]


async def test_a_hundred_waiters_are_served_in_arrival_order_without_a_herd() -> None:
    vt = VirtualTime()
    pacer, granted = paced(vt, {"chat.postMessage": Rate(600, 5)})
    jobs = [
        waiter(pacer, vt, granted, f"{i:03d}", "chat.postMessage", channel=f"D{i}")()
        for i in range(100)
    ]
    await vt.run(*jobs)
    assert [name for name, _ in granted] == [f"{i:03d}" for i in range(100)]
    assert times(granted)[-1] == pytest.approx(9.5)  # 95 after the burst, 10 a second
    # Only the head of the queue sleeps, once per token it waits for: no herd, no polling.
    assert vt.sleeps <= 100


async def test_a_cancelled_waiter_hands_its_turn_on() -> None:
    vt = VirtualTime()
    pacer, granted = paced(vt, {"chat.update": Rate(60, 1)})
    first, second, third = (
        asyncio.ensure_future(waiter(pacer, vt, granted, name)())
        for name in ("first", "second", "third")
    )

    async def cancel_second() -> None:
        await vt.sleep(0.5)
        second.cancel()

    await vt.run(first, third, cancel_second())
    assert granted == [("first", 0), ("third", 1)]
    assert second.cancelled()


# -- call_slack against the mock Slack API -------------------------------------------------------

FAST = {"chat.postMessage": Rate(6000, 10), "*": Rate(6000, 10)}


def fast_pacer(rates: dict[str, Rate] = FAST) -> Pacer:
    # Real time, and retries to one channel needn't wait Slack's 1 s between posts here.
    return Pacer(rates, per_channel=Rate(6000, 1))


@pytest.fixture
async def api() -> AsyncIterator[MockSlackApi]:
    async with MockSlackApi() as mock:
        mock.add_team("T1", "xoxb-t1-secret")
        yield mock


def client_for(api: MockSlackApi, token: str = "xoxb-t1-secret") -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=api.url, retry_handlers=[])


async def test_a_429_storm_still_delivers_each_message_exactly_once(api: MockSlackApi) -> None:
    api.fail("chat.postMessage", 5, retry_after=0.05)
    client, pacer = client_for(api), fast_pacer()
    texts = [f"check-in {i}" for i in range(10)]
    async with asyncio.timeout(5):
        results = await asyncio.gather(
            *(
                call_slack(client, pacer, "chat.postMessage", "T1", channel=f"U{i}", text=text)
                for i, text in enumerate(texts)
            )
        )
    delivered = [call.params["text"] for call in api.called("chat.postMessage") if call.ok]
    assert sorted(delivered) == sorted(texts)
    assert len(api.called("chat.postMessage")) == 15
    assert {result["channel"] for result in results} == {f"DU{i}" for i in range(10)}


async def test_retry_after_holds_the_retry_and_other_senders(api: MockSlackApi) -> None:
    api.fail("chat.postMessage", 1, retry_after=0.4)
    client, pacer = client_for(api), fast_pacer({"chat.postMessage": Rate(300, 1)})
    async with asyncio.timeout(5):
        await asyncio.gather(
            call_slack(client, pacer, "chat.postMessage", "T1", channel="U1", text="a"),
            call_slack(client, pacer, "chat.postMessage", "T1", channel="U2", text="b"),
        )
    limited, *later = api.called("chat.postMessage")
    assert limited.status == 429
    assert [call.ok for call in later] == [True, True]
    assert all(call.at - limited.at >= 0.4 for call in later)


async def test_the_pacer_learns_slacks_limit_and_delivers_everything_once(
    api: MockSlackApi,
) -> None:
    api.limit("chat.update", per_second=20)
    client, pacer = client_for(api), fast_pacer()
    posted = await call_slack(client, pacer, "chat.postMessage", "T1", channel="D1", text="x")
    async with asyncio.timeout(5):
        await asyncio.gather(
            *(
                call_slack(
                    client, pacer, "chat.update", "T1", channel="D1", ts=posted["ts"], text=f"v{i}"
                )
                for i in range(6)
            )
        )
    updates = api.called("chat.update")
    assert sorted(call.params["text"] for call in updates if call.ok) == [f"v{i}" for i in range(6)]
    assert any(call.status == 429 for call in updates)


async def test_slack_ratelimited_error_body_is_treated_like_a_429(api: MockSlackApi) -> None:
    api.fail("chat.update", 1, error="ratelimited")
    client, pacer = client_for(api), fast_pacer()
    posted = await call_slack(client, pacer, "chat.postMessage", "T1", channel="D1", text="x")
    async with asyncio.timeout(5):
        # No Retry-After with it: the default second, capped here by max_wait.
        await call_slack(
            client,
            pacer,
            "chat.update",
            "T1",
            max_wait=0.05,
            channel="D1",
            ts=posted["ts"],
            text="y",
        )
    assert [call.ok for call in api.called("chat.update")] == [False, True]


async def test_server_errors_are_retried_with_backoff(
    api: MockSlackApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pacing, "FIRST_BACKOFF", 0.02)
    api.fail("chat.postMessage", 2, status=503, retry_after=None)
    async with asyncio.timeout(5):
        await call_slack(
            client_for(api), fast_pacer(), "chat.postMessage", "T1", channel="D1", text="x"
        )
    assert [call.status for call in api.called("chat.postMessage")] == [503, 503, 200]


async def test_connection_errors_are_retried_then_reported_as_retryable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pacing, "FIRST_BACKOFF", 0.01)
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    client = AsyncWebClient(token="xoxb-x", base_url=f"http://127.0.0.1:{port}/api/")
    async with asyncio.timeout(5):
        with pytest.raises(SlackSendError) as raised:
            await call_slack(client, fast_pacer(), "auth.test", "T1", max_attempts=3)
    assert raised.value.retryable is True
    assert raised.value.error == "ClientConnectorError"


async def test_a_refusal_is_raised_at_once_without_retry(api: MockSlackApi) -> None:
    api.fail("chat.postMessage", 1, error="channel_not_found")
    async with asyncio.timeout(5):
        with pytest.raises(SlackSendError) as raised:
            await call_slack(
                client_for(api), fast_pacer(), "chat.postMessage", "T1", channel="C9", text="x"
            )
    assert (raised.value.method, raised.value.error) == ("chat.postMessage", "channel_not_found")
    assert raised.value.retryable is False
    assert len(api.called("chat.postMessage")) == 1


async def test_attempts_run_out_as_a_retryable_error(api: MockSlackApi) -> None:
    api.fail("chat.postMessage", 3, retry_after=0.01)
    async with asyncio.timeout(5):
        with pytest.raises(SlackSendError) as raised:
            await call_slack(
                client_for(api),
                fast_pacer(),
                "chat.postMessage",
                "T1",
                max_attempts=3,
                channel="D1",
            )
    assert (raised.value.error, raised.value.retryable) == ("ratelimited", True)
    assert len(api.called("chat.postMessage")) == 3


async def test_the_sdk_does_not_retry_behind_the_pacer(
    api: MockSlackApi, caplog: pytest.LogCaptureFixture
) -> None:
    client = AsyncWebClient(
        token="xoxb-t1-secret", base_url=api.url, retry_handlers=[AsyncRateLimitErrorRetryHandler()]
    )
    api.fail("users.info", 1, retry_after=0.01)
    api.add_user("U1", email="ada@example.com")
    async with asyncio.timeout(5):
        answer = await call_slack(client, fast_pacer(), "users.info", "T1", user="U1")
    assert answer["user"]["id"] == "U1"
    assert client.retry_handlers == []
    # The 429 reached call_slack (and so the pacer), not a handler inside the SDK.
    assert "slack rate limited: method=users.info" in caplog.text


async def test_form_only_methods_are_sent_as_form_and_views_as_json(api: MockSlackApi) -> None:
    api.add_user("U1", email="ada@example.com", tz="America/New_York")
    client, pacer = client_for(api), fast_pacer()
    view = {"type": "modal", "title": {"type": "plain_text", "text": "Check-in"}, "blocks": []}
    async with asyncio.timeout(5):
        found = await call_slack(
            client, pacer, "users.lookupByEmail", "T1", email="ada@example.com"
        )
        opened = await call_slack(client, pacer, "views.open", "T1", trigger_id="1.2.3", view=view)
    assert found["user"]["tz"] == "America/New_York"
    assert opened["view"]["title"]["text"] == "Check-in"


async def test_the_token_and_message_text_never_reach_the_logs(
    api: MockSlackApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    api.fail("chat.postMessage", 1, retry_after=0.01)
    api.fail("chat.postMessage", 1, error="not_in_channel")
    async with asyncio.timeout(5):
        with pytest.raises(SlackSendError):
            await call_slack(
                client_for(api),
                fast_pacer(),
                "chat.postMessage",
                "T1",
                channel="C1",
                text="my secret goal",
            )
    assert "xoxb-t1-secret" not in caplog.text
    ours = [record for record in caplog.records if record.name == pacing.__name__]
    assert ours, "call_slack logs the 429 and the refusal"
    assert all("my secret goal" not in record.getMessage() for record in ours)
    assert any("not_in_channel" in record.getMessage() for record in ours)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("3", 3.0), ("0.25", 0.25), ("soon", 1.0), ("-4", 1.0), ("nan", 1.0), ("9999", 120.0)],
)
def test_retry_after_is_read_leniently_and_capped(header: str, seconds: float) -> None:
    assert pacing._retry_after({"Retry-After": header}, max_wait=120.0) == seconds


def test_a_missing_retry_after_means_one_second() -> None:
    assert pacing._retry_after({}, max_wait=120.0) == 1.0


def test_real_time_defaults_are_used_when_nothing_is_injected() -> None:
    pacer = Pacer()
    assert pacer.clock is time.monotonic
    assert pacer.rate("chat.postMessage") == Rate(300, 10, most=3000)
    assert pacer.rate("reactions.add") == Rate(20, 1)
