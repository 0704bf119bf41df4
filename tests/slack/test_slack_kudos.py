"""Kudos in Slack: `/kudos` with Slack's escaped mentions reaches the receiver by DM, and the
message is escaped there like all user text."""

from __future__ import annotations

from tests.slack.conftest import Slack, text_of
from tests.slack.payloads import slash_command


async def test_slash_kudos_reaches_the_receivers_dm(slack: Slack) -> None:
    text = "<@U_GRACE|grace> for the <b>review</b> & more"
    status, _ = await slack.form(slash_command("/kudos", text, user="U_ALAN"))
    assert status == 200
    assert "Kudos sent to Grace Hopper." in text_of(await slack.next_post(0, "U_ALAN"))
    received = text_of(await slack.next_post(0, "U_GRACE"))
    assert "Kudos from Alan Turing: the &lt;b&gt;review&lt;/b&gt; &amp; more" in received
