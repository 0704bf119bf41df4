"""A check-in falling due for one person: the prompt, the one reminder, the record of what
was sent, and everyone's next prompt planned. A wave of many (bot/checkins/wave.py) takes this
path for anyone out of the ordinary."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.checkins.cadence import friendly_day
from bot.checkins.flow import CheckinFlow
from bot.checkins.opening import Late, Suppressed, due_now, next_opening
from bot.core.events import Actor
from bot.core.i18n import catalog, language_for, speaking
from bot.core.messages import Message
from bot.core.ports import Sender
from bot.notify.away import Presence
from bot.notify.away_now import presence_of
from bot.notify.gate import DROP, verdict
from bot.notify.policy import Kind
from scheduler.due import ClaimLost, Due
from storage.jobs import add_job, hold, people_without_job, upsert_jobs
from storage.models import Person, PlatformIdentity
from storage.repository import Store
from storage.settings import OrgSettings, settings_of
from storage.waves import WaveStore

log = logging.getLogger(__name__)
_, ngettext = catalog("bot.checkins")

PROMPT = "checkin_prompt"
REMINDER = "checkin_reminder"
DEFAULT_REMINDER_HOURS = 4
MARK_ATTEMPTS = 4  # about 2 s in all: outlasts a busy SQLite writer or a dropped connection


@dataclass(frozen=True)
class Mark:
    """A prompt the platform took: its run, its question's id and the platform's handle."""

    run_id: int
    prompt_id: str
    ref: dict[str, Any] | None


def prompt_id_of(message: Message) -> str:
    return str(getattr(message, "prompt_id", ""))


async def _fence(session: AsyncSession, claim: Due | None, now: datetime) -> None:
    """Hold the claim for the rest of the transaction, or raise ClaimLost."""
    if claim is None or not claim.owner:
        return
    if claim.job_id not in await hold(session, [claim.job_id], claim.owner, now):
        raise ClaimLost


class Prompter:
    """The scheduler's handlers for one person's check-in; the engine does the talking."""

    def __init__(self, engine: Sender) -> None:
        self.engine = engine
        self.database = engine.database

    async def prompt(
        self,
        tenant_id: str,
        person_id: int,
        due_at: datetime,
        now: datetime,
        claim: Due | None = None,
        known: Mapping[int, Presence] | None = None,
    ) -> datetime | None:
        """The prompt due at `due_at`; returns when the next one is due. Under a scheduler's
        `claim`, everything is written only while the claim holds, and the send is made only
        if it still holds then: raises ClaimLost otherwise. `known`: what is known of people as
        they fall due (bot.notify.away.Presence), read now when not given."""
        if known is None:
            known = await self.presence([(tenant_id, person_id)], now)
        async with self.database.session() as session:
            await _fence(session, claim, now)
            store = Store(session)
            person = await store.person(tenant_id, person_id)
            tenant = await store.tenant(tenant_id)
            if person is None or tenant is None or not person.active:
                return None
            identity = self.identity_for(await store.identities_of(person))
            flow = CheckinFlow(store, person, settings_of(tenant), now)
            presence = known.get(person_id)
            due = due_now(person, flow.settings, flow.cadence, due_at, now, presence)
            if isinstance(due, Late):
                # Down for the whole period: too late for it; record it, and catch up with
                # the current one.
                await flow.record_passed(due.passed)
                return due.next_due
            period, following = due.period, due.following
            if isinstance(due, Suppressed):
                await flow.skip(period)
                return following
            if identity is None:
                return following  # nobody to send to yet; they'll get the next one
            language = language_for(person, tenant)  # the prompt is written in theirs
            with speaking(language):
                prepared = await flow.prompt_for(period)
            if prepared is None:
                return following
            run, messages = prepared
            # A send began before, and nobody recorded its end: the process died in between.
            in_doubt = run.sending_at
            answered = in_doubt is not None and bool(await store.answers(run))
            if in_doubt is None:
                run.sending_at = now
                store.keep(run)
            run_id, external = run.id or 0, tenant.external_id
            actor = Actor(identity.platform, external, identity.external_user_id)
            reminder = self.reminder_at(person, settings_of(tenant), now)
        if in_doubt is not None:
            # The person answering proves the prompt arrived; otherwise ask the platform
            # (it raises when it can't answer, and the job is tried again later).
            ref = None
            if not answered:
                with speaking(language):
                    ref = await self.engine.find_sent(actor, messages[0], in_doubt)
            if answered or ref is not None:
                log.info("a prompt in doubt had arrived; not sending it again")
                marks = [Mark(run_id, prompt_id_of(messages[0]), ref)]
                await self._mark_prompted(tenant_id, person_id, marks, now, reminder)
                return following
        if claim is not None and not await claim.held():
            raise ClaimLost  # frozen past the lease: the replica that took over sends it
        try:
            with speaking(language):  # the platform's own words (buttons) in theirs too
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
        marks = [Mark(run_id, "", None)]  # engine.send saved the message's handle
        await self._mark_prompted(tenant_id, person_id, marks, now, reminder)
        return following

    def identity_for(self, identities: Sequence[PlatformIdentity]) -> PlatformIdentity | None:
        """The account a scheduled message goes to: reachable, on a platform served here."""
        return next(
            (i for i in identities if i.reachable and self.engine.reaches(i.platform)), None
        )

    @staticmethod
    def reminder_at(person: Person, settings: OrgSettings, now: datetime) -> datetime | None:
        if not person.reminders:
            return None
        hours = settings.reminder_hours
        return now + timedelta(hours=DEFAULT_REMINDER_HOURS if hours is None else hours)

    async def _mark_prompted(
        self,
        tenant_id: str,
        person_id: int,
        marks: Sequence[Mark],
        now: datetime,
        reminder: datetime | None,
    ) -> None:
        reminders = [(tenant_id, person_id, reminder)] if reminder is not None else []
        await self.mark(marks, reminders, now)

    async def mark(
        self,
        marks: Sequence[Mark],
        reminders: Sequence[tuple[str, int, datetime]],
        now: datetime,
    ) -> None:
        """Record sent prompts (the run prompted, the message's handle) and plan their
        reminders. Tried a few times: were the job to fail now, its retry would find the runs
        unmarked and have to ask the platform whether they arrived."""
        for attempt in range(MARK_ATTEMPTS):
            try:
                async with self.database.session() as session:
                    sent = [(mark.run_id, mark.prompt_id, mark.ref) for mark in marks]
                    await WaveStore(session).mark_prompted(sent, now)
                    await upsert_jobs(session, REMINDER, reminders)
                return
            except Exception:
                if attempt + 1 == MARK_ATTEMPTS:
                    raise
                log.warning("could not record sent prompts yet; trying again", exc_info=True)
                await asyncio.sleep(0.25 * 2**attempt)

    async def presence(self, due: Sequence[tuple[str, int]], now: datetime) -> dict[int, Presence]:
        """What is known of (tenant id, person id) pairs falling due: away, or up to date."""
        return await presence_of(self.database, due, now)

    async def remind(
        self, tenant_id: str, person_id: int, due_at: datetime, now: datetime
    ) -> datetime | None:
        """One nudge, if the check-in is still open and unanswered; then the job is done. In
        the person's quiet hours it waits for them to end (the job comes back then); turned
        off, it isn't sent."""
        async with self.database.session() as session:
            store = Store(session)
            person = await store.person(tenant_id, person_id)
            tenant = await store.tenant(tenant_id)
            if person is None or tenant is None:
                return None
            flow = CheckinFlow(store, person, settings_of(tenant), now)
            run = await flow.active_run()
            if run is None or run.prompted_at is None or run.reminded_at is not None:
                return None
            if person.away_until is not None and person.away_until > now:
                return None  # their status says they're away: no nudge
            gate = verdict(person, tenant, (Kind.REMINDERS.value,), now)
            if gate == DROP:
                return None
            if isinstance(gate, datetime):
                return gate if gate < run.period_end else None
            identity = self.identity_for(await store.identities_of(person))
            if identity is None:
                return None
            language = language_for(person, tenant)  # the nudge is written in theirs
            with speaking(language):
                nudge = _("A quick nudge: your check-in for the week of {week} is waiting.")
                week = friendly_day(run.period_label)
                messages = await flow.ask_next(run, intro=nudge.format(week=week))
            run.reminded_at = now
            store.keep(run)
            actor = Actor(identity.platform, tenant.external_id, identity.external_user_id)
        with speaking(language):
            await self.engine.send(actor, messages)
        return None

    async def close_ended(self, now: datetime) -> int:
        """The sweep: runs whose period ended are missed, whether or not a prompt opened the
        next period. Returns how many."""
        async with self.database.session() as session:
            return await WaveStore(session).miss_ended_runs(now)

    async def ensure_jobs(self, now: datetime, limit: int = 5000) -> int:
        """Give everyone without a scheduled prompt their next one. Returns how many."""
        added = 0
        async with self.database.session() as session:
            store = Store(session)
            people = await people_without_job(session, PROMPT, limit)
            settings: dict[str, OrgSettings] = {}
            for person in people:
                if person.tenant_id not in settings:
                    tenant = await store.tenant(person.tenant_id)
                    settings[person.tenant_id] = settings_of(tenant) if tenant else OrgSettings()
                due = next_opening(person, settings[person.tenant_id], now)
                if await add_job(session, person.tenant_id, PROMPT, person.id or 0, due):
                    added += 1
        return added
