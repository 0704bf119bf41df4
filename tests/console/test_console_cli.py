"""The `checkin-bot` command, driven like a person would: piped stdin, a kill, a restart.

Most tests run the command line in this process (`cli`); those about the real process run the
installed script (`checkin_bot`): the README's piped check-in, `--help`, an exit code, a kill."""

from __future__ import annotations

import asyncio
import json
import shlex
import signal
import subprocess
import time
from pathlib import Path

import pytest

from adapters.console.render import render
from bot.core.messages import Card, Field, Section, Text
from tests.console.conftest import Cli, checkin_bot, script, script_env
from tests.slack.conftest import ORG_CSV, SECRET, TOKEN
from tests.slack.conftest import api as api  # the mock Slack fixture
from tests.slack.mock_api import MockSlackApi

EMAIL = "alan@demo.example"


def test_a_piped_checkin_updates_key_results_and_export_shows_their_history(cli: Cli) -> None:
    assert cli("demo").returncode == 0
    replies = "checkin now\nsignups 400, nps 35\n7\n8\nyes\nnone\nshipped the importer\n4\n"
    chat = cli("chat", "--as", EMAIL, stdin=replies)
    assert chat.returncode == 0, chat.stderr
    assert "Check-in saved" in chat.stdout
    assert "120 signups → 400 signups" in chat.stdout
    assert "Traceback" not in chat.stdout + chat.stderr

    exported = cli("export")
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    krs = {kr["id"]: kr for o in data["objectives"] for kr in o["key_results"]}
    assert krs["signups"]["current"] == 400 and krs["nps"]["current"] == 35
    signup_history = [
        (h["field"], h["old"], h["new"], h["source"]) for h in krs["signups"]["history"]
    ]
    assert ("value", 120, 400, "checkin") in signup_history
    assert ("confidence", 6, 7, "checkin") in signup_history
    assert [c["status"] for c in data["checkins"]] == ["submitted"]
    answers = {a["question"]: a for a in data["checkins"][0]["answers"]}
    assert answers["wins"]["text"] == "shipped the importer"


def test_the_readmes_piped_checkin_runs_in_the_installed_script(cli: Cli) -> None:
    assert cli("demo").returncode == 0
    command = shlex.join(script(cli.folder, "chat", "--as", EMAIL))
    piped = subprocess.run(
        f"printf 'checkin now\\n400\\n7\\n' | {command}",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cli.folder,
        env=script_env(),
    )
    assert piped.returncode == 0, piped.stderr
    assert "[1/9] Weekly signups: what is it now?" in piped.stdout
    assert "[2/9] Weekly signups: how confident" in piped.stdout
    assert "[3/9] NPS: what is it now?" in piped.stdout
    assert "Traceback" not in piped.stdout + piped.stderr


def test_help_in_the_installed_script_lists_the_commands(tmp_path: Path) -> None:
    result = checkin_bot(tmp_path, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: checkin-bot")
    for command in ("chat", "org", "goals", "export", "person", "defaults", "db", "serve"):
        assert command in result.stdout
    assert not (tmp_path / "bot.db").exists()  # --help touches no database


def test_killing_the_process_after_the_second_answer_resumes_at_question_three(
    cli: Cli,
) -> None:
    assert cli("demo").returncode == 0
    process = subprocess.Popen(
        script(cli.folder, "chat", "--as", EMAIL),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cli.folder,
        env=script_env(),
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write("checkin now\n400\n7\n")
        process.stdin.flush()
        deadline = time.monotonic() + 60
        seen = []
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            seen.append(line)
            if line.startswith("[3/"):
                break
        assert any(line.startswith("[3/") for line in seen), "".join(seen)
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=30)
    again = cli("chat", "--as", EMAIL, stdin="")
    assert "Welcome back" in again.stdout
    assert "[3/" in again.stdout and "NPS: what is it now?" in again.stdout


def test_the_first_run_seeds_a_demo_org_and_opens_the_console_chat(cli: Cli) -> None:
    first = cli(stdin="help\nquit\n")
    assert first.returncode == 0, first.stderr
    assert "Seeded a demo org" in first.stdout and "checkin now" in first.stdout
    second = cli(stdin="")
    assert "Seeded" not in second.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # Someone new joins a console org on first contact; what isn't an email can't.
        (("chat", "--as", "nobody"), "'nobody' is not an email address"),
        (("org", "import", "missing.csv"), "can't read missing.csv"),
        (("export", "--org", "slack:T404"), "no org called 'slack:T404'"),
    ],
)
def test_bad_input_gets_a_clear_message_and_no_traceback(
    cli: Cli, args: tuple[str, ...], message: str
) -> None:
    cli("demo")
    result = cli(*args, stdin="checkin now\n")
    assert message in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_a_bad_database_url_is_explained(tmp_path: Path) -> None:
    result = checkin_bot(tmp_path, "export", database="mysql://x/y")
    assert result.returncode == 2
    assert "unsupported database" in result.stderr and "Traceback" not in result.stderr


def test_a_bad_database_url_is_explained_in_process(cli: Cli) -> None:
    cli.database_url = "mysql://x/y"
    result = cli("export")
    assert result.returncode == 2
    assert "unsupported database" in result.stderr and "Traceback" not in result.stderr


def test_the_terminal_never_sees_control_characters_from_user_text() -> None:
    hostile = "ok\x1b[2J\x1b]0;pwned\x07\rfake prompt"
    card = Card("Summary", (Section("", (Field("Blockers", hostile),)),))
    for message in (Text(hostile), card):
        shown = render(message)
        assert "\x1b" not in shown and "\r" not in shown and "\x07" not in shown
        assert "fake prompt" in shown


def test_holidays_import_reports_bad_lines_and_keeps_the_good_ones(cli: Cli) -> None:
    (cli.folder / "holidays.csv").write_text("date,name\n2026-12-25,Christmas\nsoon,Party\n")
    result = cli("holidays", "import", "holidays.csv")
    assert result.returncode == 1
    assert "line 3:" in result.stdout and "has 1 holidays" in result.stdout


async def test_an_org_import_into_a_slack_org_links_people_to_their_slack_accounts(
    cli: Cli, api: MockSlackApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in (
        ("SLACK_BOT_TOKEN", TOKEN),
        ("SLACK_SIGNING_SECRET", SECRET),
        ("SLACK_API_URL", api.url),
    ):
        monkeypatch.setenv(name, value)
    (cli.folder / "org.csv").write_text(ORG_CSV + "nobody@example.com,No Body,,Eng,,,\n")
    # The command runs a loop of its own: the mock Slack answers on this one meanwhile.
    result = await asyncio.to_thread(cli, "org", "import", "org.csv", "--org", "slack:T1")
    assert result.returncode == 0, result.stderr
    assert "Slack: linked 2 people to their accounts" in result.stdout
    assert "Slack: no account for nobody@example.com; they can't get DMs yet" in result.stdout
    assert TOKEN not in result.stdout + result.stderr


def test_a_full_org_import_reports_who_left_and_a_plain_one_does_not(cli: Cli) -> None:
    header = "email,name,manager_email,team\n"
    (cli.folder / "all.csv").write_text(
        header + "boss@acme.test,Boss,,Leads\nann@acme.test,Ann,boss@acme.test,Eng\n"
    )
    (cli.folder / "now.csv").write_text(header + "boss@acme.test,Boss,,Leads\n")
    assert cli("org", "import", "all.csv", "--org", "slack:T9").returncode == 0
    plain = cli("org", "import", "now.csv", "--org", "slack:T9")
    assert "inactive" not in plain.stdout
    full = cli("org", "import", "now.csv", "--org", "slack:T9", "--full")
    assert full.returncode == 0, full.stderr
    assert "1 person not in the file now inactive" in full.stdout
    assert "ann@acme.test" in full.stdout
