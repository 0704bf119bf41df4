"""The Teams directory `org sync` reads: the rosters of the teams the app is installed in.

A bot may ask Teams who is in a team it is in (Bot Connector `GET {serviceUrl}/v3/conversations/
{teamId}/pagedmembers`, page by page with a continuation token), never who is in the tenant:
that takes Microsoft Graph, a permission a bot usually lacks. So a Teams org's directory is the
union of the rosters of its teams the app was added to, each remembered (its id and service
URL, in the org's settings) when the bot first sees an activity from it: its install there, or
a mention in one of its channels. An org whose app is only ever installed for people in
personal chats has no team to read: `org sync` says so, and people join on first contact. The
same teams say who someone mentioned is, whom the bot hasn't met (`GET …/members/{userId}`).

A roster gives each member's name, email (or UPN) and role (guest or not), but no time zone or
language (those come with the person's own activities), and lists present members only: someone
who left is simply not on it, and nobody is made inactive for missing from a roster that may
not be the whole org.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import ChannelAccount, ConversationAccount, ConversationReference

from adapters.teams.conversations import CHANNEL, conversation_type
from adapters.teams.outbound import _raising
from adapters.teams.pacing import TeamsPacer
from adapters.teams.sending import TeamsSendError, let_pacer_retry, send_with_retries
from bot.core.ports import Account, DirectoryUnreadable, Listing, Profile
from storage.db import Database
from storage.repository import Store
from storage.settings import OrgSettings, settings_of

log = logging.getLogger(__name__)

ROSTERS = "teams_rosters"  # the org's settings: team id -> {"name", "service_url"}
PAGE_SIZE = 500  # Teams' largest page
MAX_PAGES = 2_000  # a million members: a token that never ends is Teams' bug, not a loop
GONE = (403, 404)  # the app was removed from the team
NO_TEAM = (
    "no team with the app in it is known for this Teams org, so there is no roster to read "
    "(Teams lets a bot list a team's members, not a tenant's). Add the app to a team, or "
    "mention it in a team's channel, then sync again; until then people join the org when "
    "they first write to the bot"
)


def rosters_of(settings: OrgSettings) -> dict[str, dict[str, str]]:
    """The teams the app is known to be in: team id -> {"name", "service_url"}."""
    raw = settings.other.get(ROSTERS)
    if not isinstance(raw, dict):
        return {}
    return {
        str(team): {"name": str(where.get("name") or ""), "service_url": where["service_url"]}
        for team, where in raw.items()
        if isinstance(where, dict) and isinstance(where.get("service_url"), str)
    }


def team_of(activity: Any) -> tuple[str, str] | None:
    """The team (id, name) an activity from one of its channels comes from; None for a
    personal or group chat."""
    if conversation_type(activity) != CHANNEL or not isinstance(activity.channel_data, dict):
        return None
    team = activity.channel_data.get("team")
    if not isinstance(team, dict) or not isinstance(team.get("id"), str) or not team["id"]:
        return None
    return team["id"], str(team.get("name") or "")


def with_team(settings: OrgSettings, team: tuple[str, str], service_url: str) -> OrgSettings | None:
    """The settings with this team remembered; None when they say so already."""
    rosters = rosters_of(settings)
    team_id, name = team
    where = {
        "name": name[:200] or rosters.get(team_id, {}).get("name", ""),
        "service_url": service_url,
    }
    if rosters.get(team_id) == where:
        return None
    return settings.but(other={**settings.other, ROSTERS: {**rosters, team_id: where}})


class TeamsRoster:
    """Reads the rosters of a Teams org's known teams, paced and retried like every call."""

    def __init__(
        self,
        adapter: CloudAdapter,
        app_id: str,
        database: Database,
        pacer: TeamsPacer,
        *,
        page_size: int = PAGE_SIZE,
    ) -> None:
        self.adapter = adapter
        self.app_id = app_id
        self.database = database
        self.pacer = pacer
        self.page_size = page_size

    def lists(self, platform: str) -> bool:
        return platform == "teams"

    async def accounts(self, platform: str, tenant: str) -> Listing:
        if platform != "teams":
            raise DirectoryUnreadable(f"a {platform} org has no Teams roster")
        teams = await self._teams(tenant)
        if not teams:
            raise DirectoryUnreadable(NO_TEAM)
        accounts: list[Account] = []
        notes: list[str] = []
        for team_id, where in sorted(teams.items()):
            shown = where["name"] or team_id
            try:
                members = await self._roster(tenant, team_id, where["service_url"])
            except TeamsSendError as error:
                if error.status not in GONE:
                    raise DirectoryUnreadable(
                        f"Teams answered {error.status or error.code} for the roster of {shown}"
                    ) from None
                notes.append(f"the app is no longer in the team {shown}: its roster was skipped")
                continue
            accounts += [account for account in map(_account, members) if account is not None]
        if len(notes) == len(teams):
            raise DirectoryUnreadable("; ".join(notes))
        notes.append(
            f"read the rosters of {len(teams) - len(notes)} Teams team(s); members of none of "
            "them join when they first write to the bot, and no one is made inactive for "
            "missing from a roster"
        )
        return Listing(tuple(accounts), tuple(notes))

    async def profile(self, platform: str, tenant: str, user: str) -> Profile | None:
        """Who a Teams user the bot hasn't met is (someone mentioned), asked of the teams the
        app is in; None when none of them has them, or Teams won't say."""
        if platform != "teams":
            return None
        for team_id, where in sorted((await self._teams(tenant)).items()):
            try:
                member = await self._member(tenant, team_id, where["service_url"], user)
            except TeamsSendError as error:
                if error.status not in (*GONE, 400):  # not in this team, or the app isn't
                    log.warning("Teams would not say who a member is: %s", error.status)
                continue
            account = _account(member)
            if account is not None:
                return account.profile
        return None

    async def _teams(self, tenant: str) -> dict[str, dict[str, str]]:
        async with self.database.session() as session:
            found = await Store(session).tenant(f"teams:{tenant}")
        return rosters_of(settings_of(found)) if found is not None else {}

    async def _roster(self, tenant: str, team_id: str, service_url: str) -> list[Any]:
        """Every member of the team, page after page, within one proactive turn."""
        members: list[Any] = []

        async def read(client: Any) -> None:
            page_of = client.conversations.get_teams_conversation_paged_members
            token: str | None = None
            for _ in range(MAX_PAGES):
                page = await send_with_retries(
                    self.pacer, tenant, team_id, partial(page_of, team_id, self.page_size, token)
                )
                members.extend(page.members or [])
                token = page.continuation_token
                if not token:
                    return
            raise DirectoryUnreadable(f"the roster of {team_id} gave more than {MAX_PAGES} pages")

        await self._in_team(tenant, team_id, service_url, read)
        return members

    async def _member(self, tenant: str, team_id: str, service_url: str, user: str) -> Any:
        found: list[Any] = []

        async def ask(client: Any) -> None:
            get = partial(client.conversations.get_conversation_member, team_id, user)
            found.append(await send_with_retries(self.pacer, tenant, team_id, get))

        await self._in_team(tenant, team_id, service_url, ask)
        return found[0]

    async def _in_team(
        self,
        tenant: str,
        team_id: str,
        service_url: str,
        work: Callable[[Any], Awaitable[None]],
    ) -> None:
        """Runs `work` with a Bot Connector client for the team, in a proactive turn; what it
        raises comes out of the turn as it was raised."""
        reference = ConversationReference(
            channel_id="msteams",
            service_url=service_url,
            bot=ChannelAccount(id=f"28:{self.app_id}"),
            conversation=ConversationAccount(
                id=team_id, is_group=True, conversation_type=CHANNEL, tenant_id=tenant
            ),
        )

        async def turn(context: TurnContext) -> None:
            client = context.turn_state.get(context.adapter.BOT_CONNECTOR_CLIENT_KEY)
            let_pacer_retry(client)  # throttling reaches send_with_retries, which paces
            await work(client)

        await self.adapter.continue_conversation(reference, _raising(turn), self.app_id)


def _account(member: Any) -> Account | None:
    """A member (of a roster, or asked for alone) as the engine reads a person; None without
    an id."""
    user = getattr(member, "id", None)
    if not isinstance(user, str) or not user:
        return None
    email = _field(member, "email", "email") or _field(
        member, "user_principal_name", "userPrincipalName"
    )
    role = (_field(member, "user_role", "userRole") or "").lower()
    profile = Profile(
        email=email if email and "@" in email else None,
        name=_field(member, "name", "name"),
        guest=role in ("guest", "anonymous"),
        bot=user.startswith("28:"),
    )
    return Account(user, profile)


def _field(member: Any, attribute: str, key: str) -> str | None:
    """A member's field: an attribute of a TeamsChannelAccount, or one of the extra properties
    a plain ChannelAccount keeps what Teams adds."""
    value = getattr(member, attribute, None)
    if value is None:
        value = (getattr(member, "additional_properties", None) or {}).get(key)
    return value if isinstance(value, str) and value else None
