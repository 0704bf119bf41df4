"""`checkin-bot chat` and the bare `checkin-bot`: the console chat, on standard input and
output (a terminal, or piped lines)."""

from __future__ import annotations

import sys

from adapters.console.chat import chat as console_chat
from adapters.console.outbound import ConsoleOutbox
from app.bootstrap import build_engine
from app.demo import DEMO_TENANT, DEMO_USER
from app.demo.seed import seed_demo
from bot.core.ports import Clock
from storage.db import Database


async def start(database: Database, clock: Clock) -> int:
    """The first run's welcome: the demo org, seeded once, and the chat as its engineer."""
    if await seed_demo(database, clock.now()):
        print("Seeded a demo org (Demo Co) into the local database.")
    print(
        f"No Slack or Teams credentials are set, so here is the console chat.\n"
        f"You are {DEMO_USER} (Alan, an engineer). Type checkin now to check in, "
        "help for more, quit to leave.\n"
    )
    return await chat(database, DEMO_USER, DEMO_TENANT, clock)


async def chat(database: Database, email: str, org: str, clock: Clock) -> int:
    engine = build_engine(database, ConsoleOutbox(sys.stdout, me=email), clock)
    return await console_chat(engine, email, sys.stdin, sys.stdout)
