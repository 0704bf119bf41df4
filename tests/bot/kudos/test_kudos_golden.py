"""The kudos card as each platform shows it (the kudos channel's post), against reviewed golden
files: giver, receivers, the message escaped, and its values."""

from __future__ import annotations

from pathlib import Path

from adapters.slack.render import render_message
from adapters.teams.render import render_card
from bot.kudos.channel import kudos_card
from storage.models import KudosValue, Person
from tests.golden import as_json, assert_golden

GOLDEN = Path(__file__).parent / "golden"
CARD = kudos_card(
    Person(tenant_id="t", email="sam@x.com", name="Sam <Lee>"),
    [
        Person(tenant_id="t", email="ana@x.com", name="Ana Ruiz"),
        Person(tenant_id="t", email="kim@x.com", name="Kim *Berg*"),
    ],
    "the <!channel> *failover* drill & the docs #craft #customer-first",
    [
        KudosValue(tenant_id="t", tag="craft", name="Craft"),
        KudosValue(tenant_id="t", tag="customer-first", name="Customer first"),
    ],
)


def test_the_kudos_card_in_text_matches_golden() -> None:
    assert_golden(GOLDEN, "kudos.txt", CARD.fallback_text() + "\n")


def test_the_kudos_card_in_slack_blocks_matches_golden() -> None:
    assert_golden(GOLDEN, "kudos.slack.json", as_json(render_message(CARD)))


def test_the_kudos_card_in_a_teams_card_matches_golden() -> None:
    assert_golden(GOLDEN, "kudos.teams.json", as_json(render_card(CARD)))
