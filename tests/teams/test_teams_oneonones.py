"""A 1:1 in Teams, over HTTP: Mo sets one up with Sam (his report) by mentioning him in the
personal chat; Sam confirms by typing; the day before the meeting both get the agenda as a card
in their chat, Sam's check-in blocker on it with its source; after it, the prompt for action
items."""

from __future__ import annotations

from typing import Any

from tests.conftest import until
from tests.teams.activities import mention, message
from tests.teams.connector import Sent
from tests.teams.test_teams_digest import (
    BLOCKER,
    Org,
    in_dm,
    org,
    sam_checks_in,
    say,
    text_of,
    the_card,
    user,
)

__all__ = ["org"]  # the fixture: Mo manages Sam and Ana, in Europe/Berlin


async def test_a_1on1_set_up_in_teams_brings_the_blocker_to_both_agendas(org: Org) -> None:
    await say(org, "sam", "help")  # Sam has the app: the bot can write to him
    seen = len(in_dm(org, "sam"))
    asked = message(
        "1on1 with <at>Sam Lee</at> weekly mon 11:00",
        user=user("mo"),
        service_url=org.connector.url,
        mentions=[mention(user("sam"), "Sam Lee")],
    )
    assert (await org.teams.post(asked))[0] in (200, 201)
    await until(lambda: len(in_dm(org, "sam")) > seen)
    assert "Mo Manager asks for a 1:1 with you every week on Mon at 11:00" in text_of(
        in_dm(org, "sam")[-1]
    )
    confirmed = await say(org, "sam", "1on1 confirm mo@example.com")
    assert "Confirmed: a 1:1 with Mo Manager every week on Mon" in text_of(confirmed)
    await sam_checks_in(org)

    # The clock: Wednesday 25 Nov. The first meeting: Monday 30 Nov 11:00 in Berlin.
    # Monday 30 Nov, 07:00 UTC (08:00 in Berlin): within a day of it, and the first minute
    # after the weekend's quiet hours.
    seen = {key: len(in_dm(org, key)) for key in ("mo", "sam")}
    org.clock.advance(days=4, hours=19)
    await org.scheduler.run_until_idle()
    for key in ("mo", "sam"):
        await until(lambda k=key: agenda_card(in_dm(org, k)[seen[k] :]) is not None)
        card = agenda_card(in_dm(org, key)[seen[key] :])
        words = str(card).replace("\\", "")  # Teams' Markdown escapes
        assert BLOCKER in words
        assert "blocker in the check-in of the week of" in words
        assert "(Europe/Berlin)" in words

    seen["mo"] = len(in_dm(org, "mo"))
    org.clock.advance(hours=4)  # Monday 12:00 Berlin: an hour after the meeting
    await org.scheduler.run_until_idle()
    # Mo's own check-in prompt falls due in the same hours: the two may come in either order.
    await until(
        lambda: any(
            "How was your 1:1 with Sam Lee?" in text_of(s) for s in in_dm(org, "mo")[seen["mo"] :]
        )
    )


def agenda_card(sent: list[Sent]) -> dict[str, Any] | None:
    """The 1:1 agenda card among `sent`, whatever else came in the same minutes."""
    cards = [the_card(s) for s in sent if s.activity.get("attachments")]
    return next((card for card in cards if "1:1 with" in str(card)), None)
