"""`checkin-bot chat --as EMAIL`: talk to the engine in a terminal, or from piped stdin."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from typing import TextIO

from adapters.console.forms import ConsoleForms
from adapters.console.outbound import ConsoleOutbox
from bot.core.events import Actor, FormSubmitted, TextReceived, UserReachable
from bot.core.i18n import speaking
from bot.core.messages import Form
from bot.engine import Engine
from storage.db import Database
from storage.repository import Store

QUIT_WORDS = {"quit", "exit", "/quit", "/exit"}


async def chat(
    engine: Engine,
    actor: Actor,
    stdin: TextIO,
    stdout: TextIO,
    outbox: ConsoleOutbox | None = None,
) -> int:
    """Reads one message per line until EOF or `quit`, as `actor`. Interactive when stdin is
    a terminal. Forms the outbox holds for the actor are asked field by field."""
    interactive = stdin.isatty()
    forms = ConsoleForms(stdin, stdout, interactive)
    if actor.platform == "console":
        await link_everyone(engine.database, actor.tenant_id)
    await engine.handle(UserReachable(actor, _event_id()))
    while True:
        if interactive:
            stdout.write("you> ")
            stdout.flush()
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            break
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        if text.strip().lower() in QUIT_WORDS:
            break
        if not interactive:
            stdout.write(f"you> {text}\n")
        await engine.handle(TextReceived(actor, text, _event_id()))
        while outbox is not None and outbox.forms:
            await _fill(engine, actor, forms, outbox.forms.pop(0))
    return 0


async def _fill(engine: Engine, actor: Actor, forms: ConsoleForms, form: Form) -> None:
    async def submit(values: dict[str, str]) -> Mapping[str, str]:
        handled = await engine.handle(FormSubmitted(actor, form.form_id, values, _event_id()))
        return handled.form_errors

    # Asked outside the engine's turns: in the person's language, as its replies are.
    with speaking(await engine.language(actor)):
        await forms.fill(form, submit)


async def link_everyone(database: Database, tenant_id: str) -> None:
    """In the console everyone is known by their email: link each person of the console org,
    so what the bot sends them (a feedback question, a survey) is shown, addressed to them."""
    async with database.session() as session:
        store = Store(session)
        for person in await store.people(tenant_id):
            await store.link_identity(person, "console", person.email.lower())


def _event_id() -> str:
    return "console-" + uuid.uuid4().hex
