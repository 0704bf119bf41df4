"""The `checkin-bot` arguments: every command, its options and their help.

Cheap to import on purpose: `checkin-bot --help` and a mistyped option are answered from here
alone, before any database, Slack or Teams code is loaded."""

from __future__ import annotations

import argparse

from app.demo import DEMO_TENANT, DEMO_USER


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
            syncer = verbs.add_parser(
                "sync",
                help="read the Slack or Teams directory into the org",
                description="Adds the workspace's or tenant's members (Slack users.list, the "
                "rosters of the Teams teams the app is in), fills in names, time zones and "
                "languages the org has none of, links accounts, and makes people whose account "
                "is deactivated inactive (history kept). What the org import set is kept. "
                "`serve` does this once a day.",
            )
            syncer.add_argument(
                "--org", help="org id, e.g. slack:T024BE7LD (default: every Slack and Teams org)"
            )

    reviews = commands.add_parser("reviews", help="performance reviews: the questions")
    review_verbs = reviews.add_subparsers(dest="verb", metavar="VERB", required=True)
    template = review_verbs.add_parser(
        "template",
        help="replace the org's review questions with a YAML file",
        description="The questions review cycles started from now on ask (running cycles keep "
        "theirs): a list under questions:, each with key, text, kind (rating or text) and for "
        "(self, manager, peer).",
    )
    template.add_argument("file", help="YAML")
    template.add_argument("--org", default=DEMO_TENANT, help="org id (default: %(default)s)")
    review_export = review_verbs.add_parser(
        "export",
        help="one document per person reviewed, as Markdown and PDF",
        description="Each person's record of the cycle's period and the reviews of them; "
        "with --as, only what that person may see (their own; as a manager, their reports'; "
        "as a peer, their own peer reviews), without it everything.",
    )
    review_export.add_argument("cycle", help='the cycle\'s name, e.g. "H2 2026"')
    review_export.add_argument("--as", dest="viewer", help="whose documents: their email")
    review_export.add_argument("--out", required=True, help="the folder to write them into")
    review_export.add_argument("--org", default=DEMO_TENANT, help="org id (default: %(default)s)")

    defaults = commands.add_parser(
        "defaults",
        help="the org's (or a team's) check-in cadence and reminder delay, the pulse "
        "threshold, and how long bookkeeping is kept",
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
    defaults.add_argument(
        "--retention-days",
        type=int,
        help="days the bot's bookkeeping is kept (handled events, old prompts; default 30): "
        "check-ins, goals, feedback and survey results are kept whatever this says",
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
