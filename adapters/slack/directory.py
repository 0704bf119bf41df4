"""Who a Slack user is: users.info and users.lookupByEmail, for first contact and the import's
linking by e-mail."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from adapters.slack.outbound import SlackApi
from adapters.slack.pacing import SlackSendError
from bot.core.ports import Profile

log = logging.getLogger(__name__)


class SlackDirectory:
    """users.info: the email that matches a Slack user to the org import, and their time zone."""

    def __init__(self, api: SlackApi) -> None:
        self.api = api

    async def profile(self, platform: str, tenant: str, user: str) -> Profile | None:
        if platform != "slack":
            return None
        try:
            data = await self.api.call(tenant, "users.info", user=user)
        except SlackSendError as error:
            log.warning("users.info failed in a workspace: %s", error.error)
            return None
        info = data.get("user") or {}
        profile = info.get("profile") or {}
        return Profile(
            email=profile.get("email"),
            name=info.get("real_name") or profile.get("real_name"),
            timezone=info.get("tz"),
            admin=workspace_admin(info),
            guest=any(info.get(flag) is True for flag in ("is_restricted", "is_ultra_restricted")),
            bot=info.get("is_bot") is True or info.get("id") == "USLACKBOT",
            deactivated=info.get("deleted") is True,
        )

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


def workspace_admin(user: dict[str, Any]) -> bool:
    """Workspace owners and admins are the org's admins (SPEC 2.6)."""
    return any(user.get(flag) is True for flag in ("is_admin", "is_owner", "is_primary_owner"))
