"""`org sync` in Teams: the rosters of the teams the app is in, remembered when the bot first
sees an activity from one, read page by page from the mock Bot Connector (pagedmembers, with a
continuation token) through rate-limited answers, and merged into the org. An org whose app is
in no team has no roster to read, and is told so. The same teams say who a mentioned person the
bot hasn't met is, who is then enrolled."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from adapters.teams.roster import NO_TEAM, TeamsRoster
from app.server import ENGINE
from bot.core.ports import DirectoryUnreadable
from bot.org.sync import sync_org
from storage.models import Person, Tenant
from storage.settings import settings_of
from tests.conftest import until
from tests.teams.activities import (
    TEAM_ID,
    channel_message,
    conversation_update,
    mention,
    message,
    personal_conversation_id,
)
from tests.teams.conftest import TENANT, Teams

ORG = f"teams:{TENANT}"
OTHER_TEAM = "19:team-sales@thread.tacv2"


def roster(teams: Teams) -> TeamsRoster:
    """The running app's roster reader, with pages of 50 (Teams' smallest)."""
    app = teams.client.server.app  # type: ignore[attr-defined]
    found: TeamsRoster = app[ENGINE].identities.directory.listers["teams"]
    found.page_size = 50
    return found


def added_to_team(service_url: str, team: str = TEAM_ID) -> dict[str, Any]:
    """Teams' conversationUpdate when the app is added to a team: in the team's General
    channel, whose id is the team's."""
    activity = conversation_update(service_url=service_url, conversation=team)
    activity["conversation"] |= {"conversationType": "channel", "isGroup": True}
    activity["channelData"] = {
        "team": {"id": team, "name": "Platform team"},
        "channel": {"id": team},
        "tenant": {"id": TENANT},
        "eventType": "teamMemberAdded",
    }
    return activity


def colleagues(teams: Teams, count: int, team: str = TEAM_ID) -> list[str]:
    users = [f"29:member-{n:03d}" for n in range(count)]
    for n, user in enumerate(users):
        teams.connector.add_member(user, email=f"member{n}@example.com", name=f"Member {n}")
    teams.connector.add_member("29:guest", email="guest@partner.example", role="guest")
    teams.connector.add_team(team, ["29:alan", "29:grace", "29:guest", *users])
    return users


async def people(teams: Teams) -> dict[str, Person]:
    async with teams.database.session() as session:
        found = (await session.exec(select(Person).where(Person.tenant_id == ORG))).all()
    return {p.email: p for p in found}


async def test_installing_in_a_team_remembers_its_roster(teams: Teams) -> None:
    url = teams.connector.url
    assert (await teams.post(added_to_team(url)))[0] < 300
    mention = channel_message("digest now", user="29:alan", service_url=url, team=OTHER_TEAM)
    assert (await teams.post(mention))[0] < 300

    async with teams.database.session() as session:
        tenant = await session.get(Tenant, ORG)
    assert tenant is not None
    rosters = settings_of(tenant).other["teams_rosters"]
    assert rosters == {
        TEAM_ID: {"name": "Platform team", "service_url": url},
        OTHER_TEAM: {"name": "Platform team", "service_url": url},
    }


async def test_a_teams_roster_is_read_page_by_page_through_429s_and_merged(
    teams: Teams,
) -> None:
    url = teams.connector.url
    assert (await teams.post(added_to_team(url)))[0] < 300
    colleagues(teams, 118)  # 121 on the roster: three pages of 50
    teams.connector.limit_roster(20)  # faster pages get a 429 and a Retry-After

    listing = await roster(teams).accounts("teams", TENANT)

    calls = teams.connector.roster_calls
    passed = [call for call in calls if call.status == 200]
    assert len(passed) == 3 and any(call.status == 429 for call in calls)
    assert {call.conversation_id for call in calls} == {TEAM_ID}
    assert [call.query.get("pageSize") for call in passed] == ["50"] * 3
    assert [bool(call.query.get("continuationToken")) for call in passed] == [False, True, True]
    assert len(listing.accounts) == 121 and listing.notes

    report = await sync_org(teams.database, ORG, "teams", listing, teams_now(teams))

    assert report.summary() == "added 118, updated 0, made inactive 0, linked 120"
    found = await people(teams)
    assert found["member117@example.com"].name == "Member 117"
    assert "guest@partner.example" not in found  # guests are never added
    again = await sync_org(teams.database, ORG, "teams", listing, teams_now(teams))
    assert again.summary() == "added 0, updated 0, made inactive 0, linked 0"


async def test_an_org_whose_app_is_in_no_team_is_told_so(teams: Teams) -> None:
    url = teams.connector.url
    personal = conversation_update(service_url=url)  # installed for one person only
    assert (await teams.post(personal))[0] < 300

    with pytest.raises(DirectoryUnreadable) as refused:
        await roster(teams).accounts("teams", TENANT)

    assert str(refused.value) == NO_TEAM and "Add the app to a team" in NO_TEAM
    assert teams.connector.roster_calls == []


async def test_a_team_the_app_was_removed_from_is_skipped_and_said(teams: Teams) -> None:
    url = teams.connector.url
    for team in (TEAM_ID, OTHER_TEAM):
        assert (await teams.post(added_to_team(url, team)))[0] < 300
    colleagues(teams, 3, team=OTHER_TEAM)
    teams.connector.add_team(TEAM_ID, ["29:alan"])
    teams.connector.block(TEAM_ID, code="BotNotInConversationRoster")

    listing = await roster(teams).accounts("teams", TENANT)

    assert any("no longer in the team" in note for note in listing.notes)
    assert {account.user for account in listing.accounts} >= {"29:member-002", "29:grace"}


async def test_a_mentioned_team_member_the_bot_hasnt_met_is_enrolled(teams: Teams) -> None:
    url = teams.connector.url
    assert (await teams.post(added_to_team(url)))[0] < 300
    teams.connector.add_member("29:ben", email="ben@example.com", name="Ben Ode")
    text = "feedback request <at>Ben Ode</at> from <at>Grace Hopper</at>"
    mentions = [mention("29:ben", "Ben Ode"), mention("29:grace", "Grace Hopper")]
    status, _ = await teams.post(message(text, service_url=url, mentions=mentions))
    assert status < 300
    alans_chat = personal_conversation_id("29:alan")
    await until(lambda: bool(teams.connector.messages_to(alans_chat)))  # the answer

    found = await people(teams)
    assert "ben@example.com" in found and found["ben@example.com"].name == "Ben Ode"


def teams_now(teams: Teams) -> Any:
    app = teams.client.server.app  # type: ignore[attr-defined]
    return app[ENGINE].clock.now()
