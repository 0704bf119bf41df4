"""`checkin schedule|pause|resume|skip|reminders`: a person's own say over when we ask."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import get_day_names

from bot.checkins.cadence import (
    WEEKDAYS,
    CadenceError,
    friendly_day,
    make_cadence,
    next_period,
    period_at,
    person_cadence,
    read_day,
)
from bot.checkins.flow import CheckinFlow
from bot.checkins.opening import next_opening
from bot.checkins.prompting import PROMPT
from bot.core.i18n import N_, catalog, current
from bot.core.messages import Message, Text
from bot.core.whole_numbers import whole_number
from storage.models import Person
from storage.repository import Store

_, ngettext = catalog("bot.checkins")

_EVERY = re.compile(r"^every\s+(\d+)\s+weeks?$")
_TIME = re.compile(r"^\d{1,2}:\d{2}$")
SCHEDULE_USAGE = N_("Try: checkin schedule mon,thu 09:30 (or add: every 2 weeks).")


async def schedule(flow: CheckinFlow, args: str) -> list[Message]:
    words = args.lower().split()
    at = next((i for i, word in enumerate(words) if _TIME.match(word)), None)
    if at is None or at == 0:
        return [Text(_("I need the days and a time. {usage}").format(usage=_(SCHEDULE_USAGE)))]
    every = _EVERY.match(" ".join(words[at + 1 :]))
    if words[at + 1 :] and every is None:
        said = _("I didn't understand “{words}”. {usage}")
        return [Text(said.format(words=" ".join(words[at + 1 :])[:40], usage=_(SCHEDULE_USAGE)))]
    weeks = (whole_number(every.group(1)) or 0) if every else 1  # make_cadence refuses a 0
    days = ",".join(words[:at])
    person = flow.person
    zone = person_cadence(person, flow.settings).zone.key
    try:
        cadence = make_cadence(days, words[at], weeks, zone)
    except CadenceError as error:
        return [Text(f"{error} {_(SCHEDULE_USAGE)}")]
    person.checkin_days = ",".join(WEEKDAYS[d] for d in cadence.days)
    person.checkin_time = cadence.at.strftime("%H:%M")
    person.cadence_weeks = weeks
    flow.store.keep(person)
    due = await _reschedule(flow.store, person, flow)
    repeat = ngettext("every week", "every {n} weeks", weeks).format(n=weeks)
    names = ", ".join(_day_name(d) for d in cadence.days)
    said = _("Done: check-ins on {days} at {time} ({zone}), {repeat}. The next one: {next}.")
    return [
        Text(
            said.format(
                days=names,
                time=person.checkin_time,
                zone=zone,
                repeat=repeat,
                next=_local(due, zone),
            )
        )
    ]


async def pause(flow: CheckinFlow, args: str) -> list[Message]:
    text = args.strip().lower()
    for word in ("through", "thru", "until", "till"):
        text = text.removeprefix(word).strip()
    today = flow.now.astimezone(flow.cadence.zone).date()
    until = read_day(text, today)
    if until is None:
        return [
            Text(
                _(
                    "Pause through which day (that day included)? "
                    "Try: checkin pause 2026-12-31, or checkin pause friday"
                )
            )
        ]
    if until < today:
        said = _("{day} has passed already. Pick a day from today on.")
        return [Text(said.format(day=until.isoformat()))]
    flow.person.paused_until = until.isoformat()
    flow.store.keep(flow.person)
    said = _("Paused: no check-ins through {day}. Type checkin resume to come back sooner.")
    return [Text(said.format(day=friendly_day(until.isoformat())))]


async def resume(flow: CheckinFlow) -> list[Message]:
    flow.person.paused_until = None
    flow.store.keep(flow.person)
    due = await _reschedule(flow.store, flow.person, flow)
    zone = flow.cadence.zone.key
    return [Text(_("Welcome back. Your next check-in: {next}.").format(next=_local(due, zone)))]


async def skip(flow: CheckinFlow) -> list[Message]:
    """Skip this period's check-in, or the next one if this one is done."""
    current = period_at(flow.cadence, flow.now)
    run = await flow.store.run_for_period(flow.person, current.start)
    target = next_period(flow.cadence, current) if run and run.status == "submitted" else current
    skipped = await flow.skip(target)
    waiting = await flow.store.waiting_prompt(skipped)
    if waiting is not None:
        waiting.status = "superseded"
        flow.store.keep(waiting)
    said = _("Skipped the check-in for the week of {week}.")
    return [Text(said.format(week=friendly_day(target.label)))]


async def reminders(flow: CheckinFlow, args: str) -> list[Message]:
    choice = args.strip().lower()
    if choice not in ("on", "off"):
        return [Text(_("Say checkin reminders on, or checkin reminders off."))]
    flow.person.reminders = choice == "on"
    flow.store.keep(flow.person)
    return [Text(_("Reminders are on.") if flow.person.reminders else _("Reminders are off."))]


async def _reschedule(store: Store, person: Person, flow: CheckinFlow) -> datetime:
    due = next_opening(person, flow.settings, flow.now)
    # A prompt due or being sent now still goes out; the one after follows the new schedule.
    await store.replan(person.tenant_id, PROMPT, person.id or 0, due, flow.now)
    return due


def _local(instant: datetime, zone: str) -> str:
    local = instant.astimezone(ZoneInfo(zone))
    return _("{day} at {time}").format(
        day=friendly_day(local.date().isoformat()), time=local.strftime("%H:%M")
    )


def _day_name(weekday: int) -> str:
    """A weekday's short name in the language in force ("Mon"; "Mo." in German)."""
    return str(get_day_names("abbreviated", locale=current())[weekday])
