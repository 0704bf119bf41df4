"""manifest.json is importable as is: every command we answer, the scopes, events and limits."""

from __future__ import annotations

import json
from pathlib import Path

from adapters.slack.app import BOT_SCOPES, EVENTS_PATH, REDIRECT_PATH
from adapters.slack.inbound import slash_commands
from adapters.slack.render import SHORTCUT_GIVE_KUDOS
from bot.command_table import COMMAND_TABLE

MANIFEST = json.loads((Path(__file__).resolve().parents[2] / "manifest.json").read_text())


def test_every_command_we_answer_is_registered_within_slacks_limits() -> None:
    commands = MANIFEST["features"]["slash_commands"]
    names = {c["command"] for c in commands}
    assert names == {"/checkin", "/goals", "/feedback", "/pulse", "/digest", "/kudos"}
    assert all(slash_commands(COMMAND_TABLE).match(name) for name in names)
    assert len(commands) <= 50 and all(len(name) <= 32 for name in names)
    assert all(c["url"].endswith(EVENTS_PATH) for c in commands)


def test_the_manifest_registers_exactly_the_command_tables_slash_commands() -> None:
    """The command table is the one place a command is declared: the manifest must agree with
    it word for word, or Slack would show a command the bot doesn't answer (or hide one)."""
    registered = {
        c["command"]: (c["description"], c["usage_hint"], c["should_escape"])
        for c in MANIFEST["features"]["slash_commands"]
    }
    declared = {f"/{s.name}": (s.description, s.usage_hint, s.escape) for s in COMMAND_TABLE.slash}
    assert registered == declared
    assert {name.lstrip("/") for name in declared} <= set(COMMAND_TABLE.names)


def test_the_give_kudos_message_shortcut_is_the_one_the_app_answers() -> None:
    shortcuts = MANIFEST["features"]["shortcuts"]
    assert [(s["type"], s["callback_id"], s["name"]) for s in shortcuts] == [
        ("message", SHORTCUT_GIVE_KUDOS, "Give kudos")
    ]
    assert all(len(s["name"]) <= 24 and len(s["description"]) <= 150 for s in shortcuts)


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
