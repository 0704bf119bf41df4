"""One person's unit of work on pulse surveys: what sending, the rounds, answering and results
share."""

from __future__ import annotations

from collections.abc import Collection
from contextlib import AbstractContextManager
from datetime import datetime

from sqlmodel import col, select

from bot.core.i18n import speaking, speaking_to
from bot.core.messages import Message
from bot.privacy.pulse_groups import org_k
from bot.pulse.cards import question_prompt
from storage.models import Person, Survey, SurveyInvite, SurveyRound, Tenant
from storage.repository import Store
from storage.settings import settings_of
from storage.survey_questions import questions_of

MOST_NAMED = 500  # more people than this are picked from the whole org's, not named one by one


class PulseUnit:
    def __init__(self, store: Store, tenant: Tenant, person: Person, now: datetime) -> None:
        self.store = store
        self.pulse = store.pulse
        self.tenant = tenant
        self.person = person
        self.now = now

    def k(self) -> int:
        """The org's anonymity threshold: default 5, never below 3."""
        return org_k(settings_of(self.tenant))

    def ask(
        self, survey: Survey, invite: SurveyInvite, index: int, intro: str | None = None
    ) -> list[Message]:
        """Ask question `index`, and remember it was asked last, for a typed answer."""
        invite.asking, invite.asked_at = index, self.now
        self.store.keep(invite)
        return [question_prompt(survey, invite, index, intro)]

    async def round_of(self, invite: SurveyInvite) -> tuple[SurveyRound | None, Survey | None]:
        survey_round = await self.pulse.round(self.tenant.id, invite.round_id)
        if survey_round is None:
            return None, None
        return survey_round, await self.pulse.survey(self.tenant.id, survey_round.survey_id)

    async def shown_before(self, survey: Survey, *, lock: bool = False) -> list[list[str]]:
        """The people asked in every group the org's ledger has shown any of this survey's
        questions to; with `lock`, the ledger is this transaction's until it ends."""
        questions = [q.identity for q in questions_of(survey)]
        entries = await self.pulse.disclosures(self.tenant.id, questions, lock=lock)
        return [entry.audience for entry in entries]

    async def people(self) -> dict[int, Person]:
        return {id_of(p): p for p in await self.store.people(self.tenant.id)}

    async def people_among(self, ids: Collection[int]) -> dict[int, Person]:
        """These people (those asked), in one query."""
        wanted = set(ids)
        if not wanted:
            return {}
        if len(wanted) > MOST_NAMED:
            return {i: p for i, p in (await self.people()).items() if i in wanted}
        statement = select(Person).where(
            Person.tenant_id == self.tenant.id, col(Person.id).in_(wanted)
        )
        return {id_of(p): p for p in (await self.store.session.exec(statement)).all()}

    def speaking_to(self, person: Person | None) -> AbstractContextManager[str]:
        """Write in `person`'s language; in the org's when they are gone."""
        if person is None:
            return speaking(self.tenant.settings.get("language"))
        return speaking_to(person, self.tenant)


def id_of(row: Person | Survey | SurveyRound) -> int:
    assert row.id is not None
    return row.id
