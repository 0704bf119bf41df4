"""What happens when a check-in falls due: the prompt, the one reminder, and the arithmetic of
when each person's next prompt is (in their zone, around pauses, skips and holidays)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.cadence import Period, friendly_day, next_period, period_at
from bot.checkin import CheckinFlow, person_cadence
from bot.events import Actor
from storage.jobs import add_job, people_without_job, upsert_job
from storage.models import Person
from storage.repository import Store

if TYPE_CHECKING:
    from bot.engine import Engine

log = logging.getLogger(__name__)

PROMPT = "checkin_prompt"
REMINDER = "checkin_reminder"
DEFAULT_REMINDER_HOURS = 4
MARK_ATTEMPTS = 4  # about 2 s in all: outlasts a busy SQLite writer or a dropped connection


def next_opening(person: Person, settings: Mapping[str, Any], after: datetime) -> datetime:
    """The first period opening strictly after `after`."""
    cadence = person_cadence(person, settings)
    return next_period(cadence, period_at(cadence, after)).start


def suppressed(person: Person, settings: Mapping[str, Any], period: Period) -> str | None:
    """Why this period gets no prompt (paused, holiday), or None."""
    day = date.fromisoformat(period.label)
    if person.paused_until and day <= date.fromisoformat(person.paused_until):
        return "paused"
    if period.label in set(settings.get("holidays", ())):
        return "holiday"
    return None


class ScheduledCheckins:
    """The scheduler's handlers for check-ins; the engine does the talking."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.database = engine.database

    async def prompt(
        self, tenant_id: str, person_id: int, due_at: datetime, now: datetime
    ) -> datetime | None:
        async with self.database.session() as session:
            store = Store(session)
            person = await store.person(tenant_id, person_id)
            tenant = await store.tenant(tenant_id)
            if person is None or tenant is None or not person.active:
                return None
            identity = next((i for i in await store.identities_of(person) if i.reachable), None)
            flow = CheckinFlow(store, person, tenant.settings, now)
            period = period_at(flow.cadence, due_at)
            following = next_period(flow.cadence, period).start
            if now >= period.end:
                # Down for the whole period: too late for it; catch up with the current one.
                return period_at(flow.cadence, now).start
            if suppressed(person, tenant.settings, period):
                await flow.skip(period)
                return following
            if identity is None:
                return following  # nobody to send to yet; they'll get the next one
            prepared = await flow.prompt_for(period)
            if prepared is None:
                return following
            run, messages = prepared
            run_id, external = run.id, tenant.external_id
            actor = Actor(identity.platform, external, identity.external_user_id)
            reminder = None
            if person.reminders:
                hours = float(tenant.settings.get("reminder_hours", DEFAULT_REMINDER_HOURS))
                reminder = now + timedelta(hours=hours)
        try:
            sent = await self.engine.send(actor, messages)
        except Exception:
            # Only bookkeeping after the platform answered raises here (saving the message's
            # reference, or marking the person unreachable). A retry would send it again.
            log.warning("a prompt went out but its message was not recorded", exc_info=True)
            sent = True
        if not sent:
            async with self.database.session() as session:
                store = Store(session)
                now_identity = await store.identity(actor.tenant_id, actor.platform, actor.user)
            if now_identity is not None and not now_identity.reachable:
                return following  # marked unreachable; the admin sees it in the export
            raise RuntimeError("the platform did not take the prompt")  # retried later
        await self._mark_prompted(tenant_id, person_id, run_id or 0, now, reminder)
        return following

    async def _mark_prompted(
        self, tenant_id: str, person_id: int, run_id: int, now: datetime, reminder: datetime | None
    ) -> None:
        """Record the sent prompt and plan its reminder. Tried a few times: were the job to
        fail now, its retry would find the run unmarked and prompt the person again."""
        for attempt in range(MARK_ATTEMPTS):
            try:
                async with self.database.session() as session:
                    run = await Store(session).run(tenant_id, run_id)
                    if run is not None:
                        run.prompted_at = now
                        session.add(run)
                    if reminder is not None:
                        await upsert_job(session, tenant_id, REMINDER, person_id, reminder)
                return
            except Exception:
                if attempt + 1 == MARK_ATTEMPTS:
                    raise
                log.warning("could not record a sent prompt yet; trying again", exc_info=True)
                await asyncio.sleep(0.25 * 2**attempt)

    async def remind(self, tenant_id: str, person_id: int, due_at: datetime, now: datetime) -> None:
        """One nudge, if the check-in is still open and unanswered; then the job is done."""
        async with self.database.session() as session:
            store = Store(session)
            person = await store.person(tenant_id, person_id)
            tenant = await store.tenant(tenant_id)
            if person is None or tenant is None or not person.reminders:
                return None
            flow = CheckinFlow(store, person, tenant.settings, now)
            run = await flow.active_run()
            if run is None or run.prompted_at is None or run.reminded_at is not None:
                return None
            identity = next((i for i in await store.identities_of(person) if i.reachable), None)
            if identity is None:
                return None
            day = friendly_day(run.period_label)
            messages = await flow.ask_next(
                run, intro=f"A quick nudge: your check-in for the week of {day} is waiting."
            )
            run.reminded_at = now
            session.add(run)
            actor = Actor(identity.platform, tenant.external_id, identity.external_user_id)
        await self.engine.send(actor, messages)
        return None

    async def ensure_jobs(self, now: datetime, limit: int = 5000) -> int:
        """Give everyone without a scheduled prompt their next one. Returns how many."""
        added = 0
        async with self.database.session() as session:
            store = Store(session)
            people = await people_without_job(session, PROMPT, limit)
            settings: dict[str, Mapping[str, Any]] = {}
            for person in people:
                if person.tenant_id not in settings:
                    tenant = await store.tenant(person.tenant_id)
                    settings[person.tenant_id] = tenant.settings if tenant else {}
                due = next_opening(person, settings[person.tenant_id], now)
                if await add_job(session, person.tenant_id, PROMPT, person.id or 0, due):
                    added += 1
        return added
