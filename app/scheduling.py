"""The scheduler wired to the engine: which handler runs which kind of job."""

from __future__ import annotations

import logging
import os
from datetime import datetime

from bot.checkins.scheduled import PROMPT, REMINDER, ScheduledCheckins
from bot.core.ports import ListsAccounts
from bot.digests.channels import DIGEST
from bot.digests.scheduled import ScheduledDigests
from bot.engine import Engine
from bot.feedback.flow import FEEDBACK_CLOSE, FEEDBACK_REMINDER
from bot.feedback.scheduled import ScheduledFeedback
from bot.goals.scheduled import ScheduledGoals
from bot.housekeeping.scheduled import HOUSEKEEPING, ScheduledHousekeeping
from bot.notify.away_now import StatusAhead
from bot.notify.scheduled import HELD, ScheduledHeld
from bot.oneonones.scheduled import ScheduledOneOnOnes
from bot.oneonones.setup import ONEONONE
from bot.org.scheduled import ORG_SYNC, ScheduledOrgSync
from bot.pulse.flow import PULSE_CLOSE, PULSE_REMINDER, PULSE_ROUND
from bot.pulse.scheduled import ScheduledPulse
from bot.reviews.scheduled import REVIEW_REMINDERS, ScheduledReviews
from scheduler.due import Due, Handler
from scheduler.runner import Scheduler

log = logging.getLogger(__name__)


def build_scheduler(engine: Engine, tick_seconds: float | None = None) -> Scheduler:
    checkins = ScheduledCheckins(engine)
    feedback = ScheduledFeedback(engine)
    pulse = ScheduledPulse(engine)
    digests = ScheduledDigests(engine)
    oneonones = ScheduledOneOnOnes(engine)
    reviews = ScheduledReviews(engine)
    held = ScheduledHeld(engine)
    housekeeping = ScheduledHousekeeping(engine.database, engine.clock)

    async def prompt(due: Due, now: datetime) -> datetime | None:
        return await checkins.prompt(due.tenant_id, due.subject_id, due.due_at, now, claim=due)

    async def remind(due: Due, now: datetime) -> datetime | None:
        return await checkins.remind(due.tenant_id, due.subject_id, due.due_at, now)

    seconds = tick_seconds or float(os.environ.get("CHECKIN_TICK_SECONDS") or 10)
    handlers: dict[str, Handler] = {
        PROMPT: prompt,
        REMINDER: remind,
        FEEDBACK_REMINDER: feedback.remind,
        FEEDBACK_CLOSE: feedback.close,
        PULSE_ROUND: pulse.open_round,
        PULSE_REMINDER: pulse.remind,
        PULSE_CLOSE: pulse.close,
        DIGEST: digests.post,
        ONEONONE: oneonones.step,
        REVIEW_REMINDERS: reviews.remind,
        HELD: held.release,
        HOUSEKEEPING: housekeeping.run,
    }
    # The daily directory sync, where a platform's directory can be read (bot/org/scheduled.py).
    directory = engine.identities.directory
    syncs = (
        ScheduledOrgSync(engine.database, directory, engine.clock)
        if isinstance(directory, ListsAccounts)
        else None
    )
    if syncs is not None:
        handlers[ORG_SYNC] = syncs.run
    scheduler = Scheduler(
        engine.database,
        handlers,
        batch_handlers={PROMPT: checkins.prompt_many},
        clock=engine.clock.now,
        tick_seconds=seconds,
    )

    async def plan() -> int:
        added = await checkins.ensure_jobs(engine.clock.now())
        if added:
            log.info("scheduled the first check-in of %d people", added)
        return added

    async def close() -> int:
        closed = await checkins.close_ended(engine.clock.now())
        if closed:
            log.info("%d check-ins whose period ended were missed", closed)
        return closed

    goals = ScheduledGoals(engine)

    async def nudge() -> int:
        sent = await goals.nudge(engine.clock.now())
        if sent:
            log.info("sent %d quarter nudges (close-outs, goals to set)", sent)
        return sent

    statuses = StatusAhead(engine.database, engine.statuses, engine.clock, (PROMPT, REMINDER))
    scheduler.maintenance.extend([plan, close, nudge, statuses.look, housekeeping.plan])
    scheduler.settle.append(statuses.settled)
    if syncs is not None:
        scheduler.maintenance.append(syncs.plan)
    return scheduler
