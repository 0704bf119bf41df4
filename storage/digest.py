"""What a team's weekly digest is made of, loaded in six queries whatever the team's size.

"The team" is everyone whose Person.team is the given name; its objectives are those owned
by a member or labelled with the team. For None it is the whole tenant, with every objective.

Bare columns, never ORM objects: a 10,000-person org's quarter (bench/digest.py) is 12,000
objectives and key results and 110,000 changes, and an ORM object costs several times a row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import ColumnElement, Select, or_, true
from sqlalchemy import select as select_columns  # sqlmodel's select takes four at most
from sqlalchemy.orm import Mapped
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Answer, CheckinRun, KeyResult, KeyResultChange, Objective, Person

# Periods named like "2026-Q3": another quarter's objectives are left out of this one's digest.
QUARTER_PATTERN = "____-Q_"
# The members, objectives and key results an earlier query found are named by id in the later
# ones, up to this many: a team's subquery had each query scan the tenant's people again
# (Person.team has no index; 1 ms a query at 10,000 people on SQLite). More, and it is the
# subquery, so that a 10,000-person org binds no 10,000 parameters (and an SQLite older than
# 3.32, with its limit of 999, none past it).
MOST_NAMED = 900
_Row = TypeVar("_Row")


class Member(NamedTuple):
    id: int
    name: str
    email: str
    active: bool
    paused_until: str | None  # local ISO date, inclusive


# Settable attributes, as bot.goals.progress.ObjectiveLike has them: a dataclass, not a tuple.
@dataclass(slots=True)
class ObjectiveRow:
    id: int
    parent_id: int | None
    weight: float
    title: str


class KeyResultRow(NamedTuple):
    id: int
    objective_id: int
    owner_id: int | None
    title: str
    # What the roll-up weighs it by and measures it against
    active: bool
    weight: float
    kind: str  # number | percent | currency | binary
    start: float
    target: float
    # Today's; `changes` tell what they were before
    current: float | None
    confidence: int | None  # 1..10


class Change(NamedTuple):
    """A ChangeRow's fields, by name."""

    key_result_id: int
    field: str  # value | confidence
    changed_at: datetime
    old_value: float | None


# Loaded as plain tuples: the garbage collector stops tracking a tuple of numbers, strings and
# dates, never a NamedTuple (110,000 of those: 5 % more time for a whole org's digest).
ChangeRow = tuple[int, str, datetime, float | None]


class Run(NamedTuple):
    id: int
    person_id: int
    status: str
    period_start: datetime
    submitted_at: datetime | None


class Reply(NamedTuple):
    run_id: int
    text: str | None
    skipped: bool


@dataclass(frozen=True)
class DigestRows:
    people: Sequence[Member]  # the team, inactive members included (they may own goals)
    objectives: Sequence[ObjectiveRow]
    key_results: Sequence[KeyResultRow]  # of those objectives, active or not
    # Of those key results: values since `since`, confidences since `week_start`, by kr, then
    # in the order recorded.
    changes: Sequence[ChangeRow]
    runs: Sequence[Run]  # the team's runs whose period overlaps the week
    answers: Sequence[Reply]  # to `answer_key`, in the week's submitted runs


async def load_digest_rows(
    session: AsyncSession,
    tenant_id: str,
    team: str | None,
    *,
    quarter: str,
    since: datetime,
    week_start: datetime,
    now: datetime,
    answer_key: str,
) -> DigestRows:
    """The team, its objectives of `quarter` (or of a period not named as a quarter), their
    key results, their values' changes after `since` and confidences' after `week_start`, and
    the runs overlapping (week_start, now] with their `answer_key` answers."""
    in_team: list[ColumnElement[bool]] = [col(Person.tenant_id) == tenant_id]
    if team is not None:
        in_team.append(col(Person.team) == team)
    people: list[Member] = await _rows(
        session,
        Member._make,
        select_columns(
            col(Person.id),
            col(Person.name),
            col(Person.email),
            col(Person.active),
            col(Person.paused_until),
        )
        .where(*in_team)
        .order_by(col(Person.id)),
    )
    members = ([p.id for p in people], select(Person.id).where(*in_team))

    # The whole org's digest has every objective, those owned by no one included.
    owned: ColumnElement[bool] = true()
    if team is not None:
        owned = or_(_among(col(Objective.owner_id), *members), col(Objective.team) == team)
    of_quarter = (
        col(Objective.tenant_id) == tenant_id,
        owned,
        col(Objective.archived).is_(False),
        or_(col(Objective.period) == quarter, col(Objective.period).not_like(QUARTER_PATTERN)),
    )
    objectives: list[ObjectiveRow] = await _rows(
        session,
        _objective_row,
        select_columns(
            col(Objective.id), col(Objective.parent_id), col(Objective.weight), col(Objective.title)
        )
        .where(*of_quarter)
        .order_by(col(Objective.id)),
    )
    # Key results and their changes are the tenant's through their objectives. Testing
    # tenant_id again would have PostgreSQL, short of statistics, AND a scan of the tenant's
    # whole history into every key result's lookup.
    of_objectives = _among(
        col(KeyResult.objective_id),
        [o.id for o in objectives],
        select(Objective.id).where(*of_quarter),
    )
    key_results: list[KeyResultRow] = await _rows(
        session,
        KeyResultRow._make,
        select_columns(
            col(KeyResult.id),
            col(KeyResult.objective_id),
            col(KeyResult.owner_id),
            col(KeyResult.title),
            col(KeyResult.active),
            col(KeyResult.weight),
            col(KeyResult.kind),
            col(KeyResult.start),
            col(KeyResult.target),
            col(KeyResult.current),
            col(KeyResult.confidence),
        )
        .where(of_objectives)
        .order_by(col(KeyResult.id)),
    )
    # A confidence is only asked of this week and last; in the order recorded (the index's),
    # which SQLite reads without sorting.
    changes: list[ChangeRow] = await _rows(
        session,
        tuple,
        select_columns(
            col(KeyResultChange.key_result_id),
            col(KeyResultChange.field),
            col(KeyResultChange.changed_at),
            col(KeyResultChange.old_value),
        )
        .where(
            _among(
                col(KeyResultChange.key_result_id),
                [kr.id for kr in key_results],
                select(KeyResult.id).where(of_objectives),
            ),
            col(KeyResultChange.changed_at) > since,
            or_(
                col(KeyResultChange.field) == "value",
                col(KeyResultChange.changed_at) > week_start,
            ),
            # What an import first gives a key result is where it starts, not a change: its
            # weeks before read as that value, not as nothing.
            or_(
                col(KeyResultChange.old_value).is_not(None),
                col(KeyResultChange.source) != "import",
            ),
        )
        .order_by(col(KeyResultChange.key_result_id), col(KeyResultChange.id)),
    )
    # Runs and answers are the tenant's through its members, as key results are through their
    # objectives. A tenant_id test here too had PostgreSQL, short of statistics, AND all the
    # tenant's runs into each member's lookup (40 s for a 10,000-person org), and SQLite scan
    # every run and answer of the tenant for a team of four (bench/digest.py).
    in_week = (
        _among(col(CheckinRun.person_id), *members),
        col(CheckinRun.period_start) <= now,
        col(CheckinRun.period_end) > week_start,
    )
    runs: list[Run] = await _rows(
        session,
        Run._make,
        select_columns(
            col(CheckinRun.id),
            col(CheckinRun.person_id),
            col(CheckinRun.status),
            col(CheckinRun.period_start),
            col(CheckinRun.submitted_at),
        )
        .where(*in_week)
        .order_by(col(CheckinRun.id)),
    )
    # The submitted runs are named when few: joined, SQLite would find them through the
    # status index, every submitted run of the org's week (16 ms for a team of four).
    submitted = (*in_week, col(CheckinRun.status) == "submitted")
    answers: list[Reply] = await _rows(
        session,
        Reply._make,
        select_columns(col(Answer.run_id), col(Answer.text), col(Answer.skipped))
        .where(
            _among(
                col(Answer.run_id),
                [r.id for r in runs if r.status == "submitted"],
                select(CheckinRun.id).where(*submitted),
            ),
            col(Answer.question_key) == answer_key,
        )
        .order_by(col(Answer.id)),
    )
    return DigestRows(people, objectives, key_results, changes, runs, answers)


def _among(column: Mapped[Any], ids: Sequence[int], found_by: Select[Any]) -> ColumnElement[bool]:
    """`column` is one of `ids`: named when they are few, else the subquery that found them."""
    return column.in_(ids) if len(ids) <= MOST_NAMED else column.in_(found_by)


def _objective_row(values: Iterable[Any]) -> ObjectiveRow:
    return ObjectiveRow(*values)


async def _rows(
    session: AsyncSession, make: Callable[[Iterable[Any]], _Row], statement: Any
) -> list[_Row]:
    # Row by row: a list of all the Row objects first has the collector scan those too (5 % of a
    # whole org's digest).
    return [make(values) for values in await session.exec(statement)]
