"""`review start "H2 2026" from 2026-07-01 to 2026-12-31 self manager peer due 2026-12-20
[for team Growth] [anonymous peers]`: an admin starts a cycle. Everyone in it is told what they
owe; `review status` shows admins and managers who is where."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, time, timedelta

from bot.checkins.cadence import local_to_utc, org_zone
from bot.core.commands import Context
from bot.core.messages import Card, Field, Section, Text
from bot.core.outcome import Notice, Outcome
from bot.core.words import listed
from bot.org.tree import display_name, org_of
from bot.reviews.scheduled import REVIEW_REMINDERS, first_reminder
from bot.reviews.template import KINDS
from bot.reviews.templates import org_questions
from storage.models import Person, Review, ReviewCycle
from storage.settings import settings_of

_START = re.compile(
    r'^"(?P<name>[^"]{1,100})"\s+from\s+(?P<start>\d{4}-\d{2}-\d{2})\s+to\s+'
    r"(?P<end>\d{4}-\d{2}-\d{2})(?P<kinds>(?:\s+(?:self|manager|peers?))*)\s+due\s+"
    r"(?P<due>\d{4}-\d{2}-\d{2})(?:\s+for\s+(?:team\s+)?(?P<team>.+?))?"
    r"(?P<anonymous>\s+anonymous\s+peers)?$",
    re.IGNORECASE,
)
USAGE = (
    'Say it like: review start "H2 2026" from 2026-07-01 to 2026-12-31 self manager peer '
    "due 2026-12-20 (for team Growth, anonymous peers: both optional)"
)
SHOWN = 25


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


async def start(ctx: Context, args: str) -> Outcome:
    if not ctx.person.is_admin:
        return _say("Only admins start review cycles.")
    found = _START.match(" ".join(args.replace("“", '"').replace("”", '"').split()))
    if found is None:
        return _say(USAGE)
    first, last, due = (_day(found.group(k)) for k in ("start", "end", "due"))
    if first is None or last is None or due is None:
        return _say("Write dates like 2026-07-01, real ones.")
    if last < first:
        return _say("The period ends before it starts.")
    zone = org_zone(settings_of(ctx.tenant))
    due_at = local_to_utc(due + timedelta(days=1), time(0), zone)
    if due_at <= ctx.now:
        return _say(f"{due.isoformat()} has passed: give a due date still to come.")
    name = found.group("name").strip()
    if await ctx.store.reviews.cycle_named(ctx.tenant.id, name) is not None:
        return _say(f"There is a cycle called “{name}” already: give this one another name.")
    words = found.group("kinds").lower().split()
    kinds = [k for k in KINDS if k in {w.removesuffix("s") for w in words}] or list(KINDS)
    people = await ctx.store.people_by_id(ctx.tenant.id)
    team = None
    if found.group("team"):
        teams = {p.team.lower(): p.team for p in people.values() if p.team}
        team = teams.get(found.group("team").strip().lower())
        if team is None:
            known = ", ".join(sorted(teams.values())) or "none yet"
            return _say(f"Which team? Teams: {known}.")
    cycle = ReviewCycle(
        tenant_id=ctx.tenant.id,
        name=name,
        starts_at=local_to_utc(first, time(0), zone),
        ends_at=local_to_utc(last + timedelta(days=1), time(0), zone),
        due_on=due.isoformat(),
        due_at=due_at,
        kinds=kinds,
        team=team,
        anonymous_peers=bool(found.group("anonymous")),
        questions=org_questions(ctx.tenant),
        created_by=ctx.person.id,
        created_at=ctx.now,
    )
    ctx.store.keep(cycle)
    await ctx.store.session.flush()
    members = [p for p in people.values() if p.active and (team is None or p.team == team)]
    notices = _open(ctx, cycle, members, people)
    await ctx.store.plan(
        ctx.tenant.id, REVIEW_REMINDERS, cycle.id or 0, first_reminder(cycle, ctx.now)
    )
    what = listed([f"{k} reviews" for k in kinds])
    who = f"the {team} team ({len(members)} people)" if team else f"{len(members)} people"
    return _say(f"Started “{name}” for {who}: {what}, due {_due_words(cycle)}.", notices)


def _open(
    ctx: Context, cycle: ReviewCycle, members: Sequence[Person], people: Mapping[int, Person]
) -> list[Notice]:
    """Each member's reviews, and a note to everyone saying what they owe."""
    notes: dict[int, list[str]] = {}
    due = _due_words(cycle)
    for person in members:
        assert person.id is not None
        if "self" in cycle.kinds:
            _add(ctx, cycle, person.id, person.id, "self", "pending")
            notes.setdefault(person.id, []).append(
                f"Your self review is due {due}: review self shows your record of the period "
                "and the questions."
            )
        if "peer" in cycle.kinds:
            notes.setdefault(person.id, []).append(
                "Name the peers who should review you (three or more): review peers @a @b @c"
            )
        manager = people.get(person.manager_id or 0)
        if "manager" in cycle.kinds and manager is not None and manager.active:
            _add(ctx, cycle, person.id, manager.id or 0, "manager", "pending")
            notes.setdefault(manager.id or 0, [])
    notices = []
    for person_id, lines in notes.items():
        theirs = [p for p in members if p.manager_id == person_id]
        if "manager" in cycle.kinds and theirs:
            names = listed([display_name(p) for p in theirs[:5]])
            lines.append(
                f"You'll review {names}{' and more' if len(theirs) > 5 else ''} once their "
                "self reviews are in (or the due date passes): review status shows where they are."
            )
        text = f"The review cycle “{cycle.name}” has started.\n" + "\n".join(lines)
        notices.append(Notice(person_id, [Text(text)]))
    return notices


def _add(
    ctx: Context, cycle: ReviewCycle, subject: int, writer: int, kind: str, status: str
) -> None:
    ctx.store.keep(
        Review(
            tenant_id=ctx.tenant.id,
            cycle_id=cycle.id or 0,
            subject_id=subject,
            writer_id=writer,
            kind=kind,
            status=status,
            created_at=ctx.now,
        )
    )


def _due_words(cycle: ReviewCycle) -> str:
    day = date.fromisoformat(cycle.due_on)
    return f"{day:%a} {day.day} {day:%b}"


async def status(ctx: Context, _args: str) -> Outcome:
    """Where each person of the open cycles stands: everyone for admins, the people under a
    manager for them, one's own for everyone else."""
    people = await ctx.store.people_by_id(ctx.tenant.id)
    me = ctx.person.id or 0
    seen = set(people) if ctx.person.is_admin else org_of(me, people) | {me}
    cycles = await ctx.store.reviews.open_cycles(ctx.tenant.id)
    if not cycles:
        return _say("No review cycle is open.")
    sections = []
    for cycle in cycles:
        reviews = await ctx.store.reviews.of_cycle(cycle.id or 0)
        subjects = sorted(
            ({r.subject_id for r in reviews} & seen) & set(people),
            key=lambda i: display_name(people[i]),
        )
        fields = [
            Field(display_name(people[s]), stage([r for r in reviews if r.subject_id == s]))
            for s in subjects
        ]
        more = len(fields) - SHOWN
        text = f"Due {_due_words(cycle)}." + (f" And {more} more." if more > 0 else "")
        sections.append(Section(cycle.name, tuple(fields[:SHOWN]), text))
    return Outcome([Card("Reviews", tuple(sections))])


def stage(reviews: Sequence[Review]) -> str:
    """One person's reviews in a few words: self, peers, manager."""
    parts = []
    self_review = next((r for r in reviews if r.kind == "self"), None)
    if self_review is not None:
        parts.append(f"self {_word(self_review.status)}")
    peers = [r for r in reviews if r.kind == "peer"]
    if peers:
        if all(r.status == "nominated" for r in peers):
            parts.append(f"{len(peers)} peers waiting for approval")
        else:
            done = sum(r.status == "submitted" for r in peers)
            parts.append(f"peers {done} of {len(peers)} in")
    manager = next((r for r in reviews if r.kind == "manager"), None)
    if manager is not None:
        word = _word(manager.status)
        if manager.acknowledged_at is not None:
            word = "shared and acknowledged"
        elif manager.shared_at is not None:
            word = "shared"
        parts.append(f"manager {word}")
    return " · ".join(parts) or "nothing asked"


def _word(status: str) -> str:
    words = {"pending": "not started", "draft": "a draft", "submitted": "submitted"}
    return words.get(status, status)


def _say(text: str, notices: list[Notice] | None = None) -> Outcome:
    return Outcome([Text(text)], notices or [])
