"""Sending: messages to a person in order, notices to others, digests to channels, and the
bookkeeping a send leaves (the message's handle, an unreachable person)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.events import Actor
from bot.core.i18n import catalog, speaking_to
from bot.core.messages import Answered, Card, Message, Question, Text
from bot.core.outcome import ChannelPost, ClosedForm, ClosedPrompt, Notice
from bot.core.ports import (
    Clock,
    FindsSent,
    HasPhrasebook,
    OneKeyboard,
    Outbox,
    Phrased,
    PostsInChannels,
    ReachesPlatforms,
    Recipient,
    Sent,
    Undeliverable,
    Updates,
    in_words,
)
from bot.notify.codec import encoded
from bot.notify.gate import DROP, verdict
from bot.notify.scheduled import HELD
from storage.db import Database
from storage.held import held_message
from storage.jobs import upsert_job
from storage.models import Person, PlatformIdentity, Tenant
from storage.repository import Store
from storage.waves import WaveStore

log = logging.getLogger(__name__)
_, ngettext = catalog("bot.engine")
NOTICE_SENDERS = 16  # notices in flight at once; the platform pacers do the rest


class Delivery:
    def __init__(self, database: Database, outbox: Outbox, clock: Clock) -> None:
        self.database = database
        self.outbox = outbox
        self.clock = clock
        # What the platform can do beyond sending, asked once.
        self.updates: Updates | None = outbox if isinstance(outbox, Updates) else None
        self.channels: PostsInChannels | None = (
            outbox if isinstance(outbox, PostsInChannels) else None
        )
        self.history: FindsSent | None = outbox if isinstance(outbox, FindsSent) else None
        self.phrases: HasPhrasebook | None = outbox if isinstance(outbox, HasPhrasebook) else None
        self.quiet_hours = not (isinstance(outbox, OneKeyboard) and outbox.one_keyboard())
        self.platforms: ReachesPlatforms | None = (
            outbox if isinstance(outbox, ReachesPlatforms) else None
        )

    def reaches(self, platform: str) -> bool:
        """Whether anything here sends to `platform` at all."""
        return self.platforms is None or self.platforms.reaches(platform)

    async def deliver(
        self,
        actor: Actor,
        messages: list[Message],
        closed: Sequence[ClosedPrompt] = (),
        notices: Sequence[Notice] = (),
        form: ClosedForm | None = None,
        posts: Sequence[ChannelPost] = (),
    ) -> None:
        if form is not None:
            await self._close_form(actor, form)
        await self.send(actor, messages)
        await self._retire(actor, closed)
        await self.notify(actor.tenant_id, notices)
        for post in posts:
            await self.post_card(actor, post)

    async def send(self, actor: Actor, messages: list[Message]) -> bool:
        """Send in order; stop at the first failure. True when everything went out."""
        for message in messages:
            sent = await self.post(actor, message)
            if not sent.ok:
                return False
            if sent.ref and isinstance(message, Question):
                await self._remember_message(actor.tenant_id, message.prompt_id, sent.ref)
        return True

    async def notify(self, tenant_id: str, notices: Sequence[Notice]) -> None:
        """Send each notice to its person, in their language, where they can be reached (the
        rest wait in their inbox, `feedback inbox`); in their quiet hours it waits for the end,
        and a kind they turned off isn't sent."""
        if not notices:
            return
        now = self.clock.now()
        async with self.database.session() as session:
            store = Store(session)
            tenant = await store.tenant(tenant_id)
            wanted = {notice.person_id for notice in notices}
            reachable = await WaveStore(session).reachable_identities(wanted)
            people = await store.people_with_ids(tenant_id, wanted)
            if tenant is None:
                return
            per_person: dict[int, list[Message]] = {}
            for notice in notices:
                person, identity = people.get(notice.person_id), reachable.get(notice.person_id)
                if person is None or identity is None or identity.tenant_id != tenant_id:
                    continue
                if not self.reaches(identity.platform):
                    continue  # a console org's people are told in the chat, not from here
                gate = verdict(person, tenant, notice.kinds, now, quiet=self.quiet_hours)
                if gate == DROP:
                    continue
                if isinstance(gate, datetime):
                    await self._hold(session, tenant, person, identity, notice, gate, now)
                    continue
                per_person.setdefault(notice.person_id, []).extend(notice.messages)
        slots = asyncio.Semaphore(NOTICE_SENDERS)

        async def send(person_id: int, messages: list[Message]) -> None:
            identity = reachable[person_id]
            actor = Actor(identity.platform, tenant.external_id, identity.external_user_id)
            async with slots:
                with speaking_to(people[person_id], tenant):
                    await self.send(actor, messages)

        # One lookup for everyone (a survey may go to a thousand people), people side by side,
        # each person's messages in order.
        await asyncio.gather(*(send(p, messages) for p, messages in per_person.items()))

    async def _hold(
        self,
        session: AsyncSession,
        tenant: Tenant,
        person: Person,
        identity: PlatformIdentity,
        notice: Notice,
        until: datetime,
        now: datetime,
    ) -> None:
        """Keep a notice until `until`, its words as the person's platform says them, and have
        the scheduler send it then."""
        to = Recipient(identity.platform, tenant.external_id, identity.external_user_id)
        phrasebook = self.phrases.phrasebook(to) if self.phrases is not None else None
        with speaking_to(person, tenant):
            words = encoded([in_words(message, phrasebook) for message in notice.messages])
        held = held_message(
            tenant.id, notice.person_id, until, notice.kinds, notice.purpose, words, now
        )
        session.add(held)
        await upsert_job(session, tenant.id, HELD, notice.person_id, until)

    async def post(self, actor: Actor, message: Message) -> Sent:
        """Send one message, recording nothing but an unreachable person."""
        to = Recipient(actor.platform, actor.tenant, actor.user)
        try:
            phrasebook = self.phrases.phrasebook(to) if self.phrases is not None else None
            return Sent(True, await self.outbox.send(to, in_words(message, phrasebook)))
        except Undeliverable:
            await self._mark_unreachable(actor)
            return Sent(False, unreachable=True)
        except Exception:
            log.exception("could not send a message on %s", actor.platform)
            return Sent(False)

    async def post_digest(self, to: Recipient, summary: Message, details: Card) -> None:
        """Post a digest in a channel: the summary, then the details (in its thread where the
        platform has threads). Raises when the platform can't take it (retried later)."""
        if self.channels is None:
            raise LookupError(f"{to.platform} can't post in channels")
        # A summary is one line of text; the engine's callers give one as a Text.
        line = summary if isinstance(summary, Text) else Text(summary.fallback_text())
        await self.channels.post_digest(to, line, details)

    async def post_card(self, actor: Actor, post: ChannelPost) -> None:
        """Post a card in a channel of the actor's org. When the platform won't take it, the
        poster hears why; what the card shows is kept either way."""
        to = Recipient(actor.platform, actor.tenant, "", post.conversation)
        if self.channels is None or not self.reaches(actor.platform):
            return
        try:
            await self.channels.post_card(to, post.card)
            return
        except Undeliverable as error:
            log.warning("a card was not posted in a %s channel (%s)", actor.platform, error)
        except Exception:
            log.exception("could not post a card in a %s channel", actor.platform)
        note = _not_posted(post.what, post.conversation.get("name"))
        await self.notify(actor.tenant_id, [Notice(post.poster_id, [note])])

    async def find_sent(
        self, actor: Actor, message: Message, since: datetime
    ) -> dict[str, Any] | None:
        """The platform's handle on `message`, a question, if it reached `actor` at or after
        `since`; None when it did not, or the platform can't tell us (its history is closed to
        bots). Raises when the platform could not be asked."""
        if self.history is None or not isinstance(message, Question):
            return None
        to = Recipient(actor.platform, actor.tenant, actor.user)
        try:
            return await self.history.find_sent(to, message.prompt_id, since)
        except Undeliverable:
            return None  # sending will find that out again, and mark them unreachable

    async def _retire(self, actor: Actor, closed: Sequence[ClosedPrompt]) -> None:
        """Answered questions lose their buttons, so a second click can't look like it counts."""
        if self.updates is None:
            return
        to = Recipient(actor.platform, actor.tenant, actor.user)
        for prompt in closed:
            if prompt.message_ref:
                answered = Answered(prompt.question, prompt.answer)
                try:
                    await self.updates.update(to, prompt.message_ref, answered)
                except Exception:
                    log.warning("could not retire an answered question on %s", actor.platform)

    async def _close_form(self, actor: Actor, form: ClosedForm) -> None:
        """A submitted form's message becomes its summary, so it can't be submitted again;
        where that can't be done, the summary is sent instead."""
        if form.message_ref and self.updates is not None:
            to = Recipient(actor.platform, actor.tenant, actor.user)
            try:
                await self.updates.update(to, form.message_ref, form.summary)
                return
            except Exception:
                log.warning("could not close a submitted form on %s", actor.platform)
        if not form.sent_before:
            await self.send(actor, [form.summary])

    async def _mark_unreachable(self, actor: Actor) -> None:
        async with self.database.session() as session:
            store = Store(session)
            identity = await store.identity(actor.tenant_id, actor.platform, actor.user)
            if identity is not None:
                identity.reachable = False
                session.add(identity)
        log.warning("a %s user is unreachable; marked so", actor.platform)

    async def _remember_message(self, tenant_id: str, prompt_id: str, ref: dict[str, Any]) -> None:
        async with self.database.session() as session:
            await Store(session).set_message_ref(tenant_id, prompt_id, ref)


def _not_posted(what: str, name: object) -> Phrased:
    """Why something wasn't posted in a channel, and how the bot is let in, in the platform's
    words (and the reader's language, as it is sent)."""

    def note(let_me_in: str | None) -> str:
        where = str(name) if name else _("the channel")
        return _(
            "I couldn't post {what} in {where}: I'm not in it, or it's gone. {let_me_in}."
        ).format(what=what, where=where, let_me_in=let_me_in or _("Add me there"))

    return Phrased(note(None), words=lambda book: note(book.let_me_in()))
