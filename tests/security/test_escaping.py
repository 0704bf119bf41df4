"""User text in any neutral message, through every platform's renderer, pings no one and
links nowhere: Slack mrkdwn has `& < >` escaped (so no `<!channel>`, `<@U…>`, `<http…|…>`) and
is verbatim (so no `@here` or URL Slack would parse itself); Teams TextBlocks and facts have
their markdown escaped and no mention entity is ever sent; the console shows no control
characters (no escape sequences, no bidi overrides).

tests/slack/test_render.py and tests/teams/test_teams_render.py check each renderer on its own;
this is the same hostile message through all three, Questions, Forms and answers included."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.console.render import render as render_console
from adapters.slack.render import render_answered, render_home, render_message, render_modal
from adapters.teams.render import render_activity
from bot.core.messages import (
    Answered,
    Card,
    Chart,
    Choice,
    Field,
    Form,
    FormField,
    Message,
    Question,
    Section,
    Text,
)
from tests.fuzz.strategies import either, piece
from tests.slack.test_render import assert_nobody_pinged
from tests.teams.test_teams_render import assert_escaped, card_of, texts

PINGS = ("<!channel>", "<!here>", "<!everyone>", "<!subteam^S1>", "<@U0ALAN>", "<@U1|bob>",
         "<#C1|general>", "<https://evil.example|click here>", "<mailto:a@b.c|x>", "@channel",
         "@here", "<at>Alan</at>", "[click](https://evil.example)", "&lt;!channel&gt;",
         "&amp;", "&", "\x1b[2J", "\x1b]0;owned\x07", "\r", "\x00", "\u202e", "\u2066")  # fmt: skip
user_text = either(
    st.text(max_size=30),
    st.lists(st.sampled_from(PINGS) | piece | st.text(max_size=8), max_size=8).map(" ".join),
    st.lists(st.sampled_from(PINGS), min_size=1, max_size=5).map("".join),
)
ids = st.text("abc_0123", min_size=1, max_size=12)  # ours, never a person's
choices = st.lists(st.builds(Choice, user_text, user_text), max_size=4).map(tuple)
questions = st.builds(
    Question,
    prompt_id=ids,
    text=user_text,
    choices=choices,
    hint=st.none() | user_text,
    position=st.integers(0, 3),
    total=st.integers(0, 3),
    offers_form=st.booleans(),
    intro=st.none() | user_text,
)
cards = st.builds(
    Card,
    title=user_text,
    sections=st.lists(
        st.builds(
            Section,
            title=user_text,
            fields=st.lists(st.builds(Field, user_text, user_text), max_size=12).map(tuple),
            text=user_text,
        ),
        max_size=3,
    ).map(tuple),
    footer=user_text,
    chart=st.none() | st.builds(Chart, st.just(b"\x89PNG"), user_text, user_text),
)
forms = st.builds(
    Form,
    form_id=ids,
    title=user_text,
    fields=st.lists(
        st.builds(
            FormField,
            key=ids,
            label=user_text,
            kind=st.sampled_from(["text", "number", "choice"]),
            choices=choices,
            initial=user_text,
        ),
        max_size=4,
    ).map(tuple),
    submit_label=user_text,
)
messages = either(
    st.builds(Text, user_text),
    questions,
    cards,
    forms,
    st.builds(Answered, questions, user_text),
)
CHECKED = settings(max_examples=200, deadline=None)


def slack_payloads(message: Message) -> list[dict[str, Any]]:
    payloads = [render_message(message)] if not isinstance(message, Answered) else []
    if isinstance(message, Answered):
        payloads.append(render_answered(message.question, message.answer))
    if isinstance(message, Card):
        payloads += [render_home(message, start_button=True)]
    if isinstance(message, Form):
        payloads.append(render_modal(message))
    return payloads


def mrkdwn_objects(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        own = [node] if node.get("type") == "mrkdwn" else []
        return own + [o for value in node.values() for o in mrkdwn_objects(value)]
    if isinstance(node, list):
        return [o for item in node for o in mrkdwn_objects(item)]
    return []


@CHECKED
@given(messages)
def test_slack_mrkdwn_from_user_text_pings_and_links_no_one(message: Message) -> None:
    for payload in slack_payloads(message):
        assert_nobody_pinged(payload)  # & < > escaped in every string Slack parses
        # Without verbatim Slack would turn @here, #channel and bare URLs into the real thing.
        assert all(obj.get("verbatim") is True for obj in mrkdwn_objects(payload)), payload
        assert not {"link_names", "parse"} & set(payload)


@CHECKED
@given(messages)
def test_teams_activities_from_user_text_mention_no_one(message: Message) -> None:
    activity = render_activity(message)
    # A Teams mention needs an entity naming the person: the renderer never sends one.
    assert "entities" not in json.dumps(activity)
    if isinstance(message, Text):
        assert activity["textFormat"] == "plain" and "attachments" not in activity
    else:
        assert_escaped(card_of(activity))  # markdown escaped in TextBlocks and facts


ALLOWED_CONTROLS = {"\n", "\t"}
# Bidi embeddings, overrides and isolates: they reorder what follows on screen, so an answer
# could show a line that isn't what it says (or look like the bot's own prompt).
BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


@CHECKED
@given(messages)
def test_the_console_shows_no_control_characters_from_user_text(message: Message) -> None:
    shown = render_console(message)
    controls = {ch for ch in shown if unicodedata.category(ch) == "Cc"} - ALLOWED_CONTROLS
    assert not controls, controls
    assert not BIDI_CONTROLS & set(shown), shown


def test_an_answer_that_tries_everything_reaches_each_platform_harmless() -> None:
    """One worked example, to read: what each platform is sent for a hostile answer."""
    typed = "<!channel> <@U0ALAN> <https://evil.example|login> @here \x1b[2J\u202eevil"
    question = Question("p1", "Anything blocking you?")
    slack = render_answered(question, typed)
    assert "&lt;!channel&gt; &lt;@U0ALAN&gt; &lt;https://evil.example|login&gt;" in json.dumps(
        slack
    )
    teams = render_activity(Answered(question, typed))
    shown = texts(card_of(teams))
    escaped = r"\<\!channel\> \<@U0ALAN\> \<https://evil.example\|login\> @here"
    assert any(escaped in text for text in shown), shown
    assert "entities" not in teams
    console = render_console(Answered(question, typed))
    assert "\x1b" not in console and "\u202e" not in console and "<!channel>" in console
