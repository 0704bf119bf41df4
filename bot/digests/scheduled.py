"""The scheduler's handler for channel digests: build this week's, post it, next Monday."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.core.i18n import catalog, language_for, speaking
from bot.core.messages import Text
from bot.core.outcome import Notice
from bot.core.ports import Phrased, Recipient, Sender, Undeliverable
from bot.digests.channels import next_digest
from bot.digests.digest import build_digest
from scheduler.due import Due
from storage.repository import Store
from storage.settings import settings_of
from storage.subscriptions import Subscriptions

log = logging.getLogger(__name__)
_, ngettext = catalog("bot.digests")


class ScheduledDigests:
    def __init__(self, engine: Sender) -> None:
        self.engine = engine

    async def post(self, due: Due, now: datetime) -> datetime | None:
        async with self.engine.database.session() as session:
            subscription = await Subscriptions(session).get(due.tenant_id, due.subject_id)
            tenant = await Store(session).tenant(due.tenant_id)
            if subscription is None or tenant is None:
                return None  # unsubscribed meanwhile
            # A channel reads the org's default language: the digest, and how the platform
            # words it, are written in it.
            language = tenant.settings.get("language")
            with speaking(language):
                digest = await build_digest(session, tenant.id, subscription.team, now)
            to = Recipient(tenant.platform, tenant.external_id, "", subscription.channel)
            following = next_digest(settings_of(tenant), now)
        try:
            with speaking(language):
                await self.engine.post_digest(to, Text(digest.summary), digest.card)
        except Undeliverable as error:
            # The channel is gone or closed to the app: trying again within the hour won't
            # help. Whoever subscribed it hears why; next week's digest tries again.
            log.warning(
                "a weekly digest was not posted: %s channel %s (%s); skipped until next week",
                tenant.platform,
                subscription.channel_key,
                error,
            )
            if subscription.created_by is not None:
                async with self.engine.database.session() as session:
                    who = await Store(session).person(tenant.id, subscription.created_by)
                language = language_for(who, tenant) if who else tenant.settings.get("language")
                with speaking(language):
                    note = _not_posted(subscription.channel_name)
                await self.engine.notify(tenant.id, [Notice(subscription.created_by, [note])])
        return following


def _not_posted(channel_name: str | None) -> Phrased:
    """Why the digest didn't come, and how the bot is let in, in the platform's words (those
    are the platform's to translate)."""
    where = channel_name or _("the channel")
    said = _(
        "I couldn't post this week's goal digest in {channel}: I'm not in it, or it's gone. "
        "{let_me_in}, or type digest unsubscribe there to stop it."
    )
    add_me = _("Add me there")

    def note(let_me_in: str) -> str:
        return said.format(channel=where, let_me_in=let_me_in)

    return Phrased(note(add_me), words=lambda book: note(book.let_me_in()))
