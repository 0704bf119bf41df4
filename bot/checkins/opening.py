"""Opening a check-in, the one way it is done whoever asks: `checkin now`, the scheduler one
person at a time, or a wave of thousands due at the same minute.

Three decisions, each made here only: whether a due check-in is prompted at all (too late,
paused, a holiday), the run a period gets (its questions from the key results the person owns
then), and what its first question says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Protocol

from bot.checkins import questions as q
from bot.checkins.cadence import (
    Cadence,
    Period,
    friendly_day,
    next_period,
    period_at,
    person_cadence,
)
from bot.core.i18n import N_, catalog
from bot.core.messages import Question
from bot.notify.away import Presence, country_of, public_holiday, up_to_date
from storage.insert import row_of
from storage.models import Answer, CheckinRun, KeyResult, Person
from storage.settings import OrgSettings

_, ngettext = catalog("bot.checkins")

SCHEDULED_HELLO = N_("Hi! It's check-in time.")


# The periods an outage passed over are recorded, the latest this many: enough for any outage
# a team lives through, never an unbounded burst of rows for an install down for years.
PASSED_LIMIT = 100


class Opening(Protocol):
    """What a run's questions are written from: the record, or a new run's row."""

    @property
    def questions(self) -> list[dict[str, Any]]: ...

    @property
    def period_label(self) -> str: ...


@dataclass(frozen=True)
class RunRow:
    """A new run as its columns' values, for a wave to write thousands at once through Core
    without building a record for each."""

    values: dict[str, Any]

    @property
    def questions(self) -> list[dict[str, Any]]:
        questions: list[dict[str, Any]] = self.values["questions"]
        return questions

    @property
    def period_label(self) -> str:
        return str(self.values["period_label"])


@dataclass(frozen=True)
class Late:
    """The whole period passed while no one could prompt it: catch up with the current one.
    `passed`: the periods that ended unopened, oldest first (recorded missed, or skipped)."""

    next_due: datetime
    passed: tuple[Period, ...] = ()


@dataclass(frozen=True)
class Suppressed:
    """No prompt this period (paused, a holiday); it is recorded as skipped."""

    period: Period
    following: datetime
    reason: str


@dataclass(frozen=True)
class Due:
    """Prompt now for `period`; the next prompt is at `following`."""

    period: Period
    following: datetime


def due_now(
    person: Person,
    settings: OrgSettings,
    cadence: Cadence,
    due_at: datetime,
    now: datetime,
    presence: Presence | None = None,
) -> Late | Suppressed | Due:
    """What a check-in that fell due at `due_at` means at `now`, with what is known of the
    person then (away, or up to date)."""
    period = period_at(cadence, due_at)
    following = next_period(cadence, period).start
    if now >= period.end:
        return Late(period_at(cadence, now).start, passed_periods(cadence, period, now))
    reason = suppressed(person, settings, period, presence)
    if reason is not None:
        return Suppressed(period, following, reason)
    return Due(period, following)


def passed_periods(cadence: Cadence, first: Period, now: datetime) -> tuple[Period, ...]:
    """`first` and the periods after it that ended by `now`: at most PASSED_LIMIT, the latest."""
    earliest = now - (first.end - first.start) * PASSED_LIMIT  # about PASSED_LIMIT periods back
    period = first if first.start >= earliest else period_at(cadence, earliest)
    passed: list[Period] = []
    while period.end <= now:
        passed.append(period)
        period = next_period(cadence, period)
    return tuple(passed[-PASSED_LIMIT:])


def next_opening(person: Person, settings: OrgSettings, after: datetime) -> datetime:
    """The first period opening strictly after `after`."""
    cadence = person_cadence(person, settings)
    return next_period(cadence, period_at(cadence, after)).start


def suppressed(
    person: Person, settings: OrgSettings, period: Period, presence: Presence | None = None
) -> str | None:
    """Why this period gets no prompt (paused, away, every key result just updated, the org's
    holiday or a public holiday where the person is), or None."""
    day = date.fromisoformat(period.label)
    if person.paused_until and day <= date.fromisoformat(person.paused_until):
        return "paused"
    if presence is not None and presence.away:
        return "away"
    if presence is not None and up_to_date(presence, period.start, period.end):
        return "up to date"
    if period.label in settings.holidays:
        return "holiday"
    zone = person_cadence(person, settings).zone.key
    if public_holiday(country_of(person, zone), day) is not None:
        return "public holiday"
    return None


def new_run(
    person: Person,
    period: Period,
    key_results: Sequence[KeyResult],
    settings: OrgSettings,
    now: datetime,
) -> CheckinRun:
    """A period's run, open, asking about the key results the person owns now."""
    return CheckinRun(**_open_run(person, period, key_results, settings, now))


def new_run_row(
    person: Person,
    period: Period,
    key_results: Sequence[KeyResult],
    settings: OrgSettings,
    now: datetime,
) -> RunRow:
    """The same run as `new_run`, as a row, marked as the scheduler's to send now (a restart
    finds the send in doubt)."""
    values = _open_run(person, period, key_results, settings, now) | {"sending_at": now}
    return RunRow(row_of(CheckinRun, **values))


def _open_run(
    person: Person,
    period: Period,
    key_results: Sequence[KeyResult],
    settings: OrgSettings,
    now: datetime,
) -> dict[str, Any]:
    return _run_values(
        person,
        period,
        status="open",
        questions=q.build_questions(key_results, settings),
        opened_at=now,
    )


def passed_run(person: Person, settings: OrgSettings, period: Period) -> CheckinRun:
    """The record of a period that ended unopened (the bot was down all of it): missed, or
    skipped when a pause or holiday would have kept it quiet anyway. No question was asked."""
    status = "skipped" if suppressed(person, settings, period) else "missed"
    return CheckinRun(**_run_values(person, period, status=status, questions=[]))


def _run_values(person: Person, period: Period, **fields: Any) -> dict[str, Any]:
    assert person.id is not None, "a person in the database"
    return {
        "tenant_id": person.tenant_id,
        "person_id": person.id,
        "period_label": period.label,
        "period_start": period.start,
        "period_end": period.end,
        **fields,
    }


def question_message(
    run: Opening,
    index: int,
    prompt_id: str,
    kr: KeyResult | None,
    previous: Answer | None = None,
) -> Question:
    """Question `index` of the run as the person sees it."""
    question = run.questions[index]
    return q.render_question(question, prompt_id, index + 1, len(run.questions), kr, previous)


def opening(run: Opening) -> str:
    """The line before a fresh check-in's first question."""
    # English says "questions" even for one, as it always has; other languages count properly.
    said = ngettext(
        "Your check-in for the week of {week}: {n} quick questions. Reply to each one; skip "
        "skips it.",
        "Your check-in for the week of {week}: {n} quick questions. Reply to each one; skip "
        "skips it.",
        len(run.questions),
    )
    return said.format(week=friendly_day(run.period_label), n=len(run.questions))


def scheduled_intro(run: Opening) -> str:
    """The line before the first question when the scheduler starts the check-in."""
    return f"{_(SCHEDULED_HELLO)} {opening(run)}"


def first_prompt(run: Opening, index: int, prompt_id: str, kr: KeyResult | None) -> Question:
    """The scheduler's first question of a fresh run, with its greeting."""
    return replace(question_message(run, index, prompt_id, kr), intro=scheduled_intro(run))
