"""The scheduler's handler for a review cycle's reminders, each sent to those who owe something
only: two days before the due date, to whoever hasn't submitted their self or peer review,
named their peers or approved them; at the due date, to managers, whose reviews are open to
write from then on; a week later, to managers whose reviews aren't shared yet. Each stage is
marked before it is sent, so it goes once whichever replica runs it. Each reminder is written in
its recipient's language: the lines are gathered as messages to say, and said per person."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.core.i18n import N_, catalog, speaking_to
from bot.core.messages import Text
from bot.core.outcome import Notice
from bot.core.ports import Sender
from bot.org.tree import display_name
from scheduler.due import Due
from storage.held import REVIEW_CYCLE, about
from storage.models import Person, Review, ReviewCycle, Tenant
from storage.repository import Store

REVIEW_REMINDERS = "review_reminders"
AHEAD = timedelta(days=2)
LATE = timedelta(days=7)
OPEN = ("pending", "draft")
People = Mapping[int, Person]
Reviews = Sequence[Review]
# A line to say: a message marked with N_, and what fills its placeholders.
Said = tuple[str, dict[str, str]]

_, ngettext = catalog("bot.reviews")


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
                todo = _before(cycle, reviews, people) if cycle.stage == "" else None
                cycle.stage, following = "reminded", cycle.due_at
            elif now < cycle.due_at + LATE:
                todo = _due(cycle, reviews, people) if cycle.stage != "due" else None
                cycle.stage, following = "due", cycle.due_at + LATE
            else:
                todo = _late(cycle, reviews, people) if cycle.stage != "late" else None
                cycle.stage, following = "late", None
            tenant = await store.tenant(due.tenant_id)
            notices = _notices(*todo, people, tenant) if todo is not None else []
            purpose = about(REVIEW_CYCLE, cycle.id)
            notices = [replace(notice, purpose=purpose) for notice in notices]
            store.keep(cycle)
        await self.engine.notify(due.tenant_id, notices)
        return following


Todo = tuple[Said, dict[int, list[Said]]]  # the reminder's first line, and each person's lines


def _before(cycle: ReviewCycle, reviews: Reviews, people: People) -> Todo:
    lines: dict[int, list[Said]] = {}
    subjects = {r.subject_id for r in reviews}
    for review in reviews:
        writer = review.writer_id or 0
        subject = people.get(review.subject_id)
        if review.kind == "self" and review.status in OPEN:
            lines.setdefault(writer, []).append((N_("your self review: review self"), {}))
        elif review.kind == "peer" and review.status in OPEN and subject is not None:
            lines.setdefault(writer, []).append(
                (N_("your review of {name}: review peer {email}"), _about(subject))
            )
        elif review.kind == "peer" and review.status == "nominated" and subject is not None:
            manager = subject.manager_id or 0
            approve = (N_("the peers {name} named: review peers {email} approve"), _about(subject))
            if approve not in lines.get(manager, []):
                lines.setdefault(manager, []).append(approve)
    if "peer" in cycle.kinds:
        named = {r.subject_id for r in reviews if r.kind == "peer"}
        for subject_id in subjects - named:
            lines.setdefault(subject_id, []).append(
                (N_("name your peers: review peers @a @b @c"), {})
            )
    head = N_("Due {day} in “{cycle}”, still to do:")
    return (head, {"day": cycle.due_on, "cycle": cycle.name}), lines


def _due(cycle: ReviewCycle, reviews: Reviews, people: People) -> Todo:
    lines: dict[int, list[Said]] = {}
    for review in reviews:
        subject = people.get(review.subject_id)
        if review.kind == "manager" and review.status in OPEN and subject is not None:
            lines.setdefault(review.writer_id or 0, []).append(
                (N_("{name}: review manager {email}"), _about(subject))
            )
    head = N_("“{cycle}” is due: your reviews can be written now, self reviews in or not:")
    return (head, {"cycle": cycle.name}), lines


def _late(cycle: ReviewCycle, reviews: Reviews, people: People) -> Todo:
    lines: dict[int, list[Said]] = {}
    for review in reviews:
        subject = people.get(review.subject_id)
        if review.kind == "manager" and review.shared_at is None and subject is not None:
            step = (
                N_("{name}: review share {email}")
                if review.status == "submitted"
                else N_("{name}: review manager {email}")
            )
            lines.setdefault(review.writer_id or 0, []).append((step, _about(subject)))
    return (N_("Reviews of “{cycle}” not shared yet:"), {"cycle": cycle.name}), lines


def _about(subject: Person) -> dict[str, str]:
    return {"name": display_name(subject), "email": subject.email}


def _notices(
    head: Said, lines: Mapping[int, list[Said]], people: People, tenant: Tenant | None
) -> list[Notice]:
    """Each active person's reminder, in their language."""
    notices = []
    for person_id, todo in lines.items():
        person = people.get(person_id)
        if person is None or not person.active:
            continue
        with speaking_to(person, tenant):
            said = [_(head[0]).format(**head[1])]
            said += [f"- {_(text).format(**values)}" for text, values in todo]
        notices.append(Notice(person_id, [Text("\n".join(said))]))
    return notices
