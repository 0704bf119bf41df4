"""Feedback requests, invitations and answers: the queries, each scoped to a tenant."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import FeedbackAnswer, FeedbackInvite, FeedbackRequest


class FeedbackStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def request(self, tenant_id: str, request_id: int) -> FeedbackRequest | None:
        found = await self.session.get(FeedbackRequest, request_id)
        return found if found is not None and found.tenant_id == tenant_id else None

    async def all_requests(self, tenant_id: str) -> Sequence[FeedbackRequest]:
        statement = (
            select(FeedbackRequest)
            .where(FeedbackRequest.tenant_id == tenant_id)
            .order_by(col(FeedbackRequest.id))
        )
        return (await self.session.exec(statement)).all()

    async def add_request(
        self, request: FeedbackRequest, giver_ids: Sequence[int]
    ) -> list[FeedbackInvite]:
        self.session.add(request)
        await self.session.flush()
        assert request.id is not None
        invites = [
            FeedbackInvite(tenant_id=request.tenant_id, request_id=request.id, giver_id=giver)
            for giver in giver_ids
        ]
        self.session.add_all(invites)
        await self.session.flush()
        return invites

    async def invite(self, tenant_id: str, invite_id: int) -> FeedbackInvite | None:
        found = await self.session.get(FeedbackInvite, invite_id)
        return found if found is not None and found.tenant_id == tenant_id else None

    async def invites_of(self, request: FeedbackRequest) -> Sequence[FeedbackInvite]:
        statement = select(FeedbackInvite).where(
            FeedbackInvite.tenant_id == request.tenant_id,
            FeedbackInvite.request_id == request.id,
        )
        return (await self.session.exec(statement)).all()

    async def owed_by(self, tenant_id: str, giver_id: int) -> Sequence[FeedbackInvite]:
        """Invitations this person has not answered, on requests still open."""
        statement = (
            select(FeedbackInvite)
            .join(FeedbackRequest, col(FeedbackRequest.id) == col(FeedbackInvite.request_id))
            .where(
                FeedbackInvite.tenant_id == tenant_id,
                FeedbackInvite.giver_id == giver_id,
                col(FeedbackInvite.answered).is_(False),
                FeedbackRequest.status == "open",
            )
            .order_by(col(FeedbackInvite.id))
        )
        return (await self.session.exec(statement)).all()

    async def answering(self, tenant_id: str, giver_id: int) -> FeedbackInvite | None:
        """The invitation whose question this person was asked last, if one is waiting."""
        statement = (
            select(FeedbackInvite)
            .join(FeedbackRequest, col(FeedbackRequest.id) == col(FeedbackInvite.request_id))
            .where(
                FeedbackInvite.tenant_id == tenant_id,
                FeedbackInvite.giver_id == giver_id,
                col(FeedbackInvite.answered).is_(False),
                col(FeedbackInvite.asking).is_not(None),
                FeedbackRequest.status == "open",
            )
            .order_by(col(FeedbackInvite.asked_at).desc())
        )
        return (await self.session.exec(statement)).first()

    async def requests_by(self, tenant_id: str, person_id: int) -> Sequence[FeedbackRequest]:
        """What this person asked for (requests) or is the subject of and may read."""
        statement = (
            select(FeedbackRequest)
            .where(
                FeedbackRequest.tenant_id == tenant_id,
                (col(FeedbackRequest.requester_id) == person_id)
                | (
                    (col(FeedbackRequest.subject_id) == person_id)
                    & (
                        col(FeedbackRequest.shared_with_subject).is_(True)
                        | (col(FeedbackRequest.kind) == "given")
                    )
                ),
            )
            .order_by(col(FeedbackRequest.id).desc())
        )
        return (await self.session.exec(statement)).all()

    async def answers(self, request: FeedbackRequest) -> Sequence[FeedbackAnswer]:
        statement = (
            select(FeedbackAnswer)
            .where(
                FeedbackAnswer.tenant_id == request.tenant_id,
                FeedbackAnswer.request_id == request.id,
            )
            .order_by(col(FeedbackAnswer.id))
        )
        return (await self.session.exec(statement)).all()

    async def all_invites(self, tenant_id: str) -> Sequence[FeedbackInvite]:
        """Every invitation in the org, in one query (the export groups them by request)."""
        statement = (
            select(FeedbackInvite)
            .where(FeedbackInvite.tenant_id == tenant_id)
            .order_by(col(FeedbackInvite.id))
        )
        return (await self.session.exec(statement)).all()

    async def all_answers(self, tenant_id: str) -> Sequence[FeedbackAnswer]:
        """Every answer in the org, by request and then as `answers` orders them, in one query."""
        statement = (
            select(FeedbackAnswer)
            .where(FeedbackAnswer.tenant_id == tenant_id)
            .order_by(col(FeedbackAnswer.request_id), col(FeedbackAnswer.id))
        )
        return (await self.session.exec(statement)).all()

    async def answered_count(self, request: FeedbackRequest) -> int:
        statement = select(func.count()).where(
            FeedbackInvite.tenant_id == request.tenant_id,
            FeedbackInvite.request_id == request.id,
            col(FeedbackInvite.answered).is_(True),
        )
        return int((await self.session.exec(statement)).one())

    async def open_due_before(self, when: datetime) -> Sequence[FeedbackRequest]:
        statement = select(FeedbackRequest).where(
            FeedbackRequest.status == "open",
            col(FeedbackRequest.due_at).is_not(None),
            col(FeedbackRequest.due_at) <= when,
        )
        return (await self.session.exec(statement)).all()
