"""The mock Bot Connector's own limits, per tenant and per conversation, on a clock the test
moves: what the wave benchmark (bench/wave_teams.py) holds the bot to."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.teams.activities import personal_conversation_id
from tests.teams.connector import MockConnector


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def connector() -> AsyncIterator[tuple[MockConnector, Clock]]:
    clock = Clock()
    async with MockConnector() as mock:
        mock.clock = clock
        yield mock, clock


async def post(
    session: aiohttp.ClientSession, mock: MockConnector, conversation: str, tenant: str | None
) -> tuple[int, str | None]:
    """A message to `conversation`, naming its tenant as Teams' conversation objects do."""
    named = {"tenantId": tenant} if tenant else {}
    activity = {"type": "message", "text": "hi", "conversation": {"id": conversation, **named}}
    url = f"{mock.url}v3/conversations/{conversation}/activities"
    async with session.post(url, json=activity) as response:
        return response.status, response.headers.get("Retry-After")


async def test_writes_past_the_tenants_rate_get_429_until_the_window_moves_on(
    connector: tuple[MockConnector, Clock],
) -> None:
    mock, clock = connector
    mock.limit_tenant(per_second=3, whole_seconds=True)
    async with aiohttp.ClientSession() as session:
        for n in range(3):  # each to a conversation of its own: only the tenant's limit binds
            assert await post(session, mock, f"a:1person{n}", "t1") == (201, None)
            clock.now += 0.1
        assert await post(session, mock, "a:1person3", "t1") == (429, "1")
        assert await post(session, mock, "a:1other", "t2") == (201, None)  # another tenant
        clock.now = 101.0  # the first write's second has passed
        assert await post(session, mock, "a:1person3", "t1") == (201, None)
        assert await post(session, mock, "a:1person4", "t1") == (429, "1")

    assert len(mock.sent) == 5
    assert mock.throttle.refused == {"tenant": 2}
    assert mock.rejected == [("a:1person3", 429), ("a:1person4", 429)]


async def test_a_write_naming_no_tenant_counts_against_the_conversations_last_named(
    connector: tuple[MockConnector, Clock],
) -> None:
    mock, _ = connector
    mock.limit_tenant(per_second=2)
    async with aiohttp.ClientSession() as session:
        assert (await post(session, mock, "a:1alan", "t1"))[0] == 201
        assert (await post(session, mock, "a:1alan", None))[0] == 201
        status, retry_after = await post(session, mock, "a:1grace", "t1")

    assert status == 429
    assert retry_after == "1.000"  # to the millisecond unless whole seconds are asked for


async def test_a_members_personal_chat_counts_against_the_members_tenant(
    connector: tuple[MockConnector, Clock],
) -> None:
    mock, _ = connector
    mock.limit_tenant(per_second=1)
    mock.add_member("29:alan", email="alan@example.com", tenant="t1")
    mock.add_member("29:grace", email="grace@example.com", tenant="t1")
    async with aiohttp.ClientSession() as session:
        assert (await post(session, mock, personal_conversation_id("29:alan"), None))[0] == 201
        status, _ = await post(session, mock, personal_conversation_id("29:grace"), None)

    assert status == 429
    assert mock.throttle.refused == {"tenant": 1}


async def test_one_conversation_gets_seven_a_second_and_eight_in_two(
    connector: tuple[MockConnector, Clock],
) -> None:
    mock, clock = connector
    mock.limit_conversations(whole_seconds=True)
    async with aiohttp.ClientSession() as session:
        statuses = [(await post(session, mock, "a:1chat", "t1"))[0] for _ in range(8)]
        assert statuses == [201] * 7 + [429]
        clock.now += 1.0
        assert (await post(session, mock, "a:1chat", "t1"))[0] == 201
        assert await post(session, mock, "a:1chat", "t1") == (429, "1")  # 8 in 2 s
        assert (await post(session, mock, "a:1busy", "t1"))[0] == 201  # its own limits

    assert mock.throttle.refused == {"conversation": 2}


async def test_without_limits_every_write_is_taken(connector: tuple[MockConnector, Clock]) -> None:
    mock, _ = connector
    async with aiohttp.ClientSession() as session:
        statuses = {(await post(session, mock, "a:1chat", "t1"))[0] for _ in range(60)}

    assert statuses == {201}
    assert not mock.rejected and not mock.throttle.refused
