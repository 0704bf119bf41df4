"""`checkin-bot org sync [--org ORG]`: a report line per org, a second run that changes nothing,
and a clear answer for an org that isn't here, a console org, a platform not configured, and a
Teams org whose app is in no team."""

from __future__ import annotations

import asyncio

import pytest

from tests.console.conftest import Cli
from tests.slack.conftest import ORG_CSV, SECRET, TOKEN
from tests.slack.conftest import api as api  # the mock Slack fixture
from tests.slack.mock_api import MockSlackApi


def with_slack(monkeypatch: pytest.MonkeyPatch, api: MockSlackApi) -> None:
    for name, value in (
        ("SLACK_BOT_TOKEN", TOKEN),
        ("SLACK_SIGNING_SECRET", SECRET),
        ("SLACK_API_URL", api.url),
    ):
        monkeypatch.setenv(name, value)


def imported(cli: Cli, org: str) -> None:
    (cli.folder / "org.csv").write_text(ORG_CSV)
    assert cli("org", "import", "org.csv", "--org", org).returncode == 0


async def test_a_slack_org_is_synced_and_a_second_run_changes_nothing(
    cli: Cli, api: MockSlackApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    await asyncio.to_thread(imported, cli, "slack:T1")  # Slack not configured yet: no linking
    api.add_user("U_NIA", email="nia@example.com", name="Nia New", locale="fr-FR")
    api.add_user("U_GUEST", email="guest@partner.example", guest=True)
    api.add_user("U_GONE", email="gone@example.com", deleted=True)
    with_slack(monkeypatch, api)

    # The command runs a loop of its own: the mock Slack answers on this one meanwhile.
    first = await asyncio.to_thread(cli, "org", "sync", "--org", "slack:T1")
    again = await asyncio.to_thread(cli, "org", "sync")

    assert first.returncode == 0, first.stderr
    assert "slack:T1: added 1, updated 2, made inactive 0, linked 3" in first.stdout
    assert "1 guests, apps or accounts with no email not added" in first.stdout
    assert again.returncode == 0, again.stderr
    assert "slack:T1: added 0, updated 0, made inactive 0, linked 0" in again.stdout
    assert TOKEN not in first.stdout + first.stderr + again.stdout + again.stderr


def test_an_org_that_isnt_here_is_named_with_the_ones_that_are(cli: Cli) -> None:
    imported(cli, "slack:T1")
    result = cli("org", "sync", "--org", "slack:T404")
    assert result.returncode == 2
    assert "there is no org slack:T404 here" in result.stderr and "slack:T1" in result.stderr


def test_a_console_org_has_no_directory_to_sync(cli: Cli) -> None:
    assert cli("demo").returncode == 0
    result = cli("org", "sync", "--org", "console:local")
    assert result.returncode == 2
    assert "a console org has no directory to sync" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_slack_org_with_slack_not_configured_says_what_to_set(cli: Cli) -> None:
    imported(cli, "slack:T1")
    result = cli("org", "sync", "--org", "slack:T1")
    assert result.returncode == 2
    assert "Slack isn't configured here (set SLACK_BOT_TOKEN" in result.stderr


def test_with_no_org_at_all_there_is_nothing_to_sync(cli: Cli) -> None:
    result = cli("org", "sync")
    assert result.returncode == 0
    assert "nothing to sync" in result.stdout


def test_a_teams_org_whose_app_is_in_no_team_is_told_so(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported(cli, "teams:tenant-1")
    monkeypatch.setenv("MICROSOFT_APP_ID", "")  # Teams served, no app id: as in development
    result = cli("org", "sync", "--org", "teams:tenant-1")
    assert result.returncode == 1
    assert "teams:tenant-1: not synced: no team with the app in it" in result.stderr
    assert "Add the app to a team" in result.stderr
