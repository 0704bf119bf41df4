"""What one person may see of the org's data, by the rules of the bot's own views.

- People and their check-ins: themselves and everyone below them in the reporting tree, as
  `checkin team` shows a manager; admins everyone.
- Goals: the org's, for everyone, as `goals` shows them.
- Feedback: `feedback_view`, by the rules of `bot.privacy.feedback_answers`.
- Pulse results: `bot.privacy.pulse_groups.may_see_group`, the rule `pulse results` applies.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Final, Literal

from bot.org.tree import org_of
from bot.privacy.feedback_answers import subject_reads_answers
from storage.models import FeedbackRequest, Person

REQUESTER: Final = "requester"
SUBJECT: Final = "subject"
GIVER: Final = "giver"
FeedbackView = Literal["requester", "subject", "giver"]


def people_seen(viewer: Person, people: Mapping[int, Person]) -> set[int]:
    """Whose check-ins (and account details) this person may see."""
    if viewer.is_admin:
        return set(people)
    assert viewer.id is not None
    return {viewer.id} | org_of(viewer.id, people)


def feedback_view(
    viewer: Person, request: FeedbackRequest, giver_ids: Collection[int]
) -> FeedbackView | None:
    """How this person sees a feedback request; None when it isn't theirs to see.

    - REQUESTER (the requester, and admins): the answers once released; anonymous ones with
      no giver, no time.
    - SUBJECT (unasked feedback for them, or answers the requester shared): the same answers,
      but not who else was asked.
    - GIVER: the request, and their own answers if given by name. Nothing of an anonymous
      request's answers, not even their own: nothing ties an anonymous answer to anyone.

    A manager doesn't see feedback on their reports that someone else asked for.
    """
    if viewer.is_admin or request.requester_id == viewer.id:
        return REQUESTER
    if request.subject_id == viewer.id and subject_reads_answers(request):
        return SUBJECT
    if viewer.id in giver_ids:
        return GIVER
    return None
