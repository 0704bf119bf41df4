"""After an org import: find each person's Slack account by email, and their time zone when the
import gave none; workspace owners and admins become the org's admins.

A few people are looked up one by one (users.lookupByEmail, Tier 3: about 50 a minute); more
are found in one pass over the whole workspace (users.list, 200 a page at Tier 2, about 20 pages
a minute: 10,000 people in minutes where one by one took over three hours), the pass `org sync`
makes, here only linking: the file says who is in the org."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from adapters.slack.directory import SlackDirectory
from adapters.slack.pacing import SlackSendError
from bot.core.ports import DirectoryUnreadable
from bot.org.sync import LINK_ONLY, sync_org
from storage.db import Database
from storage.repository import Store

# Up to this many people to link, looking each up is sooner than listing any workspace of more
# than a few thousand (and no slower for a small one).
LOOK_UP_AT_MOST = 20


@dataclass
class LinkReport:
    linked: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    failed: str | None = None

    def lines(self) -> list[str]:
        lines = [f"Slack: linked {len(self.linked)} people to their accounts"]
        lines += [
            f"Slack: no account for {email}; they can't get DMs yet" for email in self.not_found
        ]
        if self.failed:
            lines.append(f"Slack: stopped looking people up: {self.failed}")
        return lines


async def link_after_import(
    database: Database, tenant_id: str, directory: SlackDirectory, now: datetime
) -> LinkReport:
    """Links everyone the import left unlinked, the quicker way for how many they are."""
    async with database.session() as session:
        unlinked = await Store(session).people_without_identity(tenant_id, "slack")
    if len(unlinked) <= LOOK_UP_AT_MOST:
        return await link_by_email(database, tenant_id, directory)
    try:
        listing = await directory.accounts("slack", tenant_id.removeprefix("slack:"))
    except DirectoryUnreadable as reason:
        return LinkReport(failed=str(reason))
    synced = await sync_org(database, tenant_id, "slack", listing, now, LINK_ONLY)
    missing = set(synced.not_found)
    return LinkReport(
        linked=[p.email for p in unlinked if p.email not in missing],
        not_found=[p.email for p in unlinked if p.email in missing],
    )


async def link_by_email(
    database: Database, tenant_id: str, directory: SlackDirectory
) -> LinkReport:
    """Link everyone not yet linked; people Slack doesn't know are reported, not dropped."""
    team = tenant_id.removeprefix("slack:")
    report = LinkReport()
    async with database.session() as session:
        people = await Store(session).people_without_identity(tenant_id, "slack")
    for person in people:
        try:
            account = await directory.account_by_email(team, person.email)
        except SlackSendError as error:
            report.failed = error.error
            break
        if account is None:
            report.not_found.append(person.email)
            continue
        async with database.session() as session:
            store = Store(session)
            fresh = await store.person(tenant_id, person.id or 0)
            if fresh is not None:
                await store.link_identity(fresh, "slack", account.user)
                if account.timezone and not fresh.timezone:  # the import's zone wins
                    fresh.timezone = account.timezone
                fresh.is_admin = fresh.is_admin or account.admin
                session.add(fresh)
        report.linked.append(person.email)
    return report
