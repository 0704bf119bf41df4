"""Who reports to whom, and who is in which team: the rules for a change, the change, and the
people it concerns told (the person, their new manager, the one they leave)."""

from __future__ import annotations

from collections.abc import Callable

from bot.checkins.replanning import plan_states, replan_changed
from bot.core.commands import Context
from bot.core.i18n import catalog, speaking_to
from bot.core.messages import Text
from bot.core.outcome import Notice, Outcome
from bot.org.tree import display_name
from storage.models import Person, Tenant
from storage.settings import settings_of

_, ngettext = catalog("bot.org")

MAX_TEAM = 200  # Person.team
NONE_WORDS = frozenset({"none", "nobody", "no one", "-"})


async def above(ctx: Context, person: Person) -> list[Person]:
    """Everyone above `person`, nearest first (as bot.org.tree.managers_of walks it, a loop in
    the data stops the walk), read one manager at a time rather than the whole org."""
    chain: list[Person] = []
    seen = {person.id}
    current = person.manager_id
    while current is not None and current not in seen:
        manager = await ctx.store.person(ctx.tenant.id, current)
        if manager is None:
            break
        chain.append(manager)
        seen.add(current)
        current = manager.manager_id
    return chain


async def why_not_manager(ctx: Context, person: Person, manager: Person) -> str | None:
    """Why `manager` can't be `person`'s manager (themselves, or a loop: the manager reports to
    the person, directly or further up); None when they can."""
    viewer = ctx.person
    if person.id == manager.id:
        if person.id == viewer.id:
            return _("You can't be your own manager.")
        return _("{person} can't be their own manager.").format(person=display_name(person))
    chain = await above(ctx, manager)
    ids = [p.id for p in chain]
    if person.id not in ids:
        return None
    between = chain[: ids.index(person.id)]
    names = ", ".join(display_name(p) for p in between)
    through = " " + _("(through {names})").format(names=names) if between else ""
    m, p = display_name(manager), display_name(person)
    if manager.id == viewer.id:
        # Translators: {through} is " (through Cy Lead)" or nothing.
        loop = _(
            "You report to {person}{through}, so {person} can't report to you: "
            "that would make a loop."
        )
    elif person.id == viewer.id:
        # Translators: {Manager} is {manager} with a capital first letter, to start a sentence.
        loop = _(
            "{Manager} reports to you{through}, so you can't report to {manager}: "
            "that would make a loop."
        )
    else:
        # Translators: {Manager} is {manager} with a capital first letter, to start a sentence.
        loop = _(
            "{Manager} reports to {person}{through}, so {person} can't report to {manager}: "
            "that would make a loop."
        )
    return loop.format(Manager=m[:1].upper() + m[1:], manager=m, person=p, through=through)


async def set_manager(ctx: Context, person: Person, manager: Person | None) -> Outcome:
    """An admin's `org manager`: checked, changed, and everyone it concerns told."""
    admin, who = ctx.person, display_name(person)
    if manager is not None:
        refusal = await why_not_manager(ctx, person, manager)
        if refusal is not None:
            return Outcome([Text(refusal)])
        if person.manager_id == manager.id:
            already = _("{person} reports to {manager} already.")
            return Outcome([Text(already.format(person=who, manager=display_name(manager)))])
    elif person.manager_id is None:
        return Outcome([Text(_("{person} has no manager already.").format(person=who))])
    before = await _person(ctx, person.manager_id)
    asked = await _person(ctx, person.manager_asked_id)
    person.manager_id = manager.id if manager is not None else None
    person.manager_asked_id = None  # the admin's word settles it: a waiting ask is withdrawn
    ctx.store.keep(person)
    names = {
        "person": who,
        "admin": display_name(admin),
        "manager": display_name(manager) if manager is not None else "",
        "before": display_name(before) if before is not None else "",
    }
    if manager is None:
        reply = (
            _("Done: {person} has no manager now (was: {before}).")
            if before is not None
            else _("Done: {person} has no manager now.")
        )
    else:
        reply = (
            _("Done: {person} reports to {manager} now (was: {before}).")
            if before is not None
            else _("Done: {person} reports to {manager} now.")
        )
    notices = []
    if person.id != admin.id:
        with speaking_to(person, ctx.tenant):
            if manager is None:
                told = _("{admin} removed your manager: you report to no one here now.")
            else:
                told = _("{admin} set your manager: you report to {manager}.")
            told = told.format(**names)
            if asked is not None and (manager is None or asked.id != manager.id):
                withdrawn = _("Your request for {asked} to confirm is withdrawn.")
                told += " " + withdrawn.format(asked=display_name(asked))
        notices.append(Notice(_id(person), [Text(told)]))
    if manager is not None and manager.id != admin.id:
        with speaking_to(manager, ctx.tenant):
            line = _("{admin} set {person} to report to you.").format(**names)
        notices.append(Notice(_id(manager), [Text(line)]))
    notices += left_behind(
        ctx.tenant,
        before,
        person,
        admin,
        lambda: _("{person} no longer reports to you ({admin} changed it).").format(**names),
    )
    return Outcome([Text(reply.format(**names))], notices)


def left_behind(
    tenant: Tenant, before: Person | None, person: Person, actor: Person, says: Callable[[], str]
) -> list[Notice]:
    """The manager someone left hears of it (`says`, written in their language), unless they
    made the change."""
    if before is None or before.id in (actor.id, person.id, person.manager_id):
        return []
    with speaking_to(before, tenant):
        told = says()
    return [Notice(_id(before), [Text(told)])]


async def set_team(ctx: Context, person: Person, typed: str) -> Outcome:
    """An admin's `org team`: the team named (an existing team's spelling when only the case
    differs), or none; the person told, and their check-ins planned again if the team's
    cadence is another."""
    admin, who = ctx.person, display_name(person)
    team: str | None = " ".join(typed.split())
    if not team:
        return Outcome([Text(_("Which team? For example: org team @ben Growth (or none)."))])
    if team.lower() in NONE_WORDS:
        team = None
    elif len(team) > MAX_TEAM:
        longest = _("A team's name is at most {most} characters.")
        return Outcome([Text(longest.format(most=MAX_TEAM))])
    elif not team.isprintable():
        return Outcome([Text(_("A team's name is letters, numbers and spaces."))])
    else:
        known = {name.casefold(): name for name in await ctx.store.team_names(ctx.tenant.id)}
        team = known.get(team.casefold(), team)
    if person.team == team:
        if team:
            already = _("{person} is in the team {team} already.")
        else:
            already = _("{person} is in no team already.")
        return Outcome([Text(already.format(person=who, team=team))])
    settings = settings_of(ctx.tenant)
    planned = plan_states([person], settings)
    was = person.team
    person.team = team
    ctx.store.keep(person)
    await replan_changed(ctx.store, planned, [person], settings, ctx.now)
    if team is None:
        reply = (
            _("Done: {person} is in no team now (was: {was}).")
            if was
            else _("Done: {person} is in no team now.")
        )
    else:
        reply = (
            _("Done: {person} is in the team {team} now (was: {was}).")
            if was
            else _("Done: {person} is in the team {team} now.")
        )
    notices = []
    if person.id != admin.id:
        with speaking_to(person, ctx.tenant):
            if team is None:
                told = _("{admin} took you out of your team: you're in no team now.")
            else:
                told = _("{admin} put you in the team {team}.")
            told = told.format(admin=display_name(admin), team=team)
        notices.append(Notice(_id(person), [Text(told)]))
    return Outcome([Text(reply.format(person=who, team=team, was=was))], notices)


async def _person(ctx: Context, person_id: int | None) -> Person | None:
    return await ctx.store.person(ctx.tenant.id, person_id) if person_id is not None else None


def _id(person: Person) -> int:
    assert person.id is not None
    return person.id
