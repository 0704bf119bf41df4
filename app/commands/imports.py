"""`checkin-bot org import`, `goals import` and `holidays import`: a file into the org, each bad
line reported and the good ones kept. In a Slack org, people are then linked to their Slack
accounts by email, when Slack is configured."""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.commands import UsageError
from app.config import Settings
from bot.core.ports import Clock
from bot.imports.goals_import import import_goals
from bot.imports.holidays_file import parse_holidays
from bot.imports.org_import import import_org
from storage.db import Database
from storage.repository import Store


async def import_file(
    database: Database,
    noun: str,
    file: str,
    org: str,
    settings: Settings,
    clock: Clock,
    *,
    full: bool = False,
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
            await Store(session).set_holidays(org, org.partition(":")[0], days, clock.now())
        for problem in problems:
            print(f"line {problem.line}: {problem.reason}")
        print(f"{org} has {len(days)} holidays; no check-ins open on those days")
        return 1 if problems else 0
    if noun == "org":
        report = await import_org(database, org, text, now=clock.now(), full=full)
    else:
        report = await import_goals(database, org, text, path.name, now=clock.now())
    for line in report.lines():
        print(line)
    if noun == "org" and org.startswith("slack:") and settings.slack_configured:
        await _link_slack_accounts(database, org, settings, clock)
    return 1 if report.problems else 0


async def _link_slack_accounts(
    database: Database, org: str, settings: Settings, clock: Clock
) -> None:
    # Slack's SDK loads here only: an import with no Slack to link stays a console command.
    from adapters.slack.app import SlackAdapter
    from adapters.slack.linking import link_after_import
    from app.server import slack_config

    adapter = SlackAdapter(slack_config(settings), database)
    await adapter.api.open()
    try:
        report = await link_after_import(database, org, adapter.directory, clock.now())
    finally:
        await adapter.api.close()
    for line in report.lines():
        print(line)
