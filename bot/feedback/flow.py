"""Feedback: requests about a subject, answered by givers in chat; unasked feedback; the inbox.

Who may ask (SPEC 2.3): anyone about themselves, a manager about their reports down the tree,
an admin about anyone. Anonymous requests need three givers besides the requester and the
subject, and hold the answers back until three have answered; after that first release, the
rest come out together when the request closes, so the moment an answer appears never points
at who wrote it, and only if they are three or more: one or two shown apart from the first
ones would point at the last to answer; those never shown are deleted at the close. An
anonymous answer is stored without its giver; the invitation only says "answered", for the
reminder, until the close. A request whose givers overlap the same requester's other recent
requests on the same subject so much that matching answers would tell who wrote which is
refused (`bot.privacy.feedback_answers.overlap`).

`FeedbackFlow` is what the engine and the scheduler talk to. The work is done in the rooms
beside it: `request_command` reads `feedback request …`, `requests` asks, reminds, releases and
closes, `answering` takes a giver's answers, `inbox` shows what is owed and received, and
`bot.privacy.feedback_answers` says who reads what, and when.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from bot.checkins.cadence import friendly_day, person_cadence
from bot.core.i18n import catalog
from bot.core.messages import Field, Message, Text
from bot.core.outcome import Notice, Outcome
from bot.feedback.answering import Answering
from bot.feedback.cards import PROMPT_PREFIX
from bot.feedback.inbox import Inbox
from bot.feedback.mentions import Mentions
from bot.feedback.questions import GIVE_QUESTIONS, REQUEST_QUESTIONS
from bot.feedback.request_command import (
    GIVE_USAGE,
    FeedbackError,
    RequestOrder,
    check_givers,
    check_may_ask,
    check_overlap,
    end_of,
    read_request,
    words_of,
)
from bot.feedback.requests import FEEDBACK_CLOSE, FEEDBACK_REMINDER, Requests
from bot.feedback.unit import FeedbackUnit, id_of
from bot.org.tree import display_name, first_name
from bot.privacy.feedback_answers import ANONYMOUS_MINIMUM, OVERLAP_WINDOW, Asked, overlap
from storage.models import FeedbackInvite, FeedbackRequest, Person, Tenant
from storage.repository import Store
from storage.settings import settings_of

__all__ = [
    "FEEDBACK_CLOSE",
    "FEEDBACK_REMINDER",
    "PROMPT_PREFIX",
    "FeedbackError",
    "FeedbackFlow",
]

DEFAULT_DUE_DAYS: Final = 7

_, ngettext = catalog("bot.feedback")


class FeedbackFlow:
    """One person's side of feedback, in one unit of work."""

    def __init__(
        self, store: Store, tenant: Tenant, person: Person, now: datetime, platform: str
    ) -> None:
        self.unit = FeedbackUnit(store, tenant, person, now, platform)
        self.requests = Requests(self.unit)
        self.answering = Answering(self.unit, self.requests)
        self.mailbox = Inbox(self.unit)

    # -- asking ------------------------------------------------------------------------------

    async def request(self, args: str) -> Outcome:
        unit = self.unit
        people = await unit.people()
        zone = person_cadence(unit.person, settings_of(unit.tenant)).zone
        today = unit.now.astimezone(zone).date()
        try:
            order = await read_request(args, self._mentions(people).find, today)
            check_may_ask(unit.person, order.subject, people)
            check_givers(unit.person, order.subject, order.givers, order.anonymous)
            found = overlap(self._asked(order.anonymous, order.givers), await self._earlier(order))
            check_overlap(order.subject, found, people, zone)
        except FeedbackError as error:
            return Outcome([Text(str(error))])
        subject, givers = order.subject, order.givers
        due_on = order.due or today + timedelta(days=DEFAULT_DUE_DAYS)
        request = FeedbackRequest(
            tenant_id=unit.tenant.id,
            requester_id=id_of(unit.person),
            subject_id=id_of(subject),
            anonymous=order.anonymous,
            questions=[q.format(name=first_name(subject)) for q in REQUEST_QUESTIONS],
            due_on=due_on.isoformat(),
            due_at=end_of(due_on, zone),
            created_at=unit.now,
        )
        notices = await self.requests.open(request, givers, subject)
        names = ", ".join(g.name or g.email for g in givers)
        how = (
            _(
                "Anonymous: you'll see the answers, never who wrote which, once at least "
                "{minimum} have answered; later ones together at the close, if {minimum} or more."
            ).format(minimum=ANONYMOUS_MINIMUM)
            if order.anonymous
            else _("You'll get each answer as it comes in.")
        )
        if subject.id == unit.person.id:
            said = _("Asked {givers} for feedback on yourself, due {due}.")
        else:
            said = _("Asked {givers} for feedback on {subject}, due {due}.")
        due_day = friendly_day(due_on.isoformat())
        about = subject.name or subject.email
        asked = said.format(givers=names, subject=about, due=due_day) + " " + how
        unreachable = [display_name(g) for g in givers if not await self._reachable(g)]
        if unreachable:
            asked += " " + _(
                "Not reachable yet: {people}. They'll see the request the first time they "
                "message me."
            ).format(people=", ".join(unreachable))
        return Outcome([Text(asked)], notices)

    async def give(self, args: str) -> Outcome:
        unit = self.unit
        tokens = words_of(args)
        if len(tokens) != 1:
            return Outcome(
                [Text(_("Say who the feedback is for: {usage}").format(usage=GIVE_USAGE))]
            )
        try:
            subject = await self._mentions(await unit.people()).find(tokens[0])
        except FeedbackError as error:
            return Outcome([Text(str(error))])
        if subject.id == unit.person.id:
            return Outcome([Text(_("Feedback for yourself? Try a check-in instead: checkin now."))])
        request = FeedbackRequest(
            tenant_id=unit.tenant.id,
            kind="given",
            requester_id=id_of(unit.person),
            subject_id=id_of(subject),
            questions=[q.format(name=first_name(subject)) for q in GIVE_QUESTIONS],
            created_at=unit.now,
        )
        [invite] = await unit.feedback.add_request(request, [id_of(unit.person)])
        return Outcome(unit.ask(request, invite, unit.person, subject, 0))

    def _asked(self, anonymous: bool, givers: list[Person]) -> Asked:
        return Asked(0, anonymous, frozenset(id_of(g) for g in givers), self.unit.now)

    async def _earlier(self, order: RequestOrder) -> list[Asked]:
        """This person's requests about the same subject within the overlap window."""
        unit = self.unit
        since = unit.now - OVERLAP_WINDOW
        found = await unit.feedback.recent_requests(
            unit.tenant.id, id_of(unit.person), id_of(order.subject), since
        )
        return [
            Asked(id_of(r), r.anonymous, frozenset(givers), r.created_at) for r, givers in found
        ]

    def _mentions(self, people: dict[int, Person]) -> Mentions:
        unit = self.unit
        return Mentions(unit.store, unit.tenant, unit.person, unit.platform, people)

    async def _reachable(self, person: Person) -> bool:
        return any(i.reachable for i in await self.unit.store.identities_of(person))

    # -- the request, for the scheduler --------------------------------------------------------

    async def reminders(self, request: FeedbackRequest) -> list[Notice]:
        return await self.requests.reminders(request)

    async def close(self, request: FeedbackRequest) -> list[Notice]:
        return await self.requests.close(request)

    # -- answering ---------------------------------------------------------------------------

    async def waiting(self) -> FeedbackInvite | None:
        return await self.answering.waiting()

    async def invite_for_prompt(self, prompt_id: str) -> FeedbackInvite | None:
        return await self.answering.invite_for_prompt(prompt_id)

    async def start(self, invite: FeedbackInvite) -> list[Message]:
        return await self.answering.start(invite)

    async def answer(self, invite: FeedbackInvite, text: str) -> Outcome:
        return await self.answering.answer(invite, text)

    # -- the inbox and sharing ---------------------------------------------------------------

    async def owed(self) -> list[Field]:
        return await self.mailbox.owed()

    async def inbox(self) -> list[Message]:
        return await self.mailbox.inbox()

    async def inbox_outcome(self) -> Outcome:
        return Outcome(await self.mailbox.inbox())

    async def inbox_answers(self, args: str) -> Outcome:
        return await self.mailbox.answers(args)

    async def share(self, args: str) -> Outcome:
        return await self.mailbox.share(args)
