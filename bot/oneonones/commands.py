"""`1on1 …`: recurring 1:1s between two people, with a shared agenda in both their DMs.

Only the two people of a 1:1 ever see it: every command here starts from the person acting and
finds only their own 1:1s."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.commands import CommandRow, Context, HelpLine
from bot.core.i18n import N_, catalog
from bot.core.messages import Card, Message, Section, Text
from bot.core.outcome import Outcome
from bot.oneonones import items, setup
from bot.oneonones.agenda import agenda_card, item_fields, other_of, seed
from bot.oneonones.times import cadence_words, when_for, zone_of
from bot.org.tree import display_name
from storage.models import OneOnOne

SHOWN_MEETINGS = 10

_, ngettext = catalog("bot.oneonones")


async def _agenda(ctx: Context, args: str) -> Outcome:
    series_list: Sequence[OneOnOne]
    if args.strip():
        which = await items.series_for(ctx, args, "agenda")
        if isinstance(which, str):
            return _say(which)
        series_list = [which[0]]
    else:
        mine = await ctx.store.oneonones.of_person(ctx.tenant.id, ctx.person.id or 0)
        series_list = [s for s in mine if s.status == "active"]
        if not series_list:
            return _say(_(items.NONE_YET))
    people = await items.people_of(ctx)
    cards: list[Message] = []
    for series in series_list:
        meeting = await items.next_of(ctx, series)
        if meeting is None:
            continue
        await seed(ctx.store, ctx.tenant, series, meeting, people, ctx.now)
        cards.append(await agenda_card(ctx.store, ctx.tenant, series, meeting, ctx.person, people))
    return Outcome(cards or [Text(_(items.NONE_YET))])


async def _history(ctx: Context, args: str) -> Outcome:
    word = args.strip()
    if not word:
        return _say(_("Whose? 1on1 history @ana"))
    other = await setup.find_person(ctx, word)
    if isinstance(other, str):
        return _say(other)
    pairs = await ctx.store.oneonones.of_pair(ctx.tenant.id, ctx.person.id or 0, other.id or 0)
    meetings = [m for s in pairs for m in await ctx.store.oneonones.meetings(s.id or 0)]
    past = sorted((m for m in meetings if m.starts_at <= ctx.now), key=lambda m: m.starts_at)
    if not past:
        none_held = _("No 1:1 with {other} has been held yet.")
        return _say(none_held.format(other=display_name(other)))
    shown = past[-SHOWN_MEETINGS:]
    written = await ctx.store.oneonones.items([m.id or 0 for m in shown])
    people = await items.people_of(ctx)
    zone = zone_of(ctx.tenant, ctx.person)
    sections = []
    for meeting in reversed(shown):
        fields = item_fields([i for i in written if i.meeting_id == meeting.id], ctx.person, people)
        text = "" if fields else _("Nothing was written down.")
        sections.append(Section(when_for(meeting.starts_at, zone), tuple(fields), text))
    title = ngettext(
        "1:1s with {other}: the last {n}", "1:1s with {other}: the last {n}", len(shown)
    ).format(other=display_name(other), n=len(shown))
    return Outcome([Card(title, tuple(sections))])


async def _list(ctx: Context, _args: str) -> Outcome:
    mine = await ctx.store.oneonones.of_person(ctx.tenant.id, ctx.person.id or 0)
    if not mine:
        return _say(_(items.NONE_YET))
    people = await items.people_of(ctx)
    lines = []
    for series in mine:
        other = display_name(people[other_of(series, ctx.person.id or 0)])
        if series.status == "asked":
            lines.append(_("{other}: asked, waiting for an answer").format(other=other))
            continue
        meeting = await items.next_of(ctx, series)
        when = when_for(meeting.starts_at, zone_of(ctx.tenant, ctx.person)) if meeting else "—"
        line = _("{other}: {cadence}, next {when}")
        lines.append(line.format(other=other, cadence=cadence_words(series), when=when))
    return _say(_("Your 1:1s:") + "\n" + "\n".join(lines))


async def _confirm(ctx: Context, args: str) -> Outcome:
    return await setup.typed_answer(ctx, args, True)


async def _decline(ctx: Context, args: str) -> Outcome:
    return await setup.typed_answer(ctx, args, False)


async def _help(_ctx: Context, _args: str) -> Outcome:
    lines = [f"{h.example}: {h.said}" for r in COMMANDS for h in r.help]
    return _say(_("1:1s, seen only by their two people:") + "\n" + "\n".join(lines))


def _say(text: str) -> Outcome:
    return Outcome([Text(text)])


COMMANDS = (
    CommandRow(
        "1on1",
        "list",
        _list,
        (HelpLine("1on1", N_("your 1:1s and when each meets next")),),
        default=True,
    ),
    CommandRow(
        "1on1",
        "with",
        setup.start,
        (
            HelpLine(
                "1on1 with @ana every 2 weeks tue 10:00",
                N_("a recurring 1:1, in your time zone; Ana confirms it"),
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
                N_("answer a 1:1 Ben asked for, where there are no buttons"),
            ),
        ),
    ),
    CommandRow("1on1", "decline", _decline),
    CommandRow(
        "1on1",
        "add",
        items.point,
        (
            HelpLine(
                "1on1 add [@ana] Talk about the roadmap", N_("a point on your next 1:1's agenda")
            ),
        ),
        long=True,
    ),
    CommandRow(
        "1on1",
        "note",
        items.note,
        (HelpLine("1on1 note [@ana] …", N_("a note only you see")),),
        long=True,
    ),
    CommandRow(
        "1on1",
        "action",
        items.action,
        (
            HelpLine(
                "1on1 action [@ana] send the draft / 1on1 done 12",
                N_("an action item, on every agenda until done / done"),
            ),
        ),
        long=True,
    ),
    CommandRow("1on1", "done", items.done),
    CommandRow(
        "1on1",
        "agenda",
        _agenda,
        (HelpLine("1on1 agenda [@ana] / 1on1 history @ana", N_("the next agenda / past 1:1s")),),
    ),
    CommandRow("1on1", "history", _history),
    CommandRow(
        "1on1", "stop", setup.stop, (HelpLine("1on1 stop @ana", N_("end a 1:1, history kept")),)
    ),
    CommandRow("1on1", "help", _help),
)
