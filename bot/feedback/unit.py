"""One person's unit of work on feedback: what asking, answering, the requests' lifecycle and
the inbox share."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime

from bot.core.i18n import speaking, speaking_to
from bot.core.messages import Card, Message
from bot.feedback.cards import answers_card, question_prompt
from bot.org.tree import display_name
from storage.models import FeedbackAnswer, FeedbackInvite, FeedbackRequest, Person, Tenant
from storage.repository import Store


class FeedbackUnit:
    def __init__(
        self, store: Store, tenant: Tenant, person: Person, now: datetime, platform: str
    ) -> None:
        self.store = store
        self.feedback = store.feedback
        self.tenant = tenant
        self.person = person
        self.now = now
        self.platform = platform

    def ask(
        self,
        request: FeedbackRequest,
        invite: FeedbackInvite,
        requester: Person,
        subject: Person,
        index: int,
        first_shown: bool = False,
    ) -> list[Message]:
        """Ask a giver question `index`, and remember it was asked last, for a typed answer.
        `first_shown`: the request's first answers were shared already (see `first_shown`)."""
        invite.asking, invite.asked_at = index, self.now
        self.store.keep(invite)
        return [question_prompt(request, invite, requester, subject, index, first_shown)]

    async def first_shown(self, request: FeedbackRequest) -> bool:
        """Whether some of the request's answers were shared already: for an anonymous one,
        later answers are then shown only if three or more come in by the close."""
        return any(answer.released for answer in await self.feedback.answers(request))

    async def answers_card(
        self,
        request: FeedbackRequest,
        subject: Person,
        answers: Sequence[FeedbackAnswer],
        closed: bool,
        for_requester: bool = True,
    ) -> Card:
        givers = await self.names({a.giver_id for a in answers if a.giver_id is not None})
        return answers_card(request, subject, answers, closed, givers, for_requester)

    async def pair(self, request: FeedbackRequest) -> tuple[Person, Person]:
        """The request's requester and subject."""
        requester = await self.store.person(self.tenant.id, request.requester_id)
        subject = await self.store.person(self.tenant.id, request.subject_id)
        assert requester is not None and subject is not None, "people are never deleted"
        return requester, subject

    async def speaking_to(self, person_id: int) -> AbstractContextManager[str]:
        """Write in the language of someone a notice goes to (a giver, the requester, the
        subject) inside the block; the org's, if they were erased."""
        person = await self.store.person(self.tenant.id, person_id)
        if person is None:
            return speaking(self.tenant.settings.get("language"))
        return speaking_to(person, self.tenant)

    async def people(self) -> dict[int, Person]:
        return {id_of(p): p for p in await self.store.people(self.tenant.id)}

    async def names(self, ids: set[int]) -> dict[int, str]:
        people = await self.people()
        return {i: display_name(people[i]) for i in ids if i in people}


def id_of(row: Person | FeedbackRequest) -> int:
    assert row.id is not None
    return row.id
