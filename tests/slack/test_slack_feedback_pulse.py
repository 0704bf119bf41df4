"""Feedback requests and pulse surveys in Slack, end to end: signed slash commands, DMs and
button clicks in; DMs to other people, the answers card and the chart upload out."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlmodel import select

from app.server import build_web_app
from bot.imports.org_import import import_org
from storage.db import Database
from storage.models import SurveyInvite
from tests.conftest import FakeClock, until
from tests.slack.conftest import Slack, buttons, slack_settings, text_of
from tests.slack.mock_api import Call, MockSlackApi
from tests.slack.payloads import block_action, message_event, slash_command

# Mo manages everyone: Platform (6, Sam the subject and Ana and Ben among them) and Tiny (4).
ORG_CSV = """email,name,manager_email,team,timezone,checkin_days,checkin_time
mo@example.com,Mo Manager,,Leads,Europe/London,fri,15:00
sam@example.com,Sam Lee,mo@example.com,Platform,Europe/London,fri,15:00
ana@example.com,Ana Ruiz,mo@example.com,Platform,Europe/London,fri,15:00
ben@example.com,Ben Ode,mo@example.com,Platform,Europe/London,fri,15:00
cy@example.com,Cy Park,mo@example.com,Platform,Europe/London,fri,15:00
dee@example.com,Dee Roy,mo@example.com,Platform,Europe/London,fri,15:00
eli@example.com,Eli Fox,mo@example.com,Platform,Europe/London,fri,15:00
tia@example.com,Tia Moss,mo@example.com,Tiny,Europe/London,fri,15:00
uma@example.com,Uma Bell,mo@example.com,Tiny,Europe/London,fri,15:00
vic@example.com,Vic Hale,mo@example.com,Tiny,Europe/London,fri,15:00
wes@example.com,Wes Gray,mo@example.com,Tiny,Europe/London,fri,15:00
"""
PLATFORM = ("sam", "ana", "ben", "cy", "dee", "eli")
TINY = ("tia", "uma", "vic", "wes")
# Four promoters (9-10), one passive (7), one detractor (4): 67 % - 17 % = eNPS +50.
ENPS = {"sam": "10", "ana": "9", "ben": "9", "cy": "9", "dee": "7", "eli": "4"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def user(key: str) -> str:
    return f"U_{key.upper()}"


@pytest.fixture
async def slack(api: MockSlackApi, sqlite_db: Database, clock: FakeClock) -> AsyncIterator[Slack]:
    for line in ORG_CSV.splitlines()[1:]:
        email, name = line.split(",")[:2]
        api.add_user(user(email.split("@")[0]), email=email, name=name)
    assert not (await import_org(sqlite_db, "slack:T1", ORG_CSV, now=clock.now())).problems
    app = build_web_app(slack_settings(api), sqlite_db, clock)
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as client:
        yield Slack(api, client, sqlite_db)


async def meet(slack: Slack, *keys: str) -> None:
    """Each person DMs the bot once. import_org links no Slack accounts (only the CLI's import
    looks people up by email), and a mention or a DM needs one: first contact makes it, from
    the email users.info gives."""
    for key in keys:
        assert (await slack.event(message_event("help", user=user(key))))[0] == 200
    await until(lambda: all(slack.posts(user(key)) for key in keys))
    assert not any("I don't know" in text_of(slack.posts(user(key))[0]) for key in keys)


async def say(slack: Slack, key: str, text: str) -> Call:
    """A DM from `key`; the bot's next post to them."""
    seen = len(slack.posts(user(key)))
    assert (await slack.event(message_event(text, user=user(key))))[0] == 200
    return await slack.next_post(seen, user(key))


async def click(slack: Slack, key: str, question: Call, label: str) -> Call:
    """A click on the button labelled `label` under `question`; the bot's next post."""
    seen = len(slack.posts(user(key)))
    action_id, value = buttons(question)[label]
    channel, ts = question.response["channel"], question.response["ts"]
    body = block_action(action_id, value, user=user(key), channel=channel, message_ts=ts)
    assert (await slack.form(body))[0] == 200
    return await slack.next_post(seen, user(key))


async def command(slack: Slack, key: str, name: str, text: str) -> Call:
    seen = len(slack.posts(user(key)))
    body = slash_command(name, text, user=user(key), channel=f"D{user(key)}")
    assert await slack.form(body) == (200, "")  # acked at once, answered in the DM
    return await slack.next_post(seen, user(key))


# -- feedback ------------------------------------------------------------------------------------


async def test_a_managers_request_reaches_the_givers_and_their_answers_come_back(
    slack: Slack,
) -> None:
    await meet(slack, "mo", "sam", "ana", "ben")
    # With should_escape, Slack sends mentions as <@U…> or <@U…|name>.
    reply = await command(
        slack, "mo", "/feedback", "request <@U_SAM|sam> from <@U_ANA> <@U_BEN|ben.ode>"
    )
    assert "Asked Ana Ruiz, Ben Ode for feedback on Sam Lee" in text_of(reply)

    async def give(key: str, keep: str, change: str) -> None:
        await until(lambda: len(slack.posts(user(key))) == 2)
        first = slack.posts(user(key))[-1]
        assert first.params["channel"] == user(key)
        assert "Mo Manager would value your feedback on Sam Lee" in text_of(first)
        assert "What is Sam doing well" in text_of(first)
        assert "What could Sam do differently" in text_of(await say(slack, key, keep))
        assert "Mo will see your feedback" in text_of(await say(slack, key, change))

    # DMs to different people are paced apart, so the two givers answer at once.
    await asyncio.gather(
        give("ana", "Unblocks the whole team", "Write the plans down"),
        give("ben", "skip", "Delegate the on-call rota"),
    )
    await until(lambda: len(slack.posts("U_MO")) == 4)
    cards = {text_of(call) for call in slack.posts("U_MO")[2:]}
    ana = next(card for card in cards if "Ana Ruiz" in card)
    ben = next(card for card in cards if "Ben Ode" in card)
    for card in (ana, ben):
        assert "Feedback on Sam Lee (#1)" in card and "feedback share 1" in card
    assert "Unblocks the whole team" in ana and "Write the plans down" in ana
    assert "(skipped)" in ben and "Delegate the on-call rota" in ben
    assert len(slack.posts("U_SAM")) == 1  # the subject sees nothing until it is shared


# -- pulse ---------------------------------------------------------------------------------------


async def answer_engagement(slack: Slack, key: str, *, enps_by_button: bool) -> None:
    """The engagement survey's four questions: eNPS, two statements, a comment; the two
    statements take one answer typed and one clicked."""
    first = slack.posts(user(key))[-1]
    assert "How likely are you to recommend working here" in text_of(first)
    assert set(buttons(first)) >= {str(score) for score in range(11)}
    score = ENPS[key]
    if enps_by_button:
        second = await click(slack, key, first, score)
    else:
        second = await say(slack, key, score)
    assert "I know what is expected of me" in text_of(second)
    third = await say(slack, key, "4")
    assert "I have the chance to learn and grow" in text_of(third)
    fourth = await click(slack, key, third, "5 Strongly agree")
    assert "Anything you'd like to add?" in text_of(fourth)
    assert "stored without your name" in text_of(await say(slack, key, f"comment from {key}"))


async def test_a_pulse_to_a_team_of_six_answered_by_clicks_and_dms_shows_enps_and_a_chart(
    slack: Slack,
) -> None:
    await meet(slack, "mo", *PLATFORM)
    reply = await command(slack, "mo", "/pulse", "send engagement to team Platform")
    assert "Sent “Engagement” (survey 1) to team Platform: 6 people" in text_of(reply)
    await until(lambda: all(len(slack.posts(user(key))) == 2 for key in PLATFORM))

    # Half click the eNPS score, half type it; everyone at once, as their DMs are paced apart.
    await asyncio.gather(
        *(
            answer_engagement(slack, key, enps_by_button=n % 2 == 0)
            for n, key in enumerate(PLATFORM)
        )
    )
    await until(lambda: "has closed: 6 answered" in text_of(slack.posts("U_MO")[-1]))

    results = text_of(await command(slack, "mo", "/pulse", "results"))
    assert "Engagement: team Platform, round 1" in results
    assert "6 of 6 answered (100 %)" in results
    assert "eNPS +50" in results
    assert "Average 4.0 of 5" in results and "Average 5.0 of 5" in results
    assert "comment from dee" in results
    await until(lambda: bool(slack.api.called("files.completeUploadExternal")))
    [shared] = slack.api.called("files.completeUploadExternal")
    assert shared.params["channel_id"] == "DU_MO"
    [chart] = slack.api.files.values()
    assert chart.completed and chart.data is not None and chart.data.startswith(PNG_SIGNATURE)


async def test_a_pulse_to_a_team_of_four_shows_how_many_were_asked_only(slack: Slack) -> None:
    await meet(slack, "mo", *TINY)
    reply = await command(slack, "mo", "/pulse", "send engagement to team Tiny")
    assert "Heads-up: with 4 people, fewer than 5" in text_of(reply)
    await until(lambda: all(len(slack.posts(user(key))) == 2 for key in TINY))

    async def answer(key: str) -> None:
        for text in ("9", "4", "5"):
            await say(slack, key, text)
        assert "stored without your name" in text_of(await say(slack, key, "all good"))

    await asyncio.gather(*(answer(key) for key in TINY))
    await until(lambda: "(round 1) has closed. See the results" in text_of(slack.posts("U_MO")[-1]))
    results = text_of(await command(slack, "mo", "/pulse", "results"))
    # Not even "4 of 4 answered": a count of fewer than k would say who answered.
    assert "4 asked. Fewer than 5 people were asked" in results and "4 of 4" not in results
    assert "eNPS" not in results and "all good" not in results
    assert not slack.api.called("files.getUploadURLExternal")


async def test_a_clicked_pulse_question_loses_its_buttons_and_a_second_click_changes_nothing(
    slack: Slack,
) -> None:
    await meet(slack, "mo", "tia")
    await command(slack, "mo", "/pulse", "send engagement to team Tiny")
    await until(lambda: len(slack.posts(user("tia"))) == 2)
    first = slack.posts(user("tia"))[-1]
    await click(slack, "tia", first, "9")
    ts = first.response["ts"]
    await until(lambda: any(u.params["ts"] == ts for u in slack.api.called("chat.update")))
    update = next(u for u in slack.api.called("chat.update") if u.params["ts"] == ts)
    assert "You answered: 9" in text_of(update) and not buttons(update)
    # The old button, clicked again all the same, is refused and changes nothing.
    assert "answered already" in text_of(await click(slack, "tia", first, "3"))
    async with slack.database.session() as session:
        invites = (await session.exec(select(SurveyInvite))).all()
    assert [i.draft for i in invites if i.draft] == [{"q1": 9}]  # tia's, still at question 2
