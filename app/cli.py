"""The `checkin-bot` command line (SPEC section 3): reads the arguments, runs the command, and
turns whatever went wrong into one clear line and an exit code.

Each command's code is imported when that command runs (`app.commands`), so `--help` and the
console commands start without loading Slack, Teams, the HTTP server or the scheduler."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from app.cli_arguments import build_parser
from app.commands import UsageError
from bot.core.ports import SystemClock

if TYPE_CHECKING:
    from app.config import Settings
    from storage.db import Database

log = logging.getLogger("checkin-bot")

DISK_FULL = (
    "checkin-bot: the database's disk is full, so what this command was writing was not saved. "
    "Free some space, then run it again."
)

# Every timestamp a command writes comes from here.
CLOCK = SystemClock()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if os.environ.get("CHECKIN_DEBUG") else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    # Loaded once the arguments are understood: `--help` needs no database code.
    from app.config import load_settings
    from storage.db import DatabaseUrlError, out_of_space

    settings = load_settings()
    try:
        return asyncio.run(run(args, settings))
    except KeyboardInterrupt:
        return 130
    except (UsageError, DatabaseUrlError) as error:
        print(f"checkin-bot: {error}", file=sys.stderr)
        return 2
    except Exception as error:
        if os.environ.get("CHECKIN_DEBUG"):
            raise
        if out_of_space(error):
            print(DISK_FULL, file=sys.stderr)
            return 1
        print(
            f"checkin-bot: {type(error).__name__}: {str(error).splitlines()[0][:300]}\n"
            "Nothing more was done. Run again with CHECKIN_DEBUG=1 for the details.",
            file=sys.stderr,
        )
        return 1


async def run(args: argparse.Namespace, settings: Settings) -> int:
    command = args.command or "start"
    if command == "teams-package":
        from app.commands.teams_package import write_teams_package

        return await write_teams_package(args.app_id, args.host, args.out)
    if command == "export" and args.format == "csv" and not args.out:
        raise UsageError(
            "export --format csv writes one file per table: name a directory, --out DIR"
        )
    if command == "start" and settings.any_platform:
        command = "serve"
        args.host, args.port = "0.0.0.0", None
    from app.bootstrap import open_database

    database = await open_database(args.database or settings.database_url)
    try:
        return await _run_on(database, command, args, settings)
    finally:
        await database.dispose()


async def _run_on(
    database: Database, command: str, args: argparse.Namespace, settings: Settings
) -> int:
    """The commands that need the database, on the one `run` opened and migrated."""
    if command == "serve":
        from app.server import serve

        port = args.port or int(os.environ.get("PORT") or 3978)
        scheduling = not getattr(args, "no_scheduler", False)
        return await serve(settings, database, args.host, port, scheduler=scheduling)
    if command == "prompt":
        from app.server import ENGINE, build_web_app

        engine = build_web_app(settings, database, clock=CLOCK)[ENGINE]
        prompted = await engine.prompt(args.org, args.email)
        if prompted.unknown:
            raise UsageError(prompted.said)
        said = prompted.said
        if prompted.unserved == "console":
            said = (
                f"{args.email} is in the console org {args.org}, so nothing was sent: console "
                "check-ins start when they type `checkin now` in "
                f"`checkin-bot chat --as {args.email} --org {args.org}`"
            )
        print(said, file=sys.stdout if prompted.sent else sys.stderr)
        return 0 if prompted.sent else 1
    if command == "start":
        from app.commands.chat import start

        return await start(database, CLOCK)
    if command == "chat":
        from app.commands.chat import chat

        return await chat(database, args.email, args.org, CLOCK)
    if command == "org" and args.verb == "sync":
        from app.commands.org_sync import org_sync

        return await org_sync(database, args.org, settings, CLOCK)
    if command in ("org", "goals", "holidays"):
        from app.commands.imports import import_file

        full = bool(getattr(args, "full", False))
        return await import_file(database, command, args.file, args.org, settings, CLOCK, full=full)
    if command == "reviews" and args.verb == "export":
        from app.commands.reviews import export_reviews

        return await export_reviews(database, args.org, args.cycle, args.viewer, args.out)
    if command == "reviews":
        from app.commands.reviews import review_template

        return await review_template(database, args.org, args.file)
    if command == "defaults":
        from app.commands.defaults import save_defaults

        return await save_defaults(database, args, CLOCK.now())
    if command == "export":
        from app.commands.export import export

        return await export(database, args, CLOCK)
    if command == "person":
        from app.erase import erase_command

        return await erase_command(database, args.org, args.email, yes=args.yes, stdin=sys.stdin)
    if command == "demo":
        from app.demo.seed import seed_demo

        seeded = await seed_demo(database, CLOCK.now())
        print("demo org seeded" if seeded else "the demo org already has people; nothing done")
        return 0
    print("database is up to date")  # db upgrade: open_database already migrated
    return 0
