"""A 1:1's agenda as each platform shows it, against reviewed golden files: an item seeded from
the record with its source, talking points with their authors, an action item carried over,
and the reader's private note; people's words escaped."""

from __future__ import annotations

from pathlib import Path

from adapters.slack.render import render_message
from adapters.teams.render import render_card
from bot.core.messages import Card
from tests.bot.oneonones.conftest import cards, set_up, tick
from tests.bot.org_world import World
from tests.golden import as_json, assert_golden

GOLDEN = Path(__file__).parent / "golden"


async def mos_agenda(world: World) -> Card:
    await set_up(world)
    world.clock.advance(days=1, hours=1, minutes=1)  # Tuesday, after the first meeting
    await tick(world)
    await world.say("mo", "1on1 action <@U_ANA> send the <b>draft</b> & the *plan*")
    world.clock.advance(days=6)  # the next is two weeks on: Monday 16 March, its nudge
    await world.say("ana", "checkin now")
    for answer in ("waiting on <!channel> legal", "shipped it", "4"):
        await world.say("ana", answer)
    await world.say("ana", "1on1 add Talk about the <@U_PAT> roadmap")
    await world.say("mo", "1on1 note ask about *workload*")
    world.clock.advance(days=6, hours=23)
    await tick(world)
    return cards(world, "mo")[-1]


async def test_the_agenda_matches_golden_as_text_slack_blocks_and_a_teams_card(
    world: World,
) -> None:
    card = await mos_agenda(world)
    assert_golden(GOLDEN, "agenda.txt", card.fallback_text() + "\n")
    assert_golden(GOLDEN, "agenda.slack.json", as_json(render_message(card)))
    assert_golden(GOLDEN, "agenda.teams.json", as_json(render_card(card)))
