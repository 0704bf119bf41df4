"""`checkin-bot prompt` says by its exit code whether it sent anything, and `checkin-bot chat
--org` acts as the person in that org, or says clearly why it can't."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3

import pytest

from tests.console.conftest import Cli
from tests.slack.conftest import ORG_CSV, SECRET, TOKEN
from tests.slack.conftest import api as api  # the mock Slack fixture
from tests.slack.mock_api import MockSlackApi

HEADER = "email,name,manager_email,team\n"


def test_prompt_for_no_one_exits_2_with_the_reason_on_stderr(cli: Cli) -> None:
    assert cli("demo").returncode == 0
    for args in (("nobody@demo.example",), ("alan@demo.example", "--org", "slack:T404")):
        result = cli("prompt", *args)
        assert result.returncode == 2, result
        assert f"checkin-bot: no one with the email {args[0]} in" in result.stderr
        assert result.stdout == "" and "Traceback" not in result.stderr


def test_prompt_that_reached_no_one_exits_1(cli: Cli) -> None:
    (cli.folder / "org.csv").write_text(HEADER + "ann@acme.test,Ann,,Eng\n")
    assert cli("org", "import", "org.csv", "--org", "slack:T9").returncode == 0
    result = cli("prompt", "ann@acme.test", "--org", "slack:T9")
    assert result.returncode == 1, result
    assert "ann@acme.test has no reachable chat account yet" in result.stderr
    assert result.stdout == ""


def test_prompt_for_someone_in_the_console_org_says_where_their_checkin_starts(
    cli: Cli, caplog: pytest.LogCaptureFixture
) -> None:
    """The console chat has no one to deliver to outside `checkin-bot chat`: nothing is sent,
    no check-in is started, and the admin reads why in one line."""
    assert cli("demo").returncode == 0
    assert cli("chat", "--as", "alan@demo.example", stdin="help\n").returncode == 0
    result = cli("prompt", "alan@demo.example", "--org", "console:local")
    assert result.returncode == 1, result
    assert result.stdout == "" and result.stderr.count("\n") == 1, result
    assert "alan@demo.example is in the console org" in result.stderr
    assert "checkin now" in result.stderr and "checkin-bot chat" in result.stderr
    assert "Traceback" not in result.stderr
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert json.loads(cli("export").stdout)["checkins"] == []


def test_chat_acts_as_the_person_in_the_org_named(cli: Cli) -> None:
    (cli.folder / "org.csv").write_text(
        HEADER + "boss@acme.test,Boss,,Leads\nann@acme.test,Ann,boss@acme.test,Eng\n"
    )
    assert cli("org", "import", "org.csv", "--org", "console:acme").returncode == 0
    assert cli("demo").returncode == 0  # the console org has its own people
    chat = cli("chat", "--as", "ann@acme.test", "--org", "console:acme", stdin="checkin now\n")
    assert chat.returncode == 0, chat.stderr
    assert "Hi Ann!" in chat.stdout and "I don't know" not in chat.stdout
    exported = json.loads(cli("export", "--org", "console:acme").stdout)
    assert [c["person"] for c in exported["checkins"]] == ["ann@acme.test"]
    demo = json.loads(cli("export").stdout)
    assert demo["checkins"] == []


async def test_chat_in_a_slack_org_acts_through_the_persons_slack_account(
    cli: Cli, api: MockSlackApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in (
        ("SLACK_BOT_TOKEN", TOKEN),
        ("SLACK_SIGNING_SECRET", SECRET),
        ("SLACK_API_URL", api.url),
    ):
        monkeypatch.setenv(name, value)
    (cli.folder / "org.csv").write_text(ORG_CSV)
    # The commands run loops of their own: the mock Slack answers on this one meanwhile.
    imported = await asyncio.to_thread(cli, "org", "import", "org.csv", "--org", "slack:T1")
    assert imported.returncode == 0, imported.stderr
    linked = identities(cli)
    chat = await asyncio.to_thread(
        cli, "chat", "--as", "alan@example.com", "--org", "slack:T1", stdin="checkin now\n"
    )
    assert chat.returncode == 0, chat.stderr
    assert "Hi Alan!" in chat.stdout and "Anything blocking you?" in chat.stdout
    assert "[to " not in chat.stdout  # addressed to the person at the keyboard
    assert api.called("chat.postMessage") == []  # shown here, not sent to Slack
    assert identities(cli) == linked  # acted as U_ALAN; no account made up
    exported = json.loads((await asyncio.to_thread(cli, "export", "--org", "slack:T1")).stdout)
    assert [c["person"] for c in exported["checkins"]] == ["alan@example.com"]


def test_chat_in_a_slack_org_as_someone_with_no_slack_account_is_a_clear_error(
    cli: Cli,
) -> None:
    (cli.folder / "org.csv").write_text(HEADER + "ann@acme.test,Ann,,Eng\n")
    assert cli("org", "import", "org.csv", "--org", "slack:T9").returncode == 0
    unlinked = cli("chat", "--as", "ann@acme.test", "--org", "slack:T9", stdin="help\n")
    assert unlinked.returncode == 2
    assert "ann@acme.test has no slack account linked in slack:T9 yet" in unlinked.stderr
    assert identities(cli) == []


def identities(cli: Cli) -> list[tuple[str, str, str]]:
    with sqlite3.connect(cli.folder / "bot.db") as connection:
        rows = connection.execute(
            "SELECT tenant_id, platform, external_user_id FROM platformidentity ORDER BY 1, 3"
        )
        return list(rows)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--org", "slack:T404"), "no org called 'slack:T404' in this database"),
        (("--as", "nobody@acme.test", "--org", "slack:T9"), "no one with the email nobody@"),
    ],
)
def test_chat_in_an_org_or_as_a_person_that_doesnt_exist_is_a_clear_error(
    cli: Cli, args: tuple[str, ...], message: str
) -> None:
    (cli.folder / "org.csv").write_text(HEADER + "ann@acme.test,Ann,,Eng\n")
    assert cli("org", "import", "org.csv", "--org", "slack:T9").returncode == 0
    result = cli("chat", *args, stdin="checkin now\n")
    assert result.returncode == 2, result
    assert message in result.stderr and "Traceback" not in result.stderr
    assert "Weekly" not in result.stdout
