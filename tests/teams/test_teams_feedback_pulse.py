"""Feedback requests and pulse surveys in Teams, end to end: typed commands with mentions and
card clicks in through /api/messages; proactive messages, the answers card and the results
card with its chart out through the Bot Connector."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from app.config import Settings
from app.server import build_web_app
from bot.imports.org_import import import_org
from storage.db import Database
from tests.conftest import FakeClock, until
from tests.slack.test_slack_feedback_pulse import ENPS, ORG_CSV, PLATFORM, PNG_SIGNATURE, TINY
from tests.teams.activities import (
    card_submit,
    conversation_update,
    mention,
    message,
    personal_conversation_id,
)
from tests.teams.conftest import TENANT, Teams, card_actions
from tests.teams.connector import MockConnector, Sent

NAMES = {line.split(",")[0].split("@")[0]: line.split(",")[1] for line in ORG_CSV.splitlines()[1:]}


def user(key: str) -> str:
    return f"29:{key}"


@pytest.fixture
async def teams(
    connector: MockConnector, sqlite_db: Database, clock: FakeClock
) -> AsyncIterator[Teams]:
    for key, name in NAMES.items():
        connector.add_member(user(key), email=f"{key}@example.com", name=name, tenant=TENANT)
    assert not (await import_org(sqlite_db, f"teams:{TENANT}", ORG_CSV, now=clock.now())).problems
    app = build_web_app(Settings(teams_requested=True), sqlite_db, clock)
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as client:
        yield Teams(connector, client, sqlite_db)


def sent_to(teams: Teams, key: str) -> list[Sent]:
    conversation = personal_conversation_id(user(key))
    return [sent for sent in teams.connector.sent if sent.conversation_id == conversation]


def text_of(sent: Sent) -> str:
    return json.dumps(sent.activity, ensure_ascii=False)


async def next_to(teams: Teams, key: str, seen: int) -> Sent:
    await until(lambda: len(sent_to(teams, key)) > seen)
    return sent_to(teams, key)[-1]


async def meet(teams: Teams, *keys: str) -> None:
    """Each person installs the app. The org import knows no Teams ids: the install links
    them (by the email Teams gives for the member) and stores the conversation reference that
    proactive messages, such as a feedback request or a survey, need."""
    for key in keys:
        update = conversation_update(user=user(key), service_url=teams.connector.url)
        assert (await teams.post(update))[0] in (200, 201)
    await until(lambda: all(sent_to(teams, key) for key in keys))
    for key in keys:
        assert f"Hi {NAMES[key].split()[0]}!" in text_of(sent_to(teams, key)[0])


async def say(teams: Teams, key: str, text: str, **extra: Any) -> Sent:
    """A message from `key` in their chat with the bot; the bot's next message to them."""
    seen = len(sent_to(teams, key))
    activity = message(text, user=user(key), service_url=teams.connector.url, **extra)
    assert (await teams.post(activity))[0] in (200, 201)
    return await next_to(teams, key, seen)


async def click(teams: Teams, key: str, card: Sent, title: str) -> Sent:
    """An Action.Submit on the card's button titled `title`: Teams posts its data as `value`."""
    seen = len(sent_to(teams, key))
    action = next(a for a in card_actions(text_of(card)) if a["title"] == title)
    data = {k: v for k, v in action.items() if k != "title"}
    submit = card_submit(
        data, user=user(key), service_url=teams.connector.url, reply_to_id=card.activity_id
    )
    assert (await teams.post(submit))[0] in (200, 201)
    return await next_to(teams, key, seen)


def card_body(sent: Sent) -> list[dict[str, Any]]:
    [attachment] = sent.activity["attachments"]
    body: list[dict[str, Any]] = attachment["content"]["body"]
    return body


# -- feedback ------------------------------------------------------------------------------------


async def test_a_managers_typed_request_with_mentions_reaches_the_givers_and_answers_return(
    teams: Teams,
) -> None:
    await meet(teams, "mo", "sam", "ana", "ben")
    # No slash commands in Teams: typed, with people picked by @mention.
    reply = await say(
        teams,
        "mo",
        "feedback request <at>Sam Lee</at> from <at>Ana Ruiz</at> <at>Ben Ode</at>",
        mentions=[
            mention(user("sam"), "Sam Lee"),
            mention(user("ana"), "Ana Ruiz"),
            mention(user("ben"), "Ben Ode"),
        ],
    )
    assert "Asked Ana Ruiz, Ben Ode for feedback on Sam Lee" in text_of(reply)

    async def give(key: str, keep: str, change: str) -> None:
        first = await next_to(teams, key, 1)
        assert "Mo Manager would value your feedback on Sam Lee" in text_of(first)
        assert "What is Sam doing well" in text_of(first)
        assert "What could Sam do differently" in text_of(await say(teams, key, keep))
        assert "Mo will see your feedback" in text_of(await say(teams, key, change))

    await asyncio.gather(
        give("ana", "Unblocks the whole team", "Write the plans down"),
        give("ben", "skip", "Delegate the on-call rota"),
    )
    await until(lambda: len(sent_to(teams, "mo")) == 4)
    cards = [text_of(sent) for sent in sent_to(teams, "mo")[2:]]
    ana = next(card for card in cards if "Ana Ruiz" in card)
    ben = next(card for card in cards if "Ben Ode" in card)
    for card in (ana, ben):
        assert "Feedback on Sam Lee (#1)" in card
    assert "Unblocks the whole team" in ana and "Write the plans down" in ana
    assert "(skipped)" in ben and "Delegate the on-call rota" in ben
    assert len(sent_to(teams, "sam")) == 1  # the subject sees nothing until it is shared


# -- pulse ---------------------------------------------------------------------------------------


async def answer_engagement(teams: Teams, key: str, *, enps_by_button: bool) -> None:
    """eNPS, two statements (one typed, one clicked), a comment."""
    first = sent_to(teams, key)[-1]
    assert "How likely are you to recommend working here" in text_of(first)
    titles = {action["title"] for action in card_actions(text_of(first))}
    assert titles >= {str(score) for score in range(11)}
    if enps_by_button:
        second = await click(teams, key, first, ENPS[key])
    else:
        second = await say(teams, key, ENPS[key])
    assert "I know what is expected of me" in text_of(second)
    third = await say(teams, key, "4")
    assert "I have the chance to learn and grow" in text_of(third)
    fourth = await click(teams, key, third, "5 Strongly agree")
    assert "Anything you'd like to add?" in text_of(fourth)
    assert "stored without your name" in text_of(await say(teams, key, f"comment from {key}"))


async def test_a_pulse_to_a_team_of_six_shows_enps_and_the_chart_inside_the_card(
    teams: Teams,
) -> None:
    await meet(teams, "mo", *PLATFORM)
    reply = await say(teams, "mo", "pulse send engagement to team Platform")
    assert "Sent “Engagement” (survey 1) to team Platform: 6 people" in text_of(reply)
    await until(lambda: all(len(sent_to(teams, key)) == 2 for key in PLATFORM))

    await asyncio.gather(
        *(
            answer_engagement(teams, key, enps_by_button=n % 2 == 0)
            for n, key in enumerate(PLATFORM)
        )
    )
    await until(lambda: "has closed: 6 answered" in text_of(sent_to(teams, "mo")[-1]))

    results = await say(teams, "mo", "pulse results")
    words = text_of(results)
    assert "6 of 6 answered (100 %)" in words and "eNPS +50" in words
    assert "Average 4.0 of 5" in words and "Average 5.0 of 5" in words
    [image] = [element for element in card_body(results) if element["type"] == "Image"]
    assert image["url"].startswith("data:image/png;base64,")
    png = base64.b64decode(image["url"].removeprefix("data:image/png;base64,"))
    assert png.startswith(PNG_SIGNATURE) and "+50" in image["altText"]
    assert len(json.dumps(results.activity).encode()) <= 40_000  # Teams' message size limit


async def test_a_pulse_to_a_team_of_four_shows_how_many_were_asked_only(teams: Teams) -> None:
    await meet(teams, "mo", *TINY)
    reply = await say(teams, "mo", "pulse send engagement to team Tiny")
    assert "Heads-up: with 4 people, fewer than 5" in text_of(reply)
    await until(lambda: all(len(sent_to(teams, key)) == 2 for key in TINY))

    async def answer(key: str) -> None:
        for text in ("9", "4", "5"):
            await say(teams, key, text)
        assert "stored without your name" in text_of(await say(teams, key, "all good"))

    await asyncio.gather(*(answer(key) for key in TINY))
    closed = "(round 1) has closed. See the results"
    await until(lambda: closed in text_of(sent_to(teams, "mo")[-1]))
    results = await say(teams, "mo", "pulse results")
    words = text_of(results)
    # Not even "4 of 4 answered": a count of fewer than k would say who answered.
    assert "4 asked. Fewer than 5 people were asked" in words and "4 of 4" not in words
    assert "eNPS" not in words and "all good" not in words
    assert not any(element["type"] == "Image" for element in card_body(results))
