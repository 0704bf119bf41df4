"""The `checkin-bot` command line (SPEC section 3)."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from adapters.console.chat import chat
from adapters.console.outbound import ConsoleOutbox
from adapters.slack.app import SlackAdapter
from adapters.slack.linking import link_by_email
from adapters.teams.package import PackageError, build_package
from app.bootstrap import build_engine, open_database
from app.config import Settings, load_settings
from app.demo import DEMO_TENANT, DEMO_USER, seed_demo
from app.erase import erase_command
from app.export import export_org
from app.export_csv import csv_tables, write_tables
from app.server import ENGINE, build_web_app, serve, slack_config
from bot.checkins.cadence import CadenceError
from bot.checkins.scheduled import PROMPT
from bot.core.ports import SystemClock
from bot.imports.holidays_file import parse_holidays
from bot.org.defaults import updated_defaults
from storage.db import Database, DatabaseUrlError, out_of_space
from storage.importing import import_goals, import_org
from storage.jobs import drop_jobs
from storage.repository import Store

log = logging.getLogger("checkin-bot")

DISK_FULL = (
    "checkin-bot: the database's disk is full, so what this command was writing was not saved. "
    "Free some space, then run it again."
)


class UsageError(Exception):
    """Bad input from the command line; the message is printed as is."""


# Every timestamp a command writes comes from here.
CLOCK = SystemClock()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="checkin-bot",
        description="Weekly goal check-ins in Slack, Teams and the terminal. "
        "With no command: the console chat on a demo org.",
    )
    parser.add_argument("--database", help="database URL (default: $DATABASE_URL or SQLite here)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    chat_parser = commands.add_parser("chat", help="chat with the bot in this terminal")
    chat_parser.add_argument("--as", dest="email", default=DEMO_USER, help="your email")
    chat_parser.add_argument("--org", default=DEMO_TENANT, help="org id (default: %(default)s)")

    for noun, verb_help in (
        ("org", "people, managers and teams"),
        ("goals", "objectives and KRs"),
        ("holidays", "org holidays (no check-ins on those days)"),
    ):
        noun_parser = commands.add_parser(noun, help=f"import {verb_help}")
        verbs = noun_parser.add_subparsers(dest="verb", metavar="VERB", required=True)
        importer = verbs.add_parser("import", help=f"import {verb_help} from a file")
        importer.add_argument("file", help="CSV" + (" or YAML" if noun == "goals" else ""))
        importer.add_argument("--org", default=DEMO_TENANT, help="org id (default: %(default)s)")
        if noun == "org":
            importer.add_argument(
                "--full",
                action="store_true",
                help="the file is the whole org (an HRIS export): people not in it become "
                "inactive, history kept",
            )

    defaults = commands.add_parser(
        "defaults", help="the org's (or a team's) check-in cadence and reminder delay"
    )
    defaults.add_argument("--org", default=DEMO_TENANT, help="org id (default: %(default)s)")
    defaults.add_argument("--team", help="set this team's defaults instead of the org's")
    defaults.add_argument("--days", help="e.g. fri or mon,thu")
    defaults.add_argument("--time", help="local time, HH:MM")
    defaults.add_argument("--every", type=int, help="weeks between check-ins: 1, 2 or 4")
    defaults.add_argument("--timezone", help="for people with no zone of their own")
    defaults.add_argument("--reminder-hours", type=float, help="delay of the one reminder")
    defaults.add_argument(
        "--pulse-k",
        type=int,
        help="pulse surveys: the smallest group whose results are shown (default 5, at least 3)",
    )

    export = commands.add_parser(
        "export",
        help="write the org's data as JSON or CSV",
        description="The org's people, goals with history, check-ins, feedback and survey "
        "aggregates. Without --as it is the operator's export: everything, as whoever runs "
        "this on the server holds the database anyway.",
    )
    export.add_argument("--org", default=DEMO_TENANT, help="org id (default: %(default)s)")
    export.add_argument(
        "--format", choices=("json", "csv"), default="json", help="(default: %(default)s)"
    )
    export.add_argument(
        "--as",
        dest="viewer",
        metavar="EMAIL",
        help="only what this person may see in the bot (default: everything)",
    )
    export.add_argument(
        "--out",
        metavar="FILE|DIR",
        help="json: the file to write (default: standard output); "
        "csv: the directory for one file per table (required)",
    )

    person = commands.add_parser("person", help="one person's data")
    person_verbs = person.add_subparsers(dest="verb", metavar="VERB", required=True)
    erase = person_verbs.add_parser(
        "erase", help="delete or anonymise everything about a person, and say what was done"
    )
    erase.add_argument("email")
    erase.add_argument("--org", default=DEMO_TENANT, help="org id (default: %(default)s)")
    erase.add_argument("--yes", action="store_true", help="erase without asking first")

    db = commands.add_parser("db", help="database maintenance")
    db_verbs = db.add_subparsers(dest="verb", metavar="VERB", required=True)
    db_verbs.add_parser("upgrade", help="apply schema migrations")

    commands.add_parser("demo", help="seed the demo org (done automatically on first run)")

    prompt = commands.add_parser("prompt", help="send someone their check-in now, in their DM")
    prompt.add_argument("email")
    prompt.add_argument("--org", default=DEMO_TENANT, help="org id (default: %(default)s)")

    package = commands.add_parser("teams-package", help="build the Teams app package (zip)")
    package.add_argument("--app-id", required=True, help="the bot's Microsoft app id (a GUID)")
    package.add_argument("--out", required=True, help="the zip file to write")
    package.add_argument(
        "--host", default="checkin-bot.example.com", help="your public host name (%(default)s)"
    )

    server = commands.add_parser("serve", help="serve Slack and Teams over HTTP")
    server.add_argument("--host", default="0.0.0.0", help="address to listen on (%(default)s)")
    server.add_argument("--port", type=int, help="port (default: $PORT or 3978)")
    server.add_argument(
        "--no-scheduler", action="store_true", help="don't run the scheduler in this process"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if os.environ.get("CHECKIN_DEBUG") else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
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
    url = args.database or settings.database_url
    command = args.command or "start"
    if command == "teams-package":
        return await _teams_package(args.app_id, args.host, args.out)
    if command == "export" and args.format == "csv" and not args.out:
        raise UsageError(
            "export --format csv writes one file per table: name a directory, --out DIR"
        )
    if command == "start" and settings.any_platform:
        command = "serve"
        args.host, args.port = "0.0.0.0", None
    database = await open_database(url)
    try:
        if command == "serve":
            port = args.port or int(os.environ.get("PORT") or 3978)
            scheduling = not getattr(args, "no_scheduler", False)
            return await serve(settings, database, args.host, port, scheduler=scheduling)
        if command == "start":
            return await _start(database)
        if command == "chat":
            return await _chat(database, args.email, args.org)
        if command in ("org", "goals", "holidays"):
            full = bool(getattr(args, "full", False))
            return await _import(database, command, args.file, args.org, settings, full=full)
        if command == "defaults":
            return await _defaults(database, args)
        if command == "prompt":
            engine = build_web_app(settings, database, clock=CLOCK)[ENGINE]
            print(await engine.prompt(args.org, args.email))
            return 0
        if command == "export":
            return await _export(database, args)
        if command == "person":
            return await erase_command(database, args.org, args.email, yes=args.yes)
        if command == "demo":
            seeded = await seed_demo(database, CLOCK.now())
            print("demo org seeded" if seeded else "the demo org already has people; nothing done")
            return 0
        print("database is up to date")  # db upgrade: open_database already migrated
        return 0
    finally:
        await database.dispose()


async def _start(database: Database) -> int:
    if await seed_demo(database, CLOCK.now()):
        print("Seeded a demo org (Demo Co) into the local database.")
    print(
        f"No Slack or Teams credentials are set, so here is the console chat.\n"
        f"You are {DEMO_USER} (Alan, an engineer). Type checkin now to check in, "
        "help for more, quit to leave.\n"
    )
    return await _chat(database, DEMO_USER, DEMO_TENANT)


async def _chat(database: Database, email: str, org: str) -> int:
    engine = build_engine(database, ConsoleOutbox(sys.stdout, me=email), CLOCK)
    return await chat(engine, email, sys.stdin, sys.stdout)


async def _import(
    database: Database, noun: str, file: str, org: str, settings: Settings, *, full: bool = False
) -> int:
    path = Path(file)
    try:
        text = await asyncio.to_thread(path.read_text, encoding="utf-8-sig")
    except OSError as error:
        raise UsageError(f"can't read {file}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{file} is not UTF-8 text") from None
    if noun == "holidays":
        days, problems = parse_holidays(text)
        async with database.session() as session:
            await Store(session).set_holidays(org, org.partition(":")[0], days, CLOCK.now())
        for problem in problems:
            print(f"line {problem.line}: {problem.reason}")
        print(f"{org} has {len(days)} holidays; no check-ins open on those days")
        return 1 if problems else 0
    if noun == "org":
        report = await import_org(database, org, text, now=CLOCK.now(), full=full)
    else:
        report = await import_goals(database, org, text, path.name, now=CLOCK.now())
    for line in report.lines():
        print(line)
    if noun == "org" and org.startswith("slack:") and settings.slack_configured:
        adapter = SlackAdapter(slack_config(settings), database)
        for line in (await link_by_email(database, org, adapter.directory)).lines():
            print(line)
    return 1 if report.problems else 0


async def _defaults(database: Database, args: argparse.Namespace) -> int:
    async with database.session() as session:
        store = Store(session)
        tenant = await store.tenant(args.org)
        if tenant is None:
            raise UsageError(f"no org called {args.org!r} in this database")
        try:
            tenant.settings = updated_defaults(
                tenant.settings,
                team=args.team,
                days=args.days,
                at=args.time,
                every_weeks=args.every,
                timezone=args.timezone,
                reminder_hours=args.reminder_hours,
                pulse_k=args.pulse_k,
            )
        except CadenceError as error:
            raise UsageError(str(error)) from None
        session.add(tenant)
        # Everyone's next prompt is planned again from the new defaults on the next tick.
        await drop_jobs(session, args.org, PROMPT)
    scope = f"team {args.team}" if args.team else args.org
    print(f"check-in defaults for {scope} saved; the scheduler re-plans the next prompts")
    if args.pulse_k is not None:
        print(f"pulse results for {args.org} show groups of {args.pulse_k} or more from now on")
    return 0


async def _teams_package(app_id: str, host: str, out: str) -> int:
    try:
        package = build_package(app_id, host)
    except PackageError as error:
        raise UsageError(str(error)) from None
    try:
        await asyncio.to_thread(Path(out).write_bytes, package)
    except OSError as error:
        raise UsageError(f"can't write {out}: {error.strerror or error}") from None
    print(f"wrote {out}: upload it in Teams (Apps > Manage your apps > Upload an app)")
    return 0


async def _export(database: Database, args: argparse.Namespace) -> int:
    try:
        data = await export_org(database, args.org, CLOCK.now(), args.viewer)
    except LookupError as error:
        raise UsageError(str(error)) from None
    if args.format == "json" and not args.out:
        sys.stdout.write(_as_json(data))
        return 0
    try:
        if args.format == "csv":
            written = await asyncio.to_thread(write_tables, Path(args.out), csv_tables(data))
            print(f"wrote {len(written)} CSV files to {args.out}", file=sys.stderr)
        else:
            await asyncio.to_thread(Path(args.out).write_text, _as_json(data), encoding="utf-8")
            print(f"wrote {args.out}", file=sys.stderr)
    except OSError as error:
        raise UsageError(f"can't write {args.out}: {error.strerror or error}") from None
    return 0


def _as_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
