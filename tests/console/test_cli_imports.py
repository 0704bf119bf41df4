"""The command line loads Slack, Teams, the HTTP server and the scheduler only for the commands
that need them: `--help` and every console command run without them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.console.conftest import ROOT, script_env
from tests.console.loaded_modules import PLATFORM_MODULES


def test_help_and_the_console_commands_load_no_platform_sdk_server_or_scheduler(
    tmp_path: Path,
) -> None:
    probe = subprocess.run(
        [sys.executable, "-m", "tests.console.loaded_modules", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=script_env(),
    )
    assert probe.returncode == 0, probe.stderr
    seen = json.loads(probe.stdout)
    control = seen.pop("app.server, the control")
    assert {module.split(".")[0] for module in control["loaded"]} >= {
        "slack_bolt",
        "slack_sdk",
        "botbuilder",
        "aiohttp",
        "apscheduler",
    }
    assert "aiohttp.web" in control["loaded"]
    assert list(seen) == [
        "--help", "demo", "chat", "org import", "goals import", "holidays import", "defaults",
        "export", "export csv", "person erase", "db upgrade", "teams-package",
    ]  # fmt: skip
    for command, ran in seen.items():
        assert ran["code"] == 0, command
        assert ran["loaded"] == [], f"{command} loaded {ran['loaded']} ({PLATFORM_MODULES})"
