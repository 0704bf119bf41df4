"""The real `checkin-bot serve` process, driven by signed HTTP requests against a mock Slack."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import until
from tests.serve_process import cli_env, run_cli, running_server
from tests.slack.conftest import GOALS_YAML, ORG_CSV, SECRET, TOKEN
from tests.slack.mock_api import MockSlackApi
from tests.slack.payloads import FORM, JSON, message_event, signed_headers, slash_command


@pytest.fixture
async def served(api: MockSlackApi, tmp_path: Path) -> AsyncIterator[tuple[str, dict[str, str]]]:
    env = cli_env(
        tmp_path, SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=api.url
    )
    (tmp_path / "org.csv").write_text(ORG_CSV + "ghost@example.com,Ghost,,,,,\n")
    (tmp_path / "goals.yaml").write_text(GOALS_YAML)
    code, output = await run_cli(
        env, "org", "import", str(tmp_path / "org.csv"), "--org", "slack:T1"
    )
    assert code == 0, output
    assert "Slack: linked 2 people" in output and "no account for ghost@example.com" in output
    code, output = await run_cli(
        env, "goals", "import", str(tmp_path / "goals.yaml"), "--org", "slack:T1"
    )
    assert code == 0, output
    async with running_server(env) as base:
        yield base, env


@pytest.mark.long
async def test_a_running_server_takes_a_user_from_checkin_now_to_a_finished_checkin(
    served: tuple[str, dict[str, str]], api: MockSlackApi
) -> None:
    base, env = served

    def posts() -> int:
        return len([c for c in api.called("chat.postMessage") if c.ok])

    async with aiohttp.ClientSession() as session:

        async def send(body: str, content_type: str) -> None:
            headers = signed_headers(SECRET, body, content_type=content_type)
            async with session.post(f"{base}/slack/events", data=body, headers=headers) as r:
                assert r.status == 200

        await send(slash_command("/checkin", "now", user="U_ALAN"), FORM)
        await until(lambda: posts() == 1)
        for reply in ("signups 400, nps 35", "7", "8", "none", "shipped it", "5"):
            seen = posts()
            await send(message_event(reply, user="U_ALAN"), JSON)
            await until(lambda seen=seen: posts() > seen)  # type: ignore[misc]
    last = api.called("chat.postMessage")[-1]
    assert "Check-in saved" in json.dumps(last.params)

    code, output = await run_cli(env, "export", "--org", "slack:T1")
    assert code == 0, output
    data = json.loads(output)
    krs = {kr["id"]: kr for o in data["objectives"] for kr in o["key_results"]}
    assert krs["signups"]["current"] == 400 and krs["nps"]["current"] == 35
    assert ("value", 120, 400, "checkin") in [
        (h["field"], h["old"], h["new"], h["source"]) for h in krs["signups"]["history"]
    ]
