"""`checkin-bot chat` and the bare `checkin-bot`: the console chat, on standard input and
output (a terminal, or piped lines), as one person of one org."""

from __future__ import annotations

import sys

from adapters.console.chat import chat as console_chat
from adapters.console.outbound import ConsoleOutbox
from app.bootstrap import build_engine
from app.commands import UsageError
from app.demo import DEMO_TENANT, DEMO_USER
from app.demo.seed import seed_demo
from bot.core.events import Actor
from bot.core.ports import Clock
from bot.imports.rows import email as email_address
from storage.db import Database
from storage.repository import Store


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
    actor = await acting_as(database, email, org)
    outbox = ConsoleOutbox(sys.stdout, me=actor.user)
    engine = build_engine(database, outbox, clock)
    return await console_chat(engine, actor, sys.stdin, sys.stdout, outbox)


async def acting_as(database: Database, email: str, org: str) -> Actor:
    """The person with `email` in `org`, as that org's platform knows them.

    In a console org a person is their email, and someone new joins it on first contact, as
    anyone in a workspace or tenant does who writes to the bot (the engine enrols them, with
    the org's default cadence and no manager). Elsewhere they act through the account the
    platform gave them, which the bot links when they first write or an org import finds it:
    an account made up here would be linked to them, and messages for them sent to it.
    """
    async with database.session() as session:
        store = Store(session)
        tenant = await store.tenant(org)
        if tenant is None:
            hint = " (checkin-bot demo seeds it)" if org == DEMO_TENANT else ""
            raise UsageError(f"no org called {org!r} in this database{hint}")
        person = await store.person_by_email(org, email)
        if tenant.platform == "console":
            known_as = person.email.strip().lower() if person else _new_email(email)
            return Actor("console", tenant.external_id, known_as, email=known_as)
        if person is None:
            raise UsageError(f"no one with the email {email} in {org}")
        accounts = [i for i in await store.identities_of(person) if i.platform == tenant.platform]
    if not accounts:
        raise UsageError(
            f"{email} has no {tenant.platform} account linked in {org} yet: they are linked "
            "when they first write to the bot, or by an org import that finds them there"
        )
    return Actor(tenant.platform, tenant.external_id, accounts[0].external_user_id)


def _new_email(typed: str) -> str:
    """The email of someone joining a console org: it is who they are there, so it must be one."""
    try:
        return email_address(typed.strip())
    except ValueError:
        raise UsageError(
            f"{typed[:80]!r} is not an email address: chat --as takes one, such as ann@example.com"
        ) from None
