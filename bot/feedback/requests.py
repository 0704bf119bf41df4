"""A feedback request's life: the givers are asked, reminded once before it is due, and it
closes at the end of the due day (or once all have answered). Answers are released to their
readers as `bot.privacy.feedback_answers` allows.

An anonymous request's answers are written again in a random order at each release. At its
close, the answers that will never be shown are deleted, and the invitations forget who
answered and who was reminded, so nothing in the rows orders or flags one giver's answer."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import timedelta
from typing import Final

from bot.checkins.cadence import friendly_day
from bot.core.i18n import catalog, speaking_to
from bot.core.messages import Text
from bot.core.outcome import Notice
from bot.feedback.cards import closed_unseen, held_back
from bot.feedback.unit import FeedbackUnit, id_of
from bot.notify.policy import Kind
from bot.org.tree import display_name, first_name
from bot.privacy.feedback_answers import Release, answers_go_to, none_shown_at_close, release
from storage.held import FEEDBACK_REQUEST, about
from storage.models import FeedbackRequest, Person

FEEDBACK_REMINDER: Final = "feedback_reminder"
FEEDBACK_CLOSE: Final = "feedback_close"

_, ngettext = catalog("bot.feedback")


class Requests:
    def __init__(self, unit: FeedbackUnit) -> None:
        self.unit = unit

    async def open(
        self, request: FeedbackRequest, givers: Sequence[Person], subject: Person
    ) -> list[Notice]:
        """Store the request, plan its reminder and close, and ask each giver in their
        language."""
        unit = self.unit
        invites = await unit.feedback.add_request(request, [id_of(g) for g in givers])
        await self._schedule(request)
        by_id = {id_of(g): g for g in givers}
        notices = []
        for invite in invites:
            with speaking_to(by_id[invite.giver_id], unit.tenant):
                asked = unit.ask(request, invite, unit.person, subject, 0)
            notices.append(Notice(invite.giver_id, asked, purpose=_about(request)))
        return notices

    async def _schedule(self, request: FeedbackRequest) -> None:
        """One reminder a day before it is due (or halfway there, if that's sooner), and the
        close at the end of the due day."""
        unit = self.unit
        assert request.due_at is not None
        remind_at = request.due_at - timedelta(days=1)
        if remind_at < unit.now + timedelta(hours=1):
            remind_at = unit.now + (request.due_at - unit.now) / 2
        store, tenant = unit.store, unit.tenant.id
        await store.plan(tenant, FEEDBACK_REMINDER, id_of(request), remind_at)
        await store.plan(tenant, FEEDBACK_CLOSE, id_of(request), request.due_at)

    async def reminders(self, request: FeedbackRequest) -> list[Notice]:
        """One nudge to each giver who hasn't answered yet, in their language."""
        if request.status != "open":
            return []
        unit = self.unit
        requester, subject = await unit.pair(request)
        first_shown = await unit.first_shown(request)
        notices = []
        for invite in await unit.feedback.invites_of(request):
            if invite.answered or invite.reminded:
                continue
            invite.reminded = True
            unit.store.keep(invite)
            with await unit.speaking_to(invite.giver_id):
                intro = _(
                    "A reminder: {requester} would value your feedback on {subject} by {due}."
                ).format(
                    requester=first_name(requester),
                    subject=display_name(subject),
                    due=friendly_day(request.due_on or ""),
                )
                index = invite.asking or 0
                asked = unit.ask(request, invite, requester, subject, index, first_shown)
            reminder = (Kind.FEEDBACK_REMINDERS.value,)
            notices.append(
                Notice(invite.giver_id, [Text(intro), *asked], reminder, _about(request))
            )
        return notices

    async def answered(self, request: FeedbackRequest) -> list[Notice]:
        """A giver answered: close the request once all have, else show what may be shown."""
        invites = await self.unit.feedback.invites_of(request)
        if all(invite.answered for invite in invites):
            return await self.close(request)
        return await self._release(request, closing=False)

    async def _release(self, request: FeedbackRequest, closing: bool) -> list[Notice]:
        """Show the readers what may be shown now; `closing` when the request ends with it."""
        unit = self.unit
        answers = list(await unit.feedback.answers(request))
        pending = [a for a in answers if not a.released]
        step = release(
            anonymous=request.anonymous,
            released=len(answers) - len(pending),
            pending=len(pending),
            closing=closing,
        )
        if step is Release.HIDE:
            with await unit.speaking_to(request.requester_id):
                hidden = held_back(request, len(pending))
            return [Notice(request.requester_id, [Text(hidden)])]
        if step is not Release.SHOW:
            return []
        if request.anonymous:
            random.SystemRandom().shuffle(pending)
        for answer in pending:
            answer.released = True
            unit.store.keep(answer)
        subject = (await unit.pair(request))[1]
        notices = []
        for person in sorted(answers_go_to(request)):
            with await unit.speaking_to(person):
                card = await unit.answers_card(request, subject, pending, closing)
            notices.append(Notice(person, [card]))
        if request.anonymous and not closing:  # at the close, `close` writes them all again
            await unit.feedback.rewrite_answers(request)
        return notices

    async def close(self, request: FeedbackRequest) -> list[Notice]:
        """The due date passed, or all have answered: release what may be, and end the
        request. An anonymous one keeps only the answers shown, and who was asked."""
        unit = self.unit
        await unit.feedback.lock(request)
        if request.status != "open":
            return []
        request.status, request.closed_at = "closed", unit.now
        unit.store.keep(request)
        answered = await unit.feedback.answered_count(request)
        notices = await self._release(request, closing=True)
        if none_shown_at_close(anonymous=request.anonymous, answered=answered):
            requester, subject = await unit.pair(request)
            with speaking_to(requester, unit.tenant):
                unseen = closed_unseen(subject, answered)
            notices.append(Notice(request.requester_id, [Text(unseen)]))
        if request.anonymous:
            await unit.feedback.drop_unreleased(request)
            await unit.feedback.rewrite_answers(request)
            await unit.feedback.rewrite_invites(request)
        return notices


def _about(request: FeedbackRequest) -> str:
    """What a giver's question is for: once the request closes, a held one isn't sent."""
    return about(FEEDBACK_REQUEST, request.id)
