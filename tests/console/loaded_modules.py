"""`python -m tests.console.loaded_modules FOLDER`: runs `--help` and every console command in
this one fresh process, on FOLDER's database, and prints as JSON, after each, its exit code and
which of Slack's, Teams', the HTTP server's and the scheduler's modules had been loaded.

A fresh process is the point: a test process has loaded them all for other tests already."""

from __future__ import annotations

import contextlib
import io
import json
import sys

PLATFORM_MODULES = ("slack_bolt", "slack_sdk", "botbuilder", "aiohttp.web", "apscheduler")

GOALS = """\
period: 2026-Q4
objectives:
  - id: grow
    title: Grow
    owner: alan@demo.example
    key_results:
      - id: signups
        title: Signups
        owner: alan@demo.example
        target: 500
"""


def platform_modules() -> list[str]:
    return sorted(
        name
        for name in sys.modules
        if any(name == wanted or name.startswith(wanted + ".") for wanted in PLATFORM_MODULES)
    )


def commands(folder: str) -> dict[str, tuple[list[str], str]]:
    """Each command's arguments and what is piped to it."""
    return {
        "demo": (["demo"], ""),
        "chat": (["chat", "--as", "alan@demo.example"], "checkin now\n400\n7\n"),
        "org import": (["org", "import", f"{folder}/org.csv", "--org", "slack:T9"], ""),
        "goals import": (["goals", "import", f"{folder}/goals.yaml"], ""),
        "holidays import": (["holidays", "import", f"{folder}/holidays.csv"], ""),
        "defaults": (["defaults", "--days", "mon,thu", "--time", "09:30"], ""),
        "export": (["export"], ""),
        "export csv": (["export", "--format", "csv", "--out", f"{folder}/csv"], ""),
        "person erase": (["person", "erase", "grace@demo.example", "--yes"], ""),
        "db upgrade": (["db", "upgrade"], ""),
        "teams-package": (
            [
                "teams-package",
                "--app-id",
                "00000000-0000-0000-0000-000000000000",
                "--out",
                f"{folder}/app.zip",
            ],
            "",
        ),
    }


def run(argv: list[str], stdin: str) -> int:
    from app.cli import main

    sys.stdin = io.StringIO(stdin)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            return main(argv)
        except SystemExit as exit:
            return exit.code if isinstance(exit.code, int) else int(exit.code is not None)


def main(folder: str) -> None:
    with open(f"{folder}/org.csv", "w", encoding="utf-8") as org:
        org.write("email,name,manager_email,team\nboss@acme.test,Boss,,Leads\n")
    with open(f"{folder}/goals.yaml", "w", encoding="utf-8") as goals:
        goals.write(GOALS)
    with open(f"{folder}/holidays.csv", "w", encoding="utf-8") as holidays:
        holidays.write("date,name\n2026-12-25,Christmas\n")
    database = ["--database", f"sqlite:///{folder}/bot.db"]
    seen: dict[str, dict[str, object]] = {}
    code = run(["--help"], "")
    seen["--help"] = {"code": code, "loaded": platform_modules()}
    for name, (args, stdin) in commands(folder).items():
        code = run([*database, *args], stdin)
        seen[name] = {"code": code, "loaded": platform_modules()}
    # The check itself checked: serving does load them, and is seen to.
    import app.server  # noqa: F401

    seen["app.server, the control"] = {"code": 0, "loaded": platform_modules()}
    json.dump(seen, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
