"""A running `checkin-bot serve` prompts someone scheduled a minute or so ahead, at that minute."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.checkins.cadence import WEEKDAYS
from tests.serve_process import cli_env, run_cli, running_server
from tests.slack.conftest import GOALS_YAML, SECRET, TOKEN
from tests.slack.conftest import api as api  # the mock Slack fixture
from tests.slack.mock_api import MockSlackApi

ZONE = "Asia/Kathmandu"  # +05:45: a prompt at the right minute can't be a lucky UTC hour
LEAD = timedelta(seconds=15)  # imports and start-up; a later start still prompts in the minute


@pytest.mark.long
async def test_a_person_scheduled_a_minute_ahead_is_prompted_at_that_minute(
    api: MockSlackApi, tmp_path: Path
) -> None:
    local_now = datetime.now(UTC).astimezone(ZoneInfo(ZONE))
    # The first whole minute at least LEAD ahead: time to import and start serving first.
    target = (local_now + LEAD + timedelta(minutes=1)).replace(second=0, microsecond=0)
    day, at = WEEKDAYS[target.weekday()], target.strftime("%H:%M")
    (tmp_path / "org.csv").write_text(
        "email,name,manager_email,team,timezone,checkin_days,checkin_time\n"
        f"alan@example.com,Alan Turing,,Engineering,{ZONE},{day},{at}\n"
    )
    (tmp_path / "goals.yaml").write_text(
        GOALS_YAML.replace("grace@example.com", "alan@example.com")
    )
    env = cli_env(
        tmp_path,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=api.url,
        CHECKIN_TICK_SECONDS="1",
    )
    for kind, name in (("org", "org.csv"), ("goals", "goals.yaml")):
        code, output = await run_cli(env, kind, "import", str(tmp_path / name), "--org", "slack:T1")
        assert code == 0, output
    async with running_server(env):
        deadline = target + timedelta(seconds=60)
        arrived = None
        while datetime.now(UTC) < deadline and arrived is None:
            if any(
                c.ok and c.params.get("channel") == "U_ALAN" for c in api.called("chat.postMessage")
            ):
                arrived = datetime.now(UTC)
            await asyncio.sleep(0.2)
        assert arrived is not None, "no prompt arrived within the minute"
        assert target <= arrived < deadline  # in that minute, not before it
        await asyncio.sleep(3)  # a few more ticks: still just the one prompt
        prompts = [c for c in api.called("chat.postMessage") if c.ok]
        assert len(prompts) == 1 and "check-in time" in str(prompts[0].params)
