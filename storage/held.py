"""Messages held by quiet hours: kept until they end, then taken once (whoever takes them deletes
them in the same transaction), and checked against what they were about: a reminder for a
check-in that closed meanwhile has no purpose left."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    CheckinRun,
    FeedbackRequest,
    HeldMessage,
    OneOnOne,
    OneOnOneMeeting,
    ReviewCycle,
    SurveyRound,
)

# What a held message may be about, "table:id", and whether that still needs saying.
CHECKIN_RUN = "checkin_run"
FEEDBACK_REQUEST = "feedback_request"
SURVEY_ROUND = "survey_round"
REVIEW_CYCLE = "review_cycle"
ONEONONE_MEETING = "oneonone_meeting"  # before the meeting: an agenda, a nudge


def about(kind: str, row_id: int | None) -> str:
    return f"{kind}:{row_id or 0}"


async def take_due(session: AsyncSession, person_id: int, now: datetime) -> list[HeldMessage]:
    """The person's held messages whose quiet hours are over, oldest first; gone from the table."""
    rows = list(
        (
            await session.exec(
                select(HeldMessage)
                .where(col(HeldMessage.person_id) == person_id, col(HeldMessage.release_at) <= now)
                .order_by(col(HeldMessage.id))
            )
        ).all()
    )
    if rows:
        ids = [row.id for row in rows]
        await session.exec(delete(HeldMessage).where(col(HeldMessage.id).in_(ids)))
    return rows


async def next_release(session: AsyncSession, person_id: int) -> datetime | None:
    """When the person's earliest held message left is due."""
    row = (
        await session.exec(
            select(HeldMessage.release_at)
            .where(col(HeldMessage.person_id) == person_id)
            .order_by(col(HeldMessage.release_at))
            .limit(1)
        )
    ).first()
    return row


async def still_current(session: AsyncSession, purpose: str | None, now: datetime) -> bool:
    """Whether what a held message is about still needs saying."""
    if not purpose:
        return True
    kind, _, raw = purpose.partition(":")
    row_id = int(raw) if raw.isdigit() else 0
    if kind == CHECKIN_RUN:
        run = await session.get(CheckinRun, row_id)
        return run is not None and run.status == "open" and run.period_end > now
    if kind == FEEDBACK_REQUEST:
        request = await session.get(FeedbackRequest, row_id)
        return request is not None and request.status == "open"
    if kind == SURVEY_ROUND:
        survey_round = await session.get(SurveyRound, row_id)
        return survey_round is not None and survey_round.status == "open"
    if kind == REVIEW_CYCLE:
        cycle = await session.get(ReviewCycle, row_id)
        return cycle is not None and cycle.status == "open"
    if kind == ONEONONE_MEETING:  # what comes before a meeting: nothing once it started
        meeting = await session.get(OneOnOneMeeting, row_id)
        series = await session.get(OneOnOne, meeting.series_id) if meeting is not None else None
        return (
            meeting is not None
            and series is not None
            and series.status == "active"
            and (meeting.starts_at > now)
        )
    return True


def held_message(
    tenant_id: str,
    person_id: int,
    release_at: datetime,
    kinds: Sequence[str],
    purpose: str | None,
    messages: list[object],
    now: datetime,
) -> HeldMessage:
    return HeldMessage(
        tenant_id=tenant_id,
        person_id=person_id,
        release_at=release_at,
        kinds=list(kinds),
        purpose=purpose,
        messages=messages,
        created_at=now,
    )
