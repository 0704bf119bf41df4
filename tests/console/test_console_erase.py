"""`checkin-bot person erase` through the real command line: a script, a terminal, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.erase import JOB_KINDS
from app.scheduling import build_scheduler
from bot.core.engine import Engine
from storage.db import Database
from tests.conftest import RecordingOutbox

CHECKIN = "checkin now\nsignups 400, nps 35\n7\n8\nyes\nnone\nmy secret plan to leave\n4\n"


def command(tmp_path: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "app", "--database", f"sqlite:///{tmp_path}/bot.db", *args]


def cli(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(tmp_path, *args),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=_env(),
    )


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MICROSOFT_"))}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    return env


def exported(tmp_path: Path) -> str:
    result = cli(tmp_path, "export")
    assert result.returncode == 0, result.stderr
    return result.stdout


def on_a_terminal(tmp_path: Path, *args: str, typed: str) -> subprocess.CompletedProcess[str]:
    """Runs the command with a pseudo-terminal as its stdin, and types `typed` into it."""
    main, terminal = os.openpty()
    try:
        process = subprocess.Popen(
            command(tmp_path, *args),
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            env=_env(),
        )
        os.close(terminal)
        os.write(main, typed.encode())
        out, err = process.communicate(timeout=120)
    finally:
        os.close(main)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def test_erasing_with_yes_leaves_no_trace_and_moves_reports_up(tmp_path: Path) -> None:
    assert cli(tmp_path, "demo").returncode == 0
    assert cli(tmp_path, "chat", "--as", "alan@demo.example", stdin=CHECKIN).returncode == 0
    assert "my secret plan to leave" in exported(tmp_path)

    alan = cli(tmp_path, "person", "erase", "Alan@Demo.example", "--yes")
    assert alan.returncode == 0, alan.stderr
    assert "  check-ins: 1 deleted\n" in alan.stdout
    assert "  key results they owned: 3 kept, now without an owner\n" in alan.stdout
    assert alan.stdout.endswith("alan@demo.example is erased from console:local.\n")

    grace = cli(tmp_path, "person", "erase", "grace@demo.example", "--yes")
    assert grace.returncode == 0, grace.stderr
    assert "  people who reported to them: 1 now report to ada@demo.example\n" in grace.stdout

    text = exported(tmp_path)
    for trace in ("alan", "turing", "grace", "hopper", "my secret plan to leave"):
        assert trace not in text.lower()
    people = {p["email"]: p for p in json.loads(text)["people"]}
    assert people["katherine@demo.example"]["manager"] == "ada@demo.example"
    assert len(people) == 3


def test_without_yes_and_no_terminal_it_shows_the_plan_and_changes_nothing(
    tmp_path: Path,
) -> None:
    cli(tmp_path, "demo")
    result = cli(tmp_path, "person", "erase", "grace@demo.example")
    assert result.returncode == 2
    assert "Erasing grace@demo.example from console:local would do this:" in result.stdout
    assert "  people who reported to them: 2 now report to ada@demo.example" in result.stdout
    assert "nothing was changed" in result.stderr and "--yes" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "grace@demo.example" in exported(tmp_path)


@pytest.mark.parametrize(
    ("typed", "erased", "code"), [("yes\n", True, 0), ("no\n", False, 1), ("", False, 1)]
)
def test_on_a_terminal_it_asks_first(tmp_path: Path, typed: str, erased: bool, code: int) -> None:
    cli(tmp_path, "demo")
    if not typed:
        typed = "\x04"  # Ctrl-D: end of input
    result = on_a_terminal(tmp_path, "person", "erase", "grace@demo.example", typed=typed)
    assert result.returncode == code, result.stderr
    assert "Erase grace@demo.example? This can't be undone. Type yes to go on:" in result.stdout
    assert ("is erased" in result.stdout) is erased
    assert ("Nothing was changed." in result.stdout) is not erased
    assert ("grace@demo.example" in exported(tmp_path)) is not erased


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("nobody@demo.example", "--yes"), 1, "no one with the email nobody@demo.example"),
        (("nobody@demo.example",), 1, "no one with the email nobody@demo.example"),
        (("grace@demo.example", "--org", "slack:T404"), 2, "no org called 'slack:T404'"),
    ],
)
def test_bad_input_is_explained_and_erases_nothing(
    tmp_path: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    cli(tmp_path, "demo")
    before = exported(tmp_path)
    result = cli(tmp_path, "person", "erase", *args)
    assert result.returncode == code
    assert message in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert json.loads(exported(tmp_path))["people"] == json.loads(before)["people"]


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
    }
