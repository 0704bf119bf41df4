"""The scheduler's handler for messages held by someone's quiet hours: once they end, each is
sent once, unless what it was about no longer needs saying (a reminder for a check-in that
closed meanwhile); what is still quiet then (the person changed their hours) waits again."""

from __future__ import annotations

from datetime import datetime

from bot.core.outcome import Notice
from bot.core.ports import Sender
from bot.notify.codec import decoded
from scheduler.due import Due
from storage.held import next_release, still_current, take_due

HELD = "held_messages"  # one job per person: their held messages' next release


class ScheduledHeld:
    def __init__(self, engine: Sender) -> None:
        self.engine = engine

    async def release(self, due: Due, now: datetime) -> datetime | None:
        async with self.engine.database.session() as session:
            rows = await take_due(session, due.subject_id, now)
            notices = [
                Notice(row.person_id, decoded(row.messages), tuple(row.kinds), row.purpose)
                for row in rows
                if await still_current(session, row.purpose, now)
            ]
            following = await next_release(session, due.subject_id)
        await self.engine.notify(due.tenant_id, notices)
        return following
