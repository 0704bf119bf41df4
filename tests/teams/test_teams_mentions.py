"""Teams mentions become the neutral <@user> tokens the engine resolves: Teams writes
<at>Name</at> in the text and names the user in a "mention" entity."""

from __future__ import annotations

from typing import Any

import pytest
from botbuilder.core import TurnContext
from botbuilder.schema import Activity

from adapters.teams.inbound import text_with_mentions
from tests.teams.activities import BOT_ID, BOT_NAME, mention, message

SERVICE_URL = "https://smba.trafficmanager.net/emea/"


def received(text: str, *mentions: dict[str, Any]) -> Activity:
    """The activity as botbuilder hands it to the bot, from the JSON Teams posts."""
    activity = Activity().deserialize(
        message(text, service_url=SERVICE_URL, mentions=list(mentions))
    )
    assert isinstance(activity, Activity)
    return activity


def test_two_people_mentioned_become_their_teams_user_ids() -> None:
    activity = received(
        "feedback request <at>Sam Lee</at> from <at>Ana Ruiz</at>",
        mention("29:sam", "Sam Lee"),
        mention("29:ana", "Ana Ruiz"),
    )
    assert text_with_mentions(activity) == "feedback request <@29:sam> from <@29:ana>"


def test_the_bots_own_mention_is_dropped_and_its_name_elsewhere_kept() -> None:
    text = "<at>Check-in</at> the Check-in form was quick, thanks <at>Ana Ruiz</at>"
    entities = (mention(BOT_ID, BOT_NAME), mention("29:ana", "Ana Ruiz"))
    assert text_with_mentions(received(text, *entities)) == (
        "the Check-in form was quick, thanks <@29:ana>"
    )
    # botbuilder's own removal takes the bot's name out of the sentence too.
    assert "the  form" in TurnContext.remove_recipient_mention(received(text, *entities))


@pytest.mark.parametrize(
    ("in_text", "entity_text"),
    [
        ("<at>Tom &amp; Jerry</at>", "<at>Tom &amp; Jerry</at>"),
        ("<at>Tom &amp; Jerry</at>", "<at>Tom & Jerry</at>"),
        ("<at>Tom & Jerry</at>", "<at>Tom & Jerry</at>"),
        ("<at>Tom & Jerry</at>", "<at>Tom &amp; Jerry</at>"),
        ("<at>Tom &amp; Jerry</at>", ""),  # Teams left the entity's text out: its name is used
        ("<at>Tom & Jerry</at>", ""),
    ],
    ids=["both-escaped", "text-escaped", "neither", "entity-escaped", "no-text-esc", "no-text"],
)
def test_a_name_with_an_ampersand_is_matched_escaped_or_not(in_text: str, entity_text: str) -> None:
    activity = received(
        f"feedback give {in_text}",
        mention("29:tom", "Tom & Jerry", text=entity_text),
    )
    assert text_with_mentions(activity) == "feedback give <@29:tom>"


def test_two_people_with_the_same_name_keep_their_order() -> None:
    activity = received(
        "feedback request <at>Sam Lee</at> from <at>Sam Lee</at> <at>Ben Ode</at>",
        mention("29:sam-a", "Sam Lee"),
        mention("29:sam-b", "Sam Lee"),
        mention("29:ben", "Ben Ode"),
    )
    assert text_with_mentions(activity) == (
        "feedback request <@29:sam-a> from <@29:sam-b> <@29:ben>"
    )


def test_text_without_mentions_is_only_trimmed() -> None:
    assert text_with_mentions(received("  checkin now \n")) == "checkin now"
    assert text_with_mentions(received("<at>Nobody</at> 400")) == "<at>Nobody</at> 400"
