"""After an org import: find each person's Slack account by email (users.lookupByEmail), and
their time zone when the import gave none; workspace owners and admins become the org's admins."""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.slack.directory import SlackDirectory
from adapters.slack.pacing import SlackSendError
from storage.db import Database
from storage.repository import Store


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
