"""Ada (an admin), Ana and Ben (her report), with the company value #customer-first, and an
outbox that shows what is posted in channels."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from storage.db import Database
from tests.bot.org_world import World, seed_world
from tests.conftest import ChannelOutbox


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    world = await seed_world(
        sqlite_db,
        {
            "ada": ("Ada Admin", None, True, None),
            "ana": ("Ana Lopez", None, False, "Growth"),
            "ben": ("Ben Report", "ana", False, "Growth"),
        },
    )
    # Posting in channels is something the engine asks its outbox about once, when built.
    world.outbox = ChannelOutbox()
    world.engine = Engine(world.database, world.outbox, world.clock)
    await world.say("ada", 'kudos values add "Customer first" #customer-first "We start there"')
    return world
