"""Drill: the database goes away in the middle of a wave, and the bot recovers.

A real `checkin-bot serve` process on a PostgreSQL server of the drill's own, against the mock
Slack Web API, with 1,000 people due at once (spread over ten workspaces, as in
`tests/scheduler/test_replicas.py`). Mid-wave (3/8 of the way, in the middle of the scheduler's
second batch of 256), the server is shut down (`pg_ctl stop -m fast`: every connection ends at
once, as in a crash or a failover), stays down for the outage, and is started again on the
same port with the same data.

The process must stay up; /healthz must answer 503 (database unreachable) during the outage and
200 after; and in the end Slack must have taken exactly one prompt per person, within a bounded
time of the database's return.

The outage lasts 8 s here: eight ticks of the scheduler (CHECKIN_TICK_SECONDS=1), four times
the prompt writer's retries (about 2 s), long enough for every in-flight send, mark and job
record to fail. DRILL_FULL=1 keeps the database down for a minute.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import asyncpg
import pytest

from storage.db import Database
from storage.migrate import upgrade
from tests.drills.conftest import seconds
from tests.postgres import PostgresServer
from tests.scheduler.test_replicas import (
    Replica,
    prompts,
    replica_env,
    replicas,
    seed,
    start_wave,
    still_due,
    wait_for,
)
from tests.slack.mock_api import MockSlackApi

pytestmark = pytest.mark.postgres

PEOPLE = 1000
OUTAGE = seconds(8, 60)
# Generous: sends that failed in the outage go again 30 s after they failed, each looked up in
# Slack's history first (50 a minute per workspace); about 45 s after the return in all here.
RECOVERY = 120.0


@pytest.fixture
async def database(own_postgres: PostgresServer) -> AsyncIterator[Database]:
    admin = await asyncpg.connect(own_postgres.admin_url)
    await admin.execute('CREATE DATABASE "checkin"')
    await admin.close()
    database = Database(own_postgres.url("checkin"))
    await upgrade(database.engine)
    yield database
    await database.dispose()


async def health(replica: Replica) -> tuple[int, str]:
    timeout = aiohttp.ClientTimeout(total=5)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.get(f"http://127.0.0.1:{replica.port}/healthz") as response,
    ):
        return response.status, await response.text()


@pytest.mark.long
async def test_a_wave_survives_the_database_going_away_and_everyone_is_prompted_once(
    api: MockSlackApi, own_postgres: PostgresServer, database: Database, tmp_path: Path
) -> None:
    wave = await seed(database, api, PEOPLE)
    loop = asyncio.get_running_loop()
    async with replicas(replica_env(api, database), tmp_path, 1) as (bot,):
        await start_wave(database)
        # Mid-batch: the scheduler claims 256 at a time.
        await wait_for(lambda: len(prompts(api)) >= PEOPLE * 3 // 8, 60, "3/8 of the wave")

        # Off the loop: the mock Slack answers the bot's sends meanwhile.
        stopping = loop.time()
        await asyncio.to_thread(own_postgres.take_down)
        down_at, during = loop.time(), Counter[int]()
        sent_at_outage = len(prompts(api))
        while loop.time() - down_at < OUTAGE:
            status, body = await health(bot)
            during[status] += 1
            assert json.loads(body)["database"] == "unreachable", body
            await asyncio.sleep(0.5)
        assert bot.process.returncode is None, f"serve died without its database:\n{bot.tail()}"
        sent_in_outage = len(prompts(api)) - sent_at_outage
        starting = loop.time()
        await asyncio.to_thread(own_postgres.bring_back)
        back_at = loop.time()
        shutdown, startup = down_at - stopping, back_at - starting

        await wait_for_health(bot, 200, 30)
        try:
            await wait_for(lambda: len(prompts(api)) >= PEOPLE, RECOVERY, "the whole wave")
            while await still_due(database) > 0:
                assert loop.time() - back_at < RECOVERY, "jobs still due long after recovery"
                await asyncio.sleep(0.5)
        except AssertionError as error:
            raise AssertionError(f"{error}\n{bot.tail()}") from None
        recovered = loop.time() - back_at
        await asyncio.sleep(2)  # two more ticks: still nothing more to send
        assert bot.process.returncode is None, bot.tail()

    sent = prompts(api)
    print(
        f"\n{sent_at_outage} of {PEOPLE} prompted when the database went down for "
        f"{OUTAGE:g} s, {sent_in_outage} more during it; everyone prompted {recovered:.1f} s "
        f"after it came back; /healthz during the outage: {dict(during)}; pg_ctl stop took "
        f"{shutdown:.1f} s, start {startup:.1f} s"
    )
    assert set(during) == {503}, during
    assert set(sent) == set(wave.users)
    twice = {user: n for user, n in sent.items() if n > 1}
    assert not twice, f"{len(twice)} people were prompted more than once: {list(twice)[:5]}"


async def wait_for_health(replica: Replica, status: int, within: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while (await health(replica))[0] != status:
        assert loop.time() < deadline, f"/healthz never answered {status}:\n{replica.tail()}"
        await asyncio.sleep(0.2)
