"""Reading `pulse send …`: which survey, to whom, how often, for how long, and when the first
round opens. Pure: no database, no sending."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.checkins.cadence import CadenceError, local_to_utc, parse_time, read_day
from bot.core.i18n import catalog, day_month
from bot.core.whole_numbers import whole_number
from bot.pulse.audience import Audience, choose_audience
from bot.pulse.cards import when
from bot.pulse.questions import BANK, PulseError, custom_questions, split_questions, usage
from storage.models import Person
from storage.survey_questions import SurveyQuestion

_EVERY = re.compile(r"\bevery\s+(\d+)\s+weeks?\b|\bweekly\b", re.IGNORECASE)
_ON = re.compile(r"\bon\s+(\S+)(?:\s+at\s+(\d{1,2}:\d{2}))?", re.IGNORECASE)
_FOR_DAYS = re.compile(r"\bfor\s+(\d+)\s+days?\b", re.IGNORECASE)

_, ngettext = catalog("bot.pulse")


@dataclass(frozen=True)
class SendOrder:
    title: str
    questions: tuple[SurveyQuestion, ...]  # numbered: q1, q2…
    audience: Audience
    every_weeks: int | None  # None: one round only
    open_days: int
    start: datetime | None  # None: now


def read_send(
    args: str, sender: Person, people: Mapping[int, Person], now: datetime, zone: ZoneInfo
) -> SendOrder:
    """The survey `args` asks for; a PulseError says what is wrong, in the sender's words."""
    args, start = _read_start(args, now, zone)
    head, colon, custom = split_questions(args)
    every_match = _EVERY.search(head)
    every = None
    if every_match:
        every = whole_number(every_match.group(1) or "1")
        if every not in (1, 2, 4):
            raise PulseError(_("A survey can repeat every 1, 2 or 4 weeks."))
    days_match = _FOR_DAYS.search(head)
    days = whole_number(days_match.group(1)) if days_match else 3
    if days is None or not 1 <= days <= 14:
        raise PulseError(_("A round stays open between 1 and 14 days."))
    head = _FOR_DAYS.sub(" ", _EVERY.sub(" ", head))
    before, *after = re.split(r"(?i)\bto\b", head, maxsplit=1)
    words = before.split()
    target = after[0] if after else ("everyone" if sender.is_admin else "my org")
    audience = choose_audience(target.strip(), sender, people)
    if colon:
        questions = tuple(custom_questions(custom))
        # Stored as the survey's name, in the sender's words.
        title = words[0].title() if words else _("Pulse {day}").format(day=day_month(now))
    else:
        name = words[0].lower() if words else ""
        if name not in BANK:
            raise PulseError(
                _("Which survey? From the bank: {bank}; or your own. {usage}").format(
                    bank=", ".join(BANK), usage=usage()
                )
            )
        title, questions = BANK[name]
    numbered = tuple(replace(q, key=f"q{n}") for n, q in enumerate(questions, start=1))
    return SendOrder(title, numbered, audience, every, days, start)


def _read_start(args: str, now: datetime, zone: ZoneInfo) -> tuple[str, datetime | None]:
    """`on 2026-12-07 [at 09:00]` or `on monday [at 09:00]`, in the sender's time zone:
    when the first round opens; None for now. Returns the rest of `args` too."""
    head, colon, rest = split_questions(args)
    found = _ON.search(head)
    if found is None:
        return args, None
    today = now.astimezone(zone).date()
    day = read_day(found.group(1), today)
    if day is None:
        raise PulseError(
            _("I can't read the date {date}: try 2026-12-07 or monday.").format(
                date=found.group(1)[:20]
            )
        )
    try:
        at = parse_time(found.group(2)) if found.group(2) else time(9, 0)
    except CadenceError as error:
        raise PulseError(str(error)) from None
    start = local_to_utc(day, at, zone)
    if start <= now:
        raise PulseError(
            _("{when} has passed: pick a later time, or leave out on.").format(when=when(start))
        )
    if start > now + timedelta(days=90):
        raise PulseError(_("Schedule the first round within the next 90 days."))
    remaining = head[: found.start()] + head[found.end() :]
    return remaining + colon + rest, start
