"""The scheduler's handler for a review cycle's reminders, each sent to those who owe something
only: two days before the due date, to whoever hasn't submitted their self or peer review,
named their peers or approved them; at the due date, to managers, whose reviews are open to
write from then on; a week later, to managers whose reviews aren't shared yet. Each stage is
marked before it is sent, so it goes once whichever replica runs it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from bot.core.messages import Text
from bot.core.outcome import Notice
from bot.core.ports import Sender
from bot.org.tree import display_name
from scheduler.due import Due
from storage.models import Person, Review, ReviewCycle
from storage.repository import Store

REVIEW_REMINDERS = "review_reminders"
AHEAD = timedelta(days=2)
LATE = timedelta(days=7)
OPEN = ("pending", "draft")
People = Mapping[int, Person]
Reviews = Sequence[Review]


def first_reminder(cycle: ReviewCycle, now: datetime) -> datetime:
    return max(now, cycle.due_at - AHEAD)


class ScheduledReviews:
    def __init__(self, engine: Sender) -> None:
        self.engine = engine

    async def remind(self, due: Due, now: datetime) -> datetime | None:
        async with self.engine.database.session() as session:
            store = Store(session)
            cycle = await store.reviews.cycle(due.tenant_id, due.subject_id)
            if cycle is None or cycle.status != "open":
                return None
            people = {p.id: p for p in await store.people(due.tenant_id) if p.id is not None}
            reviews = await store.reviews.of_cycle(cycle.id or 0)
            following: datetime | None
            if now < cycle.due_at - AHEAD:
                return cycle.due_at - AHEAD
            if now < cycle.due_at:
                notices = _before(cycle, reviews, people) if cycle.stage == "" else []
                cycle.stage, following = "reminded", cycle.due_at
            elif now < cycle.due_at + LATE:
                notices = _due(cycle, reviews, people) if cycle.stage != "due" else []
                cycle.stage, following = "due", cycle.due_at + LATE
            else:
                notices = _late(cycle, reviews, people) if cycle.stage != "late" else []
                cycle.stage, following = "late", None
            store.keep(cycle)
        await self.engine.notify(due.tenant_id, notices)
        return following


def _before(cycle: ReviewCycle, reviews: Reviews, people: People) -> list[Notice]:
    lines: dict[int, list[str]] = {}
    subjects = {r.subject_id for r in reviews}
    for review in reviews:
        writer = review.writer_id or 0
        subject = people.get(review.subject_id)
        if review.kind == "self" and review.status in OPEN:
            lines.setdefault(writer, []).append("your self review: review self")
        elif review.kind == "peer" and review.status in OPEN and subject is not None:
            lines.setdefault(writer, []).append(
                f"your review of {display_name(subject)}: review peer {subject.email}"
            )
        elif review.kind == "peer" and review.status == "nominated" and subject is not None:
            manager = subject.manager_id or 0
            approve = (
                f"the peers {display_name(subject)} named: review peers {subject.email} approve"
            )
            if approve not in lines.get(manager, []):
                lines.setdefault(manager, []).append(approve)
    if "peer" in cycle.kinds:
        named = {r.subject_id for r in reviews if r.kind == "peer"}
        for subject_id in subjects - named:
            lines.setdefault(subject_id, []).append("name your peers: review peers @a @b @c")
    return _notices(f"Due {cycle.due_on} in “{cycle.name}”, still to do:", lines, people)


def _due(
    cycle: ReviewCycle, reviews: Sequence[Review], people: Mapping[int, Person]
) -> list[Notice]:
    lines: dict[int, list[str]] = {}
    for review in reviews:
        subject = people.get(review.subject_id)
        if review.kind == "manager" and review.status in OPEN and subject is not None:
            lines.setdefault(review.writer_id or 0, []).append(
                f"{display_name(subject)}: review manager {subject.email}"
            )
    head = f"“{cycle.name}” is due: your reviews can be written now, self reviews in or not:"
    return _notices(head, lines, people)


def _late(
    cycle: ReviewCycle, reviews: Sequence[Review], people: Mapping[int, Person]
) -> list[Notice]:
    lines: dict[int, list[str]] = {}
    for review in reviews:
        subject = people.get(review.subject_id)
        if review.kind == "manager" and review.shared_at is None and subject is not None:
            step = "review share" if review.status == "submitted" else "review manager"
            lines.setdefault(review.writer_id or 0, []).append(
                f"{display_name(subject)}: {step} {subject.email}"
            )
    return _notices(f"Reviews of “{cycle.name}” not shared yet:", lines, people)


def _notices(
    head: str, lines: Mapping[int, list[str]], people: Mapping[int, Person]
) -> list[Notice]:
    return [
        Notice(person_id, [Text(head + "\n" + "\n".join(f"- {line}" for line in todo))])
        for person_id, todo in lines.items()
        if person_id in people and people[person_id].active
    ]
