"""One erasure in progress: the person, the kinds of jobs that name them, the statements it
runs and the lines it notes. The steps build on it (`theirs.py`, `org.py`, `surveys.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Delete, Update, delete
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Person, ScheduledJob


@dataclass(frozen=True)
class JobKinds:
    """What the subject of each kind of scheduled job is. ScheduledJob.subject_id is a bare
    number, so the wiring that knows the kinds says which are a person's."""

    person: tuple[str, ...]
    feedback_request: tuple[str, ...]
    survey: tuple[str, ...]
    survey_round: tuple[str, ...]
    # A channel's digest subscription: kept when its maker is erased, and its jobs with it.
    subscription: tuple[str, ...] = ()
    oneonone: tuple[str, ...] = ()  # a 1:1's nudges and prompts
    # A review cycle's reminders: kept when its maker is erased, with the cycle.
    review_cycle: tuple[str, ...] = ()
    # The org's own daily jobs (housekeeping, directory sync): no person's, kept.
    org: tuple[str, ...] = ()


@dataclass
class Erasure:
    """What erasing one person did, a line per kind of row."""

    tenant_id: str
    email: str
    lines: list[str] = field(default_factory=list)

    def note(self, what: str, outcome: str) -> None:
        self.lines.append(f"{what}: {outcome}")


class Erasing:
    """The person being erased, and the statements and notes of erasing them."""

    def __init__(self, session: AsyncSession, person: Person, kinds: JobKinds) -> None:
        assert person.id is not None
        self.session, self.person, self.kinds = session, person, kinds
        self.id, self.tenant_id = person.id, person.tenant_id
        self.erasure = Erasure(person.tenant_id, person.email)

    async def run(self, statement: Delete | Update) -> int:
        result = await self.session.exec(statement)
        return int(result.rowcount)

    def _jobs(self, kinds: Sequence[str], subjects: Any) -> Delete:
        return delete(ScheduledJob).where(
            col(ScheduledJob.tenant_id) == self.tenant_id,
            col(ScheduledJob.kind).in_(kinds),
            col(ScheduledJob.subject_id).in_(subjects),
        )

    def _in_tenant(self, table: Any) -> ColumnElement[bool]:
        return col(table.tenant_id) == self.tenant_id


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
