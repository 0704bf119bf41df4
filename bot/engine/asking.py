"""An admin starting someone's check-in (`checkin-bot prompt`): in their DM, on the platform
that reaches them, in their language; what happened, in words for the admin."""

from __future__ import annotations

from dataclasses import dataclass

from bot.checkins.flow import CheckinFlow
from bot.core.events import Actor
from bot.core.i18n import language_for, speaking
from bot.core.ports import Clock
from bot.engine.delivery import Delivery
from storage.db import Database
from storage.repository import Store
from storage.settings import settings_of


@dataclass(frozen=True)
class Prompted:
    """What `Engine.prompt` did, in words for an admin."""

    said: str
    sent: bool = False
    unknown: bool = False  # no such org, or no one with that email in it
    # The platform they can be reached on, when nothing here sends to it (the console chat
    # has no one to send to outside its own terminal).
    unserved: str = ""


async def prompt_someone(
    database: Database, delivery: Delivery, clock: Clock, tenant_id: str, email: str
) -> Prompted:
    """Start someone's check-in proactively, in their DM on the org's platform.

    Returns what happened, in words for an admin: sent, or why not.
    """
    async with database.session() as session:
        store = Store(session)
        tenant = await store.tenant(tenant_id)
        person = await store.person_by_email(tenant_id, email) if tenant else None
        if tenant is None or person is None:
            return Prompted(f"no one with the email {email} in {tenant_id}", unknown=True)
        identities = [i for i in await store.identities_of(person) if i.reachable]
        if not identities:
            return Prompted(
                f"{email} has no reachable chat account yet (they need to open the app)"
            )
        served = [i for i in identities if delivery.reaches(i.platform)]
        if not served:
            # Asked before the check-in starts: a run nobody is sent would wait for nothing.
            platform = identities[0].platform
            return Prompted(
                f"{email} can only be reached on {platform}, which nothing here sends to",
                unserved=platform,
            )
        identity = served[0]
        language = language_for(person, tenant)
        flow = CheckinFlow(store, person, settings_of(tenant), clock.now())
        # Their check-in, written and sent in their language.
        with speaking(language):
            messages = await flow.start()
    actor = Actor(identity.platform, tenant.external_id, identity.external_user_id)
    with speaking(language):
        sent = await delivery.send(actor, messages)
    if sent:
        return Prompted(f"sent {email} their check-in on {actor.platform}", sent=True)
    async with database.session() as session:
        now = await Store(session).identity(actor.tenant_id, actor.platform, actor.user)
    if now is not None and not now.reachable:
        return Prompted(f"{email} can't be reached on {actor.platform}; marked unreachable")
    return Prompted(f"{actor.platform} did not take the message for {email}; try again later")
