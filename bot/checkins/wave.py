"""A wave: a claimed batch of check-ins due at the same minute, opened together in a few
statements and sent side by side, each recorded as the platform takes it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.checkins import questions as q
from bot.checkins.cadence import Period, person_cadence
from bot.checkins.opening import Late, Suppressed, due_now, first_prompt, new_run_row
from bot.checkins.prompting import Mark, Prompter
from bot.core.events import Actor
from bot.core.i18n import language_for, speaking
from bot.core.messages import Message
from bot.notify.away import Presence
from scheduler.due import ClaimLost, Due, Fence, NextDue
from storage.checkins import waiting_prompt_row
from storage.jobs import hold
from storage.models import Person, PlatformIdentity, Tenant
from storage.settings import OrgSettings, settings_of
from storage.waves import WaveStore

log = logging.getLogger(__name__)

SENDERS = 32  # prompts in flight at once per batch; the platform pacers do the rest
Outcomes = dict[int, NextDue]
Known = dict[int, Presence]  # what is known of people as they fall due (away, up to date)


@dataclass(frozen=True)
class _Fresh:
    """A person due now with no run yet for the period: the common case in a wave."""

    due: Due
    person: Person
    tenant: Tenant
    settings: OrgSettings
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
    held: Fence
    language: str  # the person's: the prompt was written in it, and is sent in it


@dataclass(frozen=True)
class _Delivered:
    ready: _Ready
    ref: dict[str, Any] | None


class Wave:
    def __init__(self, prompter: Prompter, senders: int = SENDERS) -> None:
        self.prompter = prompter
        self.senders = senders

    async def prompt(self, dues: Sequence[Due], now: datetime) -> dict[int, NextDue]:
        """A claimed batch of prompts at once. The bookkeeping is done for the whole batch in
        a few statements (a wave of thousands is all due at the same minute), and only the
        sends are per person. Anyone out of the ordinary (a run already there, a pause or
        holiday to record) goes through `prompt`, one at a time."""
        outcomes: dict[int, NextDue] = {}
        lost: list[int] = []
        known = await self.prompter.presence([(d.tenant_id, d.subject_id) for d in dues], now)
        ready, unusual = await self._open_fresh(dues, now, outcomes, lost, known)
        slots = asyncio.Semaphore(self.senders)

        async def one_by_one(due: Due) -> None:
            async with slots:
                if not await due.held():
                    lost.append(due.job_id)
                    return
                try:
                    outcomes[due.job_id] = await self.prompter.prompt(
                        due.tenant_id, due.subject_id, due.due_at, now, due, known
                    )
                except ClaimLost:
                    lost.append(due.job_id)
                except Exception as error:
                    log.warning("a scheduled prompt failed", exc_info=True)
                    outcomes[due.job_id] = error

        sends = self._send_all(ready, slots, outcomes, now, lost)
        await asyncio.gather(sends, *map(one_by_one, unusual))
        if lost:
            log.warning(
                "%d prompts of a batch not sent: their claim was lost (the lease ran out and "
                "another replica took them over)",
                len(lost),
            )
        return outcomes

    async def _open_fresh(
        self, dues: Sequence[Due], now: datetime, outcomes: Outcomes, lost: list[int], known: Known
    ) -> tuple[list[_Ready], list[Due]]:
        """Open the batch's new runs and first questions, committed before anything is sent,
        and only for the claims still held (checked and held in the same transaction). Fills
        `outcomes` for the jobs with nothing to send, and `lost` with the claims lost."""
        unusual: list[Due] = []
        async with self.prompter.database.session() as session:
            wave = WaveStore(session)
            fresh = await self._sort(wave, dues, now, outcomes, unusual, known)
            fresh = await self._still_held(session, fresh, now, lost)
            if not fresh:
                return [], unusual
            ids = [f.person.id or 0 for f in fresh]
            await wave.miss_expired_runs(ids, now)
            taken = await wave.runs_present(ids, {f.period.start for f in fresh})
            unusual.extend(f.due for f in fresh if (f.person.id, f.period.start) in taken)
            fresh = [f for f in fresh if (f.person.id, f.period.start) not in taken]
            owned = await wave.key_results_by_owner(ids)
            languages = [language_for(f.person, f.tenant) for f in fresh]
            runs = []
            for f, language in zip(fresh, languages, strict=True):
                with speaking(language):  # the run's example answers are written in theirs
                    mine = owned.get(f.person.id or 0, [])
                    runs.append(new_run_row(f.person, f.period, mine, f.settings, now))
            run_ids = await wave.insert_runs([run.values for run in runs])
            ready: list[_Ready] = []
            prompts: list[dict[str, Any]] = []
            for f, run, language in zip(fresh, runs, languages, strict=True):
                run_id = run_ids.get(f.person.id or 0)
                if run_id is None:  # someone started this very check-in a moment ago
                    unusual.append(f.due)
                    continue
                index = q.next_question(run.questions, {}, run.values["round"])
                assert index is not None, "a fresh check-in always has questions"
                question = run.questions[index]
                prompts.append(
                    waiting_prompt_row(
                        f.due.tenant_id, run_id, question["key"], run.values["round"], now
                    )
                )
                prompt_id = prompts[-1]["id"]
                krs = {kr.id: kr for kr in owned.get(f.person.id or 0, [])}
                with speaking(language):
                    message = first_prompt(run, index, prompt_id, krs.get(question.get("kr_id")))
                actor = Actor(
                    f.identity.platform, f.tenant.external_id, f.identity.external_user_id
                )
                ready.append(
                    _Ready(
                        f.due.job_id,
                        f.due.tenant_id,
                        f.person.id or 0,
                        run_id,
                        actor,
                        message,
                        prompt_id,
                        f.following,
                        self.prompter.reminder_at(f.person, f.settings, now),
                        f.due.held,
                        language,
                    )
                )
            await wave.insert_prompts(prompts)
        return ready, unusual

    @staticmethod
    async def _still_held(
        session: AsyncSession, fresh: list[_Fresh], now: datetime, lost: list[int]
    ) -> list[_Fresh]:
        """The fencing check: of these, the ones whose claim holds, held until the runs are
        committed; the rest go to `lost`. Dues from outside a scheduler carry no claim."""
        owners = {f.due.owner for f in fresh if f.due.owner}
        if not owners:
            return fresh
        (owner,) = owners  # a batch is one replica's claim
        held = await hold(session, [f.due.job_id for f in fresh], owner, now)
        lost.extend(f.due.job_id for f in fresh if f.due.job_id not in held)
        return [f for f in fresh if f.due.job_id in held]

    async def _sort(
        self,
        wave: WaveStore,
        dues: Sequence[Due],
        now: datetime,
        outcomes: Outcomes,
        unusual: list[Due],
        known: Known,
    ) -> list[_Fresh]:
        """The batch's people, tenants and identities in three queries; those with nothing to
        send get their outcome here, the unusual go to `unusual`, the rest come back."""
        ids = [due.subject_id for due in dues]
        people = await wave.people(ids)
        tenants = await wave.tenants({due.tenant_id for due in dues})
        identities = await wave.reachable_identities(ids)
        settings_by_tenant = {tenant_id: settings_of(t) for tenant_id, t in tenants.items()}
        fresh: list[_Fresh] = []
        for due in dues:
            person, tenant = people.get(due.subject_id), tenants.get(due.tenant_id)
            if person is None or tenant is None or not person.active:
                outcomes[due.job_id] = None
                continue
            if person.tenant_id != due.tenant_id:
                outcomes[due.job_id] = None  # a job must never reach across tenants
                continue
            settings = settings_by_tenant[due.tenant_id]
            cadence = person_cadence(person, settings)
            when = due_now(person, settings, cadence, due.due_at, now, known.get(due.subject_id))
            found = identities.get(due.subject_id)
            identity = self.prompter.identity_for([found] if found is not None else [])
            if isinstance(when, Late | Suppressed):
                unusual.append(due)  # the passed periods or the skip are recorded one by one
            elif identity is None or identity.tenant_id != due.tenant_id:
                outcomes[due.job_id] = when.following
            else:
                fresh.append(
                    _Fresh(due, person, tenant, settings, identity, when.period, when.following)
                )
        return fresh

    async def _send_all(
        self,
        ready: list[_Ready],
        slots: asyncio.Semaphore,
        outcomes: dict[int, NextDue],
        now: datetime,
        lost: list[int],
    ) -> None:
        """Send every prompt, at most `senders` at once, and record each as the platform takes
        it: a writer commits whatever has arrived since its last write (a group commit), so the
        time between the platform's answer and the mark stays short without a write per send."""
        taken: list[_Delivered] = []
        arrived = asyncio.Event()
        sending = True

        async def send(item: _Ready) -> None:
            async with slots:
                if not await item.held():
                    lost.append(item.job_id)
                    return
                with speaking(item.language):
                    sent = await self.prompter.engine.post(item.actor, item.message)
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
                        marks = [Mark(d.ready.run_id, d.ready.prompt_id, d.ref) for d in chunk]
                        await self.prompter.mark(marks, reminders, now)
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
