"""What a 1:1's agenda seeds itself with: the report's record since the pair last met.

Five groups, one statement each, in this order and each oldest first: blockers the report
reported, confidence they lowered, their key results of the quarter left without an update,
feedback requests about them that closed, and the kudos they received. Only what both of the
pair may already see is seeded for both; a feedback request is seeded for its requester alone,
and private kudos never.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func
from sqlalchemy import select as select_columns  # sqlmodel's select takes four at most
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Answer,
    CheckinRun,
    FeedbackInvite,
    FeedbackRequest,
    KeyResult,
    KeyResultChange,
    Kudos,
    KudosReceiver,
    Objective,
    Person,
)

# AgendaItem's columns: text and source (its seed_key, 120, is far more than a key needs).
TEXT_LENGTH = 1000
SOURCE_LENGTH = 300
# What a blockers answer says when nothing blocks (bot/checkins/blockers.py has the engine's
# own list; storage can't import it).
NOTHING_BLOCKING = frozenset({"none", "no", "nope", "nothing", "n/a", "na", "-", "no blockers"})
_CLOSED_AT = col(FeedbackRequest.closed_at)
_WHERE_FROM = {"checkin": "check-in", "import": "goals import", "chat": "update in chat"}


@dataclass(frozen=True)
class Seed:
    """One agenda item from the record. `key` names its row, the same at every call, so an
    agenda seeded twice holds it once."""

    key: str  # "blocker:481"
    text: str
    source: str  # where it came from, in words
    only_for: int | None = None  # the one person who may see it; None: both


async def record_since(
    session: AsyncSession,
    tenant_id: str,
    manager: Person,
    report: Person,
    since: datetime,
    now: datetime,
) -> list[Seed]:
    """The report's record in (since, now], as seeds for the pair's agenda. Five statements."""
    record = _Record(session, tenant_id, report, since, now)
    return [
        *await record.blockers(),
        *await record.confidence_drops(),
        *await record.stale_key_results(),
        *await record.closed_feedback(manager),
        *await record.kudos(),
    ]


@dataclass(frozen=True)
class _Record:
    """One report's record in (since, now], group by group."""

    session: AsyncSession
    tenant_id: str
    report: Person
    since: datetime
    now: datetime

    def within(self, column: Any) -> ColumnElement[bool]:
        return and_(column > self.since, column <= self.now)

    async def rows(self, statement: Any) -> Any:
        """Bare columns (sqlmodel's select takes four at most): rows of plain values."""
        return await self.session.exec(statement)

    async def blockers(self) -> list[Seed]:
        rows = await self.rows(
            select_columns(col(Answer.id), col(Answer.text), col(CheckinRun.period_label))
            .join(CheckinRun, col(CheckinRun.id) == col(Answer.run_id))
            .where(
                col(CheckinRun.tenant_id) == self.tenant_id,
                col(CheckinRun.person_id) == self.report.id,
                col(CheckinRun.status) == "submitted",
                self.within(col(CheckinRun.submitted_at)),
                col(Answer.question_key) == "blockers",
                col(Answer.skipped).is_(False),
            )
            .order_by(col(CheckinRun.submitted_at), col(Answer.id)),
        )
        return [
            _seed(f"blocker:{id}", said, f"blocker in the check-in of the week of {_week(label)}")
            for id, text, label in rows
            if (said := _blocker_in(text)) is not None
        ]

    async def confidence_drops(self) -> list[Seed]:
        rows = await self.rows(
            select_columns(
                col(KeyResultChange.id),
                col(KeyResult.title),
                col(KeyResultChange.old_value),
                col(KeyResultChange.new_value),
                col(KeyResultChange.source),
                col(KeyResultChange.changed_at),
            )
            .join(KeyResult, col(KeyResult.id) == col(KeyResultChange.key_result_id))
            .where(
                col(KeyResult.tenant_id) == self.tenant_id,
                col(KeyResult.owner_id) == self.report.id,
                col(KeyResultChange.field) == "confidence",
                self.within(col(KeyResultChange.changed_at)),
                # A first confidence (no old value) is set, not lowered: NULL compares as not less.
                col(KeyResultChange.new_value) < col(KeyResultChange.old_value),
            )
            .order_by(col(KeyResultChange.changed_at), col(KeyResultChange.id)),
        )
        return [
            _seed(
                f"confidence:{id}",
                f"{title}: confidence {old:g} → {new:g}",
                f"{_WHERE_FROM.get(source, 'update')} on {_day(changed_at)}",
            )
            for id, title, old, new, source, changed_at in rows
        ]

    async def stale_key_results(self) -> list[Seed]:
        """The report's active key results of `now`'s quarter (in UTC, as Objective.period names
        it) with no value change in the window, the longest without one first."""
        value_at = col(KeyResultChange.changed_at)
        rows = await self.rows(
            select_columns(
                col(KeyResult.id),
                col(KeyResult.title),
                func.max(case((value_at <= self.since, value_at))),
                func.count(case((self.within(value_at), 1))),
            )
            .join(Objective, col(Objective.id) == col(KeyResult.objective_id))
            .outerjoin(
                KeyResultChange,
                and_(
                    col(KeyResultChange.key_result_id) == col(KeyResult.id),
                    col(KeyResultChange.field) == "value",
                ),
            )
            .where(
                col(KeyResult.tenant_id) == self.tenant_id,
                col(KeyResult.owner_id) == self.report.id,
                col(KeyResult.active).is_(True),
                col(Objective.archived).is_(False),
                col(Objective.period) == _quarter(self.now),
            )
            .group_by(col(KeyResult.id), col(KeyResult.title)),
        )
        stale = sorted(
            ((last, id, title) for id, title, last, updated in rows if not updated),
            key=lambda row: (row[0] is not None, row[0] or self.now, row[1]),
        )
        return [
            _seed(
                f"stale:{id}",
                f"{title}: " + (f"not updated since {_day(last)}" if last else "no update yet"),
                "key results",
            )
            for last, id, title in stale
        ]

    async def closed_feedback(self, manager: Person) -> list[Seed]:
        """Requests about the report, made by one of the pair, that closed in the window: for the
        requester alone, as feedback is theirs. No giver and no answer is ever named; how many
        answered is said of named requests only (an anonymous one's count is no one's to give,
        and its invitations no longer keep it)."""
        rows = await self.rows(
            select_columns(
                col(FeedbackRequest.id),
                col(FeedbackRequest.requester_id),
                col(FeedbackRequest.anonymous),
                _invites(answered_only=False),
                _invites(answered_only=True),
            )
            .where(
                col(FeedbackRequest.tenant_id) == self.tenant_id,
                col(FeedbackRequest.subject_id) == self.report.id,
                col(FeedbackRequest.kind) == "request",
                col(FeedbackRequest.requester_id).in_([manager.id, self.report.id]),
                col(FeedbackRequest.status) == "closed",
                self.within(_CLOSED_AT),
            )
            .order_by(_CLOSED_AT, col(FeedbackRequest.id)),
        )
        about = self.report.name or self.report.email
        return [
            _seed(
                f"feedback:{id}",
                f"Feedback request #{id} about {about} closed"
                + ("" if anonymous else f": {answered} of {asked} answered"),
                "feedback",
                only_for=requester_id,
            )
            for id, requester_id, anonymous, asked, answered in rows
        ]

    async def kudos(self) -> list[Seed]:
        """Kudos the report received, the private ones left out: those stay between the giver and
        the receivers."""
        rows = await self.rows(
            select_columns(
                col(Kudos.id),
                col(Kudos.giver_id),
                col(Person.name),
                col(Person.email),
                col(Kudos.message),
                col(Kudos.created_at),
            )
            .join(KudosReceiver, col(KudosReceiver.kudos_id) == col(Kudos.id))
            .outerjoin(Person, col(Person.id) == col(Kudos.giver_id))
            .where(
                col(Kudos.tenant_id) == self.tenant_id,
                col(KudosReceiver.person_id) == self.report.id,
                col(Kudos.private).is_(False),
                self.within(col(Kudos.created_at)),
            )
            .order_by(col(Kudos.created_at), col(Kudos.id)),
        )
        return [
            _seed(
                f"kudos:{id}",
                # An erased giver's kudos stay, with no one named.
                f"Kudos from {(name or email) if giver_id is not None else 'someone'}: {message}",
                f"kudos on {_day(created_at)}",
            )
            for id, giver_id, name, email, message, created_at in rows
        ]


def _invites(answered_only: bool) -> Any:
    """How many givers the request asked (or, `answered_only`, have answered): a count."""
    where = [col(FeedbackInvite.request_id) == col(FeedbackRequest.id)]
    if answered_only:
        where.append(col(FeedbackInvite.answered).is_(True))
    return select_columns(func.count()).where(*where).scalar_subquery()


def _blocker_in(text: str | None) -> str | None:
    """The blocker an answer reports, or None for "none" and the like."""
    said = (text or "").strip()
    if not said or said.lower().rstrip(".!") in NOTHING_BLOCKING:
        return None
    return said


def _quarter(now: datetime) -> str:
    """The quarter `now` falls in, in UTC, as Objective.period names it: "2026-Q4"."""
    moment = now.astimezone(UTC)
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"


def _week(label: str) -> str:
    """The day a check-in's period opened, local to its person: period_label, "2026-11-30"."""
    try:
        return _day(date.fromisoformat(label))
    except ValueError:
        return label


def _day(moment: date) -> str:
    """A day as the agenda shows it, "30 Nov"; an instant's UTC day."""
    if isinstance(moment, datetime):
        moment = moment.astimezone(UTC)
    return f"{moment.day} {moment:%b}"


def _seed(key: str, text: str, source: str, only_for: int | None = None) -> Seed:
    """A seed whose text and source fit AgendaItem's columns."""
    return Seed(key, _cut(text, TEXT_LENGTH), _cut(source, SOURCE_LENGTH), only_for)


def _cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"
