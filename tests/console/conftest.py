"""The command line, run two ways: in this process (`cli`: `app.cli.main` with its standard
streams captured), for most tests; and as the installed `checkin-bot` script in a process of
its own (`checkin_bot`), for the few that are about the real process: a pipe, a terminal, a
kill, an exit code."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import pytest

from app.cli import main
from tests.template_databases import SqliteTemplate

ROOT = Path(__file__).resolve().parents[2]
# The console script `pip install` made beside this interpreter, as a person runs it.
SCRIPT = Path(sys.executable).with_name("checkin-bot")


@dataclass(frozen=True)
class Ran:
    """What a command run in this process did: its exit code and what it printed."""

    returncode: int
    stdout: str
    stderr: str


class Terminal(io.StringIO):
    """Standard input that says it is a terminal; what it was made with is what is typed."""

    def isatty(self) -> bool:
        return True


class Cli:
    """`checkin-bot --database <folder>/bot.db ARGS` in this process, from `folder`."""

    def __init__(
        self, folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        self.folder = folder
        self.database_url = f"sqlite:///{folder}/bot.db"
        self._capsys = capsys
        self._monkeypatch = monkeypatch

    def __call__(self, *args: str, stdin: str | TextIO = "") -> Ran:
        typed = io.StringIO(stdin) if isinstance(stdin, str) else stdin
        self._monkeypatch.setattr(sys, "stdin", typed)
        self._capsys.readouterr()
        try:
            code = main(["--database", self.database_url, *args])
        except SystemExit as exit:  # argparse: --help, or arguments it can't take
            code = exit.code if isinstance(exit.code, int) else int(exit.code is not None)
        out, err = self._capsys.readouterr()
        return Ran(code, out, err)


@pytest.fixture
def cli(
    tmp_path: Path,
    sqlite_template: SqliteTemplate,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Cli:
    """The command line in this process, on a migrated database of the test's own, with no
    Slack or Teams settings (as `script_env` leaves the installed script)."""
    for name in list(os.environ):
        if name.startswith(("SLACK_", "MICROSOFT_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    sqlite_template.copy_to(tmp_path / "bot.db")
    return Cli(tmp_path, capsys, monkeypatch)


def script_env() -> dict[str, str]:
    """This environment without Slack and Teams settings, running this tree's code."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MICROSOFT_"))}
    env["PYTHONPATH"] = str(ROOT)
    return env


def script(folder: Path, *args: str, database: str | None = None) -> list[str]:
    """The installed `checkin-bot ARGS`, on `folder`'s database unless told another."""
    if not SCRIPT.exists():
        pytest.fail(f"no {SCRIPT}: install the project in this environment (./dev does)")
    return [str(SCRIPT), "--database", database or f"sqlite:///{folder}/bot.db", *args]


def checkin_bot(
    folder: Path, *args: str, stdin: str = "", database: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The installed `checkin-bot ARGS` in a process of its own, from `folder`."""
    return subprocess.run(
        script(folder, *args, database=database),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=folder,
        env=script_env(),
    )
