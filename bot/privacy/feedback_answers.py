"""Who may ask for feedback on whom, who reads a request's answers, and when anonymous answers
come out. Pure rules: no database, no sending.

Anonymous feedback needs three givers, and the requester can't be one. Nothing is released
before three have answered. After that first release, later answers are held and come out
together when the request closes, and only if there are three or more of them: one or two
shown apart from the first ones would be known to come from the last to answer. So neither the
moment an answer appears nor the size of a batch points at who wrote it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from enum import Enum
from typing import Final

from bot.org.tree import managers_of
from storage.models import FeedbackRequest, Person

ANONYMOUS_MINIMUM: Final = 3


class Release(Enum):
    """What to do with a request's answers not shown yet."""

    NOTHING = "nothing"  # none are waiting
    WAIT = "wait"  # hold them for now
    SHOW = "show"  # show every waiting answer now (anonymous ones shuffled)
    HIDE = "hide"  # the request closed with one or two after the first release: never shown


def release(*, anonymous: bool, released: int, pending: int, closing: bool) -> Release:
    """What may happen now to the `pending` answers of a request that has shown `released`
    already; `closing` when the request ends with this step."""
    if pending == 0:
        return Release.NOTHING
    if not anonymous:
        return Release.SHOW
    if released == 0:  # never fewer than three at once, never before three
        return Release.SHOW if pending >= ANONYMOUS_MINIMUM else Release.WAIT
    if not closing:  # later answers wait for the close, so timing tells nothing
        return Release.WAIT
    # Shown apart from the first ones, one or two answers would be known to come from the one
    # or two who answered last.
    return Release.SHOW if pending >= ANONYMOUS_MINIMUM else Release.HIDE


def none_shown_at_close(*, anonymous: bool, answered: int) -> bool:
    """Whether an anonymous request closes without a single answer shown: fewer than three
    answered, so any one shown would give away who wrote it."""
    return anonymous and answered < ANONYMOUS_MINIMUM


class GiversProblem(Enum):
    """Why the givers asked can't keep an anonymous request anonymous."""

    REQUESTER_GIVES = "requester gives"  # their answer would narrow down everyone else's
    TOO_FEW = "too few"


def anonymous_givers_problem(requester_id: int, giver_ids: Collection[int]) -> GiversProblem | None:
    """None when these givers may be asked anonymously: three or more, the requester not one."""
    if requester_id in giver_ids:
        return GiversProblem.REQUESTER_GIVES
    if len(giver_ids) < ANONYMOUS_MINIMUM:
        return GiversProblem.TOO_FEW
    return None


def may_ask_about(asker: Person, subject: Person, people: Mapping[int, Person]) -> bool:
    """Anyone about themselves, a manager about their reports down the tree, an admin about
    anyone: the requester reads the answers, so this is who may read feedback on whom."""
    if asker.is_admin or subject.id == asker.id:
        return True
    return asker.id is not None and asker.id in managers_of(subject, people)


def subject_reads_answers(request: FeedbackRequest) -> bool:
    """The subject reads the answers of unasked feedback, of a request they made themselves,
    and of one the requester shared with them; of nothing else."""
    return (
        request.kind == "given"
        or request.subject_id == request.requester_id
        or request.shared_with_subject
    )


def answers_go_to(request: FeedbackRequest) -> set[int]:
    """Who is sent a request's answers as they are released: the requester (for unasked
    feedback, the person it is for), and the subject too once it was shared with them."""
    readers = {request.subject_id} if request.kind == "given" else {request.requester_id}
    if request.shared_with_subject:
        readers.add(request.subject_id)
    return readers


def may_share(viewer: Person, request: FeedbackRequest) -> bool:
    """Only the requester may let the subject read a request's answers; unasked feedback is
    the subject's already."""
    return request.requester_id == viewer.id and request.kind == "request"
