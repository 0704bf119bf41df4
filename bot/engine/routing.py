"""Which capability an event is for: a command by the table, free text to the question asked
last (a check-in's, a feedback request's, a survey's), a click or a form to its question."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.checkins.cadence import friendly_day
from bot.checkins.flow import CheckinFlow
from bot.checkins.form import answer_form, read_form_id
from bot.core.commands import UNKNOWN, Command, Context
from bot.core.events import (
    ChoiceSelected,
    CommandInvoked,
    FormSubmitted,
    InboundEvent,
    TextReceived,
    UserReachable,
)
from bot.core.i18n import catalog
from bot.core.messages import Message, Text
from bot.core.outcome import Outcome
from bot.feedback.flow import FeedbackFlow
from bot.goals.editing import Goals
from bot.goals.form import is_goal_form
from bot.goals.form_submit import submit_goal_form
from bot.home.cards import help_card
from bot.kudos.form import is_kudos_form, submit_kudos_form
from bot.notify.form import is_settings_form, submit_settings_form
from bot.oneonones import setup as oneonone_asks
from bot.org import asks as manager_asks
from bot.pulse.flow import PROMPT_PREFIX as PULSE_PROMPT
from bot.pulse.flow import PulseFlow
from bot.reviews.writing import is_review_form, submit_review_form
from storage.models import CheckinRun, FeedbackInvite, SurveyInvite
from storage.settings import settings_of

_, ngettext = catalog("bot.engine")


class Router:
    """One event, in its unit of work, to the capability it is for."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.checkin = CheckinFlow(ctx.store, ctx.person, settings_of(ctx.tenant), ctx.now)
        self.feedback = FeedbackFlow(ctx.store, ctx.tenant, ctx.person, ctx.now, ctx.platform)
        self.pulse = PulseFlow(ctx.store, ctx.tenant, ctx.person, ctx.now)

    async def route(self, event: InboundEvent) -> Outcome:
        commands = self.ctx.commands
        if isinstance(event, CommandInvoked):
            command = commands.parse(event.command, event.text)
            if command is None:
                note = _("I don't know the command {command}.")
                return self._help(note.format(command=event.command[:40]))
            return await self.command(command)
        if isinstance(event, TextReceived):
            command = commands.in_text(event.text)
            if command is not None:
                return await self.command(command)
            return await self._text(event.text)
        if isinstance(event, ChoiceSelected):
            if event.prompt_id.startswith(PULSE_PROMPT):
                outcome = await self.pulse.choose(event.prompt_id, event.value)
            elif event.prompt_id.startswith(manager_asks.PROMPT_PREFIX):
                outcome = await manager_asks.choose(self.ctx, event.prompt_id, event.value)
            elif event.prompt_id.startswith(oneonone_asks.PROMPT_PREFIX):
                outcome = await oneonone_asks.choose(self.ctx, event.prompt_id, event.value)
            else:
                outcome = self.checkin.outcome(await self._choice(event.prompt_id, event.value))
            # The clicked message is retired even before its handle was recorded.
            outcome.closed = [
                replace(closed, message_ref=closed.message_ref or event.message_ref)
                if closed.prompt_id == event.prompt_id
                else closed
                for closed in outcome.closed
            ]
            return outcome
        if isinstance(event, FormSubmitted):
            return await self._form(event)
        if isinstance(event, UserReachable):
            return self.checkin.outcome(await self._greet(event))
        raise TypeError(f"unknown event {type(event).__name__}")

    async def command(self, command: Command) -> Outcome:
        if command.sub == UNKNOWN:
            note = _("{command} doesn't know “{words}”.")
            return self._help(note.format(command=command.name, words=command.args[:40]))
        row = self.ctx.commands.row(command)
        if row is None or row.handler is None:
            return self._help(_("{command} is coming soon.").format(command=command.words))
        return await row.handler(self.ctx, command.args)

    def _help(self, note: str) -> Outcome:
        return Outcome([help_card(self.ctx.commands.help_lines(), note)])

    # -- free text -----------------------------------------------------------------------------

    async def _text(self, text: str) -> Outcome:
        focus = await self._focus()
        if focus is not None and self.ctx.first_contact:
            # Asked while we couldn't reach them: show the question, don't take this text
            # (written without seeing it) as the answer.
            return Outcome(await self._show_waiting(focus))
        if isinstance(focus, FeedbackInvite):
            return await self.feedback.answer(focus, text)
        if isinstance(focus, SurveyInvite):
            return await self.pulse.answer(focus, text)
        return self.checkin.outcome(await self._checkin_text(text))

    async def _checkin_text(self, text: str) -> list[Message]:
        run = await self.checkin.active_run()
        if run is None:
            return [Text(await self._nothing_waiting())]
        prompt = await self.ctx.store.waiting_prompt(run)
        if prompt is None:
            return await self.checkin.ask_next(run)
        return await self.checkin.answer(run, prompt, text)

    async def _focus(self) -> FeedbackInvite | SurveyInvite | None:
        """What free text answers: of the questions waiting for this person (a check-in's, a
        feedback request's, a survey's), the one asked last. None: the check-in's, or none."""
        if not self.ctx.asked_elsewhere:
            return None
        waiting: list[tuple[datetime, FeedbackInvite | SurveyInvite | None]] = []
        for invite in (await self.feedback.waiting(), await self.pulse.waiting()):
            if invite is not None and invite.asked_at is not None:
                waiting.append((invite.asked_at, invite))
        if not waiting:
            return None
        run = await self.checkin.active_run()
        prompt = await self.ctx.store.waiting_prompt(run) if run is not None else None
        if prompt is not None:
            waiting.append((prompt.created_at, None))
        return max(waiting, key=lambda pair: pair[0])[1]

    async def _show_waiting(self, focus: FeedbackInvite | SurveyInvite) -> list[Message]:
        waiting = (
            await self.feedback.start(focus)
            if isinstance(focus, FeedbackInvite)
            else await self.pulse.start(focus)
        )
        return [Text(_("Hi! A question is waiting for you:")), *waiting]

    async def _nothing_waiting(self) -> str:
        latest = await self.ctx.store.latest_runs(self.ctx.person, limit=1)
        if latest and latest[0].status == "missed":
            return closed_note(latest[0])
        return _("No check-in is waiting for you. Type checkin now to start one, or help.")

    # -- clicks and forms ----------------------------------------------------------------------

    async def _choice(self, prompt_id: str, value: str) -> list[Message]:
        store, ctx = self.ctx.store, self.ctx
        prompt = await store.prompt(ctx.tenant.id, prompt_id)
        run = await store.run(ctx.tenant.id, prompt.run_id) if prompt is not None else None
        if prompt is None or run is None or run.person_id != ctx.person.id:
            return [Text(_("That button isn't for you, or it has expired."))]
        if not self._still_open(run):
            return [Text(closed_note(run))]
        return await self.checkin.answer(run, prompt, value)

    async def _form(self, event: FormSubmitted) -> Outcome:
        if is_goal_form(event.form_id):
            return await submit_goal_form(Goals(self.ctx), event.form_id, event.values)
        if is_kudos_form(event.form_id):
            return await submit_kudos_form(self.ctx, event.values)
        if is_settings_form(event.form_id):
            return await submit_settings_form(self.ctx, event.values)
        if is_review_form(event.form_id):
            return await submit_review_form(self.ctx, event.form_id, event.values)
        sent = read_form_id(event.form_id)
        run = await self._own_run(sent.run_id) if sent is not None else None
        if sent is None or run is None:
            return Outcome([Text(_("That form isn't for you, or it has expired."))])
        if not self._still_open(run):
            return Outcome([Text(closed_note(run))])
        return await answer_form(self.checkin, run, sent, event.values, event.message_ref)

    async def _own_run(self, run_id: int) -> CheckinRun | None:
        run = await self.ctx.store.run(self.ctx.tenant.id, run_id)
        return run if run is not None and run.person_id == self.ctx.person.id else None

    def _still_open(self, run: CheckinRun) -> bool:
        return run.status in ("open", "submitted") and run.period_end > self.ctx.now

    # -- a person the bot can reach (again) ----------------------------------------------------

    async def _greet(self, event: UserReachable) -> list[Message]:
        ctx = self.ctx
        identity = await ctx.store.identity(ctx.tenant.id, event.actor.platform, event.actor.user)
        greeted_before = identity is not None and identity.conversation is not None
        if identity is not None and event.conversation:
            identity.conversation = event.conversation
            identity.reachable = True
            ctx.store.keep(identity)
        if event.timezone and not ctx.person.timezone:
            ctx.person.timezone = event.timezone
            ctx.store.keep(ctx.person)
        if event.greet_once and greeted_before:
            return []
        if event.greet_once and not await ctx.store.has_admin(ctx.tenant.id):
            # The first to install the app in an org with no admin yet (Teams says who installs;
            # Slack's OAuth install records its installer instead) runs it.
            ctx.person.is_admin = True
            ctx.store.keep(ctx.person)
        focus = await self._focus()
        if focus is not None:
            return await self._show_waiting(focus)
        run = await self.checkin.active_run()
        if run is not None and await ctx.store.waiting_prompt(run) is not None:
            intro = _("Welcome back! Picking up where we left off.")
            return await self.checkin.ask_next(run, intro=intro)
        names = (ctx.person.name or "").split()
        if names:
            hello = _(
                "Hi {name}! Type checkin now for your check-in, goals for your goals, or help."
            )
            return [Text(hello.format(name=names[0]))]
        return [
            Text(_("Hi there! Type checkin now for your check-in, goals for your goals, or help."))
        ]


def closed_note(run: CheckinRun) -> str:
    return _(
        "Your check-in for the week of {day} closed when the next one opened. Type checkin now "
        "for the current one."
    ).format(day=friendly_day(run.period_label))
