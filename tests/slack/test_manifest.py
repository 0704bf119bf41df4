"""manifest.json is importable as is: every command we answer, the scopes, events and limits."""

from __future__ import annotations

import json
from pathlib import Path

from adapters.slack.app import BOT_SCOPES, EVENTS_PATH, REDIRECT_PATH
from adapters.slack.inbound import COMMANDS

MANIFEST = json.loads((Path(__file__).resolve().parents[2] / "manifest.json").read_text())


def test_every_command_we_answer_is_registered_within_slacks_limits() -> None:
    commands = MANIFEST["features"]["slash_commands"]
    names = {c["command"] for c in commands}
    assert names == {"/checkin", "/goals", "/feedback", "/pulse", "/digest"}
    assert all(COMMANDS.match(name) for name in names)
    assert len(commands) <= 50 and all(len(name) <= 32 for name in names)
    assert all(c["url"].endswith(EVENTS_PATH) for c in commands)


def test_feedback_gets_mentions_as_user_id_tokens() -> None:
    """Unescaped, Slack sends "@sam" as typed; escaped, it sends <@U123|sam>, which the engine
    resolves through the Slack identity even when two people share a first name."""
    commands = {c["command"]: c for c in MANIFEST["features"]["slash_commands"]}
    assert commands["/feedback"]["should_escape"] is True


def test_scopes_events_interactivity_and_home_match_the_app() -> None:
    assert MANIFEST["oauth_config"]["scopes"]["bot"] == BOT_SCOPES
    assert MANIFEST["oauth_config"]["redirect_urls"][0].endswith(REDIRECT_PATH)
    settings = MANIFEST["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {"message.im", "app_home_opened"}
    assert settings["interactivity"]["is_enabled"] is True
    assert "socket_mode_enabled" in settings
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True
    assert len(MANIFEST["display_information"]["name"]) <= 35
