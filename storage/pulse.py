"""Pulse surveys, rounds, invitations and responses: the queries, each scoped to a tenant."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, false, text, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.insert import copy_of, insert_if_absent, rewrite_in_random_order
from storage.models import Disclosure, Survey, SurveyInvite, SurveyResponse, SurveyRound


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

    async def to_remind(self, survey_round: SurveyRound) -> Sequence[SurveyInvite]:
        """The round's invitations neither answered nor reminded yet, this transaction's to
        write. On PostgreSQL one being answered right now is left out: it needs no reminder,
        and waiting for it would deadlock with an answer that closes the round."""
        statement = (
            select(SurveyInvite)
            .where(
                SurveyInvite.tenant_id == survey_round.tenant_id,
                SurveyInvite.round_id == survey_round.id,
                col(SurveyInvite.answered).is_(False),
                col(SurveyInvite.reminded).is_(False),
            )
            .order_by(col(SurveyInvite.id))
            .with_for_update(skip_locked=True)
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

    async def hold_open(self, survey_round: SurveyRound) -> bool:
        """Whether the round is still open: read again, and held until this transaction ends.
        Its close, its reminder and its last answer then take it in turn, and whichever comes
        second finds what the first left: a closed round has no invitations to write to. On
        PostgreSQL its row is locked; SQLite has no row locks, so its one writer's lock."""
        if not self._on_postgres():
            await self._take_the_writer_lock()
        statement = (
            select(SurveyRound)
            .where(col(SurveyRound.id) == survey_round.id)
            .with_for_update()  # PostgreSQL's row lock; SQLite has no FOR UPDATE
            .execution_options(populate_existing=True)  # the round in hand is read again too
        )
        found = (await self.session.exec(statement)).first()
        return found is not None and found.status == "open"

    async def seal_round(self, survey_round: SurveyRound) -> list[SurveyResponse]:
        """At the close, before anything is counted: no answer lands after it, and nothing
        left in the rows says who answered, or in which order. Returns the responses sealed.

        The invitations go first (their answered and reminded flags are all that said who
        answered): an answer under way that has written its invitation is waited for, and one
        that hasn't finds it gone and stores nothing. Then the responses are written again in
        a random order with new random ids, in this one transaction: SQLite's rowid and
        PostgreSQL's ctid then follow that order, and every response carries this
        transaction's id (xmin), not the one that marked its respondent's invitation
        answered."""
        await self.session.exec(
            delete(SurveyInvite).where(
                col(SurveyInvite.tenant_id) == survey_round.tenant_id,
                col(SurveyInvite.round_id) == survey_round.id,
            )
        )
        responses = list(await self.responses(survey_round))
        copies = [copy_of(r, id=new_response_id()) for r in responses]
        await rewrite_in_random_order(self.session, responses, copies)
        return copies

    async def disclosures(
        self, tenant_id: str, questions: Collection[str], *, lock: bool = False
    ) -> list[Disclosure]:
        """The ledger entries that showed any of these questions. With `lock`, the org's
        ledger stays locked until this transaction ends: two rounds closing at once (on two
        replicas, or as two jobs of one tick) would otherwise each decide without the other's
        groups. PostgreSQL locks the org's ledger; SQLite, the whole database."""
        if lock and self._on_postgres():
            take = text("SELECT pg_advisory_xact_lock(:space, hashtext(:tenant))")
            connection = await self.session.connection()
            await connection.execute(take, {"space": _LEDGER_LOCK, "tenant": tenant_id})
        elif lock:
            await self._take_the_writer_lock()
        statement = select(Disclosure).where(Disclosure.tenant_id == tenant_id)
        wanted = set(questions)
        return [d for d in (await self.session.exec(statement)).all() if wanted & set(d.questions)]

    async def disclose(
        self,
        tenant_id: str,
        questions: Collection[str],
        audiences: Iterable[Collection[str]],
        when: datetime,
    ) -> None:
        """Record groups shown for these questions; one already recorded stays as it was."""
        for audience in audiences:
            entry = Disclosure(
                tenant_id=tenant_id,
                key=ledger_key(questions, audience),
                questions=sorted(set(questions)),
                audience=sorted(set(audience)),
                shown_at=when,
            )
            await insert_if_absent(self.session, entry)

    def _on_postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    async def _take_the_writer_lock(self) -> None:
        """SQLite's reads take no lock, and a transaction takes the one writer's lock only at
        its first write: what it read before may have changed by then. A write of no row
        takes that lock now, until this transaction ends, and what is read after it is the
        latest commit and stays so."""
        nothing = update(SurveyRound).where(false()).values(status=col(SurveyRound.status))
        await self.session.exec(nothing.execution_options(synchronize_session=False))


_LEDGER_LOCK = 0x6C656467  # the advisory lock space of the disclosure ledger ("ledg")


def new_response_id() -> str:
    return "sr_" + secrets.token_urlsafe(12)


def ledger_key(questions: Collection[str], audience: Collection[str]) -> str:
    """One ledger entry per set of questions and set of people asked."""
    raw = json.dumps([sorted(set(questions)), sorted(set(audience))])
    return hashlib.sha256(raw.encode()).hexdigest()
