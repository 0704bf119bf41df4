"""The quarter's two nudges, each sent once per person in their own time zone and working
hours: in its last week, owners get the close-out of their open objectives; in its first week,
people with no goals for it are asked to set some.

The scheduler runs `nudge` with its upkeep on every tick. Away from a quarter's edges it reads
nothing; near them, it looks at most every few minutes, and sends at most a batch at a time, off
the tick, so a quarter's first morning never holds up the check-ins due then. Each nudge is
claimed by a row before it is sent, so two replicas never both send it."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from babel.dates import format_date

from bot.command_table import COMMAND_TABLE
from bot.core.commands import Context
from bot.core.i18n import catalog, current, speaking_to
from bot.core.messages import Message, Text
from bot.core.outcome import Notice
from bot.goals.closing import close_form
from bot.goals.editing import Goals
from bot.goals.periods import CLOSE_OUT_DAYS, SET_UP_DAYS, Quarter, local_now, quarter_of_day
from storage.goal_nudges import CLOSE, SET, GoalNudges
from storage.models import Person, Tenant
from storage.repository import Store

if TYPE_CHECKING:
    from bot.engine import Engine

_, ngettext = catalog("bot.goals")

SCAN_EVERY = timedelta(minutes=5)
BACKLOG_SCAN_EVERY = timedelta(minutes=1)  # when the last batch was full
BATCH = 100  # nudges per look
WORKING_HOURS = range(9, 18)  # local hours a nudge may arrive in
SLACK = timedelta(days=1)  # a zone's date is at most a day from UTC's


class ScheduledGoals:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._next_scan: datetime | None = None
        self._sending: asyncio.Task[int] | None = None

    async def nudge(self, now: datetime) -> int:
        """The scheduler's upkeep: starts sending the nudges due now in the background, unless
        the last batch is still going out; how many batches were started (0 or 1)."""
        if self._sending is not None and not self._sending.done():
            return 0
        if self._next_scan is not None and now < self._next_scan:
            return 0
        self._sending = asyncio.create_task(self.send_due(now))
        return 1

    async def settled(self) -> int:
        """Waits for the batch going out, if one is; how many it sent."""
        return await self._sending if self._sending is not None else 0

    async def send_due(self, now: datetime) -> int:
        """Send up to a batch of the nudges due now; how many were sent."""
        sent = 0
        edges = [(q, CLOSE) for q in _closing_quarters(now)]
        edges += [(q, SET) for q in _starting_quarters(now)]
        for quarter, kind in edges:
            sent += await self._send(quarter, kind, now, BATCH - sent)
        self._next_scan = now + (BACKLOG_SCAN_EVERY if sent >= BATCH else SCAN_EVERY)
        return sent

    async def _send(self, quarter: Quarter, kind: str, now: datetime, room: int) -> int:
        if room <= 0:
            return 0
        by_tenant: dict[str, list[Notice]] = {}
        async with self.engine.database.session() as session:
            nudges, store = GoalNudges(session), Store(session)
            people = (
                await nudges.owners_to_close(quarter.label)
                if kind == CLOSE
                else await nudges.people_without_goals(quarter.label)
            )
            tenants: dict[str, Tenant | None] = {}
            for person in people:
                if sum(len(n) for n in by_tenant.values()) >= room:
                    break
                if person.tenant_id not in tenants:
                    tenants[person.tenant_id] = await store.tenant(person.tenant_id)
                tenant = tenants[person.tenant_id]
                if tenant is None or not _due(person, tenant, quarter, kind, now):
                    continue
                if not await nudges.claim(person, quarter.label, kind, now):
                    continue
                ctx = Context(store, tenant, person, now, tenant.platform, COMMAND_TABLE)
                with speaking_to(person, tenant):
                    messages = await _messages(Goals(ctx), quarter, kind)
                by_tenant.setdefault(tenant.id, []).append(Notice(person.id or 0, messages))
        for tenant_id, notices in by_tenant.items():
            await self.engine.notify(tenant_id, notices)
        return sum(len(notices) for notices in by_tenant.values())


def _due(person: Person, tenant: Tenant, quarter: Quarter, kind: str, now: datetime) -> bool:
    """In the person's own zone: the quarter's last (or first) week, in working hours."""
    local = local_now(person, tenant, now)
    day = local.date()
    in_week = quarter.in_last_week(day) if kind == CLOSE else quarter.in_first_week(day)
    return in_week and local.hour in WORKING_HOURS


async def _messages(goals: Goals, quarter: Quarter, kind: str) -> list[Message]:
    if kind == CLOSE:
        intro = _(
            "{quarter} ends on {day}. Close your objectives: each key result's final value and a "
            "grade from 0.0 to 1.0, one line on what you learned, and whether to carry it over. "
            "(goals close opens this again.)"
        ).format(quarter=quarter.label, day=_long_day(quarter.last_day))
        form = await close_form(goals, quarter)
        return [Text(intro), *([form] if form is not None else [])]
    intro = _(
        "{quarter} has begun and you have no goals for it yet. goals add sets one with a form, "
        'or on one line: goals add "…" (goals tree shows what the company and your team aim for).'
    ).format(quarter=quarter.label)
    return [Text(intro)]


# A day written out, per language: "Tuesday 31 March", "Dienstag, 31. März", "martes 31 de marzo".
_LONG_DAYS = {"de": "EEEE, d. MMMM", "es": "EEEE d 'de' MMMM"}


def _long_day(day: date) -> str:
    language = current()
    return format_date(day, format=_LONG_DAYS.get(language, "EEEE d MMMM"), locale=language)


def _closing_quarters(now: datetime) -> list[Quarter]:
    """Quarters some zone may be in the last week of."""
    found = []
    for day in {(now - SLACK).date(), now.date(), (now + SLACK).date()}:
        quarter = quarter_of_day(day)
        if quarter.last_day - timedelta(days=CLOSE_OUT_DAYS) < day and quarter not in found:
            found.append(quarter)
    return found


def _starting_quarters(now: datetime) -> list[Quarter]:
    """Quarters some zone may be in the first week of."""
    found = []
    for day in {(now - SLACK).date(), now.date(), (now + SLACK).date()}:
        quarter = quarter_of_day(day)
        if day < quarter.first_day + timedelta(days=SET_UP_DAYS) and quarter not in found:
            found.append(quarter)
    return found
