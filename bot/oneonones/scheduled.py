"""The scheduler's handler for a 1:1: a day before each meeting, both get the agenda so far and a
nudge to add points; at the time, the agenda; an hour after, a prompt for action items. Then the
next meeting. Each step is marked before it is sent, so a step is sent once whichever replica
runs it, and a step whose moment passed (the server was down) is skipped, not sent late."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from bot.core.i18n import catalog, speaking_to
from bot.core.messages import Message, Text
from bot.core.outcome import Notice
from bot.core.ports import Sender
from bot.notify.policy import Kind
from bot.oneonones.agenda import agenda_card, other_of, seed
from bot.oneonones.setup import NUDGE_AHEAD
from bot.oneonones.times import next_meeting, when_for, zone_of
from bot.org.tree import display_name
from scheduler.due import Due
from storage.held import ONEONONE_MEETING, about
from storage.models import OneOnOne, OneOnOneMeeting, Person, Tenant
from storage.repository import Store

AFTER = timedelta(hours=1)  # the prompt for action items
LATE = timedelta(days=1)  # after this, the prompt for action items isn't sent

_, ngettext = catalog("bot.oneonones")


class ScheduledOneOnOnes:
    def __init__(self, engine: Sender) -> None:
        self.engine = engine

    async def step(self, due: Due, now: datetime) -> datetime | None:
        notices: list[Notice] = []
        async with self.engine.database.session() as session:
            store = Store(session)
            tenant = await store.tenant(due.tenant_id)
            series = await store.oneonones.series(due.tenant_id, due.subject_id)
            if tenant is None or series is None or series.status != "active":
                return None  # stopped, declined or erased meanwhile
            # The two of them only: an org's thousands of 1:1s step through here.
            pair = [
                await store.person(tenant.id, series.starter_id),
                await store.person(tenant.id, series.other_id),
            ]
            people = {p.id: p for p in pair if p is not None and p.id is not None}
            if any(p is None or not p.active for p in pair):
                return None  # one of them left: nothing to meet about
            meeting = await store.oneonones.upcoming(series.id or 0)
            if meeting is None:
                return None
            step = _Step(store, tenant, series, meeting, people, now)
            following = await step.run(notices)
            store.keep(meeting)
        await self.engine.notify(due.tenant_id, notices)
        return following


class _Step:
    def __init__(
        self,
        store: Store,
        tenant: Tenant,
        series: OneOnOne,
        meeting: OneOnOneMeeting,
        people: dict[int, Person],
        now: datetime,
    ) -> None:
        self.store, self.tenant, self.series, self.meeting = store, tenant, series, meeting
        self.people, self.now = people, now

    async def run(self, notices: list[Notice]) -> datetime:
        meeting, now = self.meeting, self.now
        if now >= meeting.starts_at + AFTER:
            if meeting.followed_up_at is None and now < meeting.starts_at + LATE:
                notices.extend(self._to_both(self._follow_up))
            meeting.followed_up_at = now
            return await self._next_meeting()
        if now >= meeting.starts_at:
            if meeting.opened_at is None:
                meeting.opened_at = now
                await self._seed()
                notices.extend(await self._agendas(nudge=False))
            return meeting.starts_at + AFTER
        if now >= meeting.starts_at - NUDGE_AHEAD:
            if meeting.nudged_at is None:
                meeting.nudged_at = now
                await self._seed()
                notices.extend(await self._agendas(nudge=True))
            return meeting.starts_at
        return meeting.starts_at - NUDGE_AHEAD

    async def _next_meeting(self) -> datetime:
        """The meeting after this one (past any whose last step passed while the server was
        down), and when its first step is due."""
        starts = next_meeting(self.series, self.meeting.starts_at)
        while starts + LATE <= self.now:
            starts = next_meeting(self.series, starts)
        await self.store.oneonones.add_meeting(
            OneOnOneMeeting(
                tenant_id=self.tenant.id, series_id=self.series.id or 0, starts_at=starts
            )
        )
        return max(self.now, starts - NUDGE_AHEAD)

    async def _seed(self) -> None:
        await seed(self.store, self.tenant, self.series, self.meeting, self.people, self.now)

    async def _agendas(self, *, nudge: bool) -> list[Notice]:
        """The agenda so far, to each of the two in their own language: a day before with a
        nudge to add points (`nudge`), or as the meeting starts."""
        notices = []
        for person in self._pair():
            other = self.people[other_of(self.series, person.id or 0)]
            with speaking_to(person, self.tenant):
                at = when_for(self.meeting.starts_at, zone_of(self.tenant, person))
                if nudge:
                    line = _(
                        "Your 1:1 with {other} is tomorrow ({when}). The agenda so far: add a "
                        "point with 1on1 add {handle} …"
                    )
                else:
                    line = _("Your 1:1 with {other} starts now ({when}). The agenda so far:")
                said = line.format(other=display_name(other), when=at, handle=other.email)
                card = await agenda_card(
                    self.store, self.tenant, self.series, self.meeting, person, self.people
                )
            kinds = (Kind.ONEONONE_NUDGES.value,) if nudge else ()
            before = about(ONEONONE_MEETING, self.meeting.id)
            notices.append(Notice(person.id or 0, [Text(said), card], kinds, before))
        return notices

    def _follow_up(self, person: Person) -> list[Message]:
        other = self.people[other_of(self.series, person.id or 0)]
        how = _(
            "How was your 1:1 with {other}? Note what you agreed as action items: "
            "1on1 action {handle} send the draft by friday. They carry over to the next agenda "
            "until done."
        )
        return [Text(how.format(other=display_name(other), handle=other.email))]

    def _to_both(self, messages: Callable[[Person], list[Message]]) -> list[Notice]:
        """The same notice to each of the two, written in their own language."""
        notices = []
        for person in self._pair():
            with speaking_to(person, self.tenant):
                nudge = (Kind.ONEONONE_NUDGES.value,)
                notices.append(Notice(person.id or 0, messages(person), nudge))
        return notices

    def _pair(self) -> list[Person]:
        return [self.people[self.series.starter_id], self.people[self.series.other_id]]
