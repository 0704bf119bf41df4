"""Inbound Slack requests as Slack sends them: the documented shapes, correctly signed.

The ids match the mock Web API's: the app is APP_ID, its bot user "UBOT" with BOT_ID, and a DM
with user U… is channel "D" + U….
"""

from __future__ import annotations

import itertools
import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

APP_ID = "A0CHECKIN"
BOT_ID = "B0CHECKIN"
BOT_USER = "UBOT"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
# The deprecated verification token is still in every payload; nothing should trust it.
LEGACY_TOKEN = "legacy-verification-token"

_serial = itertools.count(1)


def signed_headers(
    secret: str, body: str, *, timestamp: int | None = None, content_type: str
) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body) or ""
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }


def new_trigger_id() -> str:
    return f"{next(_serial)}.{int(time.time())}.{secrets.token_hex(16)}"


def new_event_id() -> str:
    return f"Ev{secrets.token_hex(5).upper()}"


def new_ts() -> str:
    return f"{time.time():.6f}"


def slash_command(
    command: str,
    text: str,
    *,
    user: str,
    team: str = "T1",
    channel: str = "D1",
    channel_name: str | None = None,
    trigger_id: str | None = None,
) -> str:
    if channel_name is None:
        channel_name = "directmessage" if channel.startswith("D") else "general"
    return urlencode(
        {
            "token": LEGACY_TOKEN,
            "team_id": team,
            "team_domain": _domain(team),
            "channel_id": channel,
            "channel_name": channel_name,
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": f"https://hooks.slack.com/commands/{team}/{next(_serial)}/x",
            "trigger_id": trigger_id or new_trigger_id(),
        }
    )


def message_event(
    text: str,
    *,
    user: str,
    team: str = "T1",
    channel: str | None = None,
    event_id: str | None = None,
    bot: bool = False,
) -> str:
    """A message.im event. bot=True is our own bot's post echoed back (bot_id set, no subtype)."""
    ts = new_ts()
    event: dict[str, Any] = {
        "type": "message",
        "user": user,
        "text": text,
        "ts": ts,
        "team": team,
        "channel": channel or f"D{user}",
        "event_ts": ts,
        "channel_type": "im",
        "blocks": [_rich_text(text)],
    }
    if bot:
        event |= {
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "bot_profile": {"id": BOT_ID, "app_id": APP_ID, "name": "checkin", "team_id": team},
        }
    else:
        event["client_msg_id"] = secrets.token_hex(16)
    return json.dumps(_event_callback(event, team=team, event_id=event_id))


def app_home_opened(user: str, team: str = "T1", event_id: str | None = None) -> str:
    event = {
        "type": "app_home_opened",
        "user": user,
        "channel": f"D{user}",
        "tab": "home",
        "event_ts": new_ts(),
    }
    return json.dumps(_event_callback(event, team=team, event_id=event_id))


def block_action(
    action_id: str,
    value: str,
    *,
    user: str,
    team: str = "T1",
    trigger_id: str | None = None,
    channel: str = "D1",
    message_ts: str | None = None,
) -> str:
    message_ts = message_ts or new_ts()
    button = {
        "type": "button",
        "action_id": action_id,
        "block_id": "actions",
        "text": {"type": "plain_text", "text": value, "emoji": True},
        "value": value,
    }
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user, team),
        "api_app_id": APP_ID,
        "token": LEGACY_TOKEN,
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": False,
        },
        "trigger_id": trigger_id or new_trigger_id(),
        "team": {"id": team, "domain": _domain(team)},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": "directmessage"},
        "message": {
            "type": "message",
            "user": BOT_USER,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "text": "Weekly check-in",
            "ts": message_ts,
            "team": team,
            "blocks": [{"type": "actions", "block_id": "actions", "elements": [button]}],
        },
        "state": {"values": {}},
        "response_url": f"https://hooks.slack.com/actions/{team}/{next(_serial)}/x",
        "actions": [button | {"action_ts": new_ts()}],
    }
    return urlencode({"payload": json.dumps(payload)})


def message_shortcut(
    callback_id: str,
    *,
    user: str,
    author: str,
    text: str,
    team: str = "T1",
    channel: str = "C_ENG",
    trigger_id: str | None = None,
) -> str:
    """A message shortcut chosen on `author`'s message in `channel`."""
    ts = new_ts()
    payload = {
        "type": "message_action",
        "token": LEGACY_TOKEN,
        "action_ts": new_ts(),
        "team": {"id": team, "domain": _domain(team)},
        "user": _user(user, team),
        "channel": {"id": channel, "name": "eng"},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id or new_trigger_id(),
        "response_url": f"https://hooks.slack.com/app/{team}/{next(_serial)}/x",
        "message_ts": ts,
        "message": {"type": "message", "user": author, "text": text, "ts": ts, "team": team},
    }
    return urlencode({"payload": json.dumps(payload)})


def view_submission(
    callback_id: str,
    private_metadata: str,
    values: dict[str, dict[str, Any]],
    *,
    user: str,
    team: str = "T1",
) -> str:
    """values is view.state.values: {block_id: {action_id: {"type": ..., "value": ...}}}."""
    view_id = f"V{next(_serial):08d}"
    payload = {
        "type": "view_submission",
        "team": {"id": team, "domain": _domain(team)},
        "user": _user(user, team),
        "api_app_id": APP_ID,
        "token": LEGACY_TOKEN,
        "trigger_id": new_trigger_id(),
        "view": {
            "id": view_id,
            "team_id": team,
            "type": "modal",
            "blocks": [],
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": values},
            "hash": secrets.token_hex(8),
            "title": {"type": "plain_text", "text": "Check-in", "emoji": True},
            "clear_on_close": False,
            "notify_on_close": False,
            "close": {"type": "plain_text", "text": "Cancel", "emoji": True},
            "submit": {"type": "plain_text", "text": "Submit", "emoji": True},
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": APP_ID,
            "external_id": "",
            "app_installed_team_id": team,
            "bot_id": BOT_ID,
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return urlencode({"payload": json.dumps(payload)})


def url_verification(challenge: str) -> str:
    return json.dumps({"token": LEGACY_TOKEN, "challenge": challenge, "type": "url_verification"})


def _event_callback(event: dict[str, Any], *, team: str, event_id: str | None) -> dict[str, Any]:
    return {
        "token": LEGACY_TOKEN,
        "team_id": team,
        "context_team_id": team,
        "context_enterprise_id": None,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or new_event_id(),
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team,
                "user_id": BOT_USER,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{secrets.token_hex(12)}",
    }


def _rich_text(text: str) -> dict[str, Any]:
    section = {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
    return {"type": "rich_text", "block_id": secrets.token_hex(2), "elements": [section]}


def _user(user: str, team: str) -> dict[str, str]:
    return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team}


def _domain(team: str) -> str:
    return f"{team.lower()}-workspace"
