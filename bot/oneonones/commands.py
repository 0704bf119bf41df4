"""`1on1 …`: recurring 1:1s between two people, with a shared agenda in both their DMs.

Only the two people of a 1:1 ever see it: every command here starts from the person acting and
finds only their own 1:1s."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.commands import CommandRow, Context, HelpLine
from bot.core.messages import Card, Message, Section, Text
from bot.core.outcome import Outcome
from bot.core.whole_numbers import whole_number
from bot.core.words import listed
from bot.oneonones import setup
from bot.oneonones.agenda import agenda_card, item_fields, other_of, seed
from bot.oneonones.times import cadence_words, when_for, zone_of
from bot.org.tree import display_name
from storage.models import AgendaItem, OneOnOne, OneOnOneMeeting, Person

# The person an item command names first: a mention, an email or @name.
_NAMED = re.compile(r"^(<@[^>\s]+>|<mailto:[^>\s]+>|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+|@[\w.\-']+)\s*")
MAX_TEXT = 1000
SHOWN_MEETINGS = 10
NONE_YET = "You have no 1:1 yet. Set one up: 1on1 with @ana every 2 weeks tue 10:00"


async def _people(ctx: Context) -> dict[int, Person]:
    return await ctx.store.people_by_id(ctx.tenant.id)


async def _which(ctx: Context, args: str, verb: str) -> tuple[OneOnOne, str] | str:
    """The 1:1 an item command is for, and the words after whom it names: the one with the
    person named first, or my only one; a sentence when it can't be told."""
    named = _NAMED.match(args.strip())
    words = args.strip()[named.end() :] if named else args.strip()
    mine = [s for s in await ctx.store.oneonones.of_person(ctx.tenant.id, ctx.person.id or 0)]
    if named:
        other = await setup.find_person(ctx, named.group(1))
        if isinstance(other, str):
            return other
        found = [s for s in mine if other.id in (s.starter_id, s.other_id)]
        if not found:
            return f"You have no 1:1 with {display_name(other)}."
        series = found[0]
    elif len(mine) == 1:
        series = mine[0]
    elif not mine:
        return NONE_YET
    else:
        people = await _people(ctx)
        names = listed([display_name(people[other_of(s, ctx.person.id or 0)]) for s in mine])
        return f"With whom? You have 1:1s with {names}: 1on1 {verb} @name …"
    if series.status != "active":
        return "That 1:1 waits for the other person to confirm it."
    return series, words


async def _add(ctx: Context, args: str, kind: str, verb: str) -> Outcome:
    which = await _which(ctx, args, verb)
    if isinstance(which, str):
        return _say(which)
    series, words = which
    text = " ".join(words.split())
    if not text:
        return _say(f"Say what: 1on1 {verb} @name …")
    if len(text) > MAX_TEXT:
        return _say(f"That's {len(text)} characters; an agenda item fits in {MAX_TEXT}.")
    meeting = await (_last_started(ctx, series) if kind == "action" else _next(ctx, series))
    if meeting is None:
        return _say("That 1:1 has no meeting planned.")
    item = AgendaItem(
        tenant_id=ctx.tenant.id,
        meeting_id=meeting.id or 0,
        kind=kind,
        text=text,
        author_id=ctx.person.id,
        created_at=ctx.now,
    )
    ctx.store.keep(item)
    await ctx.store.session.flush()
    people = await _people(ctx)
    other = display_name(people[other_of(series, ctx.person.id or 0)])
    when = when_for(meeting.starts_at, zone_of(ctx.tenant, ctx.person))
    if kind == "note":
        return _say(f"Noted for your 1:1 with {other} on {when}; only you see it.")
    if kind == "action":
        return _say(
            f"Action item #{item.id} for your 1:1 with {other}: it stays on the agenda until "
            f"1on1 done {item.id}."
        )
    return _say(f"Added #{item.id} to your 1:1 with {other} on {when}.")


async def _next(ctx: Context, series: OneOnOne) -> OneOnOneMeeting | None:
    return await ctx.store.oneonones.upcoming(series.id or 0)


async def _last_started(ctx: Context, series: OneOnOne) -> OneOnOneMeeting | None:
    """The meeting held last (or going on): where an action item from it belongs."""
    meetings = await ctx.store.oneonones.meetings(series.id or 0)
    started = [m for m in meetings if m.starts_at <= ctx.now]
    return started[-1] if started else await _next(ctx, series)


async def _point(ctx: Context, args: str) -> Outcome:
    return await _add(ctx, args, "point", "add")


async def _note(ctx: Context, args: str) -> Outcome:
    return await _add(ctx, args, "note", "note")


async def _action(ctx: Context, args: str) -> Outcome:
    return await _add(ctx, args, "action", "action")


async def _done(ctx: Context, args: str) -> Outcome:
    number = whole_number(args.strip().lstrip("#"))
    item = await ctx.store.oneonones.item(ctx.tenant.id, number or 0)
    mine = {s.id for s in await ctx.store.oneonones.of_person(ctx.tenant.id, ctx.person.id or 0)}
    meeting_series = await _series_of_item(ctx, item)
    if item is None or item.kind != "action" or meeting_series not in mine:
        return _say("Which action item? 1on1 done 12, with the number the agenda shows.")
    if item.done_at is not None:
        return _say(f"Action item #{item.id} is done already.")
    item.done_at = ctx.now
    ctx.store.keep(item)
    return _say(f"Done: action item #{item.id} leaves the agenda.")


async def _series_of_item(ctx: Context, item: AgendaItem | None) -> int | None:
    if item is None:
        return None
    meeting = await ctx.store.session.get(OneOnOneMeeting, item.meeting_id)
    return meeting.series_id if meeting is not None else None


async def _agenda(ctx: Context, args: str) -> Outcome:
    series_list: Sequence[OneOnOne]
    if args.strip():
        which = await _which(ctx, args, "agenda")
        if isinstance(which, str):
            return _say(which)
        series_list = [which[0]]
    else:
        mine = await ctx.store.oneonones.of_person(ctx.tenant.id, ctx.person.id or 0)
        series_list = [s for s in mine if s.status == "active"]
        if not series_list:
            return _say(NONE_YET)
    people = await _people(ctx)
    cards: list[Message] = []
    for series in series_list:
        meeting = await _next(ctx, series)
        if meeting is None:
            continue
        await seed(ctx.store, ctx.tenant, series, meeting, people, ctx.now)
        cards.append(await agenda_card(ctx.store, ctx.tenant, series, meeting, ctx.person, people))
    return Outcome(cards or [Text(NONE_YET)])


async def _history(ctx: Context, args: str) -> Outcome:
    word = args.strip()
    if not word:
        return _say("Whose? 1on1 history @ana")
    other = await setup.find_person(ctx, word)
    if isinstance(other, str):
        return _say(other)
    pairs = await ctx.store.oneonones.of_pair(ctx.tenant.id, ctx.person.id or 0, other.id or 0)
    meetings = [m for s in pairs for m in await ctx.store.oneonones.meetings(s.id or 0)]
    past = sorted((m for m in meetings if m.starts_at <= ctx.now), key=lambda m: m.starts_at)
    if not past:
        return _say(f"No 1:1 with {display_name(other)} has been held yet.")
    shown = past[-SHOWN_MEETINGS:]
    items = await ctx.store.oneonones.items([m.id or 0 for m in shown])
    people = await _people(ctx)
    zone = zone_of(ctx.tenant, ctx.person)
    sections = []
    for meeting in reversed(shown):
        fields = item_fields([i for i in items if i.meeting_id == meeting.id], ctx.person, people)
        text = "" if fields else "Nothing was written down."
        sections.append(Section(when_for(meeting.starts_at, zone), tuple(fields), text))
    title = f"1:1s with {display_name(other)}: the last {len(shown)}"
    return Outcome([Card(title, tuple(sections))])


async def _list(ctx: Context, _args: str) -> Outcome:
    mine = await ctx.store.oneonones.of_person(ctx.tenant.id, ctx.person.id or 0)
    if not mine:
        return _say(NONE_YET)
    people = await _people(ctx)
    lines = []
    for series in mine:
        other = display_name(people[other_of(series, ctx.person.id or 0)])
        if series.status == "asked":
            lines.append(f"{other}: asked, waiting for an answer")
            continue
        meeting = await _next(ctx, series)
        when = when_for(meeting.starts_at, zone_of(ctx.tenant, ctx.person)) if meeting else "—"
        lines.append(f"{other}: {cadence_words(series)}, next {when}")
    return _say("Your 1:1s:\n" + "\n".join(lines))


async def _confirm(ctx: Context, args: str) -> Outcome:
    return await setup.typed_answer(ctx, args, True)


async def _decline(ctx: Context, args: str) -> Outcome:
    return await setup.typed_answer(ctx, args, False)


async def _help(_ctx: Context, _args: str) -> Outcome:
    lines = [f"{h.example}: {h.said}" for r in COMMANDS for h in r.help]
    return _say("1:1s, seen only by their two people:\n" + "\n".join(lines))


def _say(text: str) -> Outcome:
    return Outcome([Text(text)])


COMMANDS = (
    CommandRow(
        "1on1",
        "list",
        _list,
        (HelpLine("1on1", "your 1:1s and when each meets next"),),
        default=True,
    ),
    CommandRow(
        "1on1",
        "with",
        setup.start,
        (
            HelpLine(
                "1on1 with @ana every 2 weeks tue 10:00",
                "a recurring 1:1, in your time zone; Ana confirms it",
            ),
        ),
    ),
    CommandRow(
        "1on1",
        "confirm",
        _confirm,
        (
            HelpLine(
                "1on1 confirm @ben / 1on1 decline @ben",
                "answer a 1:1 Ben asked for, where there are no buttons",
            ),
        ),
    ),
    CommandRow("1on1", "decline", _decline),
    CommandRow(
        "1on1",
        "add",
        _point,
        (HelpLine("1on1 add [@ana] Talk about the roadmap", "a point on your next 1:1's agenda"),),
        long=True,
    ),
    CommandRow(
        "1on1", "note", _note, (HelpLine("1on1 note [@ana] …", "a note only you see"),), long=True
    ),
    CommandRow(
        "1on1",
        "action",
        _action,
        (
            HelpLine(
                "1on1 action [@ana] send the draft / 1on1 done 12",
                "an action item, on every agenda until done / done",
            ),
        ),
        long=True,
    ),
    CommandRow("1on1", "done", _done),
    CommandRow(
        "1on1",
        "agenda",
        _agenda,
        (HelpLine("1on1 agenda [@ana] / 1on1 history @ana", "the next agenda / past 1:1s"),),
    ),
    CommandRow("1on1", "history", _history),
    CommandRow(
        "1on1", "stop", setup.stop, (HelpLine("1on1 stop @ana", "end a 1:1, history kept"),)
    ),
    CommandRow("1on1", "help", _help),
)
