"""A platform's directory merged into the org, the same for every platform: `checkin-bot org
sync`, its daily job, and the linking after an org import.

Each account read is matched to a person by its platform id, or else by email. Members the org
doesn't have are added; what the org leaves empty (name, time zone, language) is filled in; a
value that is there is kept, since it may be the org import's, which wins (or the person's own);
accounts are linked; people whose account is deactivated become inactive, history kept, and
come back when it is active again. Guests, apps and accounts with no email are never added.
Nothing is written that is already so: a second run changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.checkins.replanning import plan_states, replan_changed
from bot.core.ports import Account, Listing
from bot.org.profile_fields import EMAIL_LENGTH, filled, fits, new_person
from storage.db import Database
from storage.models import Person, PlatformIdentity
from storage.repository import Store
from storage.settings import OrgSettings, settings_of


@dataclass(frozen=True)
class SyncScope:
    """What a merge may do beyond linking accounts and filling in empty fields."""

    enrol: bool = True  # add the members the org doesn't have
    retire: bool = True  # make people whose account is deactivated inactive, and back
    update_emails: bool = True  # a linked account's new email becomes the person's


FULL = SyncScope()
# After an org import: the file says who is in the org; the directory only finds their accounts.
LINK_ONLY = SyncScope(enrol=False, retire=False, update_emails=False)


@dataclass
class SyncReport:
    added: int = 0
    updated: int = 0
    made_inactive: int = 0
    linked: int = 0
    came_back: int = 0  # made active again (counted in `updated` too)
    skipped: int = 0  # guests, apps and accounts with no email: never added
    # Active people of the org with no account in the directory, by email.
    not_found: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"added {self.added}, updated {self.updated}, "
            f"made inactive {self.made_inactive}, linked {self.linked}"
        )

    def details(self) -> list[str]:
        """What else an admin should know, a line each."""
        lines = list(self.notes)
        if self.came_back:
            lines.append(f"{self.came_back} back: active again in the directory")
        if self.skipped:
            lines.append(f"{self.skipped} guests, apps or accounts with no email not added")
        if self.not_found:
            lines.append(
                f"{len(self.not_found)} people of the org have no account in the directory, "
                "so they can't get messages there yet"
            )
        return lines + self.conflicts


async def sync_org(
    database: Database,
    tenant_id: str,
    platform: str,
    listing: Listing,
    now: datetime,
    scope: SyncScope = FULL,
) -> SyncReport:
    """Merges the listing into the org in one unit of work; `now` stamps what it creates."""
    async with database.session() as session:
        store = Store(session)
        merge = _Merge(store, tenant_id, platform, scope, now)
        await merge.load()
        await merge.apply(listing.accounts)
        merge.report.notes[:0] = listing.notes
        return merge.report


class _Merge:
    """One merge: the org as it was read, and what the listing changes in it."""

    def __init__(
        self, store: Store, tenant_id: str, platform: str, scope: SyncScope, now: datetime
    ) -> None:
        self.store, self.tenant_id, self.platform = store, tenant_id, platform
        self.scope, self.now = scope, now
        self.report = SyncReport()
        self.by_id: dict[int, Person] = {}
        self.by_email: dict[str, Person] = {}
        self.by_user: dict[str, PlatformIdentity] = {}
        self.accounts_of: dict[int, list[PlatformIdentity]] = {}
        self.links: list[PlatformIdentity] = []
        self.changed: set[int] = set()

    async def load(self) -> None:
        for person in await self.store.people(self.tenant_id):
            self.by_id[person.id or 0] = person
            self.by_email[person.email.lower()] = person
        for identity in await self.store.identities_on(self.tenant_id, self.platform):
            self.by_user[identity.external_user_id] = identity
            self.accounts_of.setdefault(identity.person_id, []).append(identity)

    async def apply(self, accounts: Iterable[Account]) -> None:
        tenant = await self.store.tenant(self.tenant_id)
        settings = settings_of(tenant) if tenant is not None else OrgSettings()
        before = plan_states(self.by_id.values(), settings)
        matched: dict[int, list[Account]] = {}
        strangers: dict[str, Account] = {}
        for account in _unique(accounts):
            if account.profile.bot:
                self.report.skipped += 1
                continue
            person = self._person_of(account)
            if person is not None:
                matched.setdefault(person.id or 0, []).append(account)
            elif not account.profile.deactivated:
                self._stranger(account, strangers)
        for person_id, theirs in matched.items():
            person = self.by_id[person_id]
            live = [a for a in theirs if not a.profile.deactivated]
            if live:
                self._refresh(person, live)
            elif self.scope.retire:
                self._retire(person, theirs)
        await self._add(list(strangers.values()))
        await self.store.add_identities(self.links)
        self.report.not_found = sorted(
            p.email for p in self.by_id.values() if p.active and p.id not in self.accounts_of
        )
        changed = [self.by_id[person_id] for person_id in sorted(self.changed)]
        self.store.keep(*changed)
        # Someone who moved zone, left or came back is planned from that now.
        await self.store.write_and_forget()
        await replan_changed(self.store, before, changed, settings, self.now)

    def _person_of(self, account: Account) -> Person | None:
        identity = self.by_user.get(account.user)
        if identity is not None:
            return self.by_id.get(identity.person_id)
        email = (account.profile.email or "").strip().lower()
        return self.by_email.get(email) if email else None

    def _stranger(self, account: Account, strangers: dict[str, Account]) -> None:
        """Someone the org doesn't have: added if a member, counted as skipped if not."""
        if not account.profile.member:
            self.report.skipped += 1
        elif self.scope.enrol and fits(account.profile):
            strangers.setdefault((account.profile.email or "").strip().lower(), account)

    def _refresh(self, person: Person, live: Sequence[Account]) -> None:
        """A person whose account is active: linked, filled in, and back if they had left."""
        returning = self.scope.retire and self._returning(person)
        linked = [a for a in live if a.user in self.by_user]
        account = linked[0] if linked else self._link(person, live[0])
        if account is None:
            return
        changes = filled(person, account.profile)
        if linked and self.scope.update_emails:
            changes += self._follow_email(person, account)
        if returning:
            person.active = True
            for identity in (self.by_user[a.user] for a in linked):
                if not identity.reachable:
                    identity.reachable = True
                    self.store.keep(identity)
            self.report.came_back += 1
            changes += 1
        if changes:
            self.report.updated += 1
            self.changed.add(person.id or 0)

    def _link(self, person: Person, account: Account, *, reachable: bool = True) -> Account | None:
        """Links an account found by email, unless the person has a reachable one on this
        platform already (a second account with their email is not theirs to take)."""
        held = self.accounts_of.get(person.id or 0, [])
        if reachable and any(identity.reachable for identity in held):
            return None
        identity = PlatformIdentity(
            tenant_id=self.tenant_id,
            person_id=person.id or 0,
            platform=self.platform,
            external_user_id=account.user,
            reachable=reachable,
        )
        self.links.append(identity)
        self.by_user[account.user] = identity
        self.accounts_of.setdefault(person.id or 0, []).append(identity)
        self.report.linked += 1
        return account

    def _follow_email(self, person: Person, account: Account) -> int:
        """A linked account's new email, unless someone else in the org has it."""
        email = (account.profile.email or "").strip()
        if not email or email.lower() == person.email.lower() or len(email) > EMAIL_LENGTH:
            return 0
        other = self.by_email.get(email.lower())
        if other is not None:
            self.report.conflicts.append(
                f"{person.email}: the directory says {email}, which is someone else's in the "
                "org; email kept"
            )
            return 0
        del self.by_email[person.email.lower()]
        person.email = email
        self.by_email[email.lower()] = person
        return 1

    def _returning(self, person: Person) -> bool:
        """Made inactive by a sync (its accounts here all marked unreachable then), and active
        in the directory again. Someone an org import made inactive stays so: the import wins."""
        held = self.accounts_of.get(person.id or 0, [])
        return not person.active and bool(held) and not any(i.reachable for i in held)

    def _retire(self, person: Person, accounts: Sequence[Account]) -> None:
        """Every account of theirs is deactivated: inactive, history kept, and unreachable,
        which is also how a later sync knows they left by the directory and not by the import."""
        if not person.active:
            return
        person.active = False
        for account in accounts:
            identity = self.by_user.get(account.user)
            if identity is None:
                self._link(person, account, reachable=False)
            elif identity.reachable:
                identity.reachable = False
                self.store.keep(identity)
        self.report.made_inactive += 1
        self.changed.add(person.id or 0)

    async def _add(self, accounts: Sequence[Account]) -> None:
        """The members the org doesn't have, with what the directory says of them, linked."""
        if not accounts:
            return
        new = [new_person(self.tenant_id, a.profile, self.now) for a in accounts]
        stored = await self.store.add_people(new)
        for account in accounts:
            person = stored.get((account.profile.email or "").strip().lower())
            if person is None or person.id in self.by_id:
                continue
            self.by_id[person.id or 0] = person
            self.by_email[person.email.lower()] = person
            self.report.added += 1
            self._link(person, account)


def _unique(accounts: Iterable[Account]) -> list[Account]:
    """One entry per account: a directory read page by page may repeat one."""
    return list({account.user: account for account in accounts if account.user}.values())
