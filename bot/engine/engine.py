"""The engine: one neutral event in, one unit of work, replies out after the commit."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from bot.checkins.flow import CheckinFlow
from bot.checkins.form import checkin_form
from bot.command_table import COMMAND_TABLE
from bot.core.backlog import Backlog
from bot.core.commands import CommandTable, Context
from bot.core.events import (
    Actor,
    CommandInvoked,
    InboundEvent,
    TextReceived,
)
from bot.core.i18n import (
    DEFAULT,
    N_,
    catalog,
    language_for,
    language_of,
    speaking,
    speaking_to,
    use,
)
from bot.core.messages import Card, Form, Message, Text
from bot.core.outcome import ChannelPost, ClosedForm, ClosedPrompt, Notice, Outcome
from bot.core.ports import (
    Clock,
    Directory,
    Outbox,
    Profile,
    ReadsStatus,
    Recipient,
    Sent,
    SystemClock,
)
from bot.engine.asking import Prompted, prompt_someone
from bot.engine.delivery import Delivery
from bot.engine.identities import Identities
from bot.engine.inbound import not_enrolled, storable
from bot.engine.routing import Router
from bot.goals.form import form_named
from bot.home.commands import home_of
from bot.kudos.form import is_kudos_form, kudos_form
from bot.notify.form import is_settings_form, settings_form
from bot.reviews.writing import is_review_form, review_form_named
from storage.db import Database, dropped, out_of_space
from storage.repository import Store
from storage.settings import settings_of

log = logging.getLogger(__name__)

# Inbound events that may wait for a turn before adapters hold new ones back (bot/core/backlog.py):
# a few seconds of work at the rates measured in bench/inbound.py.
QUEUED_EVENTS = 256
SORRY = N_("Sorry, something went wrong on my side and nothing was saved. Please try again.")
DISK_FULL = N_(
    "I couldn't save that: the server's disk is full. Nothing was saved; please try again later."
)

_, ngettext = catalog("bot.engine")


class _Stranger(Exception):
    """No person matches the actor yet; rolls the unit of work back so it can be retried."""


class Engine:
    def __init__(
        self,
        database: Database,
        outbox: Outbox,
        clock: Clock | None = None,
        directory: Directory | None = None,
        backlog: Backlog | None = None,
        commands: CommandTable = COMMAND_TABLE,
    ) -> None:
        self.database = database
        self.outbox = outbox
        self.clock = clock or SystemClock()
        self.backlog = backlog or Backlog(database.inbound_slots, QUEUED_EVENTS)
        self.commands = commands
        self.identities = Identities(database, directory)
        self.statuses: ReadsStatus | None = (
            directory if isinstance(directory, ReadsStatus) else None
        )
        self.delivery = Delivery(database, outbox, self.clock)

    async def handle(self, event: InboundEvent, *, deliver: bool = True) -> Outcome:
        """Handle one event in one unit of work; then send the replies, unless the caller
        wants to answer the platform first (deliver=False, then call `deliver`)."""
        actor = event.actor
        event = storable(event)
        # The acting person's language, from when the unit of work knows them to the replies.
        with speaking(None):
            async with self.backlog.turn():
                outcome = await self._unit_of_work(actor, event)
            if deliver:
                await self.deliver(
                    actor,
                    outcome.replies,
                    outcome.closed,
                    outcome.notices,
                    outcome.closed_form,
                    outcome.posts,
                )
        return outcome

    async def _unit_of_work(self, actor: Actor, event: InboundEvent) -> Outcome:
        try:
            if isinstance(event, TextReceived | CommandInvoked) and "<@" in event.text:
                await self.identities.link_mentioned(actor, event.text, self.clock.now())
            try:
                return await self._handle_again_if_dropped(event, profile=None)
            except _Stranger:
                pass
            # First contact: ask the platform who this is (outside any transaction).
            profile = await self.identities.profile(actor)
            try:
                return await self._handle(event, profile=profile)
            except _Stranger:
                # Someone the org doesn't take has no language of their own: their platform's.
                locale = (profile.locale if profile is not None else None) or actor.locale
                with speaking(language_of(locale)):
                    return Outcome(not_enrolled(actor, profile))
        except Exception as error:
            # The unit of work rolled back (the event is not marked seen, so a retry can succeed).
            log.exception("failed to handle %s from %s", type(event).__name__, actor.platform)
            return Outcome([Text(_(DISK_FULL if out_of_space(error) else SORRY))])

    async def _handle_again_if_dropped(
        self, event: InboundEvent, profile: Profile | None
    ) -> Outcome:
        """The unit of work; once more if the database had dropped its connection (connections
        are not pinged before use: storage/db.py)."""
        try:
            return await self._handle(event, profile)
        except Exception as error:
            if not dropped(error):
                raise
            log.warning("the database connection was gone; handling the event again")
            return await self._handle(event, profile)

    async def _handle(self, event: InboundEvent, profile: Profile | None) -> Outcome:
        actor = event.actor
        async with self.database.session() as session:
            store = Store(session)
            now = self.clock.now()
            who = await store.who(actor.tenant_id, actor.platform, actor.user)
            tenant, identity = who.tenant, who.identity
            if tenant is None:
                tenant = await store.ensure_tenant(
                    actor.tenant_id, actor.platform, actor.tenant, now
                )
            if not await store.first_time_seen(tenant.id, actor.platform, event.event_id, now):
                return Outcome(duplicate=True)
            person = await self.identities.person(store, actor, profile, identity, now)
            if person is None:
                raise _Stranger
            use(language_for(person, tenant))
            channel = event.channel if isinstance(event, CommandInvoked) else None
            ctx = Context(
                store,
                tenant,
                person,
                now,
                actor.platform,
                self.commands,
                identity is None,
                channel,
                asked_elsewhere=who.asked,
            )
            return await Router(ctx).route(event)

    @asynccontextmanager
    async def _context(self, actor: Actor) -> AsyncIterator[Context | None]:
        """A unit of work for a request that is not an event (home, form); None for strangers."""
        profile = await self.identities.first_contact(actor)
        async with self.database.session() as session:
            store = Store(session)
            identity = await store.identity(actor.tenant_id, actor.platform, actor.user)
            person = await self.identities.person(store, actor, profile, identity, self.clock.now())
            tenant = await store.tenant(actor.tenant_id)
            if person is None or tenant is None:
                yield None
                return
            with speaking_to(person, tenant):
                yield Context(
                    store, tenant, person, self.clock.now(), actor.platform, self.commands
                )

    async def home(self, actor: Actor) -> Card | None:
        """What the person's home shows: their goals and where this period's check-in stands."""
        async with self._context(actor) as ctx:
            return None if ctx is None else await home_of(ctx)

    async def checkin_form(self, actor: Actor) -> Form | None:
        """The current check-in as one form, starting the run if need be."""
        async with self._context(actor) as ctx:
            if ctx is None:
                return None
            flow = CheckinFlow(ctx.store, ctx.person, settings_of(ctx.tenant), ctx.now)
            run = await flow.active_run()
            if run is None:
                await flow.start()
                run = await flow.active_run()
            return await checkin_form(flow, run) if run is not None else None

    async def form(self, actor: Actor, form_id: str) -> Form | None:
        """A form a button named, drawn afresh for the person who clicked (None: not theirs)."""
        async with self._context(actor) as ctx:
            if ctx is None:
                return None
            if is_kudos_form(form_id):
                return await kudos_form(ctx, form_id)
            if is_review_form(form_id):
                return await review_form_named(ctx, form_id)
            if is_settings_form(form_id):
                return settings_form(ctx)
            return await form_named(ctx, form_id)

    async def prompt(self, tenant_id: str, email: str) -> Prompted:
        """Start someone's check-in proactively, in their DM on the org's platform (bot/engine/
        asking.py): what happened, in words for an admin."""
        return await prompt_someone(self.database, self.delivery, self.clock, tenant_id, email)

    async def knows(self, actor: Actor) -> bool:
        """Whether this platform identity is linked to a person already."""
        return await self.identities.knows(actor)

    async def language(self, actor: Actor) -> str:
        """The language `actor` reads, for what an adapter writes or draws for them outside a
        unit of work (a modal it opens, a card it answers a click with, its own notes): the
        person's own, else, for someone the org doesn't know yet, their platform's."""
        async with self.database.session() as session:
            store = Store(session)
            identity = await store.identity(actor.tenant_id, actor.platform, actor.user)
            person = await store.person(actor.tenant_id, identity.person_id) if identity else None
            if person is not None:
                return language_for(person, await store.tenant(actor.tenant_id))
        return language_of(actor.locale) or DEFAULT

    # -- sending (bot/engine/delivery.py) ------------------------------------------------------

    async def deliver(
        self,
        actor: Actor,
        messages: list[Message],
        closed: Sequence[ClosedPrompt] = (),
        notices: Sequence[Notice] = (),
        form: ClosedForm | None = None,
        posts: Sequence[ChannelPost] = (),
    ) -> None:
        await self.delivery.deliver(actor, messages, closed, notices, form, posts)

    async def send(self, actor: Actor, messages: list[Message]) -> bool:
        """Send proactively (the scheduler); True when the platform took every message."""
        return await self.delivery.send(actor, messages)

    async def notify(self, tenant_id: str, notices: Sequence[Notice]) -> None:
        await self.delivery.notify(tenant_id, notices)

    def reaches(self, platform: str) -> bool:
        """Whether anything here sends to `platform` (the console chat sends only to its own
        terminal: nothing outside `checkin-bot chat` reaches a console org)."""
        return self.delivery.reaches(platform)

    async def post(self, actor: Actor, message: Message) -> Sent:
        return await self.delivery.post(actor, message)

    async def post_digest(self, to: Recipient, summary: Message, details: Card) -> None:
        await self.delivery.post_digest(to, summary, details)

    async def find_sent(
        self, actor: Actor, message: Message, since: datetime
    ) -> dict[str, Any] | None:
        return await self.delivery.find_sent(actor, message, since)
