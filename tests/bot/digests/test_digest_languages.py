"""Digests in German and Spanish through the engine: the channel commands answer in the
person's language, `digest now` previews the digest in theirs, a scheduled digest is posted in
the org's default language whoever subscribed, and the note about a digest that couldn't be
posted reaches the subscriber in their own language."""

from __future__ import annotations

import pytest
from sqlmodel import select

from app.scheduling import build_scheduler
from bot.core.events import CommandInvoked
from bot.core.messages import Card
from bot.engine import Engine
from storage.db import Database
from storage.models import Person, Tenant
from tests.bot.org_world import World, seed_world
from tests.conftest import ChannelOutbox

ENG = {"channel": "C_ENG", "key": "C_ENG", "name": "#eng"}


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    world = await seed_world(
        sqlite_db,
        {
            "ada": ("Ada Admin", None, True, None),
            "gus": ("Gus Weber", None, False, "Platform"),
            "eva": ("Eva Ruiz", "gus", False, "Platform"),
        },
    )
    async with world.database.session() as session:
        for person in (await session.exec(select(Person))).all():
            person.language = {"gus": "de", "eva": "es"}.get(person.email.split("@")[0])
            person.paused_until = "2099-12-31"  # no check-in prompts in between
            session.add(person)
    world.outbox = ChannelOutbox()
    world.engine = Engine(world.database, world.outbox, world.clock)
    return world


async def in_channel(world: World, who: str, text: str) -> None:
    event = CommandInvoked(world.actor(who), "digest", text, f"ch-{who}-{text}", ENG)
    await world.engine.handle(event)


async def org_speaks(world: World, language: str) -> None:
    async with world.database.session() as session:
        tenant = (await session.exec(select(Tenant))).one()
        tenant.settings = {**tenant.settings, "language": language}
        session.add(tenant)


def posted(world: World) -> list[Card]:
    assert isinstance(world.outbox, ChannelOutbox)
    return [card for _to, card in world.outbox.posted]


async def test_the_channel_commands_answer_in_the_persons_language(world: World) -> None:
    await world.command("gus", "digest", "subscribe")
    assert world.last("gus") == "Tippe das in dem Channel, der den Digest bekommen soll."
    await in_channel(world, "gus", "subscribe")
    assert world.last("gus") == (
        "Erledigt: #eng bekommt den Digest von Platform jeden Montagmorgen, den ersten am "
        "Mo. 9. März 09:00 UTC. Blocker landen nie in einem Channel. digest now zeigt dir eine "
        "Vorschau per DM."
    )
    await in_channel(world, "eva", "subscribe")
    assert world.last("eva") == "#eng ya recibe el resumen de Platform."
    await in_channel(world, "eva", "subscribe everyone")
    assert world.last("eva") == "Solo los admins pueden recibir el resumen de toda la organización."
    await in_channel(world, "eva", "unsubscribe")
    assert world.last("eva") == "Detenido: aquí ya no llegarán resúmenes semanales de ese equipo."
    await in_channel(world, "gus", "unsubscribe")
    assert world.last("gus") == "Dieser Channel bekommt diesen Digest nicht."


async def test_digest_now_previews_in_the_persons_language(world: World) -> None:
    await world.command("eva", "digest", "now")
    summary, card = world.messages_to("eva")[-2:]
    assert summary.fallback_text() == (
        "Platform esta semana: sin objetivos para 2026-Q1, ningún check-in pendiente"
    )
    assert isinstance(card, Card) and card.title == "Platform: resumen semanal"
    text = card.fallback_text()
    assert "Aún no hay objetivos para este trimestre." in text
    assert "La semana hasta el 2 mar 2026. Los bloqueos solo van a los responsables" in text
    await world.command("gus", "digest", "now")
    assert world.last("gus").startswith("Platform: Wochen-Digest\n\nZiele\nNoch keine Ziele")


async def test_a_scheduled_digest_is_posted_in_the_orgs_language(world: World) -> None:
    await org_speaks(world, "es")
    await in_channel(world, "gus", "subscribe")  # a German speaker subscribes
    world.clock.current = world.clock.current.replace(day=9, hour=9, minute=0)
    await build_scheduler(world.engine, 1).run_until_idle()
    (card,) = posted(world)
    assert card.title == "Platform: resumen semanal"
    assert "La semana hasta el 9 mar 2026." in card.fallback_text()


async def test_a_digest_not_posted_is_explained_to_the_subscriber_in_their_language(
    world: World,
) -> None:
    await org_speaks(world, "es")
    await in_channel(world, "gus", "subscribe")
    assert isinstance(world.outbox, ChannelOutbox)
    world.outbox.closed.add("C_ENG")
    world.clock.current = world.clock.current.replace(day=9, hour=9, minute=0)
    await build_scheduler(world.engine, 1).run_until_idle()
    assert posted(world) == []
    assert world.last("gus") == (
        "Ich konnte den Ziel-Digest dieser Woche nicht in #eng posten: Ich bin nicht drin, oder "
        "es gibt ihn nicht mehr. Füg mich dort hinzu, oder tippe dort digest unsubscribe, um ihn "
        "abzubestellen."
    )
