"""What an answer stores: a key result's new value or confidence (with its history), the
answer itself, and, when the check-in is submitted, the blocker its manager hears of."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.checkins import questions as q
from bot.checkins.blockers import blocker_in
from bot.checkins.cadence import friendly_day
from bot.checkins.interpret import Reading, Said
from bot.checkins.parsing import Skipped, Value
from bot.core.i18n import catalog, speaking_to
from bot.core.messages import Text
from bot.core.outcome import Notice
from bot.goals.progress import progress
from bot.notify.policy import Kind
from storage.models import CheckinRun, KeyResult, Person
from storage.repository import Store
from storage.settings import OrgSettings

_, ngettext = catalog("bot.checkins")


class Recording:
    def __init__(
        self,
        store: Store,
        person: Person,
        settings: OrgSettings,
        now: datetime,
        notices: list[Notice],
    ) -> None:
        self.store = store
        self.person = person
        self.settings = settings
        self.now = now
        self.notices = notices  # the flow's: messages for others, sent after the commit

    async def record(
        self, run: CheckinRun, question: Mapping[str, Any], outcome: Reading, kr: KeyResult | None
    ) -> None:
        key, kind, store, now = question["key"], question["kind"], self.store, self.now
        if isinstance(outcome, Skipped):
            await store.save_answer(run, key, skipped=True, when=now)
        elif kind in (q.KR_VALUE, q.KR_CONFIDENCE) and kr is not None:
            if isinstance(outcome, Value):
                is_value = kind == q.KR_VALUE
                await store.change_key_result(
                    kr,
                    value=outcome.number if is_value else None,
                    confidence=None if is_value else int(outcome.number),
                    author_id=self.person.id,
                    run_id=run.id,
                    source="checkin",
                    when=now,
                )
            number = kr.current if kind == q.KR_VALUE else kr.confidence
            await store.save_answer(run, key, number=number, when=now)
            if kind == q.KR_VALUE and isinstance(outcome, Value) and _reached(kr):
                await self._certain(run, kr)
        elif isinstance(outcome, Value):
            await store.save_answer(run, key, number=outcome.number, when=now)
        elif isinstance(outcome, Said):
            await store.save_answer(run, key, text=outcome.text, when=now)

    async def _certain(self, run: CheckinRun, kr: KeyResult) -> None:
        """A key result that reached its target needs no confidence question: it's a 10."""
        key = f"kr:{kr.id}:confidence"
        if find_question(run, key) is None:
            return
        await self.store.change_key_result(
            kr,
            confidence=10,
            author_id=self.person.id,
            run_id=run.id,
            source="checkin",
            when=self.now,
        )
        await self.store.save_answer(run, key, number=10, when=self.now)

    async def submit(self, run: CheckinRun) -> None:
        first_time = run.submitted_at is None
        run.status = "submitted"
        run.submitted_at = self.now
        self.store.keep(run)
        if first_time:
            await self._tell_manager_of_blockers(run)

    async def _tell_manager_of_blockers(self, run: CheckinRun) -> None:
        """A blocker reaches the manager as it is reported, unless they read them weekly."""
        if self.person.manager_id is None:
            return
        answer = (await self.store.answers(run)).get("blockers")
        blocker = blocker_in(answer.text) if answer is not None and not answer.skipped else None
        if blocker is None:
            return
        manager = await self.store.person(self.person.tenant_id, self.person.manager_id)
        if manager is None:
            return  # a manager who keeps blockers for the weekly view turned the kind off
        who = self.person.name or self.person.email
        # Written in the manager's language, not the reporter's.
        with speaking_to(manager, await self.store.tenant(self.person.tenant_id)):
            text = _(
                "{who} reported a blocker in their check-in for the week of {week}: “{blocker}”\n"
                "(checkin team shows your team's week; checkin blockers weekly keeps these for "
                "it.)"
            ).format(who=who, week=friendly_day(run.period_label), blocker=blocker)
        alert = (Kind.BLOCKER_ALERTS.value,)
        self.notices.append(Notice(self.person.manager_id, [Text(text)], alert))


def _reached(kr: KeyResult) -> bool:
    return progress(kr.kind, kr.start, kr.target, kr.current) >= 1.0


def find_question(run: CheckinRun, key: str) -> Mapping[str, Any] | None:
    return next((question for question in run.questions if question["key"] == key), None)
