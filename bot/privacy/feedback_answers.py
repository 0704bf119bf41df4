"""Who may ask for feedback on whom, who reads a request's answers, and when anonymous answers
come out. Pure rules: no database, no sending.

Anonymous feedback needs three givers, and the requester can't be one. Nothing is released
before three have answered. After that first release, later answers are held and come out
together when the request closes, and only if there are three or more of them: one or two
shown apart from the first ones would be known to come from the last to answer. So neither the
moment an answer appears nor the size of a batch points at who wrote it. Answers that can
never be shown (fewer than three in all, or one or two after the first release) are deleted
when the request closes.

Across requests: a requester who asks the same people about the same subject by name and
anonymously could match the answers word for word. So an anonymous request and any other by
the same requester on the same subject within 90 days (`OVERLAP_WINDOW`) must not let answers
be told apart (`overlap`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Final

from bot.org.tree import managers_of
from storage.models import FeedbackRequest, Person

ANONYMOUS_MINIMUM: Final = 3
OVERLAP_WINDOW: Final = timedelta(days=90)


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


@dataclass(frozen=True)
class Asked:
    """A feedback request as the overlap rule sees it: who was asked, how, and when."""

    request_id: int  # 0 for the request being made
    anonymous: bool
    giver_ids: frozenset[int]
    created_at: datetime


@dataclass(frozen=True)
class Overlap:
    """Why a request can't be made next to earlier ones, and what would do instead."""

    request_ids: tuple[int, ...]  # the earlier requests it shares givers with
    shared: frozenset[int]  # the givers asked on both
    clears_at: datetime  # from then on, none of those is within the window
    leaving_out_does: bool  # asking without the shared givers would do
    adding: int  # this many more people, asked on none of them, would do (0: no number would)


def tells_apart(anonymous_givers: Collection[int], other_givers: Collection[int]) -> bool:
    """Whether another request's givers, overlapping an anonymous request's, leave it fewer
    than three givers of its own: matching the overlap's answers out narrows down the rest."""
    own = set(anonymous_givers) - set(other_givers)
    return bool(set(anonymous_givers) & set(other_givers)) and len(own) < ANONYMOUS_MINIMUM


def _told_apart(requests: Sequence[Asked]) -> set[tuple[object, ...]]:
    """What in these requests lets anonymous answers be told apart.

    - A pair (`tells_apart`): the anonymous one first, both ways for two anonymous ones.
    - A group: givers asked on exactly the same anonymous requests. Matching answers across
      requests narrows a writer down to their group, less those whose named answers give them
      away, so fewer than three in a group asked on no named request point at someone.
    """
    found: set[tuple[object, ...]] = set()
    for one in requests:
        for other in requests:
            if one is not other and one.anonymous and tells_apart(one.giver_ids, other.giver_ids):
                found.add(("pair", one.request_id, other.request_id))
    named = frozenset().union(*(r.giver_ids for r in requests if not r.anonymous))
    groups: dict[frozenset[int], set[int]] = {}
    for giver in frozenset().union(*(r.giver_ids for r in requests)):
        asked_on = frozenset(
            i for i, r in enumerate(requests) if r.anonymous and giver in r.giver_ids
        )
        if asked_on:
            groups.setdefault(asked_on, set()).add(giver)
    for group in groups.values():
        if len(group - named) < ANONYMOUS_MINIMUM:
            found.add(("group", frozenset(group)))
    return found


def _allowed(new: Asked, earlier: Sequence[Asked]) -> bool:
    return _told_apart([*earlier, new]) <= _told_apart(earlier)


def overlap(new: Asked, earlier: Sequence[Asked]) -> Overlap | None:
    """None when `new` may be made beside the same requester's `earlier` requests on the same
    subject; else the earlier requests it shares givers with, and what would do instead. Only
    requests made within `OVERLAP_WINDOW` of each other count; what earlier requests let be
    told apart among themselves is not held against `new`. `new`'s own givers are checked by
    `anonymous_givers_problem` first."""
    recent = [r for r in earlier if abs(new.created_at - r.created_at) < OVERLAP_WINDOW]
    touching = [r for r in recent if r.giver_ids & new.giver_ids]
    if not touching or _allowed(new, recent):
        return None
    shared = frozenset().union(*(r.giver_ids & new.giver_ids for r in touching))
    left = _with(new, new.giver_ids - shared)
    adding = next(
        (
            n
            for n in range(1, ANONYMOUS_MINIMUM + 1)
            if _allowed(_with(new, new.giver_ids | {-i for i in range(1, n + 1)}), recent)
        ),
        0,
    )
    return Overlap(
        request_ids=tuple(sorted(r.request_id for r in touching)),
        shared=shared,
        clears_at=max(r.created_at for r in touching) + OVERLAP_WINDOW,
        leaving_out_does=len(left.giver_ids) >= (ANONYMOUS_MINIMUM if new.anonymous else 1)
        and _allowed(left, recent),
        adding=adding,
    )


def _with(asked: Asked, giver_ids: frozenset[int]) -> Asked:
    return Asked(asked.request_id, asked.anonymous, giver_ids, asked.created_at)


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
