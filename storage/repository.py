"""Queries the engine and the CLI need. The only place, with the importers, that speaks SQL."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Answer,
    CheckinRun,
    KeyResult,
    KeyResultChange,
    Objective,
    PendingPrompt,
    Person,
    PlatformIdentity,
    ProcessedEvent,
    Tenant,
)

EVENT_ID_LENGTH = 200  # ProcessedEvent.event_id


async def insert_if_absent(session: AsyncSession, row: SQLModel) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True when this call inserted the row."""
    table = type(row).__table__  # type: ignore[attr-defined]
    values = {
        c.name: getattr(row, c.name) for c in table.columns if getattr(row, c.name) is not None
    }
    bind = session.get_bind()
    dialect = postgresql if bind.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(**values).on_conflict_do_nothing()
    result = await session.exec(statement)
    return bool(result.rowcount == 1)


def _id(row_id: int | None) -> int:
    """The id of a row that has been flushed."""
    assert row_id is not None, "row not flushed yet"
    return row_id


def new_prompt_id() -> str:
    return "p_" + secrets.token_urlsafe(12)


class Store:
    """One unit of work's view of the database, always scoped to a tenant by its callers."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        # What this unit of work already read, so that a reply reads it once. Every write to
        # these rows in a unit of work goes through this Store (and the session's identity map
        # would hand back the same objects anyway).
        self._key_results: dict[int, KeyResult] = {}
        self._answers: dict[int, dict[str, Answer]] = {}
        self._waiting: dict[int, PendingPrompt | None] = {}  # per run

    # -- tenants, people, identities -------------------------------------------------------

    async def tenant(self, tenant_id: str) -> Tenant | None:
        return await self.session.get(Tenant, tenant_id)

    async def ensure_tenant(
        self, tenant_id: str, platform: str, external_id: str, when: datetime
    ) -> Tenant:
        known = await self.session.get(Tenant, tenant_id)
        if known is not None:
            return known
        new = Tenant(id=tenant_id, platform=platform, external_id=external_id, created_at=when)
        await insert_if_absent(self.session, new)
        tenant = await self.session.get(Tenant, tenant_id)
        assert tenant is not None
        return tenant

    async def set_holidays(
        self, tenant_id: str, platform: str, days: list[str], when: datetime
    ) -> None:
        tenant = await self.ensure_tenant(tenant_id, platform, tenant_id.partition(":")[2], when)
        tenant.settings = {**tenant.settings, "holidays": days}
        self.session.add(tenant)

    async def person(self, tenant_id: str, person_id: int) -> Person | None:
        person = await self.session.get(Person, person_id)
        return person if person is not None and person.tenant_id == tenant_id else None

    async def person_by_email(self, tenant_id: str, email: str) -> Person | None:
        statement = select(Person).where(
            Person.tenant_id == tenant_id, func.lower(Person.email) == email.strip().lower()
        )
        return (await self.session.exec(statement)).first()

    async def people(self, tenant_id: str) -> Sequence[Person]:
        statement = select(Person).where(Person.tenant_id == tenant_id).order_by(col(Person.id))
        return (await self.session.exec(statement)).all()

    async def identity(
        self, tenant_id: str, platform: str, external_user_id: str
    ) -> PlatformIdentity | None:
        statement = select(PlatformIdentity).where(
            PlatformIdentity.tenant_id == tenant_id,
            PlatformIdentity.platform == platform,
            PlatformIdentity.external_user_id == external_user_id,
        )
        return (await self.session.exec(statement)).first()

    async def link_identity(
        self, person: Person, platform: str, external_user_id: str
    ) -> PlatformIdentity:
        assert person.id is not None
        await insert_if_absent(
            self.session,
            PlatformIdentity(
                tenant_id=person.tenant_id,
                person_id=person.id,
                platform=platform,
                external_user_id=external_user_id,
            ),
        )
        identity = await self.identity(person.tenant_id, platform, external_user_id)
        assert identity is not None
        return identity

    async def reachable_people(self, tenant_id: str) -> set[int]:
        """Ids of the people with a platform account the bot can message."""
        statement = select(PlatformIdentity.person_id).where(
            PlatformIdentity.tenant_id == tenant_id, col(PlatformIdentity.reachable).is_(True)
        )
        return set((await self.session.exec(statement)).all())

    async def people_without_identity(self, tenant_id: str, platform: str) -> Sequence[Person]:
        """Active people not yet linked to an account on `platform`."""
        linked = select(PlatformIdentity.person_id).where(
            PlatformIdentity.tenant_id == tenant_id, PlatformIdentity.platform == platform
        )
        statement = (
            select(Person)
            .where(
                Person.tenant_id == tenant_id,
                col(Person.active).is_(True),
                col(Person.id).not_in(linked),
            )
            .order_by(col(Person.id))
        )
        return (await self.session.exec(statement)).all()

    async def identities(self, tenant_id: str) -> Sequence[PlatformIdentity]:
        statement = (
            select(PlatformIdentity)
            .where(PlatformIdentity.tenant_id == tenant_id)
            .order_by(col(PlatformIdentity.id))
        )
        return (await self.session.exec(statement)).all()

    async def identities_of(self, person: Person) -> Sequence[PlatformIdentity]:
        statement = select(PlatformIdentity).where(
            PlatformIdentity.tenant_id == person.tenant_id,
            PlatformIdentity.person_id == person.id,
        )
        return (await self.session.exec(statement)).all()

    # -- goals -----------------------------------------------------------------------------

    async def key_results_owned_by(self, person: Person) -> Sequence[KeyResult]:
        statement = (
            select(KeyResult)
            .where(
                KeyResult.tenant_id == person.tenant_id,
                KeyResult.owner_id == person.id,
                col(KeyResult.active).is_(True),
            )
            .order_by(col(KeyResult.objective_id), col(KeyResult.id))
        )
        return (await self.session.exec(statement)).all()

    async def key_results(self, tenant_id: str, ids: Sequence[int]) -> dict[int, KeyResult]:
        missing = [kr_id for kr_id in ids if kr_id not in self._key_results]
        if missing:
            statement = select(KeyResult).where(
                KeyResult.tenant_id == tenant_id, col(KeyResult.id).in_(missing)
            )
            for kr in (await self.session.exec(statement)).all():
                self._key_results[_id(kr.id)] = kr
        found = (self._key_results.get(kr_id) for kr_id in ids)
        return {_id(kr.id): kr for kr in found if kr is not None and kr.tenant_id == tenant_id}

    async def objectives(self, tenant_id: str) -> Sequence[Objective]:
        statement = (
            select(Objective).where(Objective.tenant_id == tenant_id).order_by(col(Objective.id))
        )
        return (await self.session.exec(statement)).all()

    async def all_key_results(self, tenant_id: str) -> Sequence[KeyResult]:
        statement = (
            select(KeyResult).where(KeyResult.tenant_id == tenant_id).order_by(col(KeyResult.id))
        )
        return (await self.session.exec(statement)).all()

    async def changes(self, tenant_id: str) -> Sequence[KeyResultChange]:
        statement = (
            select(KeyResultChange)
            .where(KeyResultChange.tenant_id == tenant_id)
            .order_by(col(KeyResultChange.changed_at), col(KeyResultChange.id))
        )
        return (await self.session.exec(statement)).all()

    async def changes_in_run(self, run: CheckinRun) -> Sequence[KeyResultChange]:
        statement = (
            select(KeyResultChange)
            .where(
                KeyResultChange.tenant_id == run.tenant_id,
                KeyResultChange.checkin_run_id == run.id,
            )
            .order_by(col(KeyResultChange.id))
        )
        return (await self.session.exec(statement)).all()

    async def change_key_result(
        self,
        kr: KeyResult,
        *,
        value: float | None = None,
        confidence: int | None = None,
        author_id: int | None,
        run_id: int | None,
        source: str,
        when: datetime,
    ) -> None:
        """Set a new value and/or confidence, keeping a history row for each real change."""
        for field, new, old in (
            ("value", value, kr.current),
            ("confidence", confidence, kr.confidence),
        ):
            if new is None or new == old:
                continue
            self.session.add(
                KeyResultChange(
                    tenant_id=kr.tenant_id,
                    key_result_id=_id(kr.id),
                    field=field,
                    old_value=old,
                    new_value=new,
                    author_id=author_id,
                    checkin_run_id=run_id,
                    source=source,
                    changed_at=when,
                )
            )
            if field == "value":
                kr.current = new
            else:
                kr.confidence = int(new)
        kr.updated_at = when
        self.session.add(kr)

    # -- check-in runs, prompts, answers ----------------------------------------------------

    async def run(self, tenant_id: str, run_id: int) -> CheckinRun | None:
        run = await self.session.get(CheckinRun, run_id)
        return run if run is not None and run.tenant_id == tenant_id else None

    async def run_for_period(self, person: Person, period_start: datetime) -> CheckinRun | None:
        statement = select(CheckinRun).where(
            CheckinRun.person_id == person.id, CheckinRun.period_start == period_start
        )
        return (await self.session.exec(statement)).first()

    async def create_run(self, run: CheckinRun) -> CheckinRun:
        """Insert the run for (person, period) unless one exists; return whichever is stored."""
        await insert_if_absent(self.session, run)
        person = await self.session.get(Person, run.person_id)
        assert person is not None
        stored = await self.run_for_period(person, run.period_start)
        assert stored is not None
        return stored

    async def open_runs(self, person: Person) -> Sequence[CheckinRun]:
        statement = (
            select(CheckinRun)
            .where(
                CheckinRun.tenant_id == person.tenant_id,
                CheckinRun.person_id == person.id,
                CheckinRun.status == "open",
            )
            .order_by(col(CheckinRun.period_start))
        )
        return (await self.session.exec(statement)).all()

    async def latest_runs(self, person: Person, limit: int = 2) -> Sequence[CheckinRun]:
        statement = (
            select(CheckinRun)
            .where(CheckinRun.tenant_id == person.tenant_id, CheckinRun.person_id == person.id)
            .order_by(col(CheckinRun.period_start).desc())
            .limit(limit)
        )
        return (await self.session.exec(statement)).all()

    async def runs(self, tenant_id: str) -> Sequence[CheckinRun]:
        statement = (
            select(CheckinRun)
            .where(CheckinRun.tenant_id == tenant_id)
            .order_by(col(CheckinRun.period_start), col(CheckinRun.id))
        )
        return (await self.session.exec(statement)).all()

    async def answers(self, run: CheckinRun) -> dict[str, Answer]:
        return dict(await self._run_answers(run))

    async def _run_answers(self, run: CheckinRun) -> dict[str, Answer]:
        known = self._answers.get(_id(run.id))
        if known is None:
            statement = select(Answer).where(
                Answer.tenant_id == run.tenant_id, Answer.run_id == run.id
            )
            known = {a.question_key: a for a in (await self.session.exec(statement)).all()}
            self._answers[_id(run.id)] = known
        return known

    async def all_answers(self, tenant_id: str) -> Sequence[Answer]:
        statement = select(Answer).where(Answer.tenant_id == tenant_id).order_by(col(Answer.id))
        return (await self.session.exec(statement)).all()

    async def save_answer(
        self,
        run: CheckinRun,
        question_key: str,
        *,
        number: float | None = None,
        text: str | None = None,
        skipped: bool = False,
        when: datetime,
    ) -> None:
        answers = await self._run_answers(run)
        answer = answers.get(question_key) or Answer(
            tenant_id=run.tenant_id, run_id=_id(run.id), question_key=question_key, answered_at=when
        )
        answers[question_key] = answer
        answer.round, answer.number, answer.text = run.round, number, text
        answer.skipped, answer.answered_at = skipped, when
        self.session.add(answer)
        await self.session.flush()

    async def prompt(self, tenant_id: str, prompt_id: str) -> PendingPrompt | None:
        prompt = await self.session.get(PendingPrompt, prompt_id)
        return prompt if prompt is not None and prompt.tenant_id == tenant_id else None

    async def waiting_prompt(self, run: CheckinRun) -> PendingPrompt | None:
        if _id(run.id) in self._waiting:
            return self._waiting[_id(run.id)]
        statement = (
            select(PendingPrompt)
            .where(
                PendingPrompt.tenant_id == run.tenant_id,
                PendingPrompt.run_id == run.id,
                PendingPrompt.status == "waiting",
            )
            .order_by(col(PendingPrompt.created_at).desc())
        )
        waiting = (await self.session.exec(statement)).first()
        self._waiting[_id(run.id)] = waiting
        return waiting

    async def ask(self, run: CheckinRun, question_key: str, when: datetime) -> PendingPrompt:
        """Record that `question_key` is now the question waiting; older prompts are superseded."""
        await self.session.exec(
            update(PendingPrompt)
            .where(
                col(PendingPrompt.run_id) == run.id,
                col(PendingPrompt.status) == "waiting",
            )
            .values(status="superseded")
        )
        prompt = PendingPrompt(
            id=new_prompt_id(),
            tenant_id=run.tenant_id,
            run_id=_id(run.id),
            question_key=question_key,
            round=run.round,
            created_at=when,
        )
        self.session.add(prompt)
        await self.session.flush()
        self._waiting[prompt.run_id] = prompt
        return prompt

    async def claim_prompt(self, prompt: PendingPrompt, when: datetime) -> bool:
        """Compare-and-set: the first answer to a waiting prompt wins; a repeat changes nothing."""
        result = await self.session.exec(
            update(PendingPrompt)
            .where(col(PendingPrompt.id) == prompt.id, col(PendingPrompt.status) == "waiting")
            .values(status="answered", answered_at=when)
            .execution_options(synchronize_session=False)
        )
        claimed = bool(result.rowcount == 1)
        if claimed:  # as the database has it now: nothing left for the session to write
            set_committed_value(prompt, "status", "answered")
            set_committed_value(prompt, "answered_at", when)
            if self._waiting.get(prompt.run_id, prompt) is prompt:
                self._waiting[prompt.run_id] = None  # ask() keeps one waiting prompt a run
        return claimed

    async def set_message_ref(
        self, tenant_id: str, prompt_id: str, message_ref: dict[str, Any]
    ) -> None:
        await self.session.exec(
            update(PendingPrompt)
            .where(col(PendingPrompt.id) == prompt_id, col(PendingPrompt.tenant_id) == tenant_id)
            .values(message_ref=message_ref)
        )

    # -- inbound dedupe -------------------------------------------------------------------

    async def first_time_seen(
        self, tenant_id: str, platform: str, event_id: str, when: datetime
    ) -> bool:
        """Platforms retry deliveries: only the first sighting of an event id is handled."""
        # Platforms' ids are short and printable; one the column can't hold (too long, or NUL,
        # which PostgreSQL refuses) is kept as its digest, which tells retries apart as well.
        if len(event_id) > EVENT_ID_LENGTH or not event_id.isprintable():
            raw = event_id.encode("utf-8", "surrogatepass")
            event_id = "sha256:" + hashlib.sha256(raw).hexdigest()
        seen = ProcessedEvent(
            tenant_id=tenant_id, platform=platform, event_id=event_id, received_at=when
        )
        return await insert_if_absent(self.session, seen)
