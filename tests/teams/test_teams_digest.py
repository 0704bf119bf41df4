"""Weekly goal digests in Teams, end to end: `digest subscribe` typed in a channel or a group
chat through /api/messages, answered there; on Monday morning in the org's time zone the
scheduler posts one card, a new post in the channel, through the Bot Connector."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlmodel import select

from app.config import Settings
from app.scheduling import build_scheduler
from app.server import ENGINE, build_web_app
from bot.imports.goals_import import import_goals
from bot.imports.org_import import import_org
from scheduler.runner import Scheduler
from storage.db import Database
from storage.models import Answer, DigestSubscription, PlatformIdentity
from storage.repository import Store
from tests.conftest import FakeClock, until
from tests.teams.activities import (
    CHANNEL_ID,
    GROUP_CHAT_ID,
    TEAM_ID,
    channel_message,
    group_chat_message,
    message,
    personal_conversation_id,
)
from tests.teams.conftest import TENANT, Teams
from tests.teams.connector import MockConnector, Sent

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_POST_BYTES = 28_000  # Teams' channel post size limit, about 28 KB
# The org works in Berlin: Monday 09:00 there is 08:00 UTC in winter.
ORG_CSV = """email,name,manager_email,team,timezone,checkin_days,checkin_time
mo@example.com,Mo Manager,,Leads,Europe/Berlin,mon,10:00
sam@example.com,Sam Lee,mo@example.com,Platform,Europe/Berlin,mon,10:00
ana@example.com,Ana Ruiz,mo@example.com,Platform,Europe/Berlin,mon,10:00
pat@example.com,Pat Peer,,Sales,Europe/Berlin,mon,10:00
"""
GOALS_YAML = """period: 2026-Q4
objectives:
  - id: deploys
    title: Make deploys boring
    team: Platform
    owner: sam@example.com
    key_results:
      - {id: deploy-time, title: Median deploy time, owner: sam@example.com, start: 45,
         target: 10, current: 30, unit: min, confidence: 7}
  - id: reliable
    title: Keep the platform reliable
    team: Platform
    owner: ana@example.com
    key_results:
      - {id: uptime, title: Uptime, owner: ana@example.com, metric: percent, start: 99,
         target: 99.9, current: 99.5, confidence: 8}
"""
FIRST_MONDAY = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
SECOND_MONDAY = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
BLOCKER = "waiting on the security review"
WIN = "cached the docker layers"


@dataclass
class Org:
    teams: Teams
    scheduler: Scheduler
    clock: FakeClock

    @property
    def connector(self) -> MockConnector:
        return self.teams.connector

    async def monday(self, when: datetime) -> None:
        self.clock.current = when
        await self.scheduler.run_until_idle()


def user(key: str) -> str:
    return f"29:{key}"


@pytest.fixture
async def org(
    connector: MockConnector, sqlite_db: Database, clock: FakeClock
) -> AsyncIterator[Org]:
    for line in ORG_CSV.splitlines()[1:]:
        email, name = line.split(",")[:2]
        connector.add_member(user(email.split("@")[0]), email=email, name=name, tenant=TENANT)
    tenant_id = f"teams:{TENANT}"
    assert not (await import_org(sqlite_db, tenant_id, ORG_CSV, now=clock.now())).problems
    assert not (
        await import_goals(sqlite_db, tenant_id, GOALS_YAML, "goals.yaml", now=clock.now())
    ).problems
    async with sqlite_db.session() as session:
        tenant = await Store(session).tenant(tenant_id)
        assert tenant is not None
        tenant.settings = {**tenant.settings, "cadence": {"timezone": "Europe/Berlin"}}
        session.add(tenant)
    app = build_web_app(Settings(teams_requested=True), sqlite_db, clock)
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as client:
        yield Org(Teams(connector, client, sqlite_db), build_scheduler(app[ENGINE], 1), clock)


def text_of(sent: Sent) -> str:
    return json.dumps(sent.activity, ensure_ascii=False)


def in_dm(org: Org, key: str) -> list[Sent]:
    conversation = personal_conversation_id(user(key))
    return [sent for sent in org.connector.sent if sent.conversation_id == conversation]


async def say(org: Org, key: str, text: str) -> Sent:
    """`key` writes in their personal chat with the bot; the bot's next message there."""
    seen = len(in_dm(org, key))
    activity = message(text, user=user(key), service_url=org.connector.url)
    assert (await org.teams.post(activity))[0] in (200, 201)
    await until(lambda: len(in_dm(org, key)) > seen)
    return in_dm(org, key)[-1]


async def in_channel(org: Org, key: str, text: str, **extra: Any) -> Sent:
    """`key` @mentions the bot in the channel; its answer, which must be in the same thread."""
    seen = len(org.connector.replies_in(CHANNEL_ID))
    activity = channel_message(text, user=user(key), service_url=org.connector.url, **extra)
    assert (await org.teams.post(activity))[0] in (200, 201)
    await until(lambda: len(org.connector.replies_in(CHANNEL_ID)) > seen)
    reply = org.connector.replies_in(CHANNEL_ID)[-1]
    assert reply.conversation_id == activity["conversation"]["id"]
    assert reply.reply_to == activity["id"]
    return reply


async def in_group_chat(org: Org, key: str, text: str) -> Sent:
    seen = len(org.connector.messages_to(GROUP_CHAT_ID))
    activity = group_chat_message(text, user=user(key), service_url=org.connector.url)
    assert (await org.teams.post(activity))[0] in (200, 201)
    await until(lambda: len(org.connector.messages_to(GROUP_CHAT_ID)) > seen)
    return next(s for s in reversed(org.connector.sent) if s.conversation_id == GROUP_CHAT_ID)


async def sam_checks_in(org: Org) -> None:
    assert "Median deploy time" in text_of(await say(org, "sam", "checkin now"))
    for answer in ("25", "7", BLOCKER, WIN):
        await say(org, "sam", answer)
    assert "Check-in saved" in text_of(await say(org, "sam", "4"))


async def subscriptions(org: Org) -> list[DigestSubscription]:
    async with org.teams.database.session() as session:
        return list((await session.exec(select(DigestSubscription))).all())


def the_card(sent: Sent) -> dict[str, Any]:
    [attachment] = sent.activity["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card: dict[str, Any] = attachment["content"]
    return card


def assert_a_digest_with_its_chart(sent: Sent) -> None:
    words = text_of(sent)
    assert sent.activity["summary"].startswith("Platform this week: 2 objectives")
    assert "Platform: weekly digest" in words
    assert "Make deploys boring" in words and "Keep the platform reliable" in words
    assert "1 of 2 checked in" in words and WIN in words
    assert BLOCKER not in words and "security review" not in words
    [image] = [element for element in the_card(sent)["body"] if element["type"] == "Image"]
    prefix, _, data = image["url"].partition(",")
    assert prefix == "data:image/png;base64"
    assert base64.b64decode(data).startswith(PNG_SIGNATURE)
    assert len(json.dumps(sent.activity)) <= MAX_POST_BYTES


# -- channels ------------------------------------------------------------------------------------


async def test_a_subscribed_channel_gets_one_new_post_each_monday_until_unsubscribed(
    org: Org,
) -> None:
    await sam_checks_in(org)
    reply = await in_channel(org, "mo", "digest subscribe Platform")
    assert "Done: Digests gets the Platform digest every Monday morning" in text_of(reply)
    assert "Mon 30 Nov 08:00 UTC" in text_of(reply)
    [saved] = await subscriptions(org)
    assert (saved.channel_key, saved.channel_name) == (CHANNEL_ID, "Digests")
    assert saved.team == "Platform"
    assert saved.channel["reference"]["serviceUrl"] == org.connector.url

    await org.monday(FIRST_MONDAY - timedelta(hours=1))
    assert org.connector.new_posts(CHANNEL_ID) == []  # 07:00 UTC is 08:00 in Berlin
    replies = len(org.connector.replies_in(CHANNEL_ID))
    await org.monday(FIRST_MONDAY)
    [post] = org.connector.new_posts(CHANNEL_ID)
    assert_a_digest_with_its_chart(post)
    assert len(org.connector.replies_in(CHANNEL_ID)) == replies  # not in the subscribe thread
    created = org.connector.created[-1]
    assert created["isGroup"] is True and created["channelData"]["channel"]["id"] == CHANNEL_ID
    assert len(json.dumps(created)) <= MAX_POST_BYTES  # the whole request, the post inside

    assert "Stopped" in text_of(await in_channel(org, "mo", "digest unsubscribe Platform"))
    assert await subscriptions(org) == []
    await org.monday(SECOND_MONDAY)
    assert len(org.connector.new_posts(CHANNEL_ID)) == 1


async def test_the_channel_is_keyed_by_its_id_when_subscribed_from_a_reply_thread(
    org: Org,
) -> None:
    reply = await in_channel(org, "mo", "digest subscribe Platform", thread="1700000000000")
    assert "Done" in text_of(reply)
    again = await in_channel(org, "mo", "digest subscribe Platform")
    assert "Digests gets the Platform digest already." in text_of(again)
    [saved] = await subscriptions(org)
    assert saved.channel_key == CHANNEL_ID


async def test_general_has_a_name_even_when_teams_leaves_it_out(org: Org) -> None:
    general = TEAM_ID  # General's channel id is the team's id
    seen = len(org.connector.sent)
    activity = channel_message(
        "digest subscribe Platform",
        user=user("mo"),
        service_url=org.connector.url,
        channel=general,
        channel_name=None,
    )
    assert (await org.teams.post(activity))[0] in (200, 201)
    await until(lambda: len(org.connector.sent) > seen)
    assert "Done: General gets the Platform digest" in text_of(org.connector.sent[-1])
    [saved] = await subscriptions(org)
    assert (saved.channel_key, saved.channel_name) == (general, "General")


async def test_someone_not_allowed_is_refused_in_the_channel(org: Org) -> None:
    reply = await in_channel(org, "pat", "digest subscribe Platform")
    assert "The Platform digest is for its members, their managers and admins." in text_of(reply)
    assert await subscriptions(org) == []
    assert in_dm(org, "pat") == []


async def test_a_preview_asked_for_in_a_channel_goes_to_the_personal_chat(org: Org) -> None:
    await say(org, "mo", "help")
    seen = len(in_dm(org, "mo"))
    reply = await in_channel(org, "mo", "digest now Platform")
    assert "answered in your personal chat" in text_of(reply)
    await until(lambda: len(in_dm(org, "mo")) == seen + 2)
    summary, card = in_dm(org, "mo")[seen:]
    assert "Platform this week:" in text_of(summary) and "Make deploys boring" in text_of(card)
    assert org.connector.new_posts(CHANNEL_ID) == []


async def test_other_text_in_a_channel_points_to_the_personal_chat_and_answers_nothing(
    org: Org,
) -> None:
    assert "Median deploy time" in text_of(await say(org, "sam", "checkin now"))
    reply = await in_channel(org, "sam", "25")
    words = text_of(reply)
    assert "happen in your personal chat with me" in words and "digest subscribe" in words
    assert "Check-ins" in text_of(await in_channel(org, "sam", "checkin now"))
    async with org.teams.database.session() as session:
        assert (await session.exec(select(Answer))).all() == []
    assert len(in_dm(org, "sam")) == 1
    # The question still waits for its answer in the personal chat.
    assert "how confident are you" in text_of(await say(org, "sam", "25"))


async def test_speaking_in_a_channel_keeps_the_persons_dm_reference(org: Org) -> None:
    await say(org, "sam", "help")
    await in_channel(org, "sam", "hello")
    await in_group_chat(org, "sam", "hello")
    async with org.teams.database.session() as session:
        identity = (
            await session.exec(
                select(PlatformIdentity).where(PlatformIdentity.external_user_id == user("sam"))
            )
        ).one()
    assert identity.conversation is not None
    assert identity.conversation["conversation"]["id"] == personal_conversation_id(user("sam"))
    # The next message to Sam still reaches his personal chat.
    assert "Median deploy time" in text_of(await say(org, "sam", "checkin now"))


async def test_a_channel_that_removed_the_bot_is_reported_in_the_log(
    org: Org, caplog: pytest.LogCaptureFixture
) -> None:
    await in_channel(org, "mo", "digest subscribe Platform")
    org.connector.block(CHANNEL_ID, code="BotNotInConversationRoster")
    with caplog.at_level(logging.ERROR, logger="adapters.teams.outbound"):
        await org.monday(FIRST_MONDAY)
    assert org.connector.new_posts(CHANNEL_ID) == []
    assert (CHANNEL_ID, 403) in org.connector.rejected
    assert any("the bot is no longer in this channel" in r.getMessage() for r in caplog.records)


async def test_whoever_subscribed_a_channel_that_removed_the_bot_hears_how_to_add_it_back(
    org: Org,
) -> None:
    await in_channel(org, "mo", "digest subscribe Platform")
    org.connector.block(CHANNEL_ID, code="BotNotInConversationRoster")
    seen = len(org.connector.sent)
    await org.monday(FIRST_MONDAY)
    [note] = [sent.activity["text"] for sent in org.connector.sent[seen:]]
    assert note == (
        "I couldn't post this week's goal digest in Digests: I'm not in it, or it's gone. "
        "Add me to that team or chat (Apps, then Add to a team), or type digest unsubscribe "
        "there to stop it."
    )


async def test_subscribing_in_the_personal_chat_says_where_to_type_it(org: Org) -> None:
    answer = await say(org, "mo", "digest subscribe Platform")
    assert answer.activity["text"] == (
        "Type this in the channel that should get the digest: in Slack as /digest subscribe "
        "(a private channel needs /invite @checkin first), in Teams with @checkin in front."
    )
    assert await subscriptions(org) == []


# -- group chats ---------------------------------------------------------------------------------


async def test_a_subscribed_group_chat_gets_the_digest_as_a_message_until_unsubscribed(
    org: Org,
) -> None:
    await sam_checks_in(org)
    reply = await in_group_chat(org, "mo", "digest subscribe Platform")
    assert "Done: the group chat gets the Platform digest" in text_of(reply)
    [saved] = await subscriptions(org)
    assert saved.channel_key == GROUP_CHAT_ID

    seen = len(org.connector.messages_to(GROUP_CHAT_ID))
    await org.monday(FIRST_MONDAY)
    [posted] = [s for s in org.connector.sent if s.conversation_id == GROUP_CHAT_ID][seen:]
    assert posted.reply_to is None  # a message of its own, not a reply to the command
    assert_a_digest_with_its_chart(posted)

    assert "Stopped" in text_of(await in_group_chat(org, "mo", "digest unsubscribe Platform"))
    seen = len(org.connector.messages_to(GROUP_CHAT_ID))
    await org.monday(SECOND_MONDAY)
    assert len(org.connector.messages_to(GROUP_CHAT_ID)) == seen
