"""A person's record over a review period, as bare columns: their key results of the quarters it
overlaps and those values' history, their check-in runs and the wins and blockers they answered,
the public kudos they received, and the feedback about them. One statement a call, seven in all.

What the person may see of the feedback is the engine's to decide (`bot.privacy`): this module
loads the requests about them, then the answers of those the engine picked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import ColumnElement, and_, func, or_
from sqlalchemy import select as select_columns  # sqlmodel's select takes four at most
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Answer,
    CheckinRun,
    FeedbackAnswer,
    FeedbackRequest,
    KeyResult,
    KeyResultChange,
    Kudos,
    KudosReceiver,
    Objective,
    Person,
)

# Periods named like "2026-Q3" are placed by their dates; any other ("2026", "ongoing") is in
# every quarter's views (bot.goals.periods.of_quarter), so in every review period too.
QUARTER_PATTERN = "____-Q_"
_Row = TypeVar("_Row")


class KeyResultRow(NamedTuple):
    id: int
    period: str  # its objective's, "2026-Q3"
    title: str
    kind: str  # number | percent | currency | binary
    start: float
    target: float
    current: float | None  # today's
    unit: str | None
    grade: float | None  # given when its quarter was closed


class ValueChange(NamedTuple):
    key_result_id: int
    changed_at: datetime
    old_value: float | None
    new_value: float | None


class RunRow(NamedTuple):
    id: int
    status: str  # pending | open | submitted | missed | skipped
    period_start: datetime
    period_end: datetime


class AnswerRow(NamedTuple):
    run_id: int
    question_key: str
    text: str | None


class KudosRow(NamedTuple):
    giver: str | None  # their name, else their email; None once they were erased
    message: str


class RequestRow(NamedTuple):
    id: int
    kind: str  # request | given
    requester_id: int
    anonymous: bool
    shared_with_subject: bool


class FeedbackAnswerRow(NamedTuple):
    request_id: int
    giver: str | None  # their name, else their email; None when anonymous
    answers: list[str]  # one a question, "" for one skipped
    released: bool


@dataclass(frozen=True)
class ReviewRecordQueries:
    """One person's rows in [start, end)."""

    session: AsyncSession
    tenant_id: str
    person_id: int
    start: datetime
    end: datetime

    def within(self, column: Any) -> ColumnElement[bool]:
        return and_(column >= self.start, column < self.end)

    async def key_results(self) -> list[KeyResultRow]:
        """The person's key results of objectives whose period overlaps [start, end): active
        ones of objectives in views, and any graded at a quarter's close, archived or not."""
        return await _rows(
            self.session,
            KeyResultRow._make,
            select_columns(
                col(KeyResult.id),
                col(Objective.period),
                col(KeyResult.title),
                col(KeyResult.kind),
                col(KeyResult.start),
                col(KeyResult.target),
                col(KeyResult.current),
                col(KeyResult.unit),
                col(KeyResult.grade),
            )
            .join(Objective, col(Objective.id) == col(KeyResult.objective_id))
            .where(
                col(KeyResult.tenant_id) == self.tenant_id,
                col(KeyResult.owner_id) == self.person_id,
                or_(
                    col(Objective.period).in_(quarters_overlapping(self.start, self.end)),
                    col(Objective.period).not_like(QUARTER_PATTERN),
                ),
                or_(
                    and_(col(KeyResult.active).is_(True), col(Objective.archived).is_(False)),
                    col(KeyResult.grade).is_not(None),
                ),
            )
            .order_by(col(Objective.period), col(Objective.id), col(KeyResult.id)),
        )

    async def value_changes(self, key_result_ids: Sequence[int]) -> list[ValueChange]:
        """Every value change of these key results, by key result, in the order made."""
        if not key_result_ids:
            return []
        return await _rows(
            self.session,
            ValueChange._make,
            select_columns(
                col(KeyResultChange.key_result_id),
                col(KeyResultChange.changed_at),
                col(KeyResultChange.old_value),
                col(KeyResultChange.new_value),
            )
            .where(
                col(KeyResultChange.key_result_id).in_(key_result_ids),
                col(KeyResultChange.field) == "value",
            )
            .order_by(
                col(KeyResultChange.key_result_id),
                col(KeyResultChange.changed_at),
                col(KeyResultChange.id),
            ),
        )

    def _runs_in_period(self) -> tuple[ColumnElement[bool], ...]:
        return (
            col(CheckinRun.tenant_id) == self.tenant_id,
            col(CheckinRun.person_id) == self.person_id,
            self.within(col(CheckinRun.period_start)),
        )

    async def runs(self) -> list[RunRow]:
        """The person's runs whose period started in [start, end), oldest first."""
        return await _rows(
            self.session,
            RunRow._make,
            select_columns(
                col(CheckinRun.id),
                col(CheckinRun.status),
                col(CheckinRun.period_start),
                col(CheckinRun.period_end),
            )
            .where(*self._runs_in_period())
            .order_by(col(CheckinRun.period_start), col(CheckinRun.id)),
        )

    async def answers(self, question_keys: Sequence[str]) -> list[AnswerRow]:
        """Answers to these questions, not skipped, in those runs that were submitted, in the
        runs' order."""
        return await _rows(
            self.session,
            AnswerRow._make,
            select_columns(col(Answer.run_id), col(Answer.question_key), col(Answer.text))
            .join(CheckinRun, col(CheckinRun.id) == col(Answer.run_id))
            .where(
                *self._runs_in_period(),
                col(CheckinRun.status) == "submitted",
                col(Answer.question_key).in_(question_keys),
                col(Answer.skipped).is_(False),
            )
            .order_by(col(CheckinRun.period_start), col(CheckinRun.id), col(Answer.id)),
        )

    async def public_kudos(self) -> list[KudosRow]:
        """Kudos the person received in [start, end), oldest first; private ones stay between
        the giver and the receivers."""
        return await _rows(
            self.session,
            KudosRow._make,
            select_columns(_giver(), col(Kudos.message))
            .join(KudosReceiver, col(KudosReceiver.kudos_id) == col(Kudos.id))
            .outerjoin(Person, col(Person.id) == col(Kudos.giver_id))
            .where(
                col(Kudos.tenant_id) == self.tenant_id,
                col(KudosReceiver.person_id) == self.person_id,
                col(Kudos.private).is_(False),
                self.within(col(Kudos.created_at)),
            )
            .order_by(col(Kudos.created_at), col(Kudos.id)),
        )

    async def feedback_requests(self) -> list[RequestRow]:
        """Every request about the person made in [start, end), whoever made it, oldest
        first: the engine decides which are theirs to read."""
        return await _rows(
            self.session,
            RequestRow._make,
            select_columns(
                col(FeedbackRequest.id),
                col(FeedbackRequest.kind),
                col(FeedbackRequest.requester_id),
                col(FeedbackRequest.anonymous),
                col(FeedbackRequest.shared_with_subject),
            )
            .where(
                col(FeedbackRequest.tenant_id) == self.tenant_id,
                col(FeedbackRequest.subject_id) == self.person_id,
                self.within(col(FeedbackRequest.created_at)),
            )
            .order_by(col(FeedbackRequest.created_at), col(FeedbackRequest.id)),
        )

    async def feedback_answers(self, request_ids: Sequence[int]) -> list[FeedbackAnswerRow]:
        """The answers to these requests, with their givers' names where they have one; by
        request, named ones in the order written (anonymous ones have no time)."""
        if not request_ids:
            return []
        return await _rows(
            self.session,
            FeedbackAnswerRow._make,
            select_columns(
                col(FeedbackAnswer.request_id),
                _giver(),
                col(FeedbackAnswer.answers),
                col(FeedbackAnswer.released),
            )
            .outerjoin(Person, col(Person.id) == col(FeedbackAnswer.giver_id))
            .where(
                col(FeedbackAnswer.tenant_id) == self.tenant_id,
                col(FeedbackAnswer.request_id).in_(request_ids),
            )
            .order_by(
                col(FeedbackAnswer.request_id),
                col(FeedbackAnswer.created_at),
                col(FeedbackAnswer.id),
            ),
        )


def quarters_overlapping(start: datetime, end: datetime) -> list[str]:
    """The quarters, as Objective.period names them, whose UTC days overlap [start, end)."""
    if start >= end:
        return []
    moment = start.astimezone(UTC)
    year, number = moment.year, (moment.month - 1) // 3 + 1
    labels = []
    while datetime(year, 3 * number - 2, 1, tzinfo=UTC) < end:
        labels.append(f"{year}-Q{number}")
        year, number = (year + 1, 1) if number == 4 else (year, number + 1)
    return labels


def _giver() -> Any:
    """The joined Person's name, else email ("" is no name): NULL when no one is joined."""
    return func.coalesce(func.nullif(col(Person.name), ""), col(Person.email))


async def _rows(
    session: AsyncSession, make: Callable[[Iterable[Any]], _Row], statement: Any
) -> list[_Row]:
    return [make(values) for values in await session.exec(statement)]
