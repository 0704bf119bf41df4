"""After an org import, people are linked to their Slack accounts by email, take Slack's time
zone when the import gave them none, and workspace admins become the org's admins."""

from __future__ import annotations

from sqlmodel import select

from adapters.slack.directory import SlackDirectory
from adapters.slack.linking import link_by_email
from adapters.slack.pacing import Pacer, Rate
from adapters.slack.web_api import SlackApi
from bot.imports.org_import import import_org
from storage.db import Database
from storage.models import Person, PlatformIdentity
from tests.seeded import SEEDED_AT
from tests.slack.conftest import TOKEN
from tests.slack.mock_api import MockSlackApi

ORG = """email,name,manager_email,team,timezone
grace@example.com,Grace Hopper,,Eng,America/New_York
alan@example.com,Alan Turing,grace@example.com,Eng,
nobody@example.com,No Body,grace@example.com,Eng,
"""


def directory(api: MockSlackApi) -> SlackDirectory:
    async def token(workspace: str) -> str | None:
        return TOKEN

    fast = Rate(600_000, 1_000)
    return SlackDirectory(SlackApi(api.url, token, Pacer({"*": fast}, per_channel=fast)))


async def test_people_are_linked_by_email_and_get_slacks_zone_unless_the_import_set_one(
    api: MockSlackApi, sqlite_db: Database
) -> None:
    # The fixture's Slack accounts: Alan in Asia/Kolkata, Grace in Europe/London.
    assert not (await import_org(sqlite_db, "slack:T1", ORG, now=SEEDED_AT)).problems

    report = await link_by_email(sqlite_db, "slack:T1", directory(api))

    assert sorted(report.linked) == ["alan@example.com", "grace@example.com"]
    assert report.not_found == ["nobody@example.com"]
    assert "no account for nobody@example.com" in "\n".join(report.lines())
    async with sqlite_db.session() as session:
        people = {p.email: p for p in (await session.exec(select(Person))).all()}
        linked = {i.external_user_id for i in (await session.exec(select(PlatformIdentity))).all()}
    assert linked == {"U_ALAN", "U_GRACE"}
    assert people["alan@example.com"].timezone == "Asia/Kolkata"
    assert people["grace@example.com"].timezone == "America/New_York"  # the import's
    assert people["nobody@example.com"].timezone is None


async def test_workspace_admins_become_the_orgs_admins(
    api: MockSlackApi, sqlite_db: Database
) -> None:
    api.add_user("U_ADA", email="ada@example.com", name="Ada Admin", admin=True)
    org = ORG + "ada@example.com,Ada Admin,,Ops,\n"
    assert not (await import_org(sqlite_db, "slack:T1", org, now=SEEDED_AT)).problems

    await link_by_email(sqlite_db, "slack:T1", directory(api))

    async with sqlite_db.session() as session:
        admins = {p.email for p in (await session.exec(select(Person))).all() if p.is_admin}
    assert admins == {"ada@example.com"}
    profile = await directory(api).profile("slack", "T1", "U_ADA")
    assert profile is not None and profile.admin
