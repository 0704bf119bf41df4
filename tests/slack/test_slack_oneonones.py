"""A 1:1 in Slack, over HTTP: Mo sets one up with Sam, his report, who confirms with a click;
Sam reports a blocker in his check-in; the day before the meeting both get the agenda in their
DMs, the blocker seeded with its source; Sam's talking point is on it."""

from __future__ import annotations

import json

from app.scheduling import build_scheduler
from app.server import ENGINE
from tests.conftest import FakeClock, until
from tests.slack.conftest import Slack, text_of
from tests.slack.test_slack_feedback_pulse import click, meet, say, slack, user

__all__ = ["slack"]  # the fixture: Mo's Platform team, in Europe/London
BLOCKER = "waiting on the <b>security</b> review"


async def test_a_1on1_set_up_in_slack_brings_the_blocker_to_both_agendas(
    slack: Slack, clock: FakeClock
) -> None:
    await meet(slack, "mo", "sam")
    asked = await say(slack, "mo", "1on1 with <@U_SAM> every 2 weeks thu 14:00")
    assert "Asked Sam Lee to confirm a 1:1 every 2 weeks on Thu at 14:00 (Europe/London)" in (
        text_of(asked)
    )
    await until(lambda: "asks for a 1:1" in text_of(slack.posts(user("sam"))[-1]))
    question = slack.posts(user("sam"))[-1]
    confirmed = await click(slack, "sam", question, "Confirm")
    assert "Confirmed: a 1:1 with Mo" in text_of(confirmed)

    said = await say(slack, "sam", "checkin now")
    for answer in (BLOCKER, "shipped it", "4"):
        if "saved" in text_of(said):
            break
        said = await say(slack, "sam", answer)
    assert "saved" in text_of(said)
    assert "Added #" in text_of(await say(slack, "sam", "1on1 add the on-call rota"))

    seen = {key: len(slack.posts(user(key))) for key in ("mo", "sam")}
    clock.advance(days=1)  # Thursday 26 Nov, 12:00: the meeting at 14:00 is a day away or less
    await build_scheduler(slack.client.server.app[ENGINE], 1).run_until_idle()
    for key in ("mo", "sam"):
        await until(lambda k=key: len(slack.posts(user(k))) >= seen[k] + 2)
        agenda = json.dumps(slack.posts(user(key))[-1].params["blocks"], ensure_ascii=False)
        assert "waiting on the &lt;b&gt;security&lt;/b&gt; review" in agenda
        assert "from the record: blocker in the check-in of the week of" in agenda
        assert "the on-call rota" in agenda
    assert "is tomorrow" in text_of(slack.posts(user("sam"))[-2])
