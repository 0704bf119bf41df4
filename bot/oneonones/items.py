"""A 1:1's agenda items, by either of its two people: `1on1 add …` a talking point, `1on1 note …`
a note only its writer sees, `1on1 action …` an action item, `1on1 done N` one done; and which
1:1 an item command is for."""

from __future__ import annotations

import re

from bot.core.commands import Context
from bot.core.i18n import N_, catalog
from bot.core.messages import Text
from bot.core.outcome import Outcome
from bot.core.whole_numbers import whole_number
from bot.core.words import listed
from bot.oneonones import setup
from bot.oneonones.agenda import other_of
from bot.oneonones.times import when_for, zone_of
from bot.org.tree import display_name
from storage.models import AgendaItem, OneOnOne, OneOnOneMeeting, Person

# The person an item command names first: a mention, an email or @name.
_NAMED = re.compile(r"^(<@[^>\s]+>|<mailto:[^>\s]+>|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+|@[\w.\-']+)\s*")
MAX_TEXT = 1000
NONE_YET = N_("You have no 1:1 yet. Set one up: 1on1 with @ana every 2 weeks tue 10:00")

_, ngettext = catalog("bot.oneonones")


async def people_of(ctx: Context) -> dict[int, Person]:
    return await ctx.store.people_by_id(ctx.tenant.id)


async def series_for(ctx: Context, args: str, verb: str) -> tuple[OneOnOne, str] | str:
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
            return _("You have no 1:1 with {other}.").format(other=display_name(other))
        series = found[0]
    elif len(mine) == 1:
        series = mine[0]
    elif not mine:
        return _(NONE_YET)
    else:
        people = await people_of(ctx)
        others = [display_name(people[other_of(s, ctx.person.id or 0)]) for s in mine]
        with_whom = _("With whom? You have 1:1s with {names}: 1on1 {verb} @name …")
        return with_whom.format(names=listed(others, _("and")), verb=verb)
    if series.status != "active":
        return _("That 1:1 waits for the other person to confirm it.")
    return series, words


async def _add(ctx: Context, args: str, kind: str, verb: str) -> Outcome:
    which = await series_for(ctx, args, verb)
    if isinstance(which, str):
        return _say(which)
    series, words = which
    text = " ".join(words.split())
    if not text:
        return _say(_("Say what: 1on1 {verb} @name …").format(verb=verb))
    if len(text) > MAX_TEXT:
        too_long = _("That's {length} characters; an agenda item fits in {most}.")
        return _say(too_long.format(length=len(text), most=MAX_TEXT))
    meeting = await (_last_started(ctx, series) if kind == "action" else next_of(ctx, series))
    if meeting is None:
        return _say(_("That 1:1 has no meeting planned."))
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
    people = await people_of(ctx)
    other = display_name(people[other_of(series, ctx.person.id or 0)])
    when = when_for(meeting.starts_at, zone_of(ctx.tenant, ctx.person))
    if kind == "note":
        said = _("Noted for your 1:1 with {other} on {when}; only you see it.")
    elif kind == "action":
        said = _(
            "Action item #{number} for your 1:1 with {other}: it stays on the agenda until "
            "1on1 done {number}."
        )
    else:
        said = _("Added #{number} to your 1:1 with {other} on {when}.")
    return _say(said.format(number=item.id, other=other, when=when))


async def next_of(ctx: Context, series: OneOnOne) -> OneOnOneMeeting | None:
    return await ctx.store.oneonones.upcoming(series.id or 0)


async def _last_started(ctx: Context, series: OneOnOne) -> OneOnOneMeeting | None:
    """The meeting held last (or going on): where an action item from it belongs."""
    meetings = await ctx.store.oneonones.meetings(series.id or 0)
    started = [m for m in meetings if m.starts_at <= ctx.now]
    return started[-1] if started else await next_of(ctx, series)


async def point(ctx: Context, args: str) -> Outcome:
    return await _add(ctx, args, "point", "add")


async def note(ctx: Context, args: str) -> Outcome:
    return await _add(ctx, args, "note", "note")


async def action(ctx: Context, args: str) -> Outcome:
    return await _add(ctx, args, "action", "action")


async def done(ctx: Context, args: str) -> Outcome:
    number = whole_number(args.strip().lstrip("#"))
    item = await ctx.store.oneonones.item(ctx.tenant.id, number or 0)
    mine = {s.id for s in await ctx.store.oneonones.of_person(ctx.tenant.id, ctx.person.id or 0)}
    meeting_series = await _series_of_item(ctx, item)
    if item is None or item.kind != "action" or meeting_series not in mine:
        return _say(_("Which action item? 1on1 done 12, with the number the agenda shows."))
    if item.done_at is not None:
        return _say(_("Action item #{number} is done already.").format(number=item.id))
    item.done_at = ctx.now
    ctx.store.keep(item)
    return _say(_("Done: action item #{number} leaves the agenda.").format(number=item.id))


async def _series_of_item(ctx: Context, item: AgendaItem | None) -> int | None:
    if item is None:
        return None
    meeting = await ctx.store.session.get(OneOnOneMeeting, item.meeting_id)
    return meeting.series_id if meeting is not None else None


def _say(text: str) -> Outcome:
    return Outcome([Text(text)])
