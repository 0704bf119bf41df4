"""Inbound activities shaped like the ones Microsoft Teams posts to a bot, as plain dicts.

Ids follow Teams' prefixes: users "29:", bots "28:", personal chats "a:1", channels and group
chats "19:". The same user always gets the same personal conversation id and aadObjectId here
and in `MockConnector`, so a proactive send and an inbound message land in one conversation.
"""

from __future__ import annotations

import hashlib
import itertools
import uuid
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

BOT_ID = "28:bot-app-id"
BOT_NAME = "Check-in"
TENANT = "tenant-1"
SERVICE_URL = "https://smba.trafficmanager.net/emea/"
TEAM_ID = "19:team-platform@thread.tacv2"
CHANNEL_ID = "19:channel-digests@thread.tacv2"
GROUP_CHAT_ID = "19:group-chat-leads@thread.v2"

# Teams message ids are epoch milliseconds; a counter keeps them unique within a test run.
_activity_ids = itertools.count(1_700_000_000_001)


def next_activity_id() -> str:
    return str(next(_activity_ids))


def aad_object_id(user_id: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"aad:{user_id}"))


def personal_conversation_id(user_id: str, *, bot_id: str = BOT_ID) -> str:
    digest = hashlib.sha256(f"{bot_id}|{user_id}".encode()).hexdigest()[:32]
    return f"a:1{digest}"


def display_name(user_id: str) -> str:
    return user_id.split(":", 1)[-1].replace(".", " ").title()


def message(
    text: str | None,
    *,
    user: str = "29:alan",
    service_url: str,
    conversation: str | None = None,
    tenant: str = TENANT,
    local_timezone: str | None = "Europe/London",
    value: dict[str, Any] | None = None,
    activity_id: str | None = None,
    reply_to_id: str | None = None,
    locale: str = "en-GB",
    mentions: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A message in the personal chat between `user` and the bot; `mentions` are entities
    from `mention`, for the <at> tags in `text`."""
    activity = _envelope(
        "message",
        user=user,
        service_url=service_url,
        conversation=conversation,
        tenant=tenant,
        activity_id=activity_id,
        reply_to_id=reply_to_id,
        local_timezone=local_timezone,
        locale=locale,
    )
    activity["textFormat"] = "plain"
    if text is not None:
        activity["text"] = text
    if value is not None:
        activity["value"] = value
    if mentions:
        activity["entities"] = [*activity.get("entities", []), *mentions]
    return activity


def mention(user: str, name: str, *, text: str | None = None) -> dict[str, Any]:
    """A mention entity as Teams sends it: `text` is the <at> tag as it is in the message
    (by default <at>name</at>); text="" leaves it out, as Teams does for some names with &."""
    entity: dict[str, Any] = {"type": "mention", "mentioned": {"id": user, "name": name}}
    tag = f"<at>{name}</at>" if text is None else text
    if tag:
        entity["text"] = tag
    return entity


def channel_message(
    text: str,
    *,
    user: str,
    service_url: str,
    channel: str = CHANNEL_ID,
    channel_name: str | None = "Digests",
    team: str = TEAM_ID,
    thread: str | None = None,
    tenant: str = TENANT,
) -> dict[str, Any]:
    """A post in a team channel that @mentions the bot: a new post (its own id roots the
    thread) or, with `thread`, a reply under that post. channel_name=None leaves the name out,
    as Teams does for General."""
    activity = _mentioning_the_bot(text, user=user, service_url=service_url, tenant=tenant)
    root = thread or activity["id"]
    activity["conversation"] = _group_conversation("channel", f"{channel};messageid={root}", tenant)
    if thread is not None:
        activity["replyToId"] = thread
    named = {"name": channel_name} if channel_name else {}
    activity["channelData"] = {
        "teamsChannelId": channel,
        "teamsTeamId": team,
        "channel": {"id": channel, **named},
        "team": {"id": team, "name": "Platform team"},
        "tenant": {"id": tenant},
    }
    return activity


def group_chat_message(
    text: str, *, user: str, service_url: str, chat: str = GROUP_CHAT_ID, tenant: str = TENANT
) -> dict[str, Any]:
    """A message in a group chat the bot was added to, @mentioning it."""
    activity = _mentioning_the_bot(text, user=user, service_url=service_url, tenant=tenant)
    activity["conversation"] = _group_conversation("groupChat", chat, tenant)
    return activity


def _mentioning_the_bot(text: str, *, user: str, service_url: str, tenant: str) -> dict[str, Any]:
    tagged = f"<at>{BOT_NAME}</at> {text}"
    mentions = [mention(BOT_ID, BOT_NAME)]
    return message(tagged, user=user, service_url=service_url, tenant=tenant, mentions=mentions)


def _group_conversation(kind: str, conversation_id: str, tenant: str) -> dict[str, Any]:
    return {"isGroup": True, "conversationType": kind, "tenantId": tenant, "id": conversation_id}


def card_submit(value: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """An Action.Submit: Teams posts a message with the card's inputs in `value` and no text."""
    return message(None, value=value, **kwargs)


def card_execute(data: dict[str, Any], *, verb: str = "checkin", **kwargs: Any) -> dict[str, Any]:
    """An Action.Execute (Adaptive Cards ≥1.4): an invoke the bot must answer in the HTTP reply."""
    activity = _envelope("invoke", **_with_defaults(kwargs))
    activity["name"] = "adaptiveCard/action"
    activity["value"] = {
        "action": {"type": "Action.Execute", "verb": verb, "data": data},
        "trigger": "manual",
    }
    return activity


def installation_update(action: str = "add", **kwargs: Any) -> dict[str, Any]:
    """The app was added to (or removed from) the user's personal scope."""
    activity = _envelope("installationUpdate", **_with_defaults(kwargs, local_timezone=None))
    activity["action"] = action
    return activity


def conversation_update(members_added: list[str] | None = None, **kwargs: Any) -> dict[str, Any]:
    """Members joined the conversation; on install Teams announces the bot itself."""
    activity = _envelope("conversationUpdate", **_with_defaults(kwargs, local_timezone=None))
    added = [BOT_ID] if members_added is None else members_added
    activity["membersAdded"] = [_account(member) for member in added]
    return activity


def _with_defaults(kwargs: dict[str, Any], **defaults: Any) -> dict[str, Any]:
    merged = {"local_timezone": "Europe/London", "user": "29:alan", **defaults}
    merged.update(kwargs)
    return merged


def _envelope(
    kind: str,
    *,
    user: str,
    service_url: str,
    conversation: str | None = None,
    tenant: str = TENANT,
    activity_id: str | None = None,
    reply_to_id: str | None = None,
    local_timezone: str | None = None,
    locale: str = "en-GB",
) -> dict[str, Any]:
    now = datetime.now(UTC)
    activity: dict[str, Any] = {
        "type": kind,
        "id": activity_id or next_activity_id(),
        "timestamp": now.isoformat().replace("+00:00", "Z"),
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": _account(user),
        "conversation": {
            "conversationType": "personal",
            "tenantId": tenant,
            "id": conversation or personal_conversation_id(user),
        },
        "recipient": {"id": BOT_ID, "name": BOT_NAME},
        "locale": locale,
        "channelData": {"tenant": {"id": tenant}},
    }
    if reply_to_id is not None:
        activity["replyToId"] = reply_to_id
    if local_timezone is not None:
        local = now.astimezone(ZoneInfo(local_timezone))
        activity["localTimestamp"] = local.isoformat()
        activity["localTimezone"] = local_timezone
        activity["entities"] = [
            {
                "type": "clientInfo",
                "locale": locale,
                "country": locale.rsplit("-", 1)[-1],
                "platform": "Web",
                "timezone": local_timezone,
            }
        ]
    return activity


def _account(member_id: str) -> dict[str, Any]:
    if member_id.startswith("28:"):
        return {"id": member_id, "name": BOT_NAME}
    return {
        "id": member_id,
        "name": display_name(member_id),
        "aadObjectId": aad_object_id(member_id),
    }
