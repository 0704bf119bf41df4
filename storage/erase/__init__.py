"""Erasing a person (SPEC 2.6): what is theirs is deleted, what is the org's loses their name.

It all runs in the caller's unit of work, so a failure anywhere changes nothing. Bulk
statements throughout: years of check-ins are a few statements, not a loop over rows.
"""

from __future__ import annotations

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.erase.context import Erasure, JobKinds
from storage.erase.kudos import KudosRows
from storage.erase.oneonones import OneOnOneRows
from storage.erase.org import OrgRows
from storage.erase.reviews import ReviewRows
from storage.erase.surveys import FORMER_ORG, SurveyRows, scrubbed_groups
from storage.erase.theirs import TheirRows
from storage.models import Person

__all__ = [
    "FORMER_ORG",
    "AmbiguousEmail",
    "Erasure",
    "JobKinds",
    "erase_person",
    "person_to_erase",
    "scrubbed_groups",
]


class AmbiguousEmail(LookupError):
    """Emails are unique per org only as typed: two people may differ in case alone."""


async def person_to_erase(session: AsyncSession, tenant_id: str, email: str) -> Person | None:
    """The person with this email in this org, whatever its case; None if there is none."""
    wanted = email.strip()
    statement = (
        select(Person)
        .where(Person.tenant_id == tenant_id, func.lower(Person.email) == wanted.lower())
        # Concurrent rows pointing at this person wait for the erase, then fail their FK.
        .with_for_update()
    )
    found = (await session.exec(statement)).all()
    exact = [p for p in found if p.email == wanted]
    if len(found) > 1 and len(exact) != 1:
        listed = ", ".join(sorted(p.email for p in found))
        raise AmbiguousEmail(f"{len(found)} people match {wanted}: {listed}; give it exactly")
    return exact[0] if exact else (found[0] if found else None)


async def erase_person(session: AsyncSession, person: Person, kinds: JobKinds) -> Erasure:
    """Deletes or anonymises every row about `person`, then the person; says what it did."""
    erasing = _Erasing(session, person, kinds)
    await erasing.checkins()
    await erasing.held()
    await erasing.feedback()
    await erasing.surveys()
    await erasing.goals()
    await erasing.kudos()
    await erasing.oneonones()
    await erasing.reviews()
    await erasing.reports()
    await erasing.accounts()
    await erasing.run(delete(Person).where(col(Person.id) == erasing.id))
    erasing.erasure.note(
        "anonymous feedback and pulse answers",
        "kept; nothing in them says who gave them, so none can be traced to anyone",
    )
    return erasing.erasure


class _Erasing(TheirRows, OrgRows, SurveyRows, KudosRows, OneOnOneRows, ReviewRows):
    """Every step, in one erasure."""
