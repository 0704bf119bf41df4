"""Which kind of Teams conversation an activity comes from, and a channel or group chat as the
engine stores it for a digest subscription.

A person's own chat with the bot is "personal" (older clients leave the type out). In a channel
or a group chat Teams only sends what @mentions the bot.
"""

from __future__ import annotations

from typing import Any

from botbuilder.core import TurnContext

PERSONAL = "personal"
CHANNEL = "channel"
GROUP_CHAT = "groupChat"


def conversation_type(activity: Any) -> str:
    conversation = getattr(activity, "conversation", None)
    return str(getattr(conversation, "conversation_type", None) or PERSONAL)


def is_personal(activity: Any) -> bool:
    return conversation_type(activity) == PERSONAL


def channel_of(activity: Any) -> dict[str, Any] | None:
    """Where a command typed outside the personal chat was typed, as the digest needs it:
    "type", "key" (unique in the tenant), "name" to show, and "reference" to post there.

    A channel's key is its channel id: the conversation id of a message in a reply thread
    carries ";messageid=…", and a digest starts a new post in the channel, not in that thread.
    """
    kind = conversation_type(activity)
    if kind == CHANNEL:
        key, name = _channel_id_and_name(activity)
    elif kind == GROUP_CHAT:
        key = str(activity.conversation.id or "")
        name = getattr(activity.conversation, "name", None) or "the group chat"
    else:
        return None
    if not key:
        return None
    reference = TurnContext.get_conversation_reference(activity).serialize()
    return {"type": kind, "key": key, "name": name, "reference": reference}


def _channel_id_and_name(activity: Any) -> tuple[str | None, str]:
    data = _object(activity.channel_data)
    channel, team = _object(data.get("channel")), _object(data.get("team"))
    key = channel.get("id") or data.get("teamsChannelId")
    # Teams leaves the name out for General, whose channel id is the team's id.
    if channel.get("name"):
        name = str(channel["name"])
    elif key and key == team.get("id"):
        name = "General"
    elif team.get("name"):
        name = f"a channel of {team['name']}"
    else:
        name = "the team's channel"
    return (str(key) if key else None), name


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
