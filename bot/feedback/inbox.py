"""What I owe and what I got (`feedback inbox`, and the home card's lines), a request's answers
read again (`feedback inbox 12`), and `feedback share`, which lets a request's subject read its
answers."""

from __future__ import annotations

from bot.checkins.cadence import friendly_day
from bot.core.i18n import catalog, speaking_to
from bot.core.messages import Card, Message, Section, Text
from bot.core.messages import Field as CardField
from bot.core.outcome import Notice, Outcome
from bot.core.whole_numbers import whole_number
from bot.feedback.unit import FeedbackUnit, id_of
from bot.org.tree import display_name
from bot.privacy.feedback_answers import ANONYMOUS_MINIMUM, may_share, subject_reads_answers
from bot.privacy.visibility import REQUESTER, SUBJECT, feedback_view

_, ngettext = catalog("bot.feedback")


class Inbox:
    def __init__(self, unit: FeedbackUnit) -> None:
        self.unit = unit

    async def owed(self) -> list[CardField]:
        """Feedback requests waiting for this person's answers, one line each."""
        unit = self.unit
        lines = []
        for invite in await unit.feedback.owed_by(unit.tenant.id, id_of(unit.person)):
            request = await unit.feedback.request(unit.tenant.id, invite.request_id)
            if request is None or request.kind != "request":
                continue
            requester, subject = await unit.pair(request)
            if requester.id == subject.id:
                about = _("Feedback on their own work")
            else:
                about = _("Feedback on {subject}").format(subject=display_name(subject))
            due = friendly_day(request.due_on or "")
            lines.append(
                CardField(
                    about,
                    _("for {requester}, due {due}").format(
                        requester=display_name(requester), due=due
                    ),
                )
            )
        return lines

    async def inbox(self) -> list[Message]:
        unit = self.unit
        owed = []
        for invite in await unit.feedback.owed_by(unit.tenant.id, id_of(unit.person)):
            request = await unit.feedback.request(unit.tenant.id, invite.request_id)
            if request is None or request.kind != "request":
                continue
            requester, subject = await unit.pair(request)
            owed.append(
                CardField(
                    _("#{number} about {subject}").format(
                        number=request.id, subject=display_name(subject)
                    ),
                    _("asked by {requester}, due {due}").format(
                        requester=display_name(requester), due=friendly_day(request.due_on or "")
                    ),
                )
            )
        received = []
        for request in await unit.feedback.requests_by(unit.tenant.id, id_of(unit.person)):
            requester, subject = await unit.pair(request)
            answered = await unit.feedback.answered_count(request)
            shown = sum(1 for a in await unit.feedback.answers(request) if a.released)
            if request.kind == "given":
                if request.subject_id != unit.person.id or not shown:
                    continue
                received.append(
                    CardField(
                        _("#{number} from {giver}").format(
                            number=request.id, giver=display_name(requester)
                        ),
                        _("unasked"),
                    )
                )
                continue
            invited = len(await unit.feedback.invites_of(request))
            state = _state(request.anonymous, request.status != "open", answered, invited, shown)
            about = _("#{number} about {subject}").format(
                number=request.id, subject=display_name(subject)
            )
            received.append(CardField(about, state))
        sections = (
            Section(_("You owe"), tuple(owed), "" if owed else _("Nothing: you're all caught up.")),
            Section(
                _("You asked for or received"),
                tuple(received),
                "" if received else _("Nothing yet."),
            ),
        )
        footer = _(
            "Type feedback inbox NUMBER to read a request's answers again, feedback share "
            "NUMBER, feedback request, or feedback give @person."
        )
        return [Card(_("Feedback inbox"), sections, footer=footer)]

    async def answers(self, args: str) -> Outcome:
        """A request's answers shown so far, as this person may see them: its requester (and
        admins), and its subject once they may read them. Anonymous ones with no giver, no
        time."""
        unit = self.unit
        number = whole_number(args.strip().lstrip("#"))
        if number is None:
            return Outcome([Text(_("Which request? Type feedback inbox NUMBER, from your inbox."))])
        request = await unit.feedback.request(unit.tenant.id, number)
        view = None
        if request is not None:
            givers = {i.giver_id for i in await unit.feedback.invites_of(request)}
            view = feedback_view(unit.person, request, givers)
        if request is None or view not in (REQUESTER, SUBJECT):
            return Outcome(
                [
                    Text(
                        _(
                            "Request #{number} isn't yours to see: its answers go to the person "
                            "who asked, and to the person it's about if they share them."
                        ).format(number=number)
                    )
                ]
            )
        shown = [a for a in await unit.feedback.answers(request) if a.released]
        closed = request.status != "open"
        if not shown:
            return Outcome([Text(_none_shown(number, request.anonymous, closed))])
        subject = (await unit.pair(request))[1]
        mine = request.requester_id == unit.person.id
        return Outcome([await unit.answers_card(request, subject, shown, closed, mine)])

    async def share(self, args: str) -> Outcome:
        """The requester lets the subject read a request's answers."""
        unit = self.unit
        number = whole_number(args.strip().lstrip("#"))
        request = None if number is None else await unit.feedback.request(unit.tenant.id, number)
        if request is None or not may_share(unit.person, request):
            return Outcome(
                [Text(_("Share which request? feedback share NUMBER, from your inbox."))]
            )
        if subject_reads_answers(request):
            return Outcome([Text(_("They can see those answers already."))])
        request.shared_with_subject = True
        unit.store.keep(request)
        subject = (await unit.pair(request))[1]
        released = [a for a in await unit.feedback.answers(request) if a.released]
        notices = []
        if released:
            closed = request.status != "open"
            with speaking_to(subject, unit.tenant):
                card = await unit.answers_card(request, subject, released, closed)
            notices.append(Notice(request.subject_id, [card]))
        shared = _("Shared with {subject}.").format(subject=display_name(subject))
        return Outcome([Text(shared)], notices)


def _state(anonymous: bool, closed: bool, answered: int, invited: int, shown: int) -> str:
    """Where one of my requests stands, for the inbox."""
    # A closed anonymous request no longer knows who answered, nor how many did.
    if anonymous and closed:
        return _("{invited} asked, {shown} shown, anonymous, closed").format(
            invited=invited, shown=shown
        )
    if anonymous:
        state = _("{answered} of {invited} answered, {shown} shown, anonymous")
    elif closed:
        state = _("{answered} of {invited} answered, {shown} shown, closed")
    else:
        state = _("{answered} of {invited} answered, {shown} shown")
    return state.format(answered=answered, invited=invited, shown=shown)


def _none_shown(number: int, anonymous: bool, closed: bool) -> str:
    if not anonymous and closed:
        return _("Request #{number} closed with no answers.").format(number=number)
    if not anonymous:
        return _("No answers to request #{number} yet.").format(number=number)
    if closed:
        return _(
            "Request #{number} closed with no answers shown: fewer than {minimum} came in, so "
            "showing any would give away who wrote it."
        ).format(number=number, minimum=ANONYMOUS_MINIMUM)
    return _(
        "No answers to request #{number} shown yet: anonymous answers come once at least "
        "{minimum} have answered."
    ).format(number=number, minimum=ANONYMOUS_MINIMUM)
