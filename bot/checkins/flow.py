"""The check-in conversation (SPEC 2.2), read top to bottom as the person sees it:
start (or resume), one question at a time, the summary; edit; the whole thing as one form.

State lives in the database: the run, its answers and the one prompt waiting. Any process can
pick up the conversation at the next unanswered question.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.checkins import questions as q
from bot.checkins.cadence import (
    Period,
    friendly_day,
    next_period,
    period_at,
    person_cadence,
)
from bot.checkins.cards import summary_card
from bot.checkins.interpret import interpret
from bot.checkins.opening import (
    SCHEDULED_HELLO,
    new_run,
    opening,
    passed_run,
    question_message,
    scheduled_intro,
    suppressed,
)
from bot.checkins.parsing import Invalid
from bot.checkins.recording import Recording, find_question
from bot.checkins.several import answer_several
from bot.core.i18n import N_, catalog
from bot.core.messages import Message, Text
from bot.core.outcome import ClosedPrompt, Notice, Outcome
from bot.core.words import listed
from storage.models import Answer, CheckinRun, KeyResult, PendingPrompt, Person
from storage.repository import Store
from storage.settings import OrgSettings

_, ngettext = catalog("bot.checkins")
PICKING_UP = N_("Picking up your check-in where you left off.")


class CheckinFlow:
    def __init__(self, store: Store, person: Person, settings: OrgSettings, now: datetime) -> None:
        self.store = store
        self.person = person
        self.settings = settings
        self.now = now
        self.cadence = person_cadence(person, settings)
        # Gathered on the way, whatever the entry point: the questions answered (their buttons
        # are retired after the commit) and messages for others (a blocker, to the manager).
        self.closed: list[ClosedPrompt] = []
        self.notices: list[Notice] = []
        self.recording = Recording(store, person, settings, now, self.notices)

    def outcome(self, replies: list[Message]) -> Outcome:
        """The replies, with what the conversation gathered on the way."""
        return Outcome(replies, list(self.notices), list(self.closed))

    # -- starting ----------------------------------------------------------------------------

    async def start(self) -> list[Message]:
        """`checkin now`: resume this period's check-in, or start it (early if need be)."""
        await self._close_expired()
        period = period_at(self.cadence, self.now)
        run = await self.store.run_for_period(self.person, period.start)
        if run is not None and run.status == "submitted":
            upcoming = next_period(self.cadence, period)
            early = await self.store.run_for_period(self.person, upcoming.start)
            if early is not None and early.status == "submitted":
                said = _(
                    "You've already checked in for this period and the next one ({day}). "
                    "Type checkin edit to change answers."
                )
                return [Text(said.format(day=friendly_day(upcoming.label)))]
            run = early or await self._open(upcoming)
        elif run is None:
            run = await self._open(period)
        if run.status != "open":
            run.status = "open"
            self.store.keep(run)
        return await self.ask_next(run, intro=await self._intro(run))

    async def prompt_for(self, period: Period) -> tuple[CheckinRun, list[Message]] | None:
        """The scheduled prompt for `period`; None when there's nothing to send (the person
        started early and finished, skipped it, or was prompted already)."""
        await self._close_expired()
        run = await self.store.run_for_period(self.person, period.start)
        if run is not None and (
            run.prompted_at is not None or run.status in ("submitted", "skipped", "missed")
        ):
            return None
        if run is not None and _started_since(run, period):
            return None  # they typed checkin now after the opening: already answering it
        if run is None:
            run = await self._open(period)
        run.status = "open"
        self.store.keep(run)
        answers = await self.store.answers(run)
        if any(answer.round == run.round for answer in answers.values()):
            intro = f"{_(SCHEDULED_HELLO)} {_(PICKING_UP)}"
        else:
            intro = scheduled_intro(run)
        return run, await self.ask_next(run, intro=intro)

    async def record_passed(self, periods: Sequence[Period]) -> None:
        """Periods that ended while no one could prompt them: recorded as missed (or skipped),
        so that the record shows the gap instead of hiding it. A run already there stays."""
        for period in periods:
            await self.store.create_run(passed_run(self.person, self.settings, period))

    async def skip(self, period: Period) -> CheckinRun:
        """Mark `period` skipped, creating its run if need be."""
        run = await self.store.run_for_period(self.person, period.start) or await self._open(period)
        run.status = "skipped"
        self.store.keep(run)
        return run

    async def _open(self, period: Period) -> CheckinRun:
        key_results = await self.store.key_results_owned_by(self.person)
        run = new_run(self.person, period, key_results, self.settings, self.now)
        return await self.store.create_run(run)

    async def _intro(self, run: CheckinRun) -> str:
        answers = await self.store.answers(run)
        if any(answer.round == run.round for answer in answers.values()):
            return _(PICKING_UP)
        return opening(run)

    async def status_line(self) -> str:
        """Where this period's check-in stands, in one sentence."""
        await self._close_expired()
        period = period_at(self.cadence, self.now)
        upcoming = friendly_day(self._next_prompted(period).label)
        run = await self.store.run_for_period(self.person, period.start)
        week = friendly_day(period.label)
        if run is None or run.status in ("pending", "skipped"):
            said = _("Your check-in for the week of {week} hasn't started. The next opens {next}.")
            return said.format(week=week, next=upcoming)
        if run.status == "submitted":
            said = _("Your check-in for the week of {week} is done ✓. The next opens {next}.")
            return said.format(week=week, next=upcoming)
        answers = await self.store.answers(run)
        done = sum(1 for answer in answers.values() if answer.round == run.round)
        said = _("Your check-in for the week of {week}: {done} of {total} answered.")
        return said.format(week=week, done=done, total=len(run.questions))

    def _next_prompted(self, period: Period) -> Period:
        """The next period after `period` that will be prompted: past a pause and holidays."""
        upcoming = next_period(self.cadence, period)
        for _ in range(366):  # a pause is a date, holidays a list: this ends; bounded anyway
            if suppressed(self.person, self.settings, upcoming) is None:
                break
            upcoming = next_period(self.cadence, upcoming)
        return upcoming

    async def _close_expired(self) -> list[CheckinRun]:
        """Marks the open runs whose period ended missed; the ones still open, oldest first."""
        current = []
        for run in await self.store.open_runs(self.person):
            if run.period_end <= self.now:
                run.status = "missed"
                self.store.keep(run)
            else:
                current.append(run)
        return current

    async def active_run(self) -> CheckinRun | None:
        runs = await self._close_expired()
        return runs[0] if runs else None

    # -- one question at a time ----------------------------------------------------------------

    async def ask_next(
        self, run: CheckinRun, intro: str | None = None, after: str | None = None
    ) -> list[Message]:
        """The next unanswered question. `after`: the key of the question just answered; when
        the count skips questions answered some other way (a one-line update, a key result
        done), the intro says which, so the count never jumps without a word."""
        answers = await self.store.answers(run)
        index = q.next_question(run.questions, answers, run.round)
        if index is not None and after is not None and intro is None:
            intro = await self._answered_already(run, after, index, answers)
        if index is None:
            return await self._submit(run)
        question = run.questions[index]
        prompt = await self.store.waiting_prompt(run)
        # Resuming re-sends the same prompt, so buttons already on screen stay valid.
        if prompt is None or prompt.question_key != question["key"] or prompt.round != run.round:
            prompt = await self.store.ask(run, question["key"], self.now)
        previous = answers.get(question["key"]) if run.round > 1 else None
        message = question_message(run, index, prompt.id, await self._kr(run, question), previous)
        return [replace(message, intro=intro)]

    async def answer(self, run: CheckinRun, prompt: PendingPrompt, text: str) -> list[Message]:
        question = find_question(run, prompt.question_key)
        if question is None or prompt.status != "waiting" or prompt.round != run.round:
            return [Text(_("That question was already answered."))]
        answers = await self.store.answers(run)
        previous = answers.get(question["key"]) if run.round > 1 else None
        kr = await self._kr(run, question)
        outcome = interpret(question, text, kr, previous)
        if isinstance(outcome, Invalid) and question["kind"] == q.KR_VALUE:
            return await answer_several(self, run, prompt, text, outcome)
        if isinstance(outcome, Invalid):
            return [Text(outcome.reason)]
        # Compare-and-set: a double click or a redelivered reply records once.
        if not await self.claim(run, prompt, text):
            return []
        await self.recording.record(run, question, outcome, kr)
        return await self.ask_next(run, after=question["key"])

    async def claim(self, run: CheckinRun, prompt: PendingPrompt, said: str) -> bool:
        """Take the prompt for this answer; remember it so its buttons can be retired."""
        question = find_question(run, prompt.question_key)
        if question is None or not await self.store.claim_prompt(prompt, self.now):
            return False
        index = [entry["key"] for entry in run.questions].index(prompt.question_key)
        shown = question_message(run, index, prompt.id, await self._kr(run, question))
        self.closed.append(ClosedPrompt(prompt.id, prompt.message_ref, shown, said))
        return True

    async def _answered_already(
        self, run: CheckinRun, after: str, index: int, answers: Mapping[str, Answer]
    ) -> str | None:
        keys = [question["key"] for question in run.questions]
        passed = run.questions[keys.index(after) + 1 : index] if after in keys else []
        if not passed:
            return None
        krs = await self.run_key_results(run)
        said = [
            q.answer_words(entry, krs.get(entry.get("kr_id", 0)), answers.get(entry["key"]))
            for entry in passed
        ]
        return _("Already known: {answers}.").format(answers=listed(said, _("and")))

    async def _submit(self, run: CheckinRun) -> list[Message]:
        await self.recording.submit(run)
        return [await self.summary(run)]

    async def summary(self, run: CheckinRun) -> Message:
        answers = await self.store.answers(run)
        key_results = await self.run_key_results(run)
        changes = await self.store.changes_in_run(run)
        return summary_card(run, answers, key_results, changes)

    async def run_key_results(self, run: CheckinRun) -> dict[int, KeyResult]:
        kr_ids = [question["kr_id"] for question in run.questions if "kr_id" in question]
        return await self.store.key_results(run.tenant_id, kr_ids)

    async def _kr(self, run: CheckinRun, question: Mapping[str, Any]) -> KeyResult | None:
        """The question's key result; the run's others are read with it, for the next ones."""
        if "kr_id" not in question:
            return None
        return (await self.run_key_results(run)).get(question["kr_id"])

    # -- edit ----------------------------------------------------------------------------------

    async def edit(self) -> list[Message]:
        await self._close_expired()
        current = [
            run
            for run in await self.store.latest_runs(self.person, limit=2)
            if run.period_end > self.now and run.status in ("submitted", "open")
        ]
        if not current:
            return [Text(_("There's no check-in to edit in this period yet. Type checkin now."))]
        run = current[0]
        run.round += 1
        run.status = "open"
        await self.store.save([run])
        return await self.ask_next(
            run, intro=_("Let's go over your check-in again. Reply same to keep an answer.")
        )


def _started_since(run: CheckinRun, period: Period) -> bool:
    """Whether the person opened this run themselves after the period opened: the scheduler
    marks a run it opens as being sent (`sending_at`), and one opened early gets the prompt."""
    return run.sending_at is None and run.opened_at is not None and run.opened_at >= period.start
