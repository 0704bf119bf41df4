"""`checkin-bot org sync [--org ORG]`: reads each org's Slack or Teams directory into it, as the
daily job of `serve` does (bot/org/sync.py), and prints what changed, an org a line."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from app.commands import UsageError
from app.config import Settings
from bot.core.ports import Clock, DirectoryUnreadable, ListsAccounts
from bot.org.sync import sync_org
from storage.db import Database
from storage.repository import Store

PLATFORMS = {"slack": "Slack", "teams": "Teams"}
HOW_TO_CONFIGURE = {
    "slack": "set SLACK_BOT_TOKEN, or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET",
    "teams": "set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD",
}


async def org_sync(database: Database, org: str | None, settings: Settings, clock: Clock) -> int:
    orgs = await _orgs_to_sync(database, org)
    if not orgs:
        print("no Slack or Teams org in the database yet: nothing to sync")
        return 0
    synced = True
    async with _listers(database, settings) as listers:
        for tenant_id, platform in orgs:
            lister = listers.get(platform)
            if lister is None:
                name = PLATFORMS[platform]
                reason = f"{name} isn't configured here ({HOW_TO_CONFIGURE[platform]})"
                if org is not None:
                    raise UsageError(f"{tenant_id} is a {name} org, but {reason}")
                print(f"{tenant_id}: skipped: {reason}", file=sys.stderr)
                continue
            synced &= await _sync_one(database, tenant_id, platform, lister, clock)
    return 0 if synced else 1


async def _sync_one(
    database: Database, tenant_id: str, platform: str, lister: ListsAccounts, clock: Clock
) -> bool:
    """Reads one org's directory and merges it; False when it could not be read."""
    try:
        listing = await lister.accounts(platform, tenant_id.partition(":")[2])
    except DirectoryUnreadable as reason:
        print(f"{tenant_id}: not synced: {reason}", file=sys.stderr)
        return False
    report = await sync_org(database, tenant_id, platform, listing, clock.now())
    print(f"{tenant_id}: {report.summary()}")
    for line in report.details():
        print(f"  {line}")
    return True


async def _orgs_to_sync(database: Database, org: str | None) -> list[tuple[str, str]]:
    """(org id, platform) of the org asked for, or of every Slack and Teams org; a clear
    refusal for an org that isn't here or has no directory."""
    async with database.session() as session:
        store = Store(session)
        known = await store.tenant_platforms()
    if org is None:
        return [(tenant_id, platform) for tenant_id, platform in known if platform in PLATFORMS]
    platform = dict(known).get(org)
    if platform is None:
        ids = ", ".join(t for t, p in known if p in PLATFORMS) or "none yet"
        raise UsageError(
            f"there is no org {org[:200]} here (Slack and Teams orgs: {ids}). An org appears "
            "when the app is installed or someone first writes to the bot"
        )
    if platform not in PLATFORMS:
        raise UsageError(f"{org} is a {platform} org: a {platform} org has no directory to sync")
    return [(org, platform)]


@asynccontextmanager
async def _listers(
    database: Database, settings: Settings
) -> AsyncIterator[dict[str, ListsAccounts]]:
    """The directory readers of the platforms configured here, open while syncing."""
    # Each platform's SDK loads here only, and only when configured.
    listers: dict[str, ListsAccounts] = {}
    slack = None
    if settings.slack_configured:
        from adapters.slack.app import SlackAdapter
        from app.server import slack_config

        slack = SlackAdapter(slack_config(settings), database)
        await slack.api.open()
        listers["slack"] = slack.directory
    if settings.teams_configured:
        from adapters.teams.app import TeamsAdapter
        from app.server import teams_config

        listers["teams"] = TeamsAdapter(teams_config(settings), database).roster
    try:
        yield listers
    finally:
        if slack is not None:
            await slack.api.close()
