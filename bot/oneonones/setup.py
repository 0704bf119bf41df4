"""Setting up a 1:1: `1on1 with @ana every 2 weeks tue 10:00` asks Ana, who confirms or declines
(a button, or `1on1 confirm @ben` typed); `1on1 stop @ana` ends it, by either of the two.
Times are in the starter's zone, and each person is shown them in their own."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from bot.core.commands import Context
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
CHOICES = (Choice("Confirm", CONFIRM), Choice("Decline", DECLINE))
EXPIRED = "That button isn't for you, or it has expired."


async def find_person(ctx: Context, word: str) -> Person | str:
    """Someone active named by a mention, an email or @name (bot.org.mentions); a sentence when
    there's no one."""
    try:
        return await org_mentions.find_person(ctx, word)
    except org_mentions.OrgError as error:
        return str(error)


async def start(ctx: Context, args: str) -> Outcome:
    """`with @ana every 2 weeks tue 10:00`"""
    word, _, when = args.strip().partition(" ")
    if not word:
        return _say("Say it like: 1on1 with @ana every 2 weeks tue 10:00")
    other = await find_person(ctx, word)
    if isinstance(other, str):
        return _say(other)
    me = ctx.person
    if other.id == me.id:
        return _say("A 1:1 takes two: name someone else.")
    try:
        weeks, weekday, at = parse_when(when)
    except TimesError as error:
        return _say(str(error))
    assert me.id is not None and other.id is not None
    existing = await ctx.store.oneonones.between(ctx.tenant.id, me.id, other.id)
    if existing is not None:
        state = "waits for an answer" if existing.status == "asked" else "is on"
        return _say(
            f"Your 1:1 with {display_name(other)} ({cadence_words(existing)} at {existing.at}) "
            f"{state}. 1on1 stop {_handle(other)} ends it first."
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
    mine = f"{cadence_words(series)} at {at} ({series.timezone})"
    reply = f"Asked {display_name(other)} to confirm a 1:1 {mine}. I'll tell you when they answer."
    if not any(i.reachable for i in await ctx.store.identities_of(other)):
        reply += (
            f" {display_name(other)} can't be reached yet: once they write to me, they can "
            f"answer with 1on1 confirm {_handle(me)} (or decline)."
        )
    return Outcome([Text(reply)], [Notice(other.id, [_ask(ctx, series, me, other)])])


def _ask(ctx: Context, series: OneOnOne, starter: Person, other: Person) -> Question:
    assert series.id is not None
    theirs = when_for(first_meeting(series, ctx.now), zone_of(ctx.tenant, other))
    return Question(
        prompt_id=f"{PROMPT_PREFIX}{series.id}",
        text=(
            f"{display_name(starter)} asks for a 1:1 with you {cadence_words(series)} at "
            f"{series.at} ({series.timezone}). The first would be {theirs}, your time."
        ),
        choices=CHOICES,
        hint=f"Or type: 1on1 confirm {_handle(starter)} (or decline).",
    )


async def choose(ctx: Context, prompt_id: str, value: str) -> Outcome:
    """A click on Confirm or Decline: only the person asked may answer."""
    series_id = whole_number(prompt_id.removeprefix(PROMPT_PREFIX))
    series = await ctx.store.oneonones.series(ctx.tenant.id, series_id or 0)
    if series is None or value not in (CONFIRM, DECLINE):
        return _say(EXPIRED)
    if series.other_id != ctx.person.id:
        return _say("That question is for the other person to answer. Nothing changed.")
    return await answer(ctx, series, value == CONFIRM)


async def typed_answer(ctx: Context, args: str, confirm: bool) -> Outcome:
    """`1on1 confirm @ben` / `1on1 decline @ben`, where there are no buttons."""
    word = args.strip()
    if not word:
        return _say(f"Whose? 1on1 {CONFIRM if confirm else DECLINE} @ben")
    starter = await find_person(ctx, word)
    if isinstance(starter, str):
        return _say(starter)
    series = await ctx.store.oneonones.between(ctx.tenant.id, ctx.person.id or 0, starter.id or 0)
    if series is None or series.other_id != ctx.person.id or series.status != "asked":
        return _say(f"{display_name(starter)} hasn't asked you for a 1:1. Nothing changed.")
    return await answer(ctx, series, confirm)


async def answer(ctx: Context, series: OneOnOne, confirm: bool) -> Outcome:
    starter = await ctx.store.person(ctx.tenant.id, series.starter_id)
    if starter is None:
        return _say(EXPIRED)
    who = display_name(starter)
    if not await ctx.store.oneonones.change_status(
        series, ("asked",), "active" if confirm else "declined"
    ):
        return _say(f"{who}'s 1:1 was answered or stopped already. Nothing changed.")
    first = first_meeting(series, ctx.now)
    question = _ask(ctx, series, starter, ctx.person)
    closed = [ClosedPrompt(question.prompt_id, None, question, CHOICES[0 if confirm else 1].label)]
    me = display_name(ctx.person)
    if not confirm:
        told = Text(f"{me} declined the 1:1 you asked for.")
        return Outcome(
            [Text(f"Declined: no 1:1 with {who}.")], [Notice(starter.id or 0, [told])], closed
        )
    meeting = await ctx.store.oneonones.add_meeting(
        OneOnOneMeeting(tenant_id=ctx.tenant.id, series_id=series.id or 0, starts_at=first)
    )
    await ctx.store.plan(ctx.tenant.id, ONEONONE, series.id or 0, max(ctx.now, first - NUDGE_AHEAD))
    mine = when_for(meeting.starts_at, zone_of(ctx.tenant, ctx.person))
    theirs = when_for(meeting.starts_at, zone_of(ctx.tenant, starter))
    told = Text(
        f"{me} confirmed your 1:1: the first is {theirs}. Add a point to its agenda with "
        f"1on1 add {_handle(ctx.person)} …"
    )
    reply = Text(
        f"Confirmed: a 1:1 with {who} {cadence_words(series)}; the first is {mine}. Add a "
        f"point to its agenda with 1on1 add {_handle(starter)} …"
    )
    return Outcome([reply], [Notice(starter.id or 0, [told])], closed)


async def stop(ctx: Context, args: str) -> Outcome:
    word = args.strip()
    if not word:
        return _say("Whose 1:1? 1on1 stop @ana")
    other = await find_person(ctx, word)
    if isinstance(other, str):
        return _say(other)
    series = await ctx.store.oneonones.between(ctx.tenant.id, ctx.person.id or 0, other.id or 0)
    if series is None or not await ctx.store.oneonones.change_status(
        series, ("asked", "active"), "ended"
    ):
        return _say(f"You have no 1:1 with {display_name(other)}.")
    await ctx.store.unplan(ONEONONE, series.id or 0)
    told = Text(f"{display_name(ctx.person)} stopped your 1:1. Its history stays: 1on1 history.")
    return Outcome(
        [Text(f"Stopped your 1:1 with {display_name(other)}. Its history stays.")],
        [Notice(other.id or 0, [told])],
    )


def _handle(person: Person) -> str:
    return person.email


def _say(text: str) -> Outcome:
    return Outcome([Text(text)])
