"""`goals …`: my goals and how they're going, and goals written where people work."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.commands import CommandRow, Context, Handler, HelpLine, SlashCommand
from bot.core.i18n import N_, catalog
from bot.core.messages import Text
from bot.core.outcome import Outcome
from bot.core.words import listed
from bot.goals.cards import goals_card
from bot.goals.closing import close_form
from bot.goals.editing import (
    GoalError,
    Goals,
    NewObjective,
    added_words,
    key_result_words,
    told_owner,
)
from bot.goals.editing import objective_words as words_for
from bot.goals.form import objective_form
from bot.goals.one_line import (
    OneLineError,
    parse_key_result_line,
    parse_objective_line,
    read_id,
)
from bot.goals.periods import PeriodError, of_quarter, parse_quarter
from bot.goals.rights import may_change, refusal_to_change
from bot.goals.tree_card import tree_card
from bot.home.commands import show_help
from storage.models import KeyResult, Objective

_, ngettext = catalog("bot.goals")

QUARTER = re.compile(r"(?i)(?:\d{4}[\s\-/]*q[1-4]|q[1-4][\s\-/]*\d{4})")
KR_EXAMPLE = 'goals kr #12 "New MRR" from 10000 to 20000 USD'
ALIGN_USAGE = N_("Say goals align #12 under #3 (or under none).")


def _guarded(handler: Handler) -> Handler:
    """Mistakes in what was typed become a reply saying what to type instead."""

    async def run(ctx: Context, args: str) -> Outcome:
        try:
            return await handler(ctx, args)
        except (GoalError, OneLineError, PeriodError) as error:
            return Outcome([Text(str(error))])

    return run


async def _quarter(
    ctx: Context, args: str
) -> tuple[Goals, str, list[Objective], Sequence[KeyResult]]:
    """The quarter named (this one by default), its objectives and the org's key results."""
    goals = Goals(ctx)
    quarter = goals.quarter(args or None)
    everything = await ctx.store.objectives(ctx.tenant.id)
    objectives = [o for o in everything if of_quarter(o.period, quarter)]
    return goals, quarter.label, objectives, await ctx.store.all_key_results(ctx.tenant.id)


async def _mine(ctx: Context, args: str) -> Outcome:
    _goals, quarter, objectives, key_results = await _quarter(ctx, args)
    return Outcome([goals_card(objectives, key_results, ctx.person.id, quarter=quarter)])


async def _tree(ctx: Context, args: str) -> Outcome:
    goals, quarter, objectives, key_results = await _quarter(ctx, args)
    people = await goals.people()
    card = tree_card(objectives, key_results, people, quarter, flags=ctx.person.is_admin)
    return Outcome([card])


async def _add(ctx: Context, args: str) -> Outcome:
    goals = Goals(ctx)
    if not args.strip():
        return Outcome([await objective_form(goals)])
    line = parse_objective_line(args)
    owner = await goals.person(line.owner)
    parent = await goals.objective(line.parent_id, to_change=False) if line.parent_id else None
    new = NewObjective(
        line.title,
        line.quarter or goals.quarter(None),
        Goals.level(line.level) or "person",
        owner,
        parent,
    )
    objective = await goals.add_objective(new)
    reply = added_words(objective, owner, parent, ctx.person)
    return Outcome([Text(reply)], notices=told_owner(ctx.person, owner, objective, ctx.tenant))


async def _key_result(ctx: Context, args: str) -> Outcome:
    goals = Goals(ctx)
    line = parse_key_result_line(args)
    objective = await goals.objective(line.objective_id, to_change=True)
    owner = await goals.person(line.owner) if line.owner else None
    kr = await goals.add_key_result(objective, line.title, line.measure, owner)
    return Outcome([Text(key_result_words(kr, objective))])


async def _edit(ctx: Context, args: str) -> Outcome:
    goals = Goals(ctx)
    objective = await goals.objective(_one_id(args, "goals edit #12"), to_change=True)
    return Outcome([await objective_form(goals, objective)])


async def _archive(ctx: Context, args: str) -> Outcome:
    goals = Goals(ctx)
    objective = await goals.objective(_one_id(args, "goals archive #12"), to_change=True)
    aligned = await goals.archive(objective, archived=True)
    text = _(
        "Archived {objective}: it and its key results are out of check-ins and views, their "
        "history kept. goals restore #{id} brings it back."
    ).format(objective=words_for(objective), id=objective.id)
    if aligned:
        note = ngettext(
            "{n} objective is aligned under it: goals align moves them.",
            "{n} objectives are aligned under it: goals align moves them.",
            aligned,
        ).format(n=aligned)
        text = f"{text} {note}"
    return Outcome([Text(text)])


async def _restore(ctx: Context, args: str) -> Outcome:
    goals = Goals(ctx)
    objective_id = _one_id(args, "goals restore #12")
    found = await ctx.store.objective(ctx.tenant.id, objective_id)
    if found is None or not found.archived:
        return Outcome([Text(_("There's no archived objective #{id}.").format(id=objective_id))])
    if not may_change(ctx.person, found, await goals.people()):
        raise GoalError(refusal_to_change(ctx.person, found))
    await goals.archive(found, archived=False)
    restored = _("Restored {objective}: back in check-ins and views.")
    return Outcome([Text(restored.format(objective=words_for(found)))])


async def _align(ctx: Context, args: str) -> Outcome:
    words = args.split()
    usage = _(ALIGN_USAGE)
    if len(words) != 3 or words[1].lower() != "under":
        raise GoalError(usage)
    goals = Goals(ctx)
    objective = await goals.objective(_one_id(words[0], usage), to_change=True)
    if words[2].lower() in ("none", "nothing"):
        await goals.align(objective, None)
        unaligned = _("{objective} is aligned to nothing now.")
        return Outcome([Text(unaligned.format(objective=words_for(objective)))])
    parent = await goals.objective(_one_id(words[2], usage), to_change=False)
    await goals.align(objective, parent)
    under = _("{objective} is aligned under {parent} now.").format(
        objective=words_for(objective), parent=words_for(parent)
    )
    return Outcome([Text(under)])


async def _close(ctx: Context, args: str) -> Outcome:
    """The close-out form: of the quarter named, else this one, else the one just ended."""
    goals = Goals(ctx)
    if args.strip():
        quarters = [parse_quarter(args)]
    else:
        now = goals.quarter(None)
        quarters = [now, now.previous()]
    for quarter in quarters:
        form = await close_form(goals, quarter)
        if form is not None:
            return Outcome([form])
    named = listed([q.label for q in quarters], "or")
    none_left = _("You have no objectives of {quarters} left to close.")
    return Outcome([Text(none_left.format(quarters=named))])


def _one_id(text: str, usage: str) -> int:
    found = read_id(text.strip()) if text.strip() else None
    if found is None:
        raise GoalError(_("Name one objective by its number: {usage}").format(usage=usage))
    return found


SLASH = SlashCommand(
    "goals", "Your goals and how they're going", "[2026-Q4 | add | kr | edit | tree | close | help]"
)

COMMANDS = (
    CommandRow(
        "goals",
        "mine",
        _guarded(_mine),
        (HelpLine("goals / goals 2026-Q3", N_("your goals this quarter, or another quarter's")),),
        default=True,
        bare_args=QUARTER,
    ),
    CommandRow(
        "goals",
        "add",
        _guarded(_add),
        (
            HelpLine(
                "goals add",
                N_(
                    "a new objective, as a form (or on one line: "
                    'goals add "Grow revenue" for 2027-Q1 under #3)'
                ),
            ),
        ),
        long=True,
    ),
    CommandRow(
        "goals",
        "kr",
        _guarded(_key_result),
        (HelpLine(KR_EXAMPLE, N_("a key result for objective #12 (… done: one done or not)")),),
        long=True,
    ),
    CommandRow(
        "goals",
        "edit",
        _guarded(_edit),
        (
            HelpLine(
                "goals edit #12 / goals archive #12 / goals restore #12 / goals align #12 under #3",
                N_("change, archive or align an objective"),
            ),
        ),
    ),
    CommandRow("goals", "archive", _guarded(_archive)),
    CommandRow("goals", "restore", _guarded(_restore)),
    CommandRow("goals", "align", _guarded(_align)),
    CommandRow(
        "goals",
        "tree",
        _guarded(_tree),
        (HelpLine("goals tree", N_("every objective, company to team to person")),),
    ),
    CommandRow(
        "goals",
        "close",
        _guarded(_close),
        (HelpLine("goals close", N_("close the quarter: final values, grades, what you learned")),),
    ),
    CommandRow("goals", "update", None),
    CommandRow("goals", "help", show_help),
)
