"""Mentions make the bot look people up on the platform (to link a feedback giver it hasn't met
yet). Someone the bot doesn't know gets nothing out of that: no look-ups, nothing linked. And
one message can't turn into hundreds of directory calls."""

from __future__ import annotations

from bot.engine.identities import MAX_MENTIONS
from tests.conftest import until
from tests.fuzz.apps import Bot, bolt_idle, snapshot
from tests.slack.payloads import message_event

CROWD = " ".join(f"<@U{n:04d}>" for n in range(300))


async def test_a_strangers_mentions_link_no_one_and_cost_one_look_up(bot: Bot) -> None:
    before = await snapshot(bot.database, leave_out=["processedevent"])
    text = f"feedback request <@U_ALAN> from <@U_GRACE> {CROWD}"
    assert (await bot.slack.event(message_event(text, user="U_NOBODY")))[0] == 200
    await bolt_idle()
    await until(lambda: bool(bot.slack.posts("U_NOBODY")))
    assert "I don't know U_NOBODY yet" in str(bot.slack.posts("U_NOBODY")[-1].params)
    # Who is asking (twice: before the mentions, and again as the engine's first contact).
    asked = [call.params.get("user") for call in bot.slack.api.called("users.info")]
    assert set(asked) == {"U_NOBODY"} and len(asked) <= 2
    # Before, Alan and Grace were linked to their Slack accounts by a stranger's message.
    assert await snapshot(bot.database, leave_out=["processedevent"]) == before


async def test_a_person_in_the_org_has_a_bounded_number_of_mentions_looked_up(bot: Bot) -> None:
    text = f"feedback request me from <@U_GRACE> {CROWD}"
    assert (await bot.slack.event(message_event(text, user="U_ALAN")))[0] == 200
    await bolt_idle()
    asked = [call.params.get("user") for call in bot.slack.api.called("users.info")]
    assert "U_GRACE" in asked  # mentioned first, so looked up and linked
    assert len(set(asked) - {"U_ALAN"}) <= MAX_MENTIONS
