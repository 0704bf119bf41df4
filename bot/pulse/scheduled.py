"""The scheduler's handlers for pulse surveys: a new round, the one reminder, the close."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.core.outcome import Notice
from bot.pulse.rounds import Rounds
from bot.pulse.unit import PulseUnit
from scheduler.due import Due
from storage.pulse import PulseStore
from storage.repository import Store

if TYPE_CHECKING:
    from bot.engine import Engine


class ScheduledPulse:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def open_round(self, due: Due, now: datetime) -> datetime | None:
        """A scheduled round opens; a repeating survey's job moves on to the next one."""
        notices: list[Notice] = []
        following = None
        async with self.engine.database.session() as session:
            store = Store(session)
            survey = await PulseStore(session).survey(due.tenant_id, due.subject_id)
            tenant = await store.tenant(due.tenant_id)
            creator = await store.person(due.tenant_id, survey.creator_id) if survey else None
            if survey is None or tenant is None or creator is None or survey.status != "active":
                return None
            _, notices = await Rounds(PulseUnit(store, tenant, creator, now)).open_round(survey)
            if survey.every_weeks:
                following = due.due_at + timedelta(weeks=survey.every_weeks)
                while following <= now:  # down for a while: no burst of missed rounds
                    following += timedelta(weeks=survey.every_weeks)
        await self.engine.notify(due.tenant_id, notices)
        return following

    async def remind(self, due: Due, now: datetime) -> datetime | None:
        await self._round_step(due, now, remind=True)
        return None

    async def close(self, due: Due, now: datetime) -> datetime | None:
        await self._round_step(due, now, remind=False)
        return None

    async def _round_step(self, due: Due, now: datetime, *, remind: bool) -> None:
        async with self.engine.database.session() as session:
            store = Store(session)
            pulse = PulseStore(session)
            survey_round = await pulse.round(due.tenant_id, due.subject_id)
            tenant = await store.tenant(due.tenant_id)
            survey = (
                await pulse.survey(due.tenant_id, survey_round.survey_id) if survey_round else None
            )
            creator = await store.person(due.tenant_id, survey.creator_id) if survey else None
            if survey_round is None or tenant is None or creator is None:
                return
            rounds = Rounds(PulseUnit(store, tenant, creator, now))
            notices = await (rounds.remind if remind else rounds.close)(survey_round)
        await self.engine.notify(due.tenant_id, notices)
