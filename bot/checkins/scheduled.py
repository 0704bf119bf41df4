"""What happens when a check-in falls due: the prompt, the one reminder, and the arithmetic of
when each person's next prompt is (in their zone, around pauses, skips and holidays)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from bot.checkins import questions as q
from bot.checkins.cadence import Period, friendly_day, person_cadence
from bot.checkins.flow import CheckinFlow
from bot.checkins.opening import (
    Late,
    Suppressed,
    due_now,
    new_run,
    next_opening,
    question_message,
    scheduled_intro,
)
from bot.core.events import Actor
from bot.core.messages import Message
from bot.core.ports import Sender
from scheduler.due import Due, Outcome
from storage.checkins import new_prompt_id
from storage.jobs import add_job, people_without_job, upsert_jobs
from storage.models import (
    PendingPrompt,
    Person,
    PlatformIdentity,
    Tenant,
)
from storage.repository import Store
from storage.waves import WaveStore

log = logging.getLogger(__name__)

PROMPT = "checkin_prompt"
REMINDER = "checkin_reminder"
DEFAULT_REMINDER_HOURS = 4
MARK_ATTEMPTS = 4  # about 2 s in all: outlasts a busy SQLite writer or a dropped connection
SENDERS = 32  # prompts in flight at once per batch; the platform pacers do the rest


@dataclass(frozen=True)
class _Fresh:
    """A person due now with no run yet for the period: the common case in a wave."""

    due: Due
    person: Person
    tenant: Tenant
    identity: PlatformIdentity
    period: Period
    following: datetime


@dataclass(frozen=True)
class _Ready:
    """A prompt opened and committed (run, waiting question, `sending_at`), ready to send."""

    job_id: int
    tenant_id: str
    person_id: int
    run_id: int
    actor: Actor
    message: Message
    prompt_id: str
    following: datetime
    reminder: datetime | None


@dataclass(frozen=True)
class _Delivered:
    ready: _Ready
    ref: dict[str, Any] | None


@dataclass(frozen=True)
class _Mark:
    """A prompt the platform took: its run, its question's id and the platform's handle."""

    run_id: int
    prompt_id: str
    ref: dict[str, Any] | None


def _prompt_id(message: Message) -> str:
    return str(getattr(message, "prompt_id", ""))


class ScheduledCheckins:
    """The scheduler's handlers for check-ins; the engine does the talking."""

    def __init__(self, engine: Sender, senders: int = SENDERS) -> None:
        self.engine = engine
        self.database = engine.database
        self.senders = senders

    # -- one person ----------------------------------------------------------------------------

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
            due = due_now(person, tenant.settings, flow.cadence, due_at, now)
            if isinstance(due, Late):
                # Down for the whole period: too late for it; catch up with the current one.
                return due.next_due
            period, following = due.period, due.following
            if isinstance(due, Suppressed):
                await flow.skip(period)
                return following
            if identity is None:
                return following  # nobody to send to yet; they'll get the next one
            prepared = await flow.prompt_for(period)
            if prepared is None:
                return following
            run, messages = prepared
            # A send began before, and nobody recorded its end: the process died in between.
            in_doubt = run.sending_at
            answered = in_doubt is not None and bool(await store.answers(run))
            if in_doubt is None:
                run.sending_at = now
                session.add(run)
            run_id, external = run.id or 0, tenant.external_id
            actor = Actor(identity.platform, external, identity.external_user_id)
            reminder = self._reminder(person, tenant, now)
        if in_doubt is not None:
            # The person answering proves the prompt arrived; otherwise ask the platform
            # (it raises when it can't answer, and the job is tried again later).
            ref = None if answered else await self.engine.find_sent(actor, messages[0], in_doubt)
            if answered or ref is not None:
                log.info("a prompt in doubt had arrived; not sending it again")
                marks = [_Mark(run_id, _prompt_id(messages[0]), ref)]
                await self._mark_prompted(tenant_id, person_id, marks, now, reminder)
                return following
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
        marks = [_Mark(run_id, "", None)]  # engine.send saved the message's handle
        await self._mark_prompted(tenant_id, person_id, marks, now, reminder)
        return following

    @staticmethod
    def _reminder(person: Person, tenant: Tenant, now: datetime) -> datetime | None:
        if not person.reminders:
            return None
        hours = float(tenant.settings.get("reminder_hours", DEFAULT_REMINDER_HOURS))
        return now + timedelta(hours=hours)

    async def _mark_prompted(
        self,
        tenant_id: str,
        person_id: int,
        marks: Sequence[_Mark],
        now: datetime,
        reminder: datetime | None,
    ) -> None:
        reminders = [(tenant_id, person_id, reminder)] if reminder is not None else []
        await self._mark(marks, reminders, now)

    async def _mark(
        self,
        marks: Sequence[_Mark],
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

    # -- a wave ------------------------------------------------------------------------------

    async def prompt_many(self, dues: Sequence[Due], now: datetime) -> dict[int, Outcome]:
        """A claimed batch of prompts at once. The bookkeeping is done for the whole batch in
        a few statements (a wave of thousands is all due at the same minute), and only the
        sends are per person. Anyone out of the ordinary (a run already there, a pause or
        holiday to record) goes through `prompt`, one at a time."""
        outcomes: dict[int, Outcome] = {}
        ready, unusual = await self._open_fresh(dues, now, outcomes)
        slots = asyncio.Semaphore(self.senders)

        async def one_by_one(due: Due) -> None:
            async with slots:
                try:
                    outcomes[due.job_id] = await self.prompt(
                        due.tenant_id, due.subject_id, due.due_at, now
                    )
                except Exception as error:
                    log.warning("a scheduled prompt failed", exc_info=True)
                    outcomes[due.job_id] = error

        await asyncio.gather(self._send_all(ready, slots, outcomes, now), *map(one_by_one, unusual))
        return outcomes

    async def _open_fresh(
        self, dues: Sequence[Due], now: datetime, outcomes: dict[int, Outcome]
    ) -> tuple[list[_Ready], list[Due]]:
        """Open the batch's new runs and first questions, committed before anything is sent.
        Fills `outcomes` for the jobs with nothing to send."""
        unusual: list[Due] = []
        async with self.database.session() as session:
            wave = WaveStore(session)
            fresh = await self._sort(wave, dues, now, outcomes, unusual)
            if not fresh:
                return [], unusual
            ids = [f.person.id or 0 for f in fresh]
            await wave.miss_expired_runs(ids, now)
            taken = await wave.runs_present(ids, {f.period.start for f in fresh})
            unusual.extend(f.due for f in fresh if (f.person.id, f.period.start) in taken)
            fresh = [f for f in fresh if (f.person.id, f.period.start) not in taken]
            owned = await wave.key_results_by_owner(ids)
            runs = [
                new_run(f.person, f.period, owned.get(f.person.id or 0, []), f.tenant.settings, now,
                        sending=True)
                for f in fresh
            ]  # fmt: skip
            run_ids = await wave.insert_runs(runs)
            ready: list[_Ready] = []
            prompts: list[PendingPrompt] = []
            for f, run in zip(fresh, runs, strict=True):
                run.id = run_ids.get(f.person.id or 0)
                if run.id is None:  # someone started this very check-in a moment ago
                    unusual.append(f.due)
                    continue
                index = q.next_question(run.questions, {}, run.round)
                assert index is not None, "a fresh check-in always has questions"
                question = run.questions[index]
                prompt = PendingPrompt(
                    id=new_prompt_id(),
                    tenant_id=run.tenant_id,
                    run_id=run.id,
                    question_key=question["key"],
                    round=run.round,
                    created_at=now,
                )
                prompts.append(prompt)
                krs = {kr.id: kr for kr in owned.get(f.person.id or 0, [])}
                message = question_message(run, index, prompt.id, krs.get(question.get("kr_id")))
                actor = Actor(
                    f.identity.platform, f.tenant.external_id, f.identity.external_user_id
                )
                ready.append(
                    _Ready(
                        f.due.job_id,
                        f.due.tenant_id,
                        f.person.id or 0,
                        run.id,
                        actor,
                        replace(message, intro=scheduled_intro(run)),
                        prompt.id,
                        f.following,
                        self._reminder(f.person, f.tenant, now),
                    )
                )
            await wave.insert_prompts(prompts)
        return ready, unusual

    async def _sort(
        self,
        wave: WaveStore,
        dues: Sequence[Due],
        now: datetime,
        outcomes: dict[int, Outcome],
        unusual: list[Due],
    ) -> list[_Fresh]:
        """The batch's people, tenants and identities in three queries; those with nothing to
        send get their outcome here, the unusual go to `unusual`, the rest come back."""
        ids = [due.subject_id for due in dues]
        people = await wave.people(ids)
        tenants = await wave.tenants({due.tenant_id for due in dues})
        identities = await wave.reachable_identities(ids)
        fresh: list[_Fresh] = []
        for due in dues:
            person, tenant = people.get(due.subject_id), tenants.get(due.tenant_id)
            if person is None or tenant is None or not person.active:
                outcomes[due.job_id] = None
                continue
            if person.tenant_id != due.tenant_id:
                outcomes[due.job_id] = None  # a job must never reach across tenants
                continue
            cadence = person_cadence(person, tenant.settings)
            when = due_now(person, tenant.settings, cadence, due.due_at, now)
            identity = identities.get(due.subject_id)
            if isinstance(when, Late):
                outcomes[due.job_id] = when.next_due
            elif isinstance(when, Suppressed):
                unusual.append(due)  # the skip is recorded by the one-by-one path
            elif identity is None or identity.tenant_id != due.tenant_id:
                outcomes[due.job_id] = when.following
            else:
                fresh.append(_Fresh(due, person, tenant, identity, when.period, when.following))
        return fresh

    async def _send_all(
        self,
        ready: list[_Ready],
        slots: asyncio.Semaphore,
        outcomes: dict[int, Outcome],
        now: datetime,
    ) -> None:
        """Send every prompt, at most `senders` at once, and record each as the platform takes
        it: a writer commits whatever has arrived since its last write (a group commit), so the
        time between the platform's answer and the mark stays short without a write per send."""
        taken: list[_Delivered] = []
        arrived = asyncio.Event()
        sending = True

        async def send(item: _Ready) -> None:
            async with slots:
                sent = await self.engine.post(item.actor, item.message)
            if sent.ok:
                taken.append(_Delivered(item, sent.ref))
                arrived.set()
            elif sent.unreachable:
                outcomes[item.job_id] = item.following  # the admin sees it in the export
            else:
                outcomes[item.job_id] = RuntimeError("the platform did not take the prompt")

        async def write() -> None:
            while True:
                await arrived.wait()
                arrived.clear()
                while taken:
                    chunk = taken[:]
                    taken.clear()
                    reminders = [
                        (d.ready.tenant_id, d.ready.person_id, d.ready.reminder)
                        for d in chunk
                        if d.ready.reminder is not None
                    ]
                    try:
                        marks = [_Mark(d.ready.run_id, d.ready.prompt_id, d.ref) for d in chunk]
                        await self._mark(marks, reminders, now)
                    except Exception as error:
                        log.exception("could not record %d sent prompts", len(chunk))
                        for d in chunk:
                            outcomes[d.ready.job_id] = error
                    else:
                        for d in chunk:
                            outcomes[d.ready.job_id] = d.ready.following
                if not sending:
                    return

        writer = asyncio.create_task(write())
        try:
            await asyncio.gather(*map(send, ready))
        finally:
            sending = False
            arrived.set()
            await writer

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
