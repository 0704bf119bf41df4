"""Drill: the platform answers 500s and 429s for a while in the middle of a wave, and every
prompt still arrives exactly once.

A real `checkin-bot serve` process on PostgreSQL with 300 people due at once, first against
the mock Slack Web API, then against the mock Bot Connector for Teams. Once the wave is going,
every send fails for a while, answering 500 and 429 (Retry-After: 1) in turn; the bot's paced
client retries (backoff from 0.5 s, eight attempts), and a send that runs out of attempts
fails its job, which the scheduler runs again 30 s later. A failed send delivered nothing, so
nobody may be prompted twice, and nobody may be left out.

The errors last 4 s here: four Retry-Afters, eight first backoffs, long enough for a send to
see several of each status and for the whole first batch to be caught in them. DRILL_FULL=1
makes it a minute, so that sends also run out of attempts and go through the scheduler's retry.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from botbuilder.schema import ChannelAccount, ConversationAccount, ConversationReference

from bot.checkins.scheduled import PROMPT
from storage.db import Database
from storage.models import Person, PlatformIdentity, ScheduledJob, Tenant
from tests.drills.conftest import seconds
from tests.scheduler.test_replicas import (
    opening_far_from_now,
    prompts,
    replica_env,
    replicas,
    seed,
    start_wave,
    still_due,
    wait_for,
)
from tests.seeded import SEEDED_AT
from tests.slack.mock_api import MockSlackApi
from tests.teams.activities import BOT_ID, TENANT, personal_conversation_id
from tests.teams.connector import MockConnector

pytestmark = pytest.mark.postgres

PEOPLE = 300
ERRORS = seconds(4, 60)
# Generous: the wave takes 6 s at Slack's and Teams' pace, the backoffs after the errors up to
# 16 s; a send that ran out of attempts is sent again 30 s (then 60 s) later. About 15 s in all
# here, two minutes with DRILL_FULL=1.
SETTLED = 120 + 2 * ERRORS


async def drill(
    database: Database,
    env: dict[str, str],
    logs: Path,
    sent: Callable[[], Counter[str]],
    fail_for: Callable[[float], None],
) -> float:
    """Start the wave, fail every send for ERRORS seconds once it is under way, and wait for
    everyone to be prompted and every job to be done. Returns how long that took."""
    loop = asyncio.get_running_loop()
    async with replicas(env, logs, 1) as (bot,):
        await start_wave(database)
        await wait_for(lambda: sum(sent().values()) >= PEOPLE // 10, 30, "the wave to start")
        fail_for(ERRORS)
        started = loop.time()
        try:
            await wait_for(lambda: len(sent()) >= PEOPLE, SETTLED, "everyone's prompt")
            while await still_due(database) > 0:
                assert loop.time() - started < SETTLED, "prompt jobs still due"
                await asyncio.sleep(0.5)
        except AssertionError as error:
            raise AssertionError(f"{error}\n{bot.tail()}") from None
        took = loop.time() - started
        await asyncio.sleep(2)  # two more ticks: nothing more is sent
        assert bot.process.returncode is None, bot.tail()
    return took


def exactly_once(sent: Counter[str], everyone: set[str]) -> None:
    assert set(sent) == everyone, f"never prompted: {sorted(everyone - set(sent))[:5]}"
    twice = {user: n for user, n in sent.items() if n > 1}
    assert not twice, f"{len(twice)} people were prompted more than once: {list(twice)[:5]}"


@pytest.mark.long
async def test_slack_answering_500s_and_429s_for_a_while_still_prompts_everyone_once(
    api: MockSlackApi, postgres_db: Database, tmp_path: Path
) -> None:
    wave = await seed(postgres_db, api, PEOPLE)

    def fail_for(window: float) -> None:
        api.fail_for("chat.postMessage", window, statuses=(500, 429), retry_after=1)

    took = await drill(
        postgres_db, replica_env(api, postgres_db), tmp_path, lambda: prompts(api), fail_for
    )

    failed = Counter(call.status for call in api.called("chat.postMessage") if not call.ok)
    print(f"\nSlack failed {dict(failed)} times; everyone prompted {took:.1f} s after it began")
    assert failed[500] > 0 and failed[429] > 0, failed
    exactly_once(prompts(api), set(wave.users))


@pytest.fixture
async def connector() -> AsyncIterator[MockConnector]:
    async with MockConnector() as mock:
        yield mock


async def seed_teams(database: Database, connector: MockConnector, people: int) -> set[str]:
    """A Teams org of `people`, each with the reference of their personal chat with the bot
    (as saved from their first message), and a prompt job parked a day ahead."""
    users = {f"29:person{n:04d}" for n in range(people)}
    tenant_id = f"teams:{TENANT}"
    async with database.session() as session:
        session.add(
            Tenant(id=tenant_id, platform="teams", external_id=TENANT, created_at=SEEDED_AT)
        )
        await session.flush()
        for user in sorted(users):
            person = Person(
                tenant_id=tenant_id,
                email=f"{user.removeprefix('29:')}@example.com",
                timezone="UTC",
                checkin_days="daily",
                checkin_time=opening_far_from_now(),
                reminders=False,
                created_at=SEEDED_AT,
            )
            session.add(person)
            await session.flush()
            assert person.id is not None
            reference = ConversationReference(
                bot=ChannelAccount(id=BOT_ID),
                user=ChannelAccount(id=user),
                conversation=ConversationAccount(id=personal_conversation_id(user)),
                channel_id="msteams",
                service_url=connector.url,
            )
            session.add(
                PlatformIdentity(
                    tenant_id=tenant_id,
                    person_id=person.id,
                    platform="teams",
                    external_user_id=user,
                    conversation=reference.serialize(),
                )
            )
            session.add(
                ScheduledJob(
                    tenant_id=tenant_id,
                    kind=PROMPT,
                    subject_id=person.id,
                    due_at=datetime.now(UTC) + timedelta(days=1),
                )
            )
    return users


def teams_prompts(connector: MockConnector, users: set[str]) -> Counter[str]:
    """Check-in prompts the Bot Connector accepted, per user."""
    user_of = {personal_conversation_id(user): user for user in users}
    return Counter(
        user_of[sent.conversation_id]
        for sent in connector.sent
        if sent.conversation_id in user_of and "check-in time" in json.dumps(sent.activity)
    )


@pytest.mark.long
async def test_teams_answering_500s_and_429s_for_a_while_still_prompts_everyone_once(
    connector: MockConnector, api: MockSlackApi, postgres_db: Database, tmp_path: Path
) -> None:
    users = await seed_teams(postgres_db, connector, PEOPLE)
    env = {k: v for k, v in replica_env(api, postgres_db).items() if not k.startswith("SLACK_")}
    env["MICROSOFT_APP_ID"] = ""  # Teams without authentication, to the mock connector

    def fail_for(window: float) -> None:
        connector.fail_for(window, statuses=(500, 429), retry_after=1)

    took = await drill(
        postgres_db, env, tmp_path, lambda: teams_prompts(connector, users), fail_for
    )

    failed = Counter(status for _, status in connector.rejected)
    print(f"\nTeams failed {dict(failed)} times; everyone prompted {took:.1f} s after it began")
    assert failed[500] > 0 and failed[429] > 0, failed
    exactly_once(teams_prompts(connector, users), users)
