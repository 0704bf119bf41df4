"""The Store's queries about tenants, their people and those people's platform accounts."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, exists, func, or_, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.insert import insert_if_absent
from storage.models import (
    FeedbackInvite,
    Person,
    PlatformIdentity,
    SlackInstallation,
    SurveyInvite,
    Tenant,
)
from storage.settings import set_settings, settings_of

# Built once: every inbound event starts with it. `asked`: whether a feedback request's or a
# survey's question may be waiting for the person (a cheap superset: open or not), so that a
# typed answer to a check-in needn't look for either.
_ASKED = or_(
    exists().where(
        col(FeedbackInvite.tenant_id) == Tenant.id,
        col(FeedbackInvite.giver_id) == Person.id,
        col(FeedbackInvite.answered).is_(False),
        col(FeedbackInvite.asking).is_not(None),
    ),
    exists().where(
        col(SurveyInvite.tenant_id) == Tenant.id,
        col(SurveyInvite.person_id) == Person.id,
        col(SurveyInvite.answered).is_(False),
        col(SurveyInvite.asking).is_not(None),
    ),
)
_WHO = (
    select(Tenant, PlatformIdentity, Person, _ASKED)
    .select_from(Tenant)
    .outerjoin(
        PlatformIdentity,
        and_(
            col(PlatformIdentity.tenant_id) == Tenant.id,
            col(PlatformIdentity.platform) == bindparam("platform"),
            col(PlatformIdentity.external_user_id) == bindparam("user"),
        ),
    )
    .outerjoin(
        Person,
        and_(col(Person.id) == PlatformIdentity.person_id, col(Person.tenant_id) == Tenant.id),
    )
    .where(col(Tenant.id) == bindparam("tenant_id"))
)


@dataclass(frozen=True)
class Who:
    """The org and the account writing, read together (see `PeopleQueries.who`)."""

    tenant: Tenant | None = None
    identity: PlatformIdentity | None = None
    person: Person | None = None  # the account's; held here, the session finds it by id
    asked: bool = True  # a feedback or survey question may be waiting (unknown: True)


class PeopleQueries:
    """Tenants, people, identities. Part of `storage.repository.Store`."""

    session: AsyncSession

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
        set_settings(tenant, settings_of(tenant).but(holidays=frozenset(days)))
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

    async def people_by_id(self, tenant_id: str) -> dict[int, Person]:
        """The org's people by id: what a command that shows names looks them up in."""
        return {p.id: p for p in await self.people(tenant_id) if p.id is not None}

    async def people_with_ids(self, tenant_id: str, ids: Collection[int]) -> dict[int, Person]:
        """These people of the org, by id (ids not in it are left out)."""
        if not ids:
            return {}
        statement = select(Person).where(
            Person.tenant_id == tenant_id, col(Person.id).in_(list(ids))
        )
        return {p.id: p for p in (await self.session.exec(statement)).all() if p.id is not None}

    async def people_by_emails(self, tenant_id: str, emails: Collection[str]) -> dict[str, Person]:
        """The people with these emails, whatever their case, by lower-cased email."""
        if not emails:
            return {}
        wanted = {email.lower() for email in emails}
        statement = select(Person).where(
            Person.tenant_id == tenant_id, func.lower(Person.email).in_(wanted)
        )
        return {p.email.lower(): p for p in (await self.session.exec(statement)).all()}

    async def who(self, tenant_id: str, platform: str, external_user_id: str) -> Who:
        """The org and the account writing, in one read; the account's person is read with
        them, so `person` finds it without another while the Who is held."""
        row = (
            await self.session.exec(
                _WHO,
                params={"tenant_id": tenant_id, "platform": platform, "user": external_user_id},
            )
        ).first()
        if row is None:
            return Who()
        tenant, identity, person, asked = row
        return Who(tenant, identity, person, bool(asked) or person is None)

    async def identity(
        self, tenant_id: str, platform: str, external_user_id: str
    ) -> PlatformIdentity | None:
        statement = select(PlatformIdentity).where(
            PlatformIdentity.tenant_id == tenant_id,
            PlatformIdentity.platform == platform,
            PlatformIdentity.external_user_id == external_user_id,
        )
        return (await self.session.exec(statement)).first()

    async def has_admin(self, tenant_id: str) -> bool:
        statement = select(Person.id).where(
            Person.tenant_id == tenant_id, col(Person.is_admin).is_(True)
        )
        return (await self.session.exec(statement)).first() is not None

    async def installed_by(self, tenant_id: str, user: str) -> bool:
        """Whether `user` installed the app in this org (Slack's OAuth install records who)."""
        statement = select(SlackInstallation.id).where(
            SlackInstallation.tenant_id == tenant_id, SlackInstallation.installer_user_id == user
        )
        return (await self.session.exec(statement)).first() is not None

    async def enrol(self, tenant_id: str, email: str, name: str, now: datetime) -> Person:
        """A person of the org met on first contact, unless one with the email exists (two
        first messages at once): whichever is stored."""
        await insert_if_absent(
            self.session,
            Person(tenant_id=tenant_id, email=email, name=name[:200], created_at=now),
        )
        person = await self.person_by_email(tenant_id, email)
        assert person is not None
        return person

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

    # -- managers and who asked them (bot/org) --------------------------------------------------

    async def admins(self, tenant_id: str) -> Sequence[Person]:
        statement = (
            select(Person)
            .where(
                Person.tenant_id == tenant_id,
                col(Person.is_admin).is_(True),
                col(Person.active).is_(True),
            )
            .order_by(col(Person.name), col(Person.id))
        )
        return (await self.session.exec(statement)).all()

    async def reports_and_asks(self, tenant_id: str, manager_id: int) -> Sequence[Person]:
        """Active people who report to `manager_id` directly, or asked them to confirm it."""
        statement = (
            select(Person)
            .where(
                Person.tenant_id == tenant_id,
                col(Person.active).is_(True),
                or_(
                    col(Person.manager_id) == manager_id,
                    col(Person.manager_asked_id) == manager_id,
                ),
            )
            .order_by(col(Person.name), col(Person.id))
        )
        return (await self.session.exec(statement)).all()

    async def team_names(self, tenant_id: str) -> Sequence[str]:
        statement = (
            select(Person.team)
            .where(Person.tenant_id == tenant_id, col(Person.team).is_not(None))
            .distinct()
        )
        return [team for team in (await self.session.exec(statement)).all() if team]

    async def claim_manager_ask(self, person: Person, manager_id: int) -> bool:
        """Compare-and-set: the first answer to `person`'s ask of `manager_id` wins and clears
        it; a double click, or an ask replaced meanwhile, changes nothing."""
        result = await self.session.exec(
            update(Person)
            .where(col(Person.id) == person.id, col(Person.manager_asked_id) == manager_id)
            .values(manager_asked_id=None)
            .execution_options(synchronize_session=False)
        )
        claimed = bool(result.rowcount == 1)
        if claimed:  # as the database has it now: nothing left for the session to write
            set_committed_value(person, "manager_asked_id", None)
        return claimed
