"""`checkin-bot reviews template FILE`: the org's review questions from a YAML file, for the
cycles started from now on."""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.commands import UsageError
from bot.reviews.templates import TemplateError, read_yaml, save_questions
from storage.db import Database
from storage.repository import Store


async def review_template(database: Database, org: str, file: str) -> int:
    try:
        text = await asyncio.to_thread(Path(file).read_text, encoding="utf-8-sig")
    except OSError as error:
        raise UsageError(f"can't read {file}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{file} is not UTF-8 text") from None
    try:
        questions = read_yaml(text)
    except TemplateError as error:
        raise UsageError(f"{file}: {error}; nothing changed") from None
    async with database.session() as session:
        store = Store(session)
        tenant = await store.tenant(org)
        if tenant is None:
            raise UsageError(f"no org called {org!r} in this database")
        save_questions(tenant, questions)
        store.keep(tenant)
    print(f"{org}: review cycles started from now on ask {len(questions)} questions")
    return 0
