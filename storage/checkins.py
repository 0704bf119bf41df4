"""The Store's queries about check-ins: runs, the question waiting, and the answers."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.insert import insert_if_absent, row_of
from storage.models import Answer, CheckinRun, PendingPrompt, Person


def _id(row_id: int | None) -> int:
    """The id of a row that has been flushed."""
    assert row_id is not None, "row not flushed yet"
    return row_id


def new_prompt_id() -> str:
    return "p_" + secrets.token_urlsafe(12)


def waiting_prompt_row(
    tenant_id: str, run_id: int, key: str, round_: int, now: datetime
) -> dict[str, Any]:
    """A run's question now waiting for its answer, as a row (its new id in "id")."""
    return row_of(
        PendingPrompt,
        id=new_prompt_id(),
        tenant_id=tenant_id,
        run_id=run_id,
        question_key=key,
        round=round_,
        created_at=now,
    )


# Built once: every typed answer reads it.
_OPEN_RUNS = (
    select(CheckinRun, PendingPrompt)
    .outerjoin(
        PendingPrompt,
        and_(
            col(PendingPrompt.run_id) == CheckinRun.id,
            col(PendingPrompt.tenant_id) == CheckinRun.tenant_id,
            col(PendingPrompt.status) == "waiting",
        ),
    )
    .where(
        col(CheckinRun.tenant_id) == bindparam("tenant_id"),
        col(CheckinRun.person_id) == bindparam("person_id"),
        col(CheckinRun.status) == "open",
    )
    .order_by(col(CheckinRun.period_start), col(PendingPrompt.created_at).desc())
)


_RUN_ANSWERS = select(Answer).where(
    col(Answer.tenant_id) == bindparam("tenant_id"), col(Answer.run_id) == bindparam("run_id")
)

# The writes of a typed answer, built once and sent as Core statements: the ORM's bulk UPDATE
# would look for the rows in the session first, and its flush build a plan for one row.
_PROMPTS = PendingPrompt.__table__  # type: ignore[attr-defined]
_SUPERSEDE = (
    update(_PROMPTS)
    .where(_PROMPTS.c.run_id == bindparam("run"), _PROMPTS.c.status == "waiting")
    .values(status="superseded")
)
_CLAIM = (
    update(_PROMPTS)
    .where(_PROMPTS.c.id == bindparam("prompt"), _PROMPTS.c.status == "waiting")
    .values(status="answered", answered_at=bindparam("when"))
)
_MESSAGE_REF = (
    update(_PROMPTS)
    .where(_PROMPTS.c.id == bindparam("prompt"), _PROMPTS.c.tenant_id == bindparam("tenant"))
    .values(message_ref=bindparam("ref"))
)
_ASK = _PROMPTS.insert()
_ANSWERS = Answer.__table__  # type: ignore[attr-defined]
_ANSWER = _ANSWERS.insert().returning(_ANSWERS.c.id)
_ANSWER_AGAIN = (
    update(_ANSWERS)
    .where(_ANSWERS.c.id == bindparam("answer"))
    .values(
        # A bound value may not share its column's name in an UPDATE's SET.
        round=bindparam("round_"),
        number=bindparam("number_"),
        text=bindparam("text_"),
        skipped=bindparam("skipped_"),
        answered_at=bindparam("answered_at_"),
    )
)


class CheckinQueries:
    """Runs, prompts, answers. Part of `storage.repository.Store`."""

    session: AsyncSession
    _answers: dict[int, dict[str, Answer]]
    _waiting: dict[int, PendingPrompt | None]  # per run

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
        """The person's open runs, oldest first, each read with its waiting prompt (what a
        typed answer needs next), in one statement."""
        rows = (
            await self.session.exec(
                _OPEN_RUNS, params={"tenant_id": person.tenant_id, "person_id": person.id}
            )
        ).all()
        runs: dict[int, CheckinRun] = {}
        for run, prompt in rows:  # a run's latest waiting prompt comes first
            if _id(run.id) not in runs:
                runs[_id(run.id)] = run
                self._waiting.setdefault(_id(run.id), prompt)
        return list(runs.values())

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
            params = {"tenant_id": run.tenant_id, "run_id": run.id}
            found = await self.session.exec(_RUN_ANSWERS, params=params)
            known = {a.question_key: a for a in found.all()}
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
        written: dict[str, Any] = {
            "round": run.round,
            "number": number,
            "text": text,
            "skipped": skipped,
            "answered_at": when,
        }
        connection = await self.session.connection()
        before = answers.get(question_key)
        if before is None:
            row = row_of(
                Answer,
                tenant_id=run.tenant_id,
                run_id=_id(run.id),
                question_key=question_key,
                **written,
            )
            inserted = await connection.execute(_ANSWER, row)
            answers[question_key] = Answer(**row, id=inserted.scalar_one())
            return
        await connection.execute(
            _ANSWER_AGAIN,
            {f"{key}_": value for key, value in written.items()} | {"answer": before.id},
        )
        for key, value in written.items():  # as the database has it now
            set_committed_value(before, key, value)

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
        row = waiting_prompt_row(run.tenant_id, _id(run.id), question_key, run.round, when)
        connection = await self.session.connection()
        await connection.execute(_SUPERSEDE, {"run": row["run_id"]})
        await connection.execute(_ASK, row)
        superseded = self._waiting.get(row["run_id"])
        if superseded is not None:  # as the database has it now
            set_committed_value(superseded, "status", "superseded")
        prompt = PendingPrompt(**row)
        self._waiting[prompt.run_id] = prompt
        return prompt

    async def claim_prompt(self, prompt: PendingPrompt, when: datetime) -> bool:
        """Compare-and-set: the first answer to a waiting prompt wins; a repeat changes nothing."""
        connection = await self.session.connection()
        result = await connection.execute(_CLAIM, {"prompt": prompt.id, "when": when})
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
        connection = await self.session.connection()
        await connection.execute(
            _MESSAGE_REF, {"prompt": prompt_id, "tenant": tenant_id, "ref": message_ref}
        )
