"""Who reports to whom, and who is in which team: the rules for a change, the change, and the
people it concerns told (the person, their new manager, the one they leave)."""

from __future__ import annotations

from bot.checkins.replanning import plan_states, replan_changed
from bot.core.commands import Context
from bot.core.messages import Text
from bot.core.outcome import Notice, Outcome
from bot.org.tree import display_name
from storage.models import Person
from storage.settings import settings_of

MAX_TEAM = 200  # Person.team
NONE_WORDS = frozenset({"none", "nobody", "no one", "-"})


def name_for(person: Person, viewer: Person) -> str:
    """A person as `viewer` reads them: "you", or their name."""
    return "you" if person.id == viewer.id else display_name(person)


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
            return "You can't be your own manager."
        return f"{display_name(person)} can't be their own manager."
    chain = await above(ctx, manager)
    ids = [p.id for p in chain]
    if person.id not in ids:
        return None
    between = chain[: ids.index(person.id)]
    through = f" (through {', '.join(display_name(p) for p in between)})" if between else ""
    m, p = name_for(manager, viewer), name_for(person, viewer)
    reports = "report" if manager.id == viewer.id else "reports"
    return f"{m[0].upper()}{m[1:]} {reports} to {p}{through}, so {p} can't report to {m}: " + (
        "that would make a loop."
    )


async def set_manager(ctx: Context, person: Person, manager: Person | None) -> Outcome:
    """An admin's `org manager`: checked, changed, and everyone it concerns told."""
    admin, who = ctx.person, display_name(person)
    if manager is not None:
        refusal = await why_not_manager(ctx, person, manager)
        if refusal is not None:
            return Outcome([Text(refusal)])
        if person.manager_id == manager.id:
            return Outcome([Text(f"{who} reports to {display_name(manager)} already.")])
    elif person.manager_id is None:
        return Outcome([Text(f"{who} has no manager already.")])
    before = await _person(ctx, person.manager_id)
    asked = await _person(ctx, person.manager_asked_id)
    person.manager_id = manager.id if manager is not None else None
    person.manager_asked_id = None  # the admin's word settles it: a waiting ask is withdrawn
    ctx.store.keep(person)
    was = f" (was: {display_name(before)})" if before is not None else ""
    if manager is None:
        reply = f"Done: {who} has no manager now{was}."
        told = f"{display_name(admin)} removed your manager: you report to no one here now."
    else:
        reply = f"Done: {who} reports to {display_name(manager)} now{was}."
        told = f"{display_name(admin)} set your manager: you report to {display_name(manager)}."
    if asked is not None and (manager is None or asked.id != manager.id):
        told += f" Your request for {display_name(asked)} to confirm is withdrawn."
    notices = [Notice(_id(person), [Text(told)])] if person.id != admin.id else []
    if manager is not None and manager.id != admin.id:
        line = f"{display_name(admin)} set {who} to report to you."
        notices.append(Notice(_id(manager), [Text(line)]))
    notices += left_behind(before, person, admin, f" ({display_name(admin)} changed it)")
    return Outcome([Text(reply)], notices)


def left_behind(before: Person | None, person: Person, actor: Person, why: str) -> list[Notice]:
    """The manager someone left hears of it, unless they made the change."""
    if before is None or before.id in (actor.id, person.id, person.manager_id):
        return []
    return [Notice(_id(before), [Text(f"{display_name(person)} no longer reports to you{why}.")])]


async def set_team(ctx: Context, person: Person, typed: str) -> Outcome:
    """An admin's `org team`: the team named (an existing team's spelling when only the case
    differs), or none; the person told, and their check-ins planned again if the team's
    cadence is another."""
    admin, who = ctx.person, display_name(person)
    team: str | None = " ".join(typed.split())
    if not team:
        return Outcome([Text("Which team? For example: org team @ben Growth (or none).")])
    if team.lower() in NONE_WORDS:
        team = None
    elif len(team) > MAX_TEAM:
        return Outcome([Text(f"A team's name is at most {MAX_TEAM} characters.")])
    elif not team.isprintable():
        return Outcome([Text("A team's name is letters, numbers and spaces.")])
    else:
        known = {name.casefold(): name for name in await ctx.store.team_names(ctx.tenant.id)}
        team = known.get(team.casefold(), team)
    if person.team == team:
        now_in = f"in the team {team}" if team else "in no team"
        return Outcome([Text(f"{who} is {now_in} already.")])
    settings = settings_of(ctx.tenant)
    planned = plan_states([person], settings)
    was = f" (was: {person.team})" if person.team else ""
    person.team = team
    ctx.store.keep(person)
    await replan_changed(ctx.store, planned, [person], settings, ctx.now)
    if team is None:
        reply = f"Done: {who} is in no team now{was}."
        told = f"{display_name(admin)} took you out of your team: you're in no team now."
    else:
        reply = f"Done: {who} is in the team {team} now{was}."
        told = f"{display_name(admin)} put you in the team {team}."
    notices = [Notice(_id(person), [Text(told)])] if person.id != admin.id else []
    return Outcome([Text(reply)], notices)


async def _person(ctx: Context, person_id: int | None) -> Person | None:
    return await ctx.store.person(ctx.tenant.id, person_id) if person_id is not None else None


def _id(person: Person) -> int:
    assert person.id is not None
    return person.id
