"""Setting up a 1:1: `1on1 with @ana every 2 weeks tue 10:00` asks Ana, who confirms or declines
(a button, or `1on1 confirm @ben` typed); `1on1 stop @ana` ends it, by either of the two.
Times are in the starter's zone, and each person is shown them in their own."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from bot.core.commands import Context
from bot.core.i18n import N_, catalog, speaking_to
from bot.core.messages import Choice, Question, Text
from bot.core.outcome import ClosedPrompt, Notice, Outcome
from bot.core.whole_numbers import whole_number
from bot.oneonones.times import (
    TimesError,
    cadence_words,
    first_meeting,
    parse_when,
    when_for,
    zone_of,
)
from bot.org import mentions as org_mentions
from bot.org.tree import display_name
from storage.models import OneOnOne, OneOnOneMeeting, Person

PROMPT_PREFIX: Final = "1on1_"
ONEONONE: Final = "oneonone"  # the scheduled job of a 1:1: nudge, agenda, prompt for actions
NUDGE_AHEAD = timedelta(hours=24)
CONFIRM, DECLINE = "confirm", "decline"
LABELS = {CONFIRM: N_("Confirm"), DECLINE: N_("Decline")}
EXPIRED = N_("That button isn't for you, or it has expired.")

_, ngettext = catalog("bot.oneonones")


def choices() -> tuple[Choice, Choice]:
    """Confirm and Decline, in the language in force (the values stay the words matched)."""
    return Choice(_(LABELS[CONFIRM]), CONFIRM), Choice(_(LABELS[DECLINE]), DECLINE)


async def find_person(ctx: Context, word: str) -> Person | str:
    """Someone active named by a mention, an email or @name (bot.org.mentions); a sentence when
    there's no one."""
    try:
        return await org_mentions.find_person(ctx, word)
    except org_mentions.OrgError as error:
        return str(error)


async def start(ctx: Context, args: str) -> Outcome:
    """`with @ana every 2 weeks tue 10:00`"""
    word, _space, when = args.strip().partition(" ")
    if not word:
        return _say(_("Say it like: 1on1 with @ana every 2 weeks tue 10:00"))
    other = await find_person(ctx, word)
    if isinstance(other, str):
        return _say(other)
    me = ctx.person
    if other.id == me.id:
        return _say(_("A 1:1 takes two: name someone else."))
    try:
        weeks, weekday, at = parse_when(when)
    except TimesError as error:
        return _say(str(error))
    assert me.id is not None and other.id is not None
    existing = await ctx.store.oneonones.between(ctx.tenant.id, me.id, other.id)
    if existing is not None:
        if existing.status == "asked":
            there = _(
                "Your 1:1 with {other} ({cadence} at {at}) waits for an answer. "
                "1on1 stop {handle} ends it first."
            )
        else:
            there = _(
                "Your 1:1 with {other} ({cadence} at {at}) is on. 1on1 stop {handle} ends it first."
            )
        return _say(
            there.format(
                other=display_name(other),
                cadence=cadence_words(existing),
                at=existing.at,
                handle=_handle(other),
            )
        )
    series = OneOnOne(
        tenant_id=ctx.tenant.id,
        starter_id=me.id,
        other_id=other.id,
        every_weeks=weeks,
        weekday=weekday,
        at=at,
        timezone=zone_of(ctx.tenant, me),
        created_at=ctx.now,
    )
    ctx.store.keep(series)
    await ctx.store.session.flush()
    reply = _(
        "Asked {other} to confirm a 1:1 {cadence} at {at} ({zone}). I'll tell you when they answer."
    ).format(other=display_name(other), cadence=cadence_words(series), at=at, zone=series.timezone)
    if not any(i.reachable for i in await ctx.store.identities_of(other)):
        reply += " " + _(
            "{other} can't be reached yet: once they write to me, they can answer with "
            "1on1 confirm {handle} (or decline)."
        ).format(other=display_name(other), handle=_handle(me))
    with speaking_to(other, ctx.tenant):
        question = _ask(ctx, series, me, other)
    return Outcome([Text(reply)], [Notice(other.id, [question])])


def _ask(ctx: Context, series: OneOnOne, starter: Person, other: Person) -> Question:
    assert series.id is not None
    theirs = when_for(first_meeting(series, ctx.now), zone_of(ctx.tenant, other))
    return Question(
        prompt_id=f"{PROMPT_PREFIX}{series.id}",
        text=_(
            "{starter} asks for a 1:1 with you {cadence} at {at} ({zone}). "
            "The first would be {first}, your time."
        ).format(
            starter=display_name(starter),
            cadence=cadence_words(series),
            at=series.at,
            zone=series.timezone,
            first=theirs,
        ),
        choices=choices(),
        hint=_("Or type: 1on1 confirm {handle} (or decline).").format(handle=_handle(starter)),
    )


async def choose(ctx: Context, prompt_id: str, value: str) -> Outcome:
    """A click on Confirm or Decline: only the person asked may answer."""
    series_id = whole_number(prompt_id.removeprefix(PROMPT_PREFIX))
    series = await ctx.store.oneonones.series(ctx.tenant.id, series_id or 0)
    if series is None or value not in (CONFIRM, DECLINE):
        return _say(_(EXPIRED))
    if series.other_id != ctx.person.id:
        return _say(_("That question is for the other person to answer. Nothing changed."))
    return await answer(ctx, series, value == CONFIRM)


async def typed_answer(ctx: Context, args: str, confirm: bool) -> Outcome:
    """`1on1 confirm @ben` / `1on1 decline @ben`, where there are no buttons."""
    word = args.strip()
    if not word:
        return _say(_("Whose? 1on1 {answer} @ben").format(answer=CONFIRM if confirm else DECLINE))
    starter = await find_person(ctx, word)
    if isinstance(starter, str):
        return _say(starter)
    series = await ctx.store.oneonones.between(ctx.tenant.id, ctx.person.id or 0, starter.id or 0)
    if series is None or series.other_id != ctx.person.id or series.status != "asked":
        not_asked = _("{starter} hasn't asked you for a 1:1. Nothing changed.")
        return _say(not_asked.format(starter=display_name(starter)))
    return await answer(ctx, series, confirm)


async def answer(ctx: Context, series: OneOnOne, confirm: bool) -> Outcome:
    starter = await ctx.store.person(ctx.tenant.id, series.starter_id)
    if starter is None:
        return _say(_(EXPIRED))
    who = display_name(starter)
    if not await ctx.store.oneonones.change_status(
        series, ("asked",), "active" if confirm else "declined"
    ):
        answered = _("{starter}'s 1:1 was answered or stopped already. Nothing changed.")
        return _say(answered.format(starter=who))
    first = first_meeting(series, ctx.now)
    question = _ask(ctx, series, starter, ctx.person)
    label = question.choices[0 if confirm else 1].label
    closed = [ClosedPrompt(question.prompt_id, None, question, label)]
    me = display_name(ctx.person)
    if not confirm:
        with speaking_to(starter, ctx.tenant):
            told = Text(_("{other} declined the 1:1 you asked for.").format(other=me))
        declined = Text(_("Declined: no 1:1 with {starter}.").format(starter=who))
        return Outcome([declined], [Notice(starter.id or 0, [told])], closed)
    meeting = await ctx.store.oneonones.add_meeting(
        OneOnOneMeeting(tenant_id=ctx.tenant.id, series_id=series.id or 0, starts_at=first)
    )
    await ctx.store.plan(ctx.tenant.id, ONEONONE, series.id or 0, max(ctx.now, first - NUDGE_AHEAD))
    mine = when_for(meeting.starts_at, zone_of(ctx.tenant, ctx.person))
    with speaking_to(starter, ctx.tenant):
        theirs = when_for(meeting.starts_at, zone_of(ctx.tenant, starter))
        told = Text(
            _(
                "{other} confirmed your 1:1: the first is {first}. Add a point to its agenda "
                "with 1on1 add {handle} …"
            ).format(other=me, first=theirs, handle=_handle(ctx.person))
        )
    reply = Text(
        _(
            "Confirmed: a 1:1 with {starter} {cadence}; the first is {first}. Add a point to "
            "its agenda with 1on1 add {handle} …"
        ).format(starter=who, cadence=cadence_words(series), first=mine, handle=_handle(starter))
    )
    return Outcome([reply], [Notice(starter.id or 0, [told])], closed)


async def stop(ctx: Context, args: str) -> Outcome:
    word = args.strip()
    if not word:
        return _say(_("Whose 1:1? 1on1 stop @ana"))
    other = await find_person(ctx, word)
    if isinstance(other, str):
        return _say(other)
    series = await ctx.store.oneonones.between(ctx.tenant.id, ctx.person.id or 0, other.id or 0)
    if series is None or not await ctx.store.oneonones.change_status(
        series, ("asked", "active"), "ended"
    ):
        return _say(_("You have no 1:1 with {other}.").format(other=display_name(other)))
    await ctx.store.unplan(ONEONONE, series.id or 0)
    with speaking_to(other, ctx.tenant):
        stopped = _("{other} stopped your 1:1. Its history stays: 1on1 history.")
        told = Text(stopped.format(other=display_name(ctx.person)))
    return Outcome(
        [
            Text(
                _("Stopped your 1:1 with {other}. Its history stays.").format(
                    other=display_name(other)
                )
            )
        ],
        [Notice(other.id or 0, [told])],
    )


def _handle(person: Person) -> str:
    return person.email


def _say(text: str) -> Outcome:
    return Outcome([Text(text)])
