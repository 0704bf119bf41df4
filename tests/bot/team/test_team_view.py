"""The manager's views: `checkin team` (status, blockers, confidence drops, stale key
results), `goals team`, and blockers reaching the manager as they are reported."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.scheduling import build_scheduler
from bot.core.events import CommandInvoked
from bot.core.messages import Card, Text
from bot.core.ports import Recipient
from bot.engine import Engine
from storage.db import Database
from storage.models import KeyResult, Objective
from tests.bot.org_world import TENANT, OrgSpec, World, seed_world
from tests.seeded import SEEDED_AT

# Mo manages Rae, who manages Sid; Pat is a peer; Ada an admin.
PEOPLE: OrgSpec = {
    "ada": ("Ada Admin", None, True, None),
    "mo": ("Mo Manager", None, False, "Leads"),
    "rae": ("Rae Lead", "mo", False, "Platform"),
    "sid": ("Sid Dev", "rae", False, "Platform"),
    "pat": ("Pat Peer", None, False, None),
}


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    world = await seed_world(sqlite_db, PEOPLE)
    async with sqlite_db.session() as session:
        objective = Objective(
            tenant_id=TENANT, key="ship", title="Ship the API", period="2026-Q1",
            owner_id=world.ids["rae"], team="Platform",
            created_at=SEEDED_AT,
        )  # fmt: skip
        session.add(objective)
        await session.flush()
        assert objective.id is not None
        for key, title, owner in (
            ("calls", "API calls", "sid"),
            ("docs", "Docs pages", "rae"),
        ):
            session.add(
                KeyResult(
                    tenant_id=TENANT, key=key, objective_id=objective.id, title=title,
                    owner_id=world.ids[owner], start=0, target=200, current=50, confidence=7,
                    updated_at=world.clock.now() - timedelta(weeks=8),
                )
            )  # fmt: skip
    return world


async def sid_checks_in(world: World, blocker: str) -> None:
    await world.command("sid", "checkin", "now")
    for answer in ("150", "4", blocker, "shipped the client", "4"):
        await world.say("sid", answer)


async def test_a_blocker_reaches_the_manager_as_it_is_reported(world: World) -> None:
    await sid_checks_in(world, "waiting on API keys from IT")
    note = world.last("rae")
    assert "Sid Dev reported a blocker" in note and "“waiting on API keys from IT”" in note
    assert world.to("mo") == []  # the skip-level manager reads it in their view, not a DM


async def test_no_blocker_no_message(world: World) -> None:
    await sid_checks_in(world, "none")
    assert world.to("rae") == []


async def test_a_manager_may_take_blockers_weekly_instead(world: World) -> None:
    await world.command("rae", "checkin", "blockers weekly")
    assert "will wait for checkin team" in world.last("rae")
    await sid_checks_in(world, "flaky CI")
    assert not any("reported a blocker" in text for text in world.to("rae"))
    await world.command("rae", "checkin", "team")
    assert "flaky CI" in world.last("rae")
    await world.command("rae", "checkin", "blockers now")
    assert "You'll get a DM" in world.last("rae")


async def test_the_team_week_shows_status_blockers_drops_and_stale_goals(world: World) -> None:
    await sid_checks_in(world, "waiting on API keys")
    await world.command("mo", "checkin", "team")
    week = world.last("mo")
    assert "Check-ins: 1 of 2 done" in week
    assert "Sid Dev: done ✓" in week and "Rae Lead: pending (not started)" in week
    assert "Sid Dev: waiting on API keys" in week
    assert "API calls (Sid Dev): 7 → 4, now at risk" in week
    assert "Docs pages (Rae Lead): never in a check-in" in week
    assert "API calls (Sid Dev)" not in week.split("not updated")[1]  # updated just now


async def test_a_paused_report_shows_as_paused(world: World) -> None:
    await world.command("sid", "checkin", "pause 2026-03-20")
    await world.command("rae", "checkin", "team")
    assert "Sid Dev: paused through" in world.last("rae")


async def test_who_sees_whom(world: World) -> None:
    await sid_checks_in(world, "waiting on API keys")
    await world.command("rae", "checkin", "team")
    assert "Sid Dev" in world.last("rae") and "Mo Manager" not in world.last("rae")
    await world.command("sid", "checkin", "team")
    assert "No one reports to you" in world.last("sid")
    assert "waiting on API keys" not in world.last("sid")
    await world.command("pat", "checkin", "team")
    assert "No one reports to you" in world.last("pat")
    await world.command("ada", "checkin", "team")
    everyone = world.last("ada")
    assert all(name in everyone for name in ("Mo Manager", "Rae Lead", "Sid Dev", "Pat Peer"))


async def test_goals_team_shows_the_teams_goals_with_roll_up(world: World) -> None:
    await world.command("mo", "goals", "team")
    goals = world.last("mo")
    assert "Your team's goals" in goals and "Ship the API" in goals
    assert "API calls" in goals and "Docs pages" in goals
    await world.command("pat", "goals", "team")
    assert "No one reports to you" in world.last("pat")


async def test_home_shows_what_is_waiting_and_the_team(world: World) -> None:
    await sid_checks_in(world, "waiting on API keys")
    await world.command("rae", "feedback", "request @sid from @mo")
    await world.command("mo", "home", "")
    home = world.last("mo")
    assert "Waiting for you" in home and "Feedback on Sid Dev: for Rae Lead, due" in home
    assert "Your team" in home and "1 of 2 checked in this period, 1 blocker" in home
    await world.say("sid", "home")
    mine = world.last("sid")
    assert "Your team" not in mine and "Waiting for you" not in mine and "API calls" in mine


async def test_digest_now_previews_a_team_digest_without_blockers(world: World) -> None:
    await sid_checks_in(world, "waiting on API keys")
    await world.command("sid", "digest", "now")
    summary, card = world.to("sid")[-2:]
    assert summary.startswith("Platform this week:") and "1 of 2 checked in" in summary
    assert "Ship the API" in card and "shipped the client" in card
    assert "waiting on API keys" not in summary + card
    await world.command("mo", "digest", "now team platform")
    assert world.to("mo")[-2].startswith("Platform this week:")
    await world.command("pat", "digest", "now Platform")
    assert "for its members, their managers and admins" in world.last("pat")
    await world.command("pat", "digest", "now everyone")
    assert "Only admins" in world.last("pat")
    await world.command("ada", "digest", "now everyone")
    assert "Everyone this week:" in world.to("ada")[-2]


CHANNEL = {"key": "C_PLATFORM", "name": "#platform", "channel": "C_PLATFORM"}


async def in_channel(world: World, who: str, text: str) -> None:
    event = CommandInvoked(world.actor(who), "digest", text, f"ch-{who}-{text}", CHANNEL)
    await world.engine.handle(event)


async def test_a_subscribed_channel_gets_the_digest_every_monday(world: World) -> None:
    posted: list[tuple[Recipient, str, str]] = []

    async def post_digest(to: Recipient, summary: Text, details: Card) -> None:
        posted.append((to, summary.fallback_text(), details.fallback_text()))

    async def post_card(to: Recipient, card: Card) -> None:
        raise AssertionError("a digest is posted as a digest")

    world.outbox.post_digest = post_digest  # type: ignore[attr-defined]
    world.outbox.post_card = post_card  # type: ignore[attr-defined]
    # The engine asks its outbox once, when it is built, what it can do beyond sending.
    world.engine = Engine(world.database, world.outbox, world.clock)
    scheduler = build_scheduler(world.engine, 1)
    await world.command("sid", "digest", "subscribe")
    assert "Type this in the channel" in world.last("sid")
    await in_channel(world, "sid", "subscribe")
    assert "#platform gets the Platform digest every Monday morning" in world.last("sid")
    await in_channel(world, "pat", "subscribe Platform")
    assert "for its members, their managers and admins" in world.last("pat")
    await in_channel(world, "rae", "subscribe")
    assert "gets the Platform digest already" in world.last("rae")

    await sid_checks_in(world, "waiting on API keys")
    await scheduler.run_until_idle()
    assert posted == []  # not Monday yet
    world.clock.current = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)  # Monday 09:00 (org in UTC)
    await scheduler.run_until_idle()
    ((to, summary, details),) = posted
    assert to.conversation == CHANNEL and to.platform == "slack" and to.tenant == "T1"
    assert summary.startswith("Platform this week:")
    assert "Ship the API" in details and "waiting on API keys" not in summary + details
    world.clock.current = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
    await scheduler.run_until_idle()
    assert len(posted) == 2  # and again the Monday after

    await in_channel(world, "sid", "unsubscribe")
    assert "Stopped" in world.last("sid")
    world.clock.current = datetime(2026, 3, 23, 9, 0, tzinfo=UTC)
    await scheduler.run_until_idle()
    assert len(posted) == 2
