"""`org …`, for admins: who reports to whom and who is in which team. `my …`, for anyone: my
manager, my team, who reports to me, and asking someone to confirm they're my manager.

Typed only (no slash command): in chat, and in a channel where the platform passes commands on.
These words start answers too ("my team shipped it"), so only the commands' own forms count.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core.commands import CommandRow, Context, Handler, HelpLine
from bot.core.i18n import N_, catalog
from bot.core.messages import Card, Field, Message, Section, Text
from bot.core.outcome import Outcome
from bot.core.words import listed
from bot.org import asks
from bot.org.changes import NONE_WORDS, set_manager, set_team
from bot.org.mentions import OrgError, find_person, names_a_person, words_of
from bot.org.tree import display_name

_, ngettext = catalog("bot.org")

MANAGER_USAGE = N_("Say who reports to whom: org manager @ben is @ana (or org manager @ben none).")
TEAM_USAGE = N_("Say whose team, and which: org team @ben Growth (or org team @ben none).")
SHOWN_ADMINS = 5
ASKS_SHOWN = 5  # questions shown again by `my reports`; the rest are named

MY_LINES = (
    HelpLine("my manager / my team", N_("who you report to, and your team")),
    HelpLine("my manager is @ana", N_("ask Ana to confirm she's your manager")),
    HelpLine("my reports", N_("who reports to you; confirm or decline who asked")),
)
ORG_LINES = (
    HelpLine("org manager @ben is @ana", N_("admins: Ben reports to Ana (none: to no one)")),
    HelpLine("org team @ben Growth", N_("admins: Ben's team (none: no team)")),
)


def _guarded(step: Callable[[Context, str], Awaitable[Outcome]]) -> Handler:
    """A handler whose unknown people and bad words become a clear answer."""

    async def handler(ctx: Context, args: str) -> Outcome:
        try:
            return await step(ctx, args)
        except OrgError as error:
            return Outcome([Text(str(error))])

    return handler


# -- org (admins) ----------------------------------------------------------------------------


async def _admins_line(ctx: Context) -> str:
    admins = [display_name(p) for p in await ctx.store.admins(ctx.tenant.id)]
    if not admins:
        return _(
            "This org has no admin yet: whoever installs the app is one, so are the "
            "workspace's own admins, and an org import can name more (its admin column)."
        )
    more = len(admins) - SHOWN_ADMINS
    others = [ngettext("{n} more", "{n} more", more).format(n=more)] if more > 0 else []
    return _("The admins here: {admins}.").format(
        admins=listed(admins[:SHOWN_ADMINS] + others, _("and"))
    )


async def _refused(ctx: Context) -> Outcome | None:
    if ctx.person.is_admin:
        return None
    refusal = _(
        "Only admins change managers and teams. {admins} "
        "To ask someone to confirm they're your manager, type my manager is @name."
    )
    return Outcome([Text(refusal.format(admins=await _admins_line(ctx)))])


async def _org_help(ctx: Context, _args: str) -> Outcome:
    fields = tuple(Field(line.example, line.said) for line in ORG_LINES)
    text = await _admins_line(ctx)
    return Outcome([Card(_("Managers and teams"), (Section("", fields, text),))])


async def _org_manager(ctx: Context, args: str) -> Outcome:
    refused = await _refused(ctx)
    if refused is not None:
        return refused
    words = words_of(args)
    if len(words) == 3 and words[1].lower() == "is":
        words = [words[0], words[2]]
    if len(words) != 2:
        return Outcome([Text(_(MANAGER_USAGE))])
    person = await find_person(ctx, words[0])
    if words[1].lower() in NONE_WORDS:
        return await set_manager(ctx, person, None)
    return await set_manager(ctx, person, await find_person(ctx, words[1]))


async def _org_team(ctx: Context, args: str) -> Outcome:
    refused = await _refused(ctx)
    if refused is not None:
        return refused
    words = words_of(args)
    if len(words) < 2:
        return Outcome([Text(_(TEAM_USAGE))])
    return await set_team(ctx, await find_person(ctx, words[0]), " ".join(words[1:]))


# -- my (anyone) -----------------------------------------------------------------------------


async def _about_me(ctx: Context, _args: str) -> Outcome:
    fields = [
        Field(_("Manager"), await _manager_of(ctx)),
        Field(_("Team"), ctx.person.team or _("none")),
    ]
    if ctx.person.manager_asked_id is not None:
        fields.append(Field(_("Waiting for"), await _asked(ctx)))
    commands = tuple(Field(line.example, line.said) for line in MY_LINES)
    sections = (Section("", tuple(fields)), Section(_("What you can type"), commands))
    return Outcome([Card(_("You in the org"), sections)])


async def _my_manager(ctx: Context, args: str) -> Outcome:
    words = words_of(args)
    if words and words[0].lower() == "is":
        words = words[1:]
    if len(words) == 1:
        return await asks.ask(ctx, await find_person(ctx, words[0]))
    if words:
        return Outcome([Text(_("Say who: my manager is @ana (a mention, or their email)."))])
    lines = [_("Your manager: {manager}.").format(manager=await _manager_of(ctx))]
    if ctx.person.manager_asked_id is not None:
        waiting = _("Waiting for {asked} to confirm they're your manager.")
        lines.append(waiting.format(asked=await _asked(ctx)))
    else:
        lines.append(_("To change it, type my manager is @name: they're asked to confirm."))
    return Outcome([Text(" ".join(lines))])


async def _my_team(ctx: Context, _args: str) -> Outcome:
    team = ctx.person.team
    said = _("Your team: {team}.").format(team=team) if team else _("You're in no team.")
    return Outcome([Text(said + " " + _("Admins set teams: org team @name Growth."))])


async def _my_reports(ctx: Context, args: str) -> Outcome:
    words = words_of(args)
    if words and words[0].lower() in (asks.CONFIRM, asks.DECLINE):
        if len(words) != 2:
            say_who = _("Say who: my reports {answer} @ben.")
            return Outcome([Text(say_who.format(answer=words[0].lower()))])
        asker = await find_person(ctx, words[1])
        return await asks.answer(ctx, asker, words[0].lower() == asks.CONFIRM)
    me = ctx.person
    assert me.id is not None
    people = await ctx.store.reports_and_asks(ctx.tenant.id, me.id)
    reports = [display_name(p) for p in people if p.manager_id == me.id]
    asking = [p for p in people if p.manager_asked_id == me.id and p.manager_id != me.id]
    said = (
        _("Reporting to you: {reports}.").format(reports=listed(reports, _("and")))
        if reports
        else _("No one reports to you here.")
    )
    replies: list[Message] = [Text(said)]
    replies += [asks.ask_question(asker, me) for asker in asking[:ASKS_SHOWN]]
    if len(asking) > ASKS_SHOWN:
        rest = listed([display_name(p) for p in asking[ASKS_SHOWN:]], _("and"))
        replies.append(Text(_("Also waiting for your answer: {people}.").format(people=rest)))
    return Outcome(replies)


async def _manager_of(ctx: Context) -> str:
    manager_id = ctx.person.manager_id
    manager = await ctx.store.person(ctx.tenant.id, manager_id) if manager_id else None
    return display_name(manager) if manager is not None else _("none set")


async def _asked(ctx: Context) -> str:
    asked_id = ctx.person.manager_asked_id
    asked = await ctx.store.person(ctx.tenant.id, asked_id) if asked_id else None
    return display_name(asked) if asked is not None else _("someone no longer here")


# -- what counts as these commands when typed --------------------------------------------------


def _names_someone_first(rest: str) -> bool:
    words = words_of(rest)
    return bool(words) and names_a_person(words[0])


def _manager_form(rest: str) -> bool:
    words = words_of(rest)
    if words and words[0].lower() == "is":
        words = words[1:]
        return len(words) == 1 and names_a_person(words[0])
    return not words or (len(words) == 1 and names_a_person(words[0]))


def _reports_form(rest: str) -> bool:
    words = words_of(rest)
    answering = len(words) == 2 and words[0].lower() in (asks.CONFIRM, asks.DECLINE)
    return not words or (answering and names_a_person(words[1]))


COMMANDS = (
    CommandRow("my", "help", _guarded(_about_me), default=True),
    CommandRow("my", "manager", _guarded(_my_manager), MY_LINES[:2], typed=_manager_form),
    CommandRow("my", "team", _guarded(_my_team), typed=lambda rest: not rest.strip()),
    CommandRow("my", "reports", _guarded(_my_reports), MY_LINES[2:], typed=_reports_form),
    CommandRow("org", "help", _guarded(_org_help), default=True),
    CommandRow("org", "manager", _guarded(_org_manager), ORG_LINES[:1], typed=_names_someone_first),
    CommandRow("org", "team", _guarded(_org_team), ORG_LINES[1:], typed=_names_someone_first),
)
