"""What the scheduler sends (a wave's prompts, one person's prompt, the reminder) is written in
each person's own language, not in whatever language the process happens to be in."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.checkins.scheduled import PROMPT, ScheduledCheckins
from bot.core.i18n import current
from bot.core.messages import Question
from scheduler.due import Due
from storage.db import Database
from tests.bot.org_world import TENANT, World, seed_world


@pytest.fixture
async def world(sqlite_db: Database) -> World:
    world = await seed_world(
        sqlite_db,
        {
            "ana": ("Ana Lopez", None, False, None),
            "ben": ("Ben Ruiz", None, False, None),
            "cai": ("Cai Wong", None, False, None),
        },
    )
    await world.speak({"ana": "de", "ben": "es"})
    return world


def first_question(world: World, who: str) -> Question:
    (question,) = world.messages_to(who)
    assert isinstance(question, Question)
    return question


async def test_a_wave_and_a_single_prompt_each_speak_the_persons_language(world: World) -> None:
    checkins, now = ScheduledCheckins(world.engine), world.clock.now()
    wave = [
        Due(PROMPT, TENANT, world.ids[who], now, 0, job_id=n) for n, who in ((1, "ana"), (2, "cai"))
    ]
    await checkins.prompt_many(wave, now)
    await checkins.prompt(TENANT, world.ids["ben"], now, now)
    assert current() == "en"  # nothing leaks out of the prompts
    ana = first_question(world, "ana")
    assert ana.intro == (
        "Hallo! Zeit für deinen Check-in. Dein Check-in für die Woche vom Fr. 27. Feb.: "
        "3 kurze Fragen. Antworte auf jede; mit „überspringen“ lässt du eine aus."
    )
    assert ana.text == "Blockiert dich etwas? (sonst antworte „nichts“)"
    assert [c.label for c in ana.choices] == ["Überspringen"]
    ben = first_question(world, "ben")
    assert ben.intro == (
        "¡Hola! Es hora del check-in. Tu check-in de la semana del vie 27 feb: 3 preguntas "
        "rápidas. Responde a cada una; con “saltar” te la saltas."
    )
    assert ben.text == "¿Algo te bloquea? (si no, responde “nada”)"
    cai = first_question(world, "cai")
    assert cai.intro == (
        "Hi! It's check-in time. Your check-in for the week of Fri 27 Feb: 3 quick questions. "
        "Reply to each one; skip skips it."
    )
    assert cai.text == "Anything blocking you? (reply none if not)"


async def test_the_reminder_speaks_the_persons_language(world: World) -> None:
    checkins, now = ScheduledCheckins(world.engine), world.clock.now()
    await checkins.prompt(TENANT, world.ids["ana"], now, now)
    await checkins.prompt(TENANT, world.ids["ben"], now, now)
    later = now + timedelta(hours=4)
    await checkins.remind(TENANT, world.ids["ana"], later, later)
    await checkins.remind(TENANT, world.ids["ben"], later, later)
    nudge = world.messages_to("ana")[-1]
    assert isinstance(nudge, Question)
    assert nudge.intro == "Kleine Erinnerung: Dein Check-in für die Woche vom Fr. 27. Feb. wartet."
    nudge = world.messages_to("ben")[-1]
    assert isinstance(nudge, Question)
    assert nudge.intro == (
        "Un recordatorio rápido: tu check-in de la semana del vie 27 feb te espera."
    )
