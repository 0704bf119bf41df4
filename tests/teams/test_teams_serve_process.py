"""The real `checkin-bot serve` process with Teams: install, check-in, then a proactive prompt."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import until
from tests.serve_process import cli_env, run_cli, running_server
from tests.slack.conftest import GOALS_YAML, ORG_CSV
from tests.teams.activities import conversation_update, message, personal_conversation_id
from tests.teams.conftest import TENANT
from tests.teams.connector import MockConnector


@pytest.fixture
async def connector() -> AsyncIterator[MockConnector]:
    async with MockConnector() as mock:
        mock.add_member("29:alan", email="alan@example.com", name="Alan Turing", tenant=TENANT)
        yield mock


@pytest.mark.long
async def test_install_checkin_and_a_later_proactive_prompt_through_a_running_server(
    connector: MockConnector, tmp_path: Path
) -> None:
    env = cli_env(tmp_path, MICROSOFT_APP_ID="")
    org = f"teams:{TENANT}"
    (tmp_path / "org.csv").write_text(ORG_CSV)
    (tmp_path / "goals.yaml").write_text(GOALS_YAML)
    for kind, name in (("org", "org.csv"), ("goals", "goals.yaml")):
        code, output = await run_cli(env, kind, "import", str(tmp_path / name), "--org", org)
        assert code == 0, output
    async with running_server(env) as base, aiohttp.ClientSession() as session:

        async def post(activity: dict[str, object]) -> None:
            seen = len(connector.sent)
            async with session.post(f"{base}/api/messages", json=activity) as response:
                assert response.status in (200, 201), await response.text()
            await until(lambda: len(connector.sent) > seen)

        await post(conversation_update(service_url=connector.url))
        for text in ("checkin now", "signups 400, nps 35", "7", "8", "none", "ok", "4"):
            await post(message(text, service_url=connector.url))
        assert "Check-in saved" in json.dumps(connector.sent[-1].activity)

    # Later, from another process: the stored reference still reaches Alan.
    before = len(connector.sent)
    code, output = await run_cli(env, "prompt", "alan@example.com", "--org", org)
    assert code == 0 and "sent alan@example.com" in output, output
    assert len(connector.sent) == before + 1
    assert connector.sent[-1].conversation_id == personal_conversation_id("29:alan")
    code, output = await run_cli(env, "export", "--org", org)
    krs = {kr["id"]: kr for o in json.loads(output)["objectives"] for kr in o["key_results"]}
    assert (krs["signups"]["current"], krs["nps"]["current"]) == (400, 35)
