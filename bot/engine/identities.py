"""Who is writing: the person behind a platform account, found by the account or, on first
contact, by the email the platform gives for it."""

from __future__ import annotations

import logging
import re
from datetime import datetime

from bot.core.events import Actor
from bot.core.ports import Directory, Profile
from storage.db import Database
from storage.models import Person, PlatformIdentity
from storage.repository import Store

log = logging.getLogger(__name__)
# The engine's mention token, <@USER> or <@USER|label>: its own, in the shape of Slack's
# (docs/architecture.md).
MENTION = re.compile(r"<@([A-Za-z0-9:_.\-]{1,200})(?:\|[^>]*)?>")
MAX_MENTIONS = 25  # a feedback request names its subject and at most 20 givers
LOCALE_LENGTH = 35  # Person.locale


class Identities:
    def __init__(self, database: Database, directory: Directory | None) -> None:
        self.database = database
        self.directory = directory

    async def person(
        self,
        store: Store,
        actor: Actor,
        profile: Profile | None,
        identity: PlatformIdentity | None,
        now: datetime,
    ) -> Person | None:
        """The person behind a platform identity. On first contact, matched by email, or
        enrolled as a person of the org when the platform says they are a member of it: the
        org's default cadence, no manager until one is set. None for anyone else (a guest, an
        app, an account we know nothing of)."""
        if identity is not None:
            if not identity.reachable:
                # Marked unreachable once (blocked, uninstalled); writing to us undoes that.
                identity.reachable = True
                store.keep(identity)
            known = await store.person(actor.tenant_id, identity.person_id)
            if known is not None and actor.locale and not known.locale:
                known.locale = actor.locale[:LOCALE_LENGTH]  # people linked before locales
                store.keep(known)
            return known
        email = actor.email or (profile.email if profile else None)
        if not email:
            return None
        person = await store.person_by_email(actor.tenant_id, email)
        if person is None and profile is not None and profile.member:
            person = await store.enrol(actor.tenant_id, email, profile.name or "", now)
            log.info("enrolled a new person in a %s org on first contact", actor.platform)
        if person is None:
            return None
        await self._link(store, actor, person, profile)
        return person

    async def _link(
        self, store: Store, actor: Actor, person: Person, profile: Profile | None
    ) -> None:
        """Links the account to the person, and fills in from the platform's profile what the
        org doesn't say yet: a zone and a language the org import gave are kept."""
        await store.link_identity(person, actor.platform, actor.user)
        if profile is not None and profile.timezone and not person.timezone:
            person.timezone = profile.timezone
        locale = (profile.locale if profile is not None else None) or actor.locale
        if locale and not person.locale:
            person.locale = locale[:LOCALE_LENGTH]
        if (profile is not None and profile.admin) or await store.installed_by(
            actor.tenant_id, actor.user
        ):
            person.is_admin = True  # a workspace admin, or the one who installed the app here
        store.keep(person)

    async def knows(self, actor: Actor) -> bool:
        """Whether this platform identity is linked to a person already."""
        async with self.database.session() as session:
            identity = await Store(session).identity(actor.tenant_id, actor.platform, actor.user)
        return identity is not None

    async def link_mentioned(self, actor: Actor, text: str, now: datetime) -> None:
        """People mentioned (<@U123>) whom the bot hasn't met are looked up on the platform
        and linked by email; a member of the workspace or tenant who isn't in the org yet is
        enrolled, as on their own first contact, so a command can name anyone there.

        Only when someone in the org asks, and no more people than a request can name: each
        look-up is a call to the platform, and a stranger's message must change nothing."""
        users = list(dict.fromkeys(MENTION.findall(text[:4000])))[:MAX_MENTIONS]
        if not users or not await self._in_org(actor):
            return
        for user in users:
            mentioned = Actor(actor.platform, actor.tenant, user)
            profile = await self.first_contact(mentioned)
            if profile is None or not profile.email:
                continue
            async with self.database.session() as session:
                store = Store(session)
                person = await store.person_by_email(actor.tenant_id, profile.email)
                if person is None and profile.member:
                    name = profile.name or ""
                    person = await store.enrol(actor.tenant_id, profile.email, name, now)
                    log.info("enrolled a new person in a %s org on a mention", actor.platform)
                if person is not None:
                    await self._link(store, mentioned, person, profile)

    async def _in_org(self, actor: Actor) -> bool:
        """Whether the actor is someone in the org import: linked already, or by email now."""
        if await self.knows(actor):
            return True
        profile = await self.profile(actor)
        if profile is None or not profile.email:
            return False
        async with self.database.session() as session:
            return await Store(session).person_by_email(actor.tenant_id, profile.email) is not None

    async def first_contact(self, actor: Actor) -> Profile | None:
        """The platform's profile of an actor we have no identity for yet; None otherwise."""
        async with self.database.session() as session:
            known = await Store(session).identity(actor.tenant_id, actor.platform, actor.user)
        return None if known is not None else await self.profile(actor)

    async def profile(self, actor: Actor) -> Profile | None:
        if actor.email:
            return Profile(
                email=actor.email,
                name=actor.name,
                timezone=actor.timezone,
                guest=actor.guest,
                locale=actor.locale,
            )
        if self.directory is None:
            return None
        try:
            return await self.directory.profile(actor.platform, actor.tenant, actor.user)
        except Exception:
            log.warning("could not look up a %s user's profile", actor.platform, exc_info=True)
            return None
