"""What a team's weekly digest is made of, loaded in six queries whatever the team's size.

"The team" is everyone whose Person.team is the given name; its objectives are those owned
by a member or labelled with the team. For None it is the whole tenant, with every objective.
Members are found by subquery rather than by a list of ids, so a 10,000-person org binds no
10,000 parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import ColumnElement, or_, true
from sqlalchemy import select as select_columns  # sqlmodel's select takes four at most
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Answer, CheckinRun, KeyResult, KeyResultChange, Objective, Person

# Periods named like "2026-Q3": another quarter's objectives are left out of this one's digest.
QUARTER_PATTERN = "____-Q_"
_Row = TypeVar("_Row")


# Bare columns, not ORM objects, for the rows that grow with the org: a whole org's quarter
# of history is a hundred thousand rows, and an ORM object costs several times more.
class Member(NamedTuple):
    id: int
    name: str
    email: str
    active: bool
    paused_until: str | None  # local ISO date, inclusive


class Change(NamedTuple):
    key_result_id: int
    field: str  # value | confidence
    changed_at: datetime
    old_value: float | None


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
    objectives: Sequence[Objective]
    key_results: Sequence[KeyResult]  # of those objectives, active or not
    changes: Sequence[Change]  # of those key results since `since`, by kr, field, time
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
    key results and changes after `since`, and the runs overlapping (week_start, now] with
    their `answer_key` answers."""
    in_team: list[ColumnElement[bool]] = [col(Person.tenant_id) == tenant_id]
    if team is not None:
        in_team.append(col(Person.team) == team)
    members = select(Person.id).where(*in_team)
    people = await _rows(
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

    # The whole org's digest has every objective, those owned by no one included.
    owned: ColumnElement[bool] = true()
    if team is not None:
        owned = or_(col(Objective.owner_id).in_(members), col(Objective.team) == team)
    of_quarter = (
        col(Objective.tenant_id) == tenant_id,
        owned,
        or_(col(Objective.period) == quarter, col(Objective.period).not_like(QUARTER_PATTERN)),
    )
    objectives = (
        await session.exec(select(Objective).where(*of_quarter).order_by(col(Objective.id)))
    ).all()
    # Key results and their changes are the tenant's through their objectives. Testing
    # tenant_id again would have PostgreSQL, short of statistics, AND a scan of the tenant's
    # whole history into every key result's lookup.
    of_objectives = col(KeyResult.objective_id).in_(select(Objective.id).where(*of_quarter))
    key_results = (
        await session.exec(select(KeyResult).where(of_objectives).order_by(col(KeyResult.id)))
    ).all()
    changes = await _rows(
        session,
        Change._make,
        select_columns(
            col(KeyResultChange.key_result_id),
            col(KeyResultChange.field),
            col(KeyResultChange.changed_at),
            col(KeyResultChange.old_value),
        )
        .where(
            col(KeyResultChange.key_result_id).in_(select(KeyResult.id).where(of_objectives)),
            col(KeyResultChange.changed_at) > since,
        )
        .order_by(
            col(KeyResultChange.key_result_id),
            col(KeyResultChange.field),
            col(KeyResultChange.changed_at),
            col(KeyResultChange.id),
        ),
    )
    # Runs and answers are the tenant's through its members, as key results are through their
    # objectives. A tenant_id test here too had PostgreSQL, short of statistics, AND all the
    # tenant's runs into each member's lookup (40 s for a 10,000-person org), and SQLite scan
    # every run and answer of the tenant for a team of four (bench/digest.py).
    in_week = (
        col(CheckinRun.person_id).in_(members),
        col(CheckinRun.period_start) <= now,
        col(CheckinRun.period_end) > week_start,
    )
    runs = await _rows(
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
    answers = await _rows(
        session,
        Reply._make,
        select_columns(col(Answer.run_id), col(Answer.text), col(Answer.skipped))
        .join(CheckinRun, col(CheckinRun.id) == col(Answer.run_id))
        .where(
            *in_week,
            col(CheckinRun.status) == "submitted",
            col(Answer.question_key) == answer_key,
        )
        .order_by(col(Answer.id)),
    )
    return DigestRows(people, objectives, key_results, changes, runs, answers)


async def _rows(
    session: AsyncSession, make: Callable[[Iterable[Any]], _Row], statement: Any
) -> list[_Row]:
    return [make(values) for values in (await session.exec(statement)).all()]
