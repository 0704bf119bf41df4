"""`checkin-bot defaults` run by an admin while a wave goes out, with real `serve` processes
on one real PostgreSQL: nobody's prompt is lost or doubled. Changing the pulse threshold used
to drop every planned prompt of the org, due ones included, and the next tick planned the
people not reached yet a day later."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from storage.db import Database
from tests.scheduler.test_replicas import (
    WAVE_SECONDS,
    WORKSPACES,
    api,
    prompts,
    replica_env,
    replicas,
    seed,
    start_wave,
    still_due,
    wait_for,
)
from tests.serve_process import run_cli
from tests.slack.mock_api import MockSlackApi

pytestmark = pytest.mark.postgres
__all__ = ["api"]  # the mock Slack Web API fixture


@pytest.mark.long
async def test_defaults_changed_mid_wave_leave_everyone_prompted_exactly_once(
    api: MockSlackApi, postgres_db: Database, tmp_path: Path
) -> None:
    wave = await seed(postgres_db, api, 2000)
    env = replica_env(api, postgres_db)
    async with replicas(env, tmp_path, 2) as (first, second):
        await start_wave(postgres_db)
        await wait_for(lambda: len(prompts(api)) >= 300, WAVE_SECONDS, "the wave under way")
        reached = len(prompts(api))
        for team in WORKSPACES:
            code, said = await run_cli(env, "defaults", "--org", f"slack:{team}", "--pulse-k", "6")
            assert code == 0 and "next prompt planned again for 0 of" in said, said
        try:
            await wait_for(lambda: len(prompts(api)) >= 2000, WAVE_SECONDS, "2,000 prompts")
        except AssertionError as error:
            raise AssertionError(f"{error}\n{first.tail()}\n{second.tail()}") from None
        await asyncio.sleep(3)  # three more ticks each: still nothing more to send
        assert await still_due(postgres_db) == 0
    sent = prompts(api)
    assert set(sent) == set(wave.users) and len(sent) == 2000
    twice = [user for user, n in sent.items() if n > 1]
    assert not twice, f"{len(twice)} people prompted more than once"
    print(f"\ndefaults for 10 orgs after {reached} of 2,000 prompts: all 2,000 prompted once")
