"""The Bot Connector client is built once per service URL, not once per turn: replies to what
people type and the scheduler's prompts all go through the one client."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import _connector_factory_impl

from adapters.teams.connectors import Kept
from tests.teams.test_teams_digest import FIRST_MONDAY, Org, in_dm, org, say

__all__ = ["org"]


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The service URL of every ConnectorClient botbuilder builds."""
    urls: list[str] = []

    class Counted(ConnectorClient):  # type: ignore[misc]
        def __init__(self, credentials: Any, base_url: str | None = None, **options: Any) -> None:
            urls.append(str(base_url))
            super().__init__(credentials, base_url, **options)

    monkeypatch.setattr(_connector_factory_impl, "ConnectorClient", Counted)
    return urls


async def test_replies_and_scheduled_prompts_share_one_connector_client(
    org: Org, built: list[str]
) -> None:
    for key in ("sam", "mo", "ana"):
        await say(org, key, "help")  # each has the app, so the bot may write to them
        await say(org, key, "checkin status")
    prompted = {key: len(in_dm(org, key)) for key in ("sam", "mo", "ana")}

    await org.monday(FIRST_MONDAY + timedelta(hours=1))  # 10:00 in Berlin: everyone's prompt

    assert all(len(in_dm(org, key)) > prompted[key] for key in prompted)
    assert built == [org.connector.url]


def test_kept_clients_are_bounded_and_the_longest_unused_goes_first() -> None:
    kept: Kept[str] = Kept(most=2)
    kept.put(("a",), "client a")
    kept.put(("b",), "client b")
    assert kept.get(("a",)) == "client a"  # now b is the longest unused
    kept.put(("c",), "client c")
    assert len(kept) == 2
    assert kept.get(("b",)) is None
    assert kept.get(("a",)) == "client a" and kept.get(("c",)) == "client c"


async def test_turns_asking_at_the_same_moment_get_one_client_built_once() -> None:
    kept: Kept[object] = Kept()
    builds: list[object] = []

    async def build() -> object:
        await asyncio.sleep(0.01)  # building awaits credentials: others ask meanwhile
        builds.append(object())
        return builds[-1]

    clients = await asyncio.gather(*(kept.get_or_build(("bot", "url"), build) for _ in range(5)))
    assert len(builds) == 1
    assert all(client is builds[0] for client in clients)
