"""Who a Slack user is: users.info for first contact, users.list for the whole workspace (`org
sync`), and users.lookupByEmail for linking a few people by e-mail."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from adapters.slack.pacing import SlackSendError
from adapters.slack.web_api import SlackApi
from bot.core.ports import Account, DirectoryUnreadable, Listing, Profile

log = logging.getLogger(__name__)

# users.list: Slack recommends no more than 200 a page. The pages come at Tier 2 (about 20 a
# minute, paced by adapters/slack/pacing.py): 10,000 people in 50 calls, two and a half minutes.
PAGE = 200
MAX_PAGES = 5_000  # a million accounts: a cursor that never ends is Slack's bug, not a loop
SLACKBOT = "USLACKBOT"


class SlackDirectory:
    """users.info and users.list: the email that matches a Slack user to the org, their name,
    time zone and language, and whether they are a guest, an app or gone."""

    def __init__(self, api: SlackApi, *, page: int = PAGE) -> None:
        self.api = api
        self.page = page

    async def profile(self, platform: str, tenant: str, user: str) -> Profile | None:
        if platform != "slack":
            return None
        try:
            data = await self.api.call(tenant, "users.info", user=user, include_locale=True)
        except SlackSendError as error:
            log.warning("users.info failed in a workspace: %s", error.error)
            return None
        return profile_of(data.get("user") or {})

    def lists(self, platform: str) -> bool:
        return platform == "slack"

    async def accounts(self, platform: str, tenant: str) -> Listing:
        """Every account of the workspace, page by page (users.list), deactivated ones too.

        The token is checked first to be this workspace's (auth.test): one token configured
        for the whole deployment would otherwise read its own workspace into another org."""
        if platform != "slack":
            raise DirectoryUnreadable(f"a {platform} org has no Slack directory")
        try:
            await self._check_workspace(tenant)
            return Listing(tuple(await self._pages(tenant)))
        except SlackSendError as error:
            raise DirectoryUnreadable(_why(error)) from None

    async def _check_workspace(self, tenant: str) -> None:
        data = await self.api.call(tenant, "auth.test")
        if tenant not in (data.get("team_id"), data.get("enterprise_id")):
            raise DirectoryUnreadable(
                f"the Slack token here is for workspace {data.get('team_id')}, not {tenant}"
            )

    async def _pages(self, tenant: str) -> list[Account]:
        accounts: list[Account] = []
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            page = await self.api.call(
                tenant, "users.list", limit=self.page, cursor=cursor, include_locale=True
            )
            for user in page.get("members") or []:
                # An invitation not accepted yet is no one in the workspace yet.
                if isinstance(user, dict) and user.get("id") and not user.get("is_invited_user"):
                    accounts.append(Account(str(user["id"]), profile_of(user)))
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if cursor is None:
                return accounts
        raise DirectoryUnreadable(f"users.list gave more than {MAX_PAGES} pages")

    async def user_by_email(self, tenant: str, email: str) -> str | None:
        found = await self.account_by_email(tenant, email)
        return found.user if found else None

    async def account_by_email(self, tenant: str, email: str) -> SlackAccount | None:
        """The Slack account with this email, if any."""
        try:
            data = await self.api.call(tenant, "users.lookupByEmail", email=email)
        except SlackSendError as error:
            if error.error == "users_not_found":
                return None
            raise
        user = data.get("user") or {}
        found, zone = user.get("id"), user.get("tz")
        if not found:
            return None
        return SlackAccount(str(found), str(zone) if zone else None, workspace_admin(user))


@dataclass(frozen=True)
class SlackAccount:
    user: str
    timezone: str | None
    admin: bool


def _why(error: SlackSendError) -> str:
    """Slack's refusal, in words an admin can act on."""
    if error.error in ("no_installation", "invalid_auth", "account_inactive", "token_revoked"):
        return f"the app has no working bot token for this workspace ({error.error}): install it"
    if error.error == "missing_scope":
        return "the app lacks the users:read and users:read.email scopes: reinstall it"
    return f"Slack answered {error.error} to {error.method}"


def profile_of(user: dict[str, Any]) -> Profile:
    """A Slack user object (users.info, users.list) as the engine reads a person."""
    profile = user.get("profile") or {}
    locale = user.get("locale")
    return Profile(
        email=profile.get("email"),
        name=user.get("real_name") or profile.get("real_name"),
        timezone=user.get("tz"),
        admin=workspace_admin(user),
        guest=any(user.get(flag) is True for flag in ("is_restricted", "is_ultra_restricted")),
        bot=user.get("is_bot") is True or user.get("id") == SLACKBOT,
        deactivated=user.get("deleted") is True,
        locale=locale if isinstance(locale, str) and locale else None,
    )


def workspace_admin(user: dict[str, Any]) -> bool:
    """Workspace owners and admins are the org's admins (SPEC 2.6)."""
    return any(user.get(flag) is True for flag in ("is_admin", "is_owner", "is_primary_owner"))
