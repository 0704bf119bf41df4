"""Kudos in the engine: sent to colleagues by DM with the company's values, refused to oneself,
with unknown values ("did you mean"), or past the day's cap; values and the cap set by admins."""

from __future__ import annotations

from sqlmodel import select

from app.export import export_org
from app.export_csv import csv_tables
from bot.core.events import CommandInvoked
from storage.models import Kudos, KudosReceiver
from tests.bot.org_world import World
from tests.conftest import ChannelOutbox

KUDOS_CHANNEL = {"channel": "C_KUDOS", "key": "C_KUDOS", "name": "#kudos"}


async def in_channel(world: World, who: str, text: str, where: dict[str, str]) -> None:
    event = CommandInvoked(world.actor(who), "kudos", text, f"ch-{who}-{text}", where)
    await world.engine.handle(event)


def posted(world: World) -> list[tuple[str, str]]:
    outbox = world.outbox
    assert isinstance(outbox, ChannelOutbox)
    return [(str(to.conversation["key"]), card.fallback_text()) for to, card in outbox.posted]


async def stored(world: World) -> list[tuple[str, list[str], bool, list[int]]]:
    async with world.database.session() as session:
        rows = (await session.exec(select(Kudos).order_by(Kudos.id))).all()
        receivers = (await session.exec(select(KudosReceiver))).all()
    return [
        (k.message, k.tags, k.private, sorted(r.person_id for r in receivers if r.kudos_id == k.id))
        for k in rows
    ]


async def test_kudos_reach_each_receiver_with_the_values_it_carries(world: World) -> None:
    assert "Added the value #customer-first: Customer first" in world.last("ada")
    await world.say("ben", "kudos <@U_ANA> <@U_ADA> for the <b>launch</b> #Customer-First")
    assert world.last("ben") == "Kudos sent to Ana Lopez and Ada Admin."
    assert world.last("ana") == "🎉 Kudos from Ben Report: the <b>launch</b> #Customer-First"
    assert "Kudos from Ben Report" in world.last("ada")
    assert await stored(world) == [
        ("the <b>launch</b> #Customer-First", ["customer-first"], False, [1, 2])
    ]

    await world.command("ana", "kudos", "ben@x.com thanks for covering private")
    assert world.last("ana") == "Kudos sent to Ben Report. It stays between you."
    assert (await stored(world))[-1][2] is True


async def test_what_a_kudos_refuses(world: World) -> None:
    await world.say("ben", "kudos <@U_BEN> for me")
    assert "leave yourself out" in world.last("ben")
    await world.say("ben", "kudos <@U_ANA> for the launch #custmer-first")
    assert "Did you mean #customer-first?" in world.last("ben")
    await world.say("ben", "kudos <@U_NOBODY> for the launch")
    assert "I don't know" in world.last("ben")
    await world.say("ben", "kudos <@U_ANA>")
    assert "Say what it's for" in world.last("ben")
    assert await stored(world) == []


async def test_the_days_cap_and_who_sets_values(world: World) -> None:
    await world.say("ben", "kudos cap 2")
    assert "Only admins" in world.last("ben")
    await world.say("ben", 'kudos values add "Speed" #speed')
    assert "Only admins set the company's values" in world.last("ben")
    await world.say("ada", "kudos cap 2")
    for n in range(3):
        await world.say("ben", f"kudos <@U_ANA> thanks {n}")
    assert "You've given 2 kudos today" in world.last("ben")
    world.clock.advance(days=1)
    await world.say("ben", "kudos <@U_ANA> thanks again")
    assert world.last("ben") == "Kudos sent to Ana Lopez."
    await world.say("ben", "kudos values")
    assert "#customer-first: Customer first (We start there)" in world.last("ben")


async def test_a_long_kudos_is_still_a_kudos_not_an_answer(world: World) -> None:
    words = " ".join(["thanks"] * 30)
    await world.say("ben", f"kudos <@U_ANA> {words}")
    assert world.last("ben") == "Kudos sent to Ana Lopez."


async def test_the_export_has_kudos_and_a_private_one_only_for_those_it_names(
    world: World,
) -> None:
    await world.say("ben", "kudos <@U_ANA> for the launch #customer-first")
    await world.say("ana", "kudos <@U_BEN> for covering private")
    everything = await export_org(world.database, "slack:T1", world.clock.now())
    assert [(k["from"], k["to"], k["values"], k["private"]) for k in everything["kudos"]] == [
        ("ben@x.com", ["ana@x.com"], ["customer-first"], False),
        ("ana@x.com", ["ben@x.com"], [], True),
    ]
    as_ada = await export_org(world.database, "slack:T1", world.clock.now(), "ada@x.com")
    assert [k["message"] for k in as_ada["kudos"]] == ["the launch #customer-first"]
    as_ben = await export_org(world.database, "slack:T1", world.clock.now(), "ben@x.com")
    assert len(as_ben["kudos"]) == 2
    rows = csv_tables(everything)["kudos.csv"].rows
    assert [(r["from"], r["to"], r["values"], r["private"]) for r in rows] == [
        ("ben@x.com", "ana@x.com", "#customer-first", False),
        ("ana@x.com", "ben@x.com", "", True),
    ]


async def test_home_shows_the_latest_kudos_received(world: World) -> None:
    for n in range(4):
        await world.say("ben", f"kudos <@U_ANA> thanks number {n}")
    await world.say("ana", "home")
    home = world.last("ana")
    assert "Kudos for you" in home
    assert "From Ben Report: thanks number 3" in home and "thanks number 0" not in home
    await world.say("ben", "home")
    assert "Kudos for you" not in world.last("ben")


async def test_an_admin_picks_the_kudos_channel_where_every_public_kudos_is_posted(
    world: World,
) -> None:
    await world.say("ada", "kudos channel")
    assert "Type this in the channel that should get the kudos" in world.last("ada")
    await in_channel(world, "ben", "channel", KUDOS_CHANNEL)
    assert world.last("ben") == "Only admins choose the kudos channel."
    await in_channel(world, "ada", "channel", KUDOS_CHANNEL)
    assert "Done: kudos are posted in #kudos from now on" in world.last("ada")
    await world.say("ada", "kudos channel")
    assert "Kudos are posted in #kudos now." in world.to("ada")[-2]

    await world.say("ben", "kudos <@U_ANA> for the <b>launch</b> #customer-first")
    await world.say("ben", "kudos <@U_ANA> for the quiet fix private")
    assert posted(world) == [
        (
            "C_KUDOS",
            "🎉 Ben Report to Ana Lopez\n\nthe <b>launch</b> #customer-first\n\n"
            "Values\nCustomer first #customer-first",
        )
    ]

    await world.say("ada", "kudos channel off")
    assert "Stopped" in world.last("ada")
    await world.say("ben", "kudos <@U_ANA> again")
    assert len(posted(world)) == 1


async def test_a_kudos_channel_the_bot_was_taken_out_of_tells_the_giver_and_keeps_the_kudos(
    world: World,
) -> None:
    await in_channel(world, "ada", "channel", KUDOS_CHANNEL)
    assert isinstance(world.outbox, ChannelOutbox)
    world.outbox.closed.add("C_KUDOS")
    await world.say("ben", "kudos <@U_ANA> for the launch")
    assert world.to("ben")[-2:] == [
        "Kudos sent to Ana Lopez.",
        "I couldn't post your kudos in #kudos: I'm not in it, or it's gone. Add me there.",
    ]
    assert world.last("ana") == "🎉 Kudos from Ben Report: the launch"
    assert len(await stored(world)) == 1
