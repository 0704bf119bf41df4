"""Who may ask for feedback, who reads a request's answers, when anonymous answers come out, and
which requests on one subject may stand side by side: the pure rules of
bot.privacy.feedback_answers, a row per case, the release rule over any order of answers
arriving, and the overlap rule against a requester matching answers across requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.privacy.feedback_answers import (
    ANONYMOUS_MINIMUM,
    OVERLAP_WINDOW,
    Asked,
    GiversProblem,
    Release,
    anonymous_givers_problem,
    answers_go_to,
    may_ask_about,
    may_share,
    none_shown_at_close,
    overlap,
    release,
    subject_reads_answers,
    tells_apart,
)
from bot.privacy.visibility import GIVER, REQUESTER, SUBJECT, feedback_view
from storage.models import FeedbackRequest, Person
from tests.bot.matching import Seen, writers

# Mo manages Rae, who manages Sid; Ada is an admin; Pat is a peer with no reports.
ADA, MO, RAE, SID, PAT = 1, 2, 3, 4, 5
PEOPLE = {
    ADA: Person(id=ADA, tenant_id="t", email="ada@x.com", is_admin=True),
    MO: Person(id=MO, tenant_id="t", email="mo@x.com"),
    RAE: Person(id=RAE, tenant_id="t", email="rae@x.com", manager_id=MO),
    SID: Person(id=SID, tenant_id="t", email="sid@x.com", manager_id=RAE),
    PAT: Person(id=PAT, tenant_id="t", email="pat@x.com"),
}


def request(
    requester: int, subject: int, *, kind: str = "request", shared: bool = False
) -> FeedbackRequest:
    return FeedbackRequest(
        id=9,
        tenant_id="t",
        kind=kind,
        requester_id=requester,
        subject_id=subject,
        shared_with_subject=shared,
    )


# -- the release rule, a row per case --------------------------------------------------------


@pytest.mark.parametrize(
    ("anonymous", "released", "pending", "closing", "expected"),
    [
        (False, 0, 0, False, Release.NOTHING),  # nothing waiting
        (True, 3, 0, True, Release.NOTHING),
        (False, 0, 1, False, Release.SHOW),  # named answers: each as it comes in
        (False, 4, 1, False, Release.SHOW),
        (True, 0, 1, False, Release.WAIT),  # anonymous: never before three
        (True, 0, 2, False, Release.WAIT),
        (True, 0, 2, True, Release.WAIT),  # closing with two: none shown, ever
        (True, 0, 3, False, Release.SHOW),  # the third answer releases all three
        (True, 0, 5, True, Release.SHOW),
        (True, 3, 1, False, Release.WAIT),  # after the first release: wait for the close
        (True, 3, 3, False, Release.WAIT),
        (True, 3, 1, True, Release.HIDE),  # one or two at the close would point at someone
        (True, 3, 2, True, Release.HIDE),
        (True, 3, 3, True, Release.SHOW),  # three or more come out together
        (True, 4, 6, True, Release.SHOW),
    ],
)
def test_the_release_rule(
    anonymous: bool, released: int, pending: int, closing: bool, expected: Release
) -> None:
    assert (
        release(anonymous=anonymous, released=released, pending=pending, closing=closing)
        is expected
    )


@pytest.mark.parametrize(
    ("anonymous", "answered", "none_shown"),
    [(True, 0, True), (True, 2, True), (True, 3, False), (False, 0, False), (False, 1, False)],
)
def test_an_anonymous_request_closing_under_three_shows_none(
    anonymous: bool, answered: int, none_shown: bool
) -> None:
    assert none_shown_at_close(anonymous=anonymous, answered=answered) is none_shown


@pytest.mark.parametrize(
    ("givers", "problem"),
    [
        ([RAE, SID, PAT], None),
        ([RAE, SID, PAT, ADA], None),
        ([RAE, SID], GiversProblem.TOO_FEW),
        ([], GiversProblem.TOO_FEW),
        ([MO, RAE, SID, PAT], GiversProblem.REQUESTER_GIVES),  # Mo asks, and gives
        ([MO, RAE], GiversProblem.REQUESTER_GIVES),
    ],
)
def test_an_anonymous_request_needs_three_givers_besides_the_requester(
    givers: list[int], problem: GiversProblem | None
) -> None:
    assert anonymous_givers_problem(MO, givers) is problem


# -- who may ask, who reads ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asker", "subject", "may"),
    [
        (PAT, PAT, True),  # anyone about themselves
        (MO, RAE, True),  # a manager about a direct report
        (MO, SID, True),  # and further down
        (RAE, SID, True),
        (ADA, MO, True),  # an admin about anyone
        (ADA, PAT, True),
        (PAT, RAE, False),  # a peer about another's report
        (RAE, MO, False),  # a report about their manager
        (SID, RAE, False),
        (RAE, PAT, False),
    ],
)
def test_who_may_ask_for_feedback_on_whom(asker: int, subject: int, may: bool) -> None:
    assert may_ask_about(PEOPLE[asker], PEOPLE[subject], PEOPLE) is may


@pytest.mark.parametrize(
    ("feedback", "subject_reads", "sent_to"),
    [
        (request(MO, RAE), False, {MO}),  # the requester only
        (request(MO, RAE, shared=True), True, {MO, RAE}),  # shared: the subject too
        (request(PAT, PAT), True, {PAT}),  # asked about themselves
        (request(PAT, RAE, kind="given"), True, {RAE}),  # unasked: for the subject, not back
    ],
)
def test_who_reads_a_requests_answers(
    feedback: FeedbackRequest, subject_reads: bool, sent_to: set[int]
) -> None:
    assert subject_reads_answers(feedback) is subject_reads
    assert answers_go_to(feedback) == sent_to


@pytest.mark.parametrize(
    ("viewer", "feedback", "may"),
    [
        (MO, request(MO, RAE), True),  # the requester
        (RAE, request(MO, RAE), False),  # the subject can't share it with themselves
        (ADA, request(MO, RAE), False),  # not even an admin shares for someone else
        (PAT, request(PAT, RAE, kind="given"), False),  # unasked feedback is theirs already
    ],
)
def test_only_the_requester_may_share(viewer: int, feedback: FeedbackRequest, may: bool) -> None:
    assert may_share(PEOPLE[viewer], feedback) is may


@pytest.mark.parametrize(
    ("viewer", "feedback", "view"),
    [
        (MO, request(MO, RAE), REQUESTER),
        (ADA, request(MO, RAE), REQUESTER),  # admins see as the requester does
        (RAE, request(MO, RAE), None),  # the subject, not shared
        (RAE, request(MO, RAE, shared=True), SUBJECT),
        (RAE, request(PAT, RAE, kind="given"), SUBJECT),
        (SID, request(MO, RAE), GIVER),  # Sid was asked
        (PAT, request(MO, RAE), None),  # a stranger to it
        (MO, request(RAE, SID), None),  # a manager, on a report someone else asked about
    ],
)
def test_how_each_person_sees_a_request(
    viewer: int, feedback: FeedbackRequest, view: str | None
) -> None:
    assert feedback_view(PEOPLE[viewer], feedback, giver_ids={SID}) == view


# -- the release rule over any order of arrivals ---------------------------------------------


@dataclass
class Replay:
    """A request driven as the flow drives it: each answer, then the release; the due date's
    close; or the last answer, which closes it too."""

    givers: int
    anonymous: bool = True
    answered: int = 0
    released: int = 0
    pending: int = 0
    closed: bool = False
    batches: list[tuple[int, bool]] = field(default_factory=list)  # (size, at the close)
    hidden: int = 0

    def answer(self) -> None:
        self.answered += 1
        self.pending += 1
        self._release(closing=False)

    def close(self) -> None:
        self.closed = True
        self._release(closing=True)

    def _release(self, closing: bool) -> None:
        if self.answered == self.givers:
            self.closed, closing = True, True
        step = release(
            anonymous=self.anonymous, released=self.released, pending=self.pending, closing=closing
        )
        if step is Release.SHOW:
            self.batches.append((self.pending, closing))
            self.released += self.pending
            self.pending = 0
        elif step is Release.HIDE:
            self.hidden = self.pending


@st.composite
def requests_answered(draw: st.DrawFn) -> Replay:
    """An anonymous request to 3–20 givers; some answer, and the due date may pass first."""
    givers = draw(st.integers(ANONYMOUS_MINIMUM, 20))
    replay = Replay(givers)
    answering = draw(st.integers(0, givers))
    closes_after = draw(st.one_of(st.none(), st.integers(0, answering)))
    for number in range(answering):
        if number == closes_after:
            break
        replay.answer()
    if not replay.closed:
        replay.close()
    return replay


@given(requests_answered())
def test_no_anonymous_answer_is_ever_shown_in_a_batch_under_three(replay: Replay) -> None:
    assert all(size >= ANONYMOUS_MINIMUM for size, _ in replay.batches)


@given(requests_answered())
def test_after_the_first_release_the_close_shows_none_or_three_or_more(replay: Replay) -> None:
    later = replay.batches[1:]
    assert len(later) <= 1  # the rest come out together
    assert all(at_close for _, at_close in later)  # and only when the request closes
    shown_later = sum(size for size, _ in later)
    assert shown_later == 0 or shown_later >= ANONYMOUS_MINIMUM
    assert replay.hidden in (0, 1, 2)
    assert replay.released + replay.pending == replay.answered


@given(requests_answered())
def test_the_requester_hears_none_were_shown_exactly_when_none_were(replay: Replay) -> None:
    assert replay.closed
    none_shown = none_shown_at_close(anonymous=True, answered=replay.answered)
    assert none_shown is (replay.released == 0)


@given(st.integers(1, 20), st.data())
def test_named_answers_are_each_shown_as_they_come_in(givers: int, data: st.DataObject) -> None:
    replay = Replay(givers, anonymous=False)
    for _ in range(data.draw(st.integers(0, givers))):
        replay.answer()
    assert replay.batches == [(1, n == givers) for n in range(1, replay.answered + 1)]


# -- named and anonymous requests on the same subject ------------------------------------------

BEN, CAT, DAN, EVE, FAY, GUY, XAN, YVE, ZED = range(11, 20)
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def asked(number: int, anonymous: bool, *givers: int, days_ago: int = 0) -> Asked:
    return Asked(number, anonymous, frozenset(givers), NOW - timedelta(days=days_ago))


@pytest.mark.parametrize(
    ("anonymous_givers", "other_givers", "told_apart"),
    [
        ({BEN, CAT, DAN}, {BEN, CAT}, True),  # Ben and Cat's named answers leave Dan's
        ({BEN, CAT, DAN, EVE}, {BEN, CAT}, True),  # two left: one of two
        ({BEN, CAT, DAN, EVE}, {BEN}, False),  # three of its own
        ({BEN, CAT, DAN}, {BEN, CAT, DAN}, True),  # none of its own
        ({BEN, CAT, DAN}, {EVE, FAY}, False),  # no one in common
        ({BEN, CAT, DAN, EVE, FAY, GUY}, {BEN, CAT, DAN, XAN}, False),
    ],
)
def test_the_pair_rule(
    anonymous_givers: set[int], other_givers: set[int], told_apart: bool
) -> None:
    assert tells_apart(anonymous_givers, other_givers) is told_apart


@pytest.mark.parametrize(
    ("new", "earlier", "refused", "leaving_out_does", "adding"),
    [
        # Named, then anonymous with one more giver: Dan's answer would be the one left.
        (asked(0, True, BEN, CAT, DAN), [asked(1, False, BEN, CAT)], True, False, 2),
        # Anonymous, then named with two of its three givers: the same, the other way round.
        (asked(0, False, BEN, CAT), [asked(1, True, BEN, CAT, DAN)], True, False, 0),
        (asked(0, False, BEN, XAN), [asked(1, True, BEN, CAT, DAN)], True, True, 0),
        # Three givers of its own beside the overlap: allowed.
        (asked(0, True, BEN, CAT, DAN, EVE), [asked(1, False, BEN)], False, False, 0),
        (asked(0, False, BEN), [asked(1, True, BEN, CAT, DAN, EVE)], False, False, 0),
        (asked(0, True, BEN, CAT, DAN), [asked(1, False, EVE, FAY)], False, False, 0),
        # Ninety days apart, or more: allowed; a day less is not.
        (asked(0, True, BEN, CAT, DAN), [asked(1, False, BEN, CAT, days_ago=90)], False, False, 0),
        (asked(0, True, BEN, CAT, DAN), [asked(1, False, BEN, CAT, days_ago=89)], True, False, 2),
        # Two anonymous ones: both ways round.
        (asked(0, True, BEN, CAT, DAN), [asked(1, True, BEN, CAT, DAN, EVE)], True, False, 0),
        # Sharing one giver: Ben's are the words shown on both.
        (asked(0, True, BEN, XAN, YVE, ZED), [asked(1, True, BEN, CAT, DAN, EVE)], True, True, 0),
        # Sharing three, three of their own each: no one narrowed down below three.
        (
            asked(0, True, BEN, CAT, DAN, XAN, YVE, ZED),
            [asked(1, True, BEN, CAT, DAN, EVE, FAY, GUY)],
            False,
            False,
            0,
        ),
        # Two named requests, each fine alone, together leave two of the anonymous one's.
        (
            asked(0, False, EVE),
            [asked(1, True, BEN, CAT, DAN, EVE, FAY, GUY), asked(2, False, BEN, CAT, DAN)],
            True,
            False,
            0,
        ),
    ],
)
def test_the_overlap_rule(
    new: Asked, earlier: list[Asked], refused: bool, leaving_out_does: bool, adding: int
) -> None:
    found = overlap(new, earlier)
    assert (found is not None) is refused
    if found is not None:
        assert found.shared and found.shared <= new.giver_ids
        assert (found.leaving_out_does, found.adding) == (leaving_out_does, adding)
        assert found.clears_at == max(r.created_at for r in earlier) + OVERLAP_WINDOW


def test_an_overlap_clears_ninety_days_after_the_latest_request_it_shares_givers_with() -> None:
    found = overlap(
        asked(0, True, BEN, CAT, DAN),
        [asked(1, False, BEN, days_ago=30), asked(2, False, CAT, days_ago=10)],
    )
    assert found is not None and found.request_ids == (1, 2)
    assert found.shared == {BEN, CAT}
    assert found.clears_at == NOW - timedelta(days=10) + OVERLAP_WINDOW


GIVERS = [f"p{n}" for n in range(8)]


@st.composite
def requests_made(draw: st.DrawFn) -> list[Seen]:
    """Requests on one subject, each made only if the overlap rule lets it, and whatever share
    of their answers came out: for an anonymous one, none or three and more."""
    made: list[Asked] = []
    seen = []
    for number in range(1, draw(st.integers(1, 6)) + 1):
        anonymous = draw(st.booleans())
        givers = draw(st.sets(st.sampled_from(range(len(GIVERS))), min_size=1))
        new = Asked(number, anonymous, frozenset(givers), NOW)
        if (anonymous and len(givers) < ANONYMOUS_MINIMUM) or overlap(new, made) is not None:
            continue
        made.append(new)
        shown = draw(st.sets(st.sampled_from(sorted(givers))))
        if anonymous and len(shown) < ANONYMOUS_MINIMUM:
            shown = set()
        words = {GIVERS[g]: f"words of {GIVERS[g]}" for g in shown}
        seen.append(
            Seen(
                anonymous,
                frozenset(GIVERS[g] for g in givers),
                {} if anonymous else words,
                frozenset(words.values()) if anonymous else frozenset(),
            )
        )
    return seen


@given(requests_made())
def test_matching_answers_across_requests_the_rule_allows_narrows_no_one_below_three(
    seen: list[Seen],
) -> None:
    for text, candidates in writers(seen).items():
        assert len(candidates) >= ANONYMOUS_MINIMUM, (text, candidates)
