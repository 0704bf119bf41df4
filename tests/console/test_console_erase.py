"""`checkin-bot person erase` through the command line: a script, a terminal, bad input."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from app.erase import JOB_KINDS
from app.scheduling import build_scheduler
from bot.engine import Engine
from bot.org.scheduled import ORG_SYNC
from storage.db import Database
from tests.conftest import RecordingOutbox
from tests.console.conftest import Cli, Ran, Terminal, script, script_env

CHECKIN = "checkin now\nsignups 400, nps 35\n7\n8\nyes\nnone\nmy secret plan to leave\n4\n"


def exported(cli: Cli) -> str:
    result = cli("export")
    assert result.returncode == 0, result.stderr
    return result.stdout


def on_a_real_terminal(cli: Cli, *args: str, typed: str) -> Ran:
    """Runs the installed script with a pseudo-terminal as its stdin, and types `typed` into it."""
    main, terminal = os.openpty()
    try:
        process = subprocess.Popen(
            script(cli.folder, *args),
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=cli.folder,
            env=script_env(),
        )
        os.close(terminal)
        os.write(main, typed.encode())
        out, err = process.communicate(timeout=120)
    finally:
        os.close(main)
    return Ran(process.returncode, out, err)


def test_erasing_with_yes_leaves_no_trace_and_moves_reports_up(cli: Cli) -> None:
    assert cli("demo").returncode == 0
    assert cli("chat", "--as", "alan@demo.example", stdin=CHECKIN).returncode == 0
    assert "my secret plan to leave" in exported(cli)

    alan = cli("person", "erase", "Alan@Demo.example", "--yes")
    assert alan.returncode == 0, alan.stderr
    assert "  check-ins: 1 deleted\n" in alan.stdout
    assert "  key results they owned: 3 kept, now without an owner\n" in alan.stdout
    assert alan.stdout.endswith("alan@demo.example is erased from console:local.\n")

    grace = cli("person", "erase", "grace@demo.example", "--yes")
    assert grace.returncode == 0, grace.stderr
    assert "  people who reported to them: 1 now report to ada@demo.example\n" in grace.stdout

    text = exported(cli)
    for trace in ("alan", "turing", "grace", "hopper", "my secret plan to leave"):
        assert trace not in text.lower()
    people = {p["email"]: p for p in json.loads(text)["people"]}
    assert people["katherine@demo.example"]["manager"] == "ada@demo.example"
    assert len(people) == 3


def test_without_yes_and_no_terminal_it_shows_the_plan_and_changes_nothing(cli: Cli) -> None:
    cli("demo")
    result = cli("person", "erase", "grace@demo.example")
    assert result.returncode == 2
    assert "Erasing grace@demo.example from console:local would do this:" in result.stdout
    assert "  people who reported to them: 2 now report to ada@demo.example" in result.stdout
    assert "nothing was changed" in result.stderr and "--yes" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "grace@demo.example" in exported(cli)


@pytest.mark.parametrize(
    ("typed", "erased", "code"), [("yes\n", True, 0), ("no\n", False, 1), ("", False, 1)]
)
def test_on_a_terminal_it_asks_first(cli: Cli, typed: str, erased: bool, code: int) -> None:
    cli("demo")
    result = cli("person", "erase", "grace@demo.example", stdin=Terminal(typed))
    assert result.returncode == code, result.stderr
    assert "Erase grace@demo.example? This can't be undone. Type yes to go on:" in result.stdout
    assert ("is erased" in result.stdout) is erased
    assert ("Nothing was changed." in result.stdout) is not erased
    assert ("grace@demo.example" in exported(cli)) is not erased


def test_on_a_real_terminal_it_asks_first_and_erases_on_yes(cli: Cli) -> None:
    cli("demo")
    result = on_a_real_terminal(cli, "person", "erase", "grace@demo.example", typed="yes\n")
    assert result.returncode == 0, result.stderr
    assert "Erase grace@demo.example? This can't be undone. Type yes to go on:" in result.stdout
    assert "is erased" in result.stdout and "Nothing was changed." not in result.stdout
    assert "grace@demo.example" not in exported(cli)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("nobody@demo.example", "--yes"), 1, "no one with the email nobody@demo.example"),
        (("nobody@demo.example",), 1, "no one with the email nobody@demo.example"),
        (("grace@demo.example", "--org", "slack:T404"), 2, "no org called 'slack:T404'"),
    ],
)
def test_bad_input_is_explained_and_erases_nothing(
    cli: Cli, args: tuple[str, ...], code: int, message: str
) -> None:
    cli("demo")
    before = exported(cli)
    result = cli("person", "erase", *args)
    assert result.returncode == code
    assert message in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert json.loads(exported(cli))["people"] == json.loads(before)["people"]


def test_every_kind_of_scheduled_job_has_a_known_subject(outbox: RecordingOutbox) -> None:
    """A new kind of job must say what its subject is, or erasing would leave it behind."""
    engine = Engine(Database("sqlite:///:memory:"), outbox)
    kinds = set(build_scheduler(engine).handlers)
    assert kinds == {
        *JOB_KINDS.person,
        *JOB_KINDS.feedback_request,
        *JOB_KINDS.survey,
        *JOB_KINDS.survey_round,
        *JOB_KINDS.subscription,
        *JOB_KINDS.oneonone,
        *JOB_KINDS.review_cycle,
        *JOB_KINDS.org,
    } - {ORG_SYNC}  # planned only where a platform's directory can be read
