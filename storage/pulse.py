"""Pulse surveys, rounds, invitations and responses: the queries, each scoped to a tenant."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Survey, SurveyInvite, SurveyResponse, SurveyRound


class PulseStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def survey(self, tenant_id: str, survey_id: int) -> Survey | None:
        found = await self.session.get(Survey, survey_id)
        return found if found is not None and found.tenant_id == tenant_id else None

    async def surveys(self, tenant_id: str) -> Sequence[Survey]:
        statement = (
            select(Survey).where(Survey.tenant_id == tenant_id).order_by(col(Survey.id).desc())
        )
        return (await self.session.exec(statement)).all()

    async def round(self, tenant_id: str, round_id: int) -> SurveyRound | None:
        found = await self.session.get(SurveyRound, round_id)
        return found if found is not None and found.tenant_id == tenant_id else None

    async def rounds(self, survey: Survey) -> Sequence[SurveyRound]:
        """Every round of a survey, oldest first."""
        statement = (
            select(SurveyRound)
            .where(SurveyRound.tenant_id == survey.tenant_id, SurveyRound.survey_id == survey.id)
            .order_by(col(SurveyRound.number))
        )
        return (await self.session.exec(statement)).all()

    async def all_rounds(self, tenant_id: str) -> Sequence[SurveyRound]:
        """Every round in the org, each survey's oldest first, in one query."""
        statement = (
            select(SurveyRound)
            .where(SurveyRound.tenant_id == tenant_id)
            .order_by(col(SurveyRound.survey_id), col(SurveyRound.number))
        )
        return (await self.session.exec(statement)).all()

    async def invite(self, tenant_id: str, invite_id: int) -> SurveyInvite | None:
        found = await self.session.get(SurveyInvite, invite_id)
        return found if found is not None and found.tenant_id == tenant_id else None

    async def invites(self, survey_round: SurveyRound) -> Sequence[SurveyInvite]:
        statement = select(SurveyInvite).where(
            SurveyInvite.tenant_id == survey_round.tenant_id,
            SurveyInvite.round_id == survey_round.id,
        )
        return (await self.session.exec(statement)).all()

    async def answering(self, tenant_id: str, person_id: int) -> SurveyInvite | None:
        """The invitation whose question this person was asked last, on a round still open."""
        statement = (
            select(SurveyInvite)
            .join(SurveyRound, col(SurveyRound.id) == col(SurveyInvite.round_id))
            .where(
                SurveyInvite.tenant_id == tenant_id,
                SurveyInvite.person_id == person_id,
                col(SurveyInvite.answered).is_(False),
                col(SurveyInvite.asking).is_not(None),
                SurveyRound.status == "open",
            )
            .order_by(col(SurveyInvite.asked_at).desc())
        )
        return (await self.session.exec(statement)).first()

    async def owed_by(self, tenant_id: str, person_id: int) -> Sequence[SurveyInvite]:
        statement = (
            select(SurveyInvite)
            .join(SurveyRound, col(SurveyRound.id) == col(SurveyInvite.round_id))
            .where(
                SurveyInvite.tenant_id == tenant_id,
                SurveyInvite.person_id == person_id,
                col(SurveyInvite.answered).is_(False),
                SurveyRound.status == "open",
            )
        )
        return (await self.session.exec(statement)).all()

    async def responses(self, survey_round: SurveyRound) -> Sequence[SurveyResponse]:
        statement = (
            select(SurveyResponse)
            .where(
                SurveyResponse.tenant_id == survey_round.tenant_id,
                SurveyResponse.round_id == survey_round.id,
            )
            .order_by(col(SurveyResponse.id))
        )
        return (await self.session.exec(statement)).all()

    async def all_responses(self, tenant_id: str) -> Sequence[SurveyResponse]:
        """Every response in the org, in each round's order, in one query."""
        statement = (
            select(SurveyResponse)
            .where(SurveyResponse.tenant_id == tenant_id)
            .order_by(col(SurveyResponse.round_id), col(SurveyResponse.id))
        )
        return (await self.session.exec(statement)).all()

    async def rewrite_round(self, survey_round: SurveyRound) -> None:
        """Write every invitation and response of the round again, in this one transaction.

        A response is stored in the transaction that marks its invitation answered, and on
        PostgreSQL both rows carry that transaction's id (xmin) until they are next written: a
        join on it would name the respondent. Rewritten together, they all carry the same id."""
        for table in (SurveyInvite, SurveyResponse):
            statement = (
                update(table)
                .where(
                    col(table.tenant_id) == survey_round.tenant_id,
                    col(table.round_id) == survey_round.id,
                )
                .values(round_id=table.round_id)
                .execution_options(synchronize_session=False)
            )
            await self.session.exec(statement)
