"""A giver answering in chat, one question after another.

An anonymous answer is stored without its giver and without a time; the invitation keeps only
"answered", for the reminder, until the request closes, and its draft is cleared on submit.
The giver is told when their anonymous answer will be shown, and that it may never be.
"""

from __future__ import annotations

from bot.core.i18n import catalog
from bot.core.limits import TOO_LONG, too_long
from bot.core.messages import Message, Text
from bot.core.outcome import Outcome
from bot.core.whole_numbers import whole_number
from bot.feedback.cards import PROMPT_PREFIX, when_shown
from bot.feedback.requests import Requests
from bot.feedback.unit import FeedbackUnit, id_of
from bot.org.tree import first_name
from storage.models import FeedbackAnswer, FeedbackInvite, FeedbackRequest, Person
from storage.models.feedback import new_answer_id

_SKIP = {"skip", "pass", "-"}

_, ngettext = catalog("bot.feedback")


class Answering:
    def __init__(self, unit: FeedbackUnit, requests: Requests) -> None:
        self.unit = unit
        self.requests = requests

    async def waiting(self) -> FeedbackInvite | None:
        """The invitation whose question this person was asked most recently, if any."""
        return await self.unit.feedback.answering(self.unit.tenant.id, id_of(self.unit.person))

    async def invite_for_prompt(self, prompt_id: str) -> FeedbackInvite | None:
        """The invitation a feedback question's id names, if it is this person's."""
        number = whole_number(prompt_id.removeprefix(PROMPT_PREFIX).split("_", 1)[0])
        if number is None:
            return None
        invite = await self.unit.feedback.invite(self.unit.tenant.id, number)
        return invite if invite is not None and invite.giver_id == self.unit.person.id else None

    async def start(self, invite: FeedbackInvite) -> list[Message]:
        """Ask (again) the question this invitation is at; from the top if not started."""
        unit = self.unit
        request = await unit.feedback.request(unit.tenant.id, invite.request_id)
        if request is None or request.status != "open" or invite.answered:
            return [Text(_("That feedback request is closed. Thank you all the same!"))]
        requester, subject = await unit.pair(request)
        first_shown = await unit.first_shown(request)
        return unit.ask(request, invite, requester, subject, invite.asking or 0, first_shown)

    async def answer(self, invite: FeedbackInvite, text: str) -> Outcome:
        unit = self.unit
        request = await unit.feedback.request(unit.tenant.id, invite.request_id)
        if request is not None:
            await unit.feedback.lock(request)
        # A closed request's invitation is left alone: the close may have written it anew.
        if request is None or request.status != "open":
            return Outcome([Text(_("That feedback request has closed. Thank you all the same!"))])
        await unit.feedback.reread(invite)
        if invite.answered:
            return Outcome([Text(_("That feedback request has closed. Thank you all the same!"))])
        said = " ".join(text.split())
        if too_long(said):
            return Outcome([Text(TOO_LONG)])
        index = invite.asking or 0
        invite.draft = [*invite.draft[:index], "" if said.lower() in _SKIP else said]
        requester, subject = await unit.pair(request)
        if index + 1 < len(request.questions):
            return Outcome(unit.ask(request, invite, requester, subject, index + 1))
        if not any(invite.draft):
            invite.draft = []
            invite.asking = None
            unit.store.keep(invite)
            return Outcome(
                [Text(_("Nothing to send: every answer was skipped. Ask me again any time."))]
            )
        return await self._submit(request, invite, requester, subject)

    async def _submit(
        self,
        request: FeedbackRequest,
        invite: FeedbackInvite,
        requester: Person,
        subject: Person,
    ) -> Outcome:
        unit = self.unit
        first_shown = await unit.first_shown(request)
        answer = FeedbackAnswer(
            id=new_answer_id(),
            tenant_id=request.tenant_id,
            request_id=id_of(request),
            giver_id=None if request.anonymous else invite.giver_id,
            answers=list(invite.draft),
            created_at=None if request.anonymous else unit.now,
        )
        invite.answered, invite.asking, invite.asked_at, invite.draft = True, None, None, []
        await unit.store.save([answer, invite])
        if request.kind == "given":
            thanks = _("Thanks! Your feedback for {subject} is on its way.").format(
                subject=first_name(subject)
            )
        elif request.anonymous:
            # Told as things stood before this answer, which the question said too: whether
            # this answer released any says how many had answered.
            thanks = (
                _(
                    "Thanks! {requester} will see your feedback without your name, or not at all."
                ).format(requester=first_name(requester))
                + " "
                + when_shown(request, first_shown)
            )
        else:
            thanks = _("Thanks! {requester} will see your feedback.").format(
                requester=first_name(requester)
            )
        return Outcome([Text(thanks)], await self.requests.answered(request))
