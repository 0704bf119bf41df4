"""The engine: one neutral event in, one unit of work, replies out after the commit."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from bot.checkins import schedule_commands
from bot.checkins.blockers import WEEKLY_BLOCKERS
from bot.checkins.cadence import friendly_day
from bot.checkins.flow import CheckinFlow, ClosedPrompt
from bot.checkins.team_view import TeamView
from bot.core.backlog import Backlog
from bot.core.commands import Command, command_in_text, parse_command
from bot.core.events import (
    Actor,
    ChoiceSelected,
    CommandInvoked,
    FormSubmitted,
    InboundEvent,
    TextReceived,
    UserReachable,
)
from bot.core.messages import Answered, Card, Form, Message, Question, Text
from bot.core.outcome import Notice, Outcome
from bot.core.ports import Clock, Directory, Outbox, Profile, Recipient, SystemClock, Undeliverable
from bot.core.whole_numbers import whole_number
from bot.digests.channels import DigestChannels
from bot.digests.digest import Digest, build_digest
from bot.feedback.flow import FeedbackFlow
from bot.home.cards import feedback_help, goals_card, help_card, home_card, pulse_help
from bot.pulse.flow import PROMPT_PREFIX as PULSE_PROMPT
from bot.pulse.flow import PulseFlow
from storage.db import Database, out_of_space
from storage.models import (
    CheckinRun,
    FeedbackInvite,
    Person,
    PlatformIdentity,
    SurveyInvite,
    Tenant,
)
from storage.repository import Store
from storage.waves import WaveStore

log = logging.getLogger(__name__)
NOTICE_SENDERS = 16  # notices in flight at once; the platform pacers do the rest
MENTION = re.compile(r"<@([A-Za-z0-9:_.\-]{1,200})(?:\|[^>]*)?>")
MAX_MENTIONS = 25  # a feedback request names its subject and at most 20 givers

FEEDBACK: dict[str, Callable[[FeedbackFlow, str], Awaitable[Outcome]]] = {
    "request": FeedbackFlow.request,
    "give": FeedbackFlow.give,
    "share": FeedbackFlow.share,
    "inbox": lambda flow, _args: flow.inbox_outcome(),
}

SCHEDULING: dict[str, Callable[[CheckinFlow, str], Awaitable[list[Message]]]] = {
    "schedule": schedule_commands.schedule,
    "pause": schedule_commands.pause,
    "resume": lambda flow, _: schedule_commands.resume(flow),
    "skip": lambda flow, _: schedule_commands.skip(flow),
    "reminders": schedule_commands.reminders,
}

# Inbound events that may wait for a turn before adapters hold new ones back (bot/core/backlog.py):
# a few seconds of work at the rates measured in bench/inbound.py.
QUEUED_EVENTS = 256
SORRY = "Sorry, something went wrong on my side and nothing was saved. Please try again."
DISK_FULL = (
    "I couldn't save that: the server's disk is full. Nothing was saved; please try again later."
)


@dataclass(frozen=True)
class Sent:
    """What became of one message: taken by the platform (with its handle on it), or not."""

    ok: bool
    ref: dict[str, Any] | None = None
    unreachable: bool = False


@dataclass
class Handled:
    """What handling an event produced: replies (already sent) and form field errors."""

    replies: list[Message] = field(default_factory=list)
    form_errors: dict[str, str] = field(default_factory=dict)
    duplicate: bool = False
    closed: list[ClosedPrompt] = field(default_factory=list)
    # Messages for other people (a feedback request's givers, its requester), sent after.
    notices: list[Notice] = field(default_factory=list)


class _Stranger(Exception):
    """No person matches the actor yet; rolls the unit of work back so it can be retried."""


@dataclass
class _Context:
    store: Store
    tenant: Tenant
    person: Person
    flow: CheckinFlow
    feedback: FeedbackFlow
    pulse: PulseFlow
    # This event linked the person to this platform account: nothing sent before reached it.
    first_contact: bool = False
    channel: dict[str, Any] | None = None  # a command typed in a channel: where


class Engine:
    def __init__(
        self,
        database: Database,
        outbox: Outbox,
        clock: Clock | None = None,
        directory: Directory | None = None,
        backlog: Backlog | None = None,
    ) -> None:
        self.database = database
        self.outbox = outbox
        self.clock = clock or SystemClock()
        self.directory = directory
        self.backlog = backlog or Backlog(database.inbound_slots, QUEUED_EVENTS)

    async def handle(self, event: InboundEvent, *, deliver: bool = True) -> Handled:
        """Handle one event in one unit of work; then send the replies, unless the caller
        wants to answer the platform first (deliver=False, then call `deliver`)."""
        actor = event.actor
        event = _storable(event)
        async with self.backlog.turn():
            handled = await self._unit_of_work(actor, event)
        if deliver:
            await self.deliver(actor, handled.replies, handled.closed, handled.notices)
        return handled

    async def _unit_of_work(self, actor: Actor, event: InboundEvent) -> Handled:
        try:
            if isinstance(event, (TextReceived, CommandInvoked)) and "<@" in event.text:
                await self._link_mentioned(actor, event.text)
            try:
                return await self._handle(event, profile=None)
            except _Stranger:
                # First contact: ask the platform who this is (outside any transaction).
                return await self._handle(event, profile=await self._profile(actor))
        except _Stranger:
            return Handled([Text(_stranger(actor))])
        except Exception as error:
            # The unit of work rolled back (the event is not marked seen, so a retry can succeed).
            log.exception("failed to handle %s from %s", type(event).__name__, actor.platform)
            return Handled([Text(DISK_FULL if out_of_space(error) else SORRY)])

    async def deliver(
        self,
        actor: Actor,
        messages: list[Message],
        closed: Sequence[ClosedPrompt] = (),
        notices: Sequence[Notice] = (),
    ) -> None:
        await self._deliver(actor, messages)
        await self._retire(actor, closed)
        await self.notify(actor.tenant_id, notices)

    async def notify(self, tenant_id: str, notices: Sequence[Notice]) -> None:
        """Send each notice to its person, where they can be reached; the rest wait in their
        inbox (`feedback inbox`)."""
        if not notices:
            return
        async with self.database.session() as session:
            tenant = await Store(session).tenant(tenant_id)
            wanted = {notice.person_id for notice in notices}
            reachable = await WaveStore(session).reachable_identities(wanted)
        if tenant is None:
            return
        slots = asyncio.Semaphore(NOTICE_SENDERS)

        per_person: dict[int, list[Message]] = {}
        for notice in notices:
            per_person.setdefault(notice.person_id, []).extend(notice.messages)

        async def send(person_id: int, messages: list[Message]) -> None:
            identity = reachable.get(person_id)
            if identity is None or identity.tenant_id != tenant_id:
                return
            actor = Actor(identity.platform, tenant.external_id, identity.external_user_id)
            async with slots:
                await self._deliver(actor, messages)

        # One lookup for everyone (a survey may go to a thousand people), people side by side,
        # each person's messages in order.
        await asyncio.gather(*(send(p, messages) for p, messages in per_person.items()))

    async def _handle(self, event: InboundEvent, profile: Profile | None) -> Handled:
        actor = event.actor
        async with self.database.session() as session:
            store = Store(session)
            now = self.clock.now()
            tenant = await store.ensure_tenant(actor.tenant_id, actor.platform, actor.tenant, now)
            if not await store.first_time_seen(tenant.id, actor.platform, event.event_id, now):
                return Handled(duplicate=True)
            identity = await store.identity(tenant.id, actor.platform, actor.user)
            person = await self._person(store, actor, profile, identity)
            if person is None:
                raise _Stranger
            flow = CheckinFlow(store, person, tenant.settings, now)
            feedback = FeedbackFlow(store, tenant, person, flow.now, actor.platform)
            pulse = PulseFlow(store, tenant, person, flow.now)
            channel = event.channel if isinstance(event, CommandInvoked) else None
            context = _Context(
                store, tenant, person, flow, feedback, pulse, identity is None, channel
            )
            handled = await self._dispatch(context, event)
            handled.closed = flow.closed
            handled.notices = [*handled.notices, *flow.notices]
            return handled

    async def prompt(self, tenant_id: str, email: str) -> str:
        """Start someone's check-in proactively, in their DM on the org's platform.

        Returns what happened, in words for an admin: sent, or why not.
        """
        async with self.database.session() as session:
            store = Store(session)
            tenant = await store.tenant(tenant_id)
            person = await store.person_by_email(tenant_id, email) if tenant else None
            if tenant is None or person is None:
                return f"no one with the email {email} in {tenant_id}"
            identities = [i for i in await store.identities_of(person) if i.reachable]
            if not identities:
                return f"{email} has no reachable chat account yet (they need to open the app)"
            identity = identities[0]
            flow = CheckinFlow(store, person, tenant.settings, self.clock.now())
            messages = await flow.start()
        actor = Actor(identity.platform, tenant.external_id, identity.external_user_id)
        if await self._deliver(actor, messages):
            return f"sent {email} their check-in on {actor.platform}"
        async with self.database.session() as session:
            now = await Store(session).identity(actor.tenant_id, actor.platform, actor.user)
        if now is not None and not now.reachable:
            return f"{email} can't be reached on {actor.platform}; marked unreachable"
        return f"{actor.platform} did not take the message for {email}; try again later"

    async def send(self, actor: Actor, messages: list[Message]) -> bool:
        """Send proactively (the scheduler); True when the platform took every message."""
        return await self._deliver(actor, messages)

    async def knows(self, actor: Actor) -> bool:
        """Whether this platform identity is linked to a person already."""
        async with self.database.session() as session:
            identity = await Store(session).identity(actor.tenant_id, actor.platform, actor.user)
        return identity is not None

    async def _link_mentioned(self, actor: Actor, text: str) -> None:
        """People mentioned (<@U123>) whom the bot hasn't met are looked up on the platform
        and linked by email, so a request can name anyone in the org import.

        Only when someone in the org asks, and no more people than a request can name: each
        look-up is a call to the platform, and a stranger's message must change nothing."""
        users = list(dict.fromkeys(MENTION.findall(text[:4000])))[:MAX_MENTIONS]
        if not users or not await self._in_org(actor):
            return
        for user in users:
            mentioned = Actor(actor.platform, actor.tenant, user)
            profile = await self._first_contact(mentioned)
            if profile is None or not profile.email:
                continue
            async with self.database.session() as session:
                store = Store(session)
                person = await store.person_by_email(actor.tenant_id, profile.email)
                if person is not None:
                    await store.link_identity(person, actor.platform, user)

    async def _in_org(self, actor: Actor) -> bool:
        """Whether the actor is someone in the org import: linked already, or by email now."""
        if await self.knows(actor):
            return True
        profile = await self._profile(actor)
        if profile is None or not profile.email:
            return False
        async with self.database.session() as session:
            return await Store(session).person_by_email(actor.tenant_id, profile.email) is not None

    async def _first_contact(self, actor: Actor) -> Profile | None:
        """The platform's profile of an actor we have no identity for yet; None otherwise."""
        async with self.database.session() as session:
            known = await Store(session).identity(actor.tenant_id, actor.platform, actor.user)
        return None if known is not None else await self._profile(actor)

    async def _profile(self, actor: Actor) -> Profile | None:
        if actor.email:
            return Profile(email=actor.email, name=actor.name, timezone=actor.timezone)
        if self.directory is None:
            return None
        try:
            return await self.directory.profile(actor.platform, actor.tenant, actor.user)
        except Exception:
            log.warning("could not look up a %s user's profile", actor.platform, exc_info=True)
            return None

    async def home(self, actor: Actor) -> Card | None:
        """What the person's home shows: their goals and where this period's check-in stands."""
        async with self._context(actor) as ctx:
            if ctx is None:
                return None
            return await self._home_card(ctx)

    async def _home_card(self, ctx: _Context) -> Card:
        status = await ctx.flow.status_line()
        objectives = await ctx.store.objectives(ctx.tenant.id)
        key_results = await ctx.store.all_key_results(ctx.tenant.id)
        owed = [*await ctx.feedback.owed(), *await ctx.pulse.owed()]
        team = await TeamView(ctx.store, ctx.tenant, ctx.person, ctx.flow.now).summary()
        return home_card(status, goals_card(objectives, key_results, ctx.person.id), owed, team)

    async def checkin_form(self, actor: Actor) -> Form | None:
        """The current check-in as one form, starting the run if need be."""
        async with self._context(actor) as ctx:
            if ctx is None:
                return None
            run = await ctx.flow.active_run()
            if run is None:
                await ctx.flow.start()
                run = await ctx.flow.active_run()
            return await ctx.flow.form(run) if run is not None else None

    @asynccontextmanager
    async def _context(self, actor: Actor) -> AsyncIterator[_Context | None]:
        """A unit of work for a request that is not an event (home, form); None for strangers."""
        profile = await self._first_contact(actor)
        async with self.database.session() as session:
            store = Store(session)
            identity = await store.identity(actor.tenant_id, actor.platform, actor.user)
            person = await self._person(store, actor, profile, identity)
            tenant = await store.tenant(actor.tenant_id)
            if person is None or tenant is None:
                yield None
                return
            now = self.clock.now()
            yield _Context(
                store,
                tenant,
                person,
                CheckinFlow(store, person, tenant.settings, now),
                FeedbackFlow(store, tenant, person, now, actor.platform),
                PulseFlow(store, tenant, person, now),
            )

    # -- routing -----------------------------------------------------------------------------

    async def _dispatch(self, ctx: _Context, event: InboundEvent) -> Handled:
        if isinstance(event, CommandInvoked):
            command = parse_command(event.command, event.text)
            if command is None:
                return Handled([help_card(f"I don't know the command {event.command[:40]}.")])
            return await self._command_handled(ctx, command)
        if isinstance(event, TextReceived):
            command = command_in_text(event.text)
            if command is not None:
                return await self._command_handled(ctx, command)
            focus = await self._focus(ctx)
            if focus is not None and ctx.first_contact:
                # Asked while we couldn't reach them: show the question, don't take this text
                # (written without seeing it) as the answer.
                return Handled(await self._show_waiting(ctx, focus))
            if isinstance(focus, FeedbackInvite):
                outcome = await ctx.feedback.answer(focus, event.text)
                return Handled(outcome.replies, notices=outcome.notices)
            if isinstance(focus, SurveyInvite):
                outcome = await ctx.pulse.answer(focus, event.text)
                return Handled(outcome.replies, notices=outcome.notices)
            return Handled(await self._text(ctx, event.text))
        if isinstance(event, ChoiceSelected) and event.prompt_id.startswith(PULSE_PROMPT):
            outcome = await ctx.pulse.choose(event.prompt_id, event.value)
            return Handled(outcome.replies, notices=outcome.notices)
        if isinstance(event, ChoiceSelected):
            replies = await self._choice(ctx, event.prompt_id, event.value)
            ctx.flow.closed = [
                replace(closed, message_ref=closed.message_ref or event.message_ref)
                if closed.prompt_id == event.prompt_id
                else closed
                for closed in ctx.flow.closed
            ]
            return Handled(replies)
        if isinstance(event, FormSubmitted):
            return await self._form(ctx, event.form_id, event.values)
        if isinstance(event, UserReachable):
            return Handled(await self._greet(ctx, event))
        raise TypeError(f"unknown event {type(event).__name__}")

    async def _command_handled(self, ctx: _Context, command: Command) -> Handled:
        if command.name == "feedback" and command.available and command.sub != "help":
            outcome = await FEEDBACK[command.sub](ctx.feedback, command.args)
            return Handled(outcome.replies, notices=outcome.notices)
        if command.name == "pulse" and command.available and command.sub != "help":
            flow = ctx.pulse
            outcome = await (flow.send if command.sub == "send" else flow.results)(command.args)
            return Handled(outcome.replies, notices=outcome.notices)
        return Handled(await self._command(ctx, command))

    async def _show_waiting(
        self, ctx: _Context, focus: FeedbackInvite | SurveyInvite
    ) -> list[Message]:
        waiting = (
            await ctx.feedback.start(focus)
            if isinstance(focus, FeedbackInvite)
            else await ctx.pulse.start(focus)
        )
        return [Text("Hi! A question is waiting for you:"), *waiting]

    async def _digest_preview(self, ctx: _Context, args: str) -> list[Message]:
        """This week's digest of a team, in my DM: my own team's, or one I manage (admins:
        any, or the whole org with `everyone`)."""
        channels = DigestChannels(ctx.store, ctx.tenant, ctx.person, ctx.flow.now)
        team, refusal = await channels.team_for(args, "now")
        if refusal:
            return [Text(refusal)]
        digest = await build_digest(ctx.store.session, ctx.tenant.id, team, ctx.flow.now)
        return [Text(digest.summary), digest.card]

    async def _blocker_alerts(self, ctx: _Context, args: str) -> Text:
        """A manager chooses: blockers in a DM as they come (now), or in the weekly view."""
        choice = args.strip().lower()
        if choice not in ("now", "weekly"):
            return Text("Say checkin blockers now (a DM as each is reported) or weekly.")
        weekly = set(ctx.tenant.settings.get(WEEKLY_BLOCKERS, ()))
        me = ctx.person.id or 0
        weekly = weekly | {me} if choice == "weekly" else weekly - {me}
        ctx.tenant.settings = {**ctx.tenant.settings, WEEKLY_BLOCKERS: sorted(weekly)}
        ctx.store.session.add(ctx.tenant)
        if choice == "weekly":
            return Text("Your team's blockers will wait for checkin team; no more DMs for them.")
        return Text("You'll get a DM as soon as someone on your team reports a blocker.")

    async def _focus(self, ctx: _Context) -> FeedbackInvite | SurveyInvite | None:
        """What free text answers: of the questions waiting for this person (a check-in's, a
        feedback request's, a survey's), the one asked last. None: the check-in's, or none."""
        waiting: list[tuple[datetime, FeedbackInvite | SurveyInvite | None]] = []
        for invite in (await ctx.feedback.waiting(), await ctx.pulse.waiting()):
            if invite is not None and invite.asked_at is not None:
                waiting.append((invite.asked_at, invite))
        if not waiting:
            return None
        run = await ctx.flow.active_run()
        prompt = await ctx.store.waiting_prompt(run) if run is not None else None
        if prompt is not None:
            waiting.append((prompt.created_at, None))
        return max(waiting, key=lambda pair: pair[0])[1]

    async def _command(self, ctx: _Context, command: Command) -> list[Message]:
        if command.sub == "unknown":
            note = f"{command.name} doesn't know “{command.args[:40]}”."
            return [help_card(note)]
        if not command.available:
            return [help_card(f"{command.words} is coming soon.")]
        if command.words == "checkin now":
            return await ctx.flow.start()
        if command.words == "checkin edit":
            return await ctx.flow.edit()
        if command.name == "checkin" and command.sub in SCHEDULING:
            return await SCHEDULING[command.sub](ctx.flow, command.args)
        if command.words == "feedback help":
            return [feedback_help()]
        if command.words == "pulse help":
            return [pulse_help()]
        if command.words in ("checkin team", "goals team"):
            view = TeamView(ctx.store, ctx.tenant, ctx.person, ctx.flow.now)
            return [await (view.week() if command.name == "checkin" else view.goals())]
        if command.words == "checkin blockers":
            return [await self._blocker_alerts(ctx, command.args)]
        if command.words in ("digest subscribe", "digest unsubscribe"):
            channels = DigestChannels(ctx.store, ctx.tenant, ctx.person, ctx.flow.now)
            act = channels.subscribe if command.sub == "subscribe" else channels.unsubscribe
            return list(await act(command.args, ctx.channel))
        if command.words == "digest now":
            return await self._digest_preview(ctx, command.args)
        if command.name == "home":
            return [await self._home_card(ctx)]
        if command.words == "goals mine":
            objectives = await ctx.store.objectives(ctx.tenant.id)
            key_results = await ctx.store.all_key_results(ctx.tenant.id)
            return [goals_card(objectives, key_results, ctx.person.id)]
        return [help_card()]

    async def _text(self, ctx: _Context, text: str) -> list[Message]:
        run = await ctx.flow.active_run()
        if run is None:
            return [Text(await self._nothing_waiting(ctx))]
        prompt = await ctx.store.waiting_prompt(run)
        if prompt is None:
            return await ctx.flow.ask_next(run)
        return await ctx.flow.answer(run, prompt, text)

    async def _choice(self, ctx: _Context, prompt_id: str, value: str) -> list[Message]:
        prompt = await ctx.store.prompt(ctx.tenant.id, prompt_id)
        run = await ctx.store.run(ctx.tenant.id, prompt.run_id) if prompt is not None else None
        if prompt is None or run is None or run.person_id != ctx.person.id:
            return [Text("That button isn't for you, or it has expired.")]
        if not _still_open(run, ctx.flow):
            return [Text(_closed(run))]
        return await ctx.flow.answer(run, prompt, value)

    async def _form(self, ctx: _Context, form_id: str, values: dict[str, str]) -> Handled:
        run = await self._own_run(ctx, form_id.removeprefix("f_"))
        if run is None:
            return Handled([Text("That form isn't for you, or it has expired.")])
        if not _still_open(run, ctx.flow):
            return Handled([Text(_closed(run))])
        errors = await ctx.flow.submit_form(run, values)
        if errors:
            return Handled(form_errors=errors)
        return Handled([await ctx.flow.summary(run)])

    async def _own_run(self, ctx: _Context, run_id: str) -> CheckinRun | None:
        number = whole_number(run_id)
        if number is None:
            return None
        run = await ctx.store.run(ctx.tenant.id, number)
        return run if run is not None and run.person_id == ctx.person.id else None

    async def _greet(self, ctx: _Context, event: UserReachable) -> list[Message]:
        identity = await ctx.store.identity(ctx.tenant.id, event.actor.platform, event.actor.user)
        greeted_before = identity is not None and identity.conversation is not None
        if identity is not None and event.conversation:
            identity.conversation = event.conversation
            identity.reachable = True
            ctx.store.session.add(identity)
        if event.timezone and not ctx.person.timezone:
            ctx.person.timezone = event.timezone
            ctx.store.session.add(ctx.person)
        if event.greet_once and greeted_before:
            return []
        focus = await self._focus(ctx)
        if focus is not None:
            return await self._show_waiting(ctx, focus)
        run = await ctx.flow.active_run()
        if run is not None and await ctx.store.waiting_prompt(run) is not None:
            return await ctx.flow.ask_next(run, intro="Welcome back! Picking up where we left off.")
        name = ctx.person.name.split()[0] if ctx.person.name else "there"
        return [
            Text(f"Hi {name}! Type checkin now for your check-in, goals for your goals, or help.")
        ]

    async def _nothing_waiting(self, ctx: _Context) -> str:
        latest = await ctx.store.latest_runs(ctx.person, limit=1)
        if latest and latest[0].status == "missed":
            return _closed(latest[0])
        return "No check-in is waiting for you. Type checkin now to start one, or help."

    # -- identities and delivery ---------------------------------------------------------------

    async def _person(
        self,
        store: Store,
        actor: Actor,
        profile: Profile | None,
        identity: PlatformIdentity | None,
    ) -> Person | None:
        """The person behind a platform identity; on first contact, matched by email."""
        if identity is not None:
            if not identity.reachable:
                # Marked unreachable once (blocked, uninstalled); writing to us undoes that.
                identity.reachable = True
                store.session.add(identity)
            return await store.person(actor.tenant_id, identity.person_id)
        email = actor.email or (profile.email if profile else None)
        if not email:
            return None
        person = await store.person_by_email(actor.tenant_id, email)
        if person is None:
            return None
        await store.link_identity(person, actor.platform, actor.user)
        if profile is not None and profile.timezone and not person.timezone:
            person.timezone = profile.timezone
        if profile is not None and profile.admin:
            person.is_admin = True
        store.session.add(person)
        return person

    async def _deliver(self, actor: Actor, messages: list[Message]) -> bool:
        """Send in order; stop at the first failure. True when everything went out."""
        for message in messages:
            sent = await self.post(actor, message)
            if not sent.ok:
                return False
            if sent.ref and isinstance(message, Question):
                await self._remember_message(actor.tenant_id, message.prompt_id, sent.ref)
        return True

    async def post(self, actor: Actor, message: Message) -> Sent:
        """Send one message, recording nothing but an unreachable person."""
        to = Recipient(actor.platform, actor.tenant, actor.user)
        try:
            return Sent(True, await self.outbox.send(to, message))
        except Undeliverable:
            await self._mark_unreachable(actor)
            return Sent(False, unreachable=True)
        except Exception:
            log.exception("could not send a message on %s", actor.platform)
            return Sent(False)

    async def post_digest(self, to: Recipient, digest: Digest) -> None:
        """Post a digest in a channel: the summary, then the details (in its thread where the
        platform has threads). Raises when the platform can't take it (retried later)."""
        post = getattr(self.outbox, "post_digest", None)
        if post is None:
            raise LookupError(f"{to.platform} can't post in channels")
        await post(to, Text(digest.summary), digest.card)

    async def find_sent(
        self, actor: Actor, message: Message, since: datetime
    ) -> dict[str, Any] | None:
        """The platform's handle on `message`, a question, if it reached `actor` at or after
        `since`; None when it did not, or the platform can't tell us (its history is closed to
        bots). Raises when the platform could not be asked."""
        finder = getattr(self.outbox, "find_sent", None)
        if finder is None or not isinstance(message, Question):
            return None
        to = Recipient(actor.platform, actor.tenant, actor.user)
        try:
            found: dict[str, Any] | None = await finder(to, message.prompt_id, since)
        except Undeliverable:
            return None  # sending will find that out again, and mark them unreachable
        return found

    async def _retire(self, actor: Actor, closed: Sequence[ClosedPrompt]) -> None:
        """Answered questions lose their buttons, so a second click can't look like it counts."""
        update = getattr(self.outbox, "update", None)
        if update is None:
            return
        to = Recipient(actor.platform, actor.tenant, actor.user)
        for prompt in closed:
            if prompt.message_ref:
                try:
                    await update(to, prompt.message_ref, Answered(prompt.question, prompt.answer))
                except Exception:
                    log.warning("could not retire an answered question on %s", actor.platform)

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


def _still_open(run: CheckinRun, flow: CheckinFlow) -> bool:
    return run.status in ("open", "submitted") and run.period_end > flow.now


def _closed(run: CheckinRun) -> str:
    return (
        f"Your check-in for the week of {friendly_day(run.period_label)} closed when the next "
        "one opened. Type checkin now for the current one."
    )


def _storable(event: InboundEvent) -> InboundEvent:
    """What people typed, as a database can store it: PostgreSQL refuses NUL in text, and
    neither database takes half an emoji (a lone surrogate, from a JSON escape). No one means
    either."""

    def clean(text: str) -> str:
        return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")

    if isinstance(event, TextReceived | CommandInvoked):
        return replace(event, text=clean(event.text))
    if isinstance(event, ChoiceSelected):
        return replace(event, value=clean(event.value))
    if isinstance(event, FormSubmitted):
        return replace(event, values={k: clean(v) for k, v in event.values.items()})
    return event


def _stranger(actor: Actor) -> str:
    who = actor.email or actor.user
    return (
        f"I don't know {who} yet. Ask your admin to add you to the org import "
        "(checkin-bot org import)."
    )
