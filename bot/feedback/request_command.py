"""Reading `feedback request @subject from @a @b [anonymous] [due DATE]` and `feedback give
@person`, and checking a request may be made. No database: people are found by the caller's
`find`, and earlier requests handed in."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from bot.checkins.cadence import friendly_day, local_to_utc, read_day
from bot.core.i18n import catalog
from bot.core.words import listed
from bot.org.tree import display_name
from bot.privacy.feedback_answers import (
    ANONYMOUS_MINIMUM,
    OVERLAP_WINDOW,
    GiversProblem,
    Overlap,
    anonymous_givers_problem,
    may_ask_about,
)
from storage.models import Person

MAX_GIVERS: Final = 20
REQUEST_USAGE: Final = "feedback request @person from @giver @giver [anonymous] [due 2026-12-04]"
GIVE_USAGE: Final = "feedback give @person"

_TOKEN = re.compile(r"<[^>]*>|\S+")

_, ngettext = catalog("bot.feedback")

Find = Callable[[str], Awaitable[Person]]


class FeedbackError(Exception):
    """A request that can't be made, in words for the person making it."""


@dataclass(frozen=True)
class RequestOrder:
    subject: Person
    givers: list[Person]
    anonymous: bool
    due: date | None  # None: the default


def words_of(args: str) -> list[str]:
    """The command's words; a mention with spaces in its label stays one word."""
    return _TOKEN.findall(args)


async def read_request(args: str, find: Find, today: date) -> RequestOrder:
    """Who it is about, who to ask, and how; people found in the order they are named."""
    tokens = words_of(args)
    lowered = [t.lower() for t in tokens]
    if "from" not in lowered or lowered.index("from") != 1:
        raise FeedbackError(
            _("Say who it's about and who to ask: {usage}").format(usage=REQUEST_USAGE)
        )
    subject = await find(tokens[0])
    givers: list[Person] = []
    anonymous, due = False, None
    rest = tokens[2:]
    index = 0
    while index < len(rest):
        word = rest[index].lower()
        if word in ("anonymous", "anonymously", "anon"):
            anonymous = True
        elif word == "due":
            if index + 1 >= len(rest):
                raise FeedbackError(_("Due when? For example: due 2026-12-04 or due friday."))
            due = read_due(rest[index + 1], today)
            index += 1
        else:
            person = await find(rest[index])
            if person.id not in {g.id for g in givers}:
                givers.append(person)
        index += 1
    return RequestOrder(subject, givers, anonymous, due)


def read_due(word: str, today: date) -> date:
    day = read_day(word, today)
    if day is None:
        raise FeedbackError(
            _("I can't read the date {word}: try 2026-12-04, friday or tomorrow.").format(
                word=word[:20]
            )
        )
    if day < today:
        raise FeedbackError(
            _("{day} has passed: pick a later day.").format(day=friendly_day(day.isoformat()))
        )
    if day > today + timedelta(days=90):
        raise FeedbackError(_("Pick a due date within the next {days} days.").format(days=90))
    return day


def end_of(day: date, zone: ZoneInfo) -> datetime:
    """When a due day ends, in the requester's time zone."""
    return local_to_utc(day + timedelta(days=1), time(0, 0), zone)


def check_may_ask(asker: Person, subject: Person, people: Mapping[int, Person]) -> None:
    if not may_ask_about(asker, subject, people):
        raise FeedbackError(
            _(
                "You can ask for feedback on yourself or on people who report to you; "
                "{subject} doesn't. An admin can ask about anyone."
            ).format(subject=display_name(subject))
        )


def check_givers(
    requester: Person, subject: Person, givers: Sequence[Person], anonymous: bool
) -> None:
    if not givers:
        raise FeedbackError(_("Who should give the feedback? {usage}").format(usage=REQUEST_USAGE))
    if len(givers) > MAX_GIVERS:
        raise FeedbackError(
            _("That's a lot of people: ask at most {most} at a time.").format(most=MAX_GIVERS)
        )
    if any(g.id == subject.id for g in givers):
        raise FeedbackError(
            _("{subject} can't give feedback on themselves here.").format(
                subject=display_name(subject)
            )
        )
    if not anonymous:
        return
    assert requester.id is not None
    problem = anonymous_givers_problem(requester.id, [g.id for g in givers if g.id is not None])
    if problem is GiversProblem.REQUESTER_GIVES:
        raise FeedbackError(
            _(
                "You can't be a giver on your own anonymous request: your answer would "
                "narrow down everyone else's."
            )
        )
    if problem is GiversProblem.TOO_FEW:
        raise FeedbackError(
            _(
                "An anonymous request needs at least {minimum} givers, so no answer can be "
                "traced back. Add more people, or drop anonymous."
            ).format(minimum=ANONYMOUS_MINIMUM)
        )


def check_overlap(
    subject: Person, found: Overlap | None, people: Mapping[int, Person], zone: ZoneInfo
) -> None:
    """Refuse a request whose answers, matched against the requester's earlier ones on the same
    subject (`bot.privacy.feedback_answers.overlap`), would tell who wrote anonymous ones; say
    who overlaps, and what would do instead."""
    if found is None:
        return
    names = listed([display_name(people[g]) for g in sorted(found.shared) if g in people])
    numbers = listed([f"#{n}" for n in found.request_ids])
    about, days = display_name(subject), OVERLAP_WINDOW.days
    why = ngettext(
        "{names} was also asked about {subject} in your request {numbers}, within {days} days "
        "of this one. Matching answers across them would tell who wrote the anonymous ones.",
        "{names} were also asked about {subject} in your request {numbers}, within {days} days "
        "of this one. Matching answers across them would tell who wrote the anonymous ones.",
        len(found.shared),
    ).format(names=names, subject=about, numbers=numbers, days=days)
    ways = []
    if found.leaving_out_does:
        ways.append(_("leave out {names}").format(names=names))
    if found.adding:
        ways.append(
            ngettext(
                "add {count} more person you haven't asked about {subject} in the last {days} days",
                "add {count} more people you haven't asked about {subject} in the last {days} days",
                found.adding,
            ).format(count=found.adding, subject=about, days=days)
        )
    day = found.clears_at.astimezone(zone).date() + timedelta(days=1)
    ways.append(_("ask from {day} on").format(day=friendly_day(day.isoformat())))
    # Translators: the ways out of an overlapping request, as "a, b or c".
    instead = listed(ways, _("or"))
    raise FeedbackError(_("{why} Instead, {ways}.").format(why=why, ways=instead))
