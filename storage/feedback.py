"""Feedback requests, invitations and answers: the queries, each scoped to a tenant."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.insert import copy_of, rewrite_in_random_order
from storage.models import FeedbackAnswer, FeedbackInvite, FeedbackRequest
from storage.models.feedback import new_answer_id

_SUBJECT_LOCK = 0x66656564  # the advisory lock space of requests about one subject ("feed")


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

    async def lock(self, request: FeedbackRequest) -> None:
        """Reads the request again and, on PostgreSQL, holds its row until this transaction
        ends: a giver's last answer and the close never decide on the same answers at once."""
        await self.session.refresh(request, with_for_update=True)

    async def reread(self, invite: FeedbackInvite) -> None:
        """Reads an invitation again, as the last transaction to change it left it (after
        `lock`, no other answer to the request is under way)."""
        await self.session.refresh(invite)

    async def recent_requests(
        self, tenant_id: str, requester_id: int, subject_id: int, since: datetime
    ) -> list[tuple[FeedbackRequest, set[int]]]:
        """The requests this person made about this subject since `since`, with who was asked
        on each. On PostgreSQL, requests about this subject wait for each other from here until
        this transaction ends, so two made at the same moment each see the other."""
        if self.session.get_bind().dialect.name == "postgresql":
            await self.session.exec(select(func.pg_advisory_xact_lock(_SUBJECT_LOCK, subject_id)))
        statement = select(FeedbackRequest).where(
            FeedbackRequest.tenant_id == tenant_id,
            FeedbackRequest.requester_id == requester_id,
            FeedbackRequest.subject_id == subject_id,
            FeedbackRequest.kind == "request",
            col(FeedbackRequest.created_at) >= since,
        )
        requests = (await self.session.exec(statement)).all()
        givers: dict[int, set[int]] = {r.id: set() for r in requests if r.id is not None}
        invites = select(FeedbackInvite).where(
            FeedbackInvite.tenant_id == tenant_id, col(FeedbackInvite.request_id).in_(givers)
        )
        for invite in (await self.session.exec(invites)).all():
            givers[invite.request_id].add(invite.giver_id)
        return [(r, givers[r.id]) for r in requests if r.id is not None]

    async def rewrite_answers(self, request: FeedbackRequest) -> None:
        """Writes the request's answers again, in a random order with new random ids, in this
        transaction: neither SQLite's rowid nor PostgreSQL's ctid then follows the order they
        came in, and on PostgreSQL all carry this transaction's id (xmin), not the one that
        marked their giver's invitation answered."""
        answers = list(await self.answers(request))
        copies = [copy_of(a, id=new_answer_id()) for a in answers]
        await rewrite_in_random_order(self.session, answers, copies)

    async def drop_unreleased(self, request: FeedbackRequest) -> None:
        """Deletes the answers never shown: they never will be."""
        for answer in await self.answers(request):
            if not answer.released:
                await self.session.delete(answer)
        await self.session.flush()

    async def rewrite_invites(self, request: FeedbackRequest) -> None:
        """Writes the request's invitations again, in a random order with new ids, keeping only
        who was asked: not who answered, who was reminded, or anything of a draft."""
        invites = list(await self.invites_of(request))
        copies = [
            FeedbackInvite(tenant_id=i.tenant_id, request_id=i.request_id, giver_id=i.giver_id)
            for i in invites
        ]
        await rewrite_in_random_order(self.session, invites, copies)

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
