"""`my manager is @ana`: Ben asks, Ana confirms or declines, Ben hears which.

The ask is a row (Person.manager_asked_id), so it waits through restarts and a reply days later.
Ana's question carries a prompt id naming both of them; her answer is taken with a
compare-and-set on the ask, so a double click, or a click on an ask replaced or withdrawn since,
changes nothing.
"""

from __future__ import annotations

from typing import Final

from bot.core.commands import Context
from bot.core.messages import Choice, Message, Question, Text
from bot.core.outcome import ClosedPrompt, Notice, Outcome
from bot.core.whole_numbers import whole_number
from bot.org.changes import left_behind, why_not_manager
from bot.org.tree import display_name
from storage.models import Person

PROMPT_PREFIX: Final = "mgr_"
CONFIRM, DECLINE = "confirm", "decline"
CHOICES = (Choice("Confirm", CONFIRM), Choice("Decline", DECLINE))
EXPIRED = "That button isn't for you, or it has expired."


def ask_question(asker: Person, manager: Person) -> Question:
    """The question the manager asked gets: buttons, and the typed way for where there are none."""
    return Question(
        prompt_id=f"{PROMPT_PREFIX}{asker.id}_{manager.id}",
        text=f"{_named(asker)} says you are their manager. Are you?",
        choices=CHOICES,
        hint=f"Or type: my reports confirm {asker.email} (or decline).",
    )


def _named(person: Person) -> str:
    return f"{person.name} ({person.email})" if person.name else person.email


def read_prompt(prompt_id: str) -> tuple[int, int] | None:
    """(asker id, manager id) from an ask's prompt id; None for anything else."""
    asker, _, manager = prompt_id.removeprefix(PROMPT_PREFIX).partition("_")
    ids = whole_number(asker), whole_number(manager)
    return (ids[0], ids[1]) if ids[0] is not None and ids[1] is not None else None


async def ask(ctx: Context, manager: Person) -> Outcome:
    """The person acting asks `manager` to confirm; an earlier ask is replaced."""
    me = ctx.person
    refusal = await why_not_manager(ctx, me, manager)
    if refusal is not None:
        return Outcome([Text(refusal)])
    if me.manager_id == manager.id:
        return Outcome([Text(f"{display_name(manager)} is your manager already.")])
    earlier = me.manager_asked_id
    me.manager_asked_id = manager.id
    ctx.store.keep(me)
    reply = (
        f"Asked {display_name(manager)} to confirm they're your manager. "
        "I'll tell you when they answer."
    )
    if earlier is not None and earlier != manager.id:
        withdrawn = await ctx.store.person(ctx.tenant.id, earlier)
        if withdrawn is not None:
            reply += f" Your request to {display_name(withdrawn)} is withdrawn."
    if not any(i.reachable for i in await ctx.store.identities_of(manager)):
        reply += (
            f" {display_name(manager)} can't be reached yet: they'll find your request "
            "with my reports when they first write to me."
        )
    assert manager.id is not None
    return Outcome([Text(reply)], [Notice(manager.id, [ask_question(me, manager)])])


async def choose(ctx: Context, prompt_id: str, value: str) -> Outcome:
    """A click on Confirm or Decline: only the manager asked may answer."""
    ids = read_prompt(prompt_id)
    if ids is None or value not in (CONFIRM, DECLINE):
        return Outcome([Text(EXPIRED)])
    asker_id, manager_id = ids
    if manager_id != ctx.person.id:
        manager = await ctx.store.person(ctx.tenant.id, manager_id)
        if manager is None:
            return Outcome([Text(EXPIRED)])
        return Outcome(
            [Text(f"That question is for {display_name(manager)} to answer. Nothing changed.")]
        )
    asker = await ctx.store.person(ctx.tenant.id, asker_id)
    if asker is None or not asker.active:
        return Outcome([Text("That request is no longer open. Nothing changed.")])
    return await answer(ctx, asker, value == CONFIRM)


async def answer(ctx: Context, asker: Person, confirm: bool) -> Outcome:
    """The person acting, asked by `asker` to confirm they're their manager, answers."""
    me, who = ctx.person, display_name(asker)
    assert me.id is not None and asker.id is not None
    if asker.manager_asked_id != me.id:
        if asker.manager_id == me.id:
            return Outcome([Text(f"{who} reports to you already.")])
        gone = f"{who} has no request waiting for you: it was withdrawn, replaced or answered."
        return Outcome([Text(f"{gone} Nothing changed.")])
    if confirm:
        refusal = await why_not_manager(ctx, asker, me)
        if refusal is not None:
            return Outcome([Text(f"{refusal} Nothing changed.")])
    if not await ctx.store.claim_manager_ask(asker, me.id):
        return Outcome([Text(f"{who}'s request was answered already. Nothing changed.")])
    question = ask_question(asker, me)
    closed = [ClosedPrompt(question.prompt_id, None, question, CHOICES[0 if confirm else 1].label)]
    if not confirm:
        told: list[Message] = [Text(f"{display_name(me)} declined: they aren't your manager.")]
        return Outcome(
            [Text(f"Declined: {who} doesn't report to you.")],
            [Notice(asker.id, told)],
            closed,
        )
    before = await ctx.store.person(ctx.tenant.id, asker.manager_id) if asker.manager_id else None
    asker.manager_id = me.id
    ctx.store.keep(asker)
    notices = [Notice(asker.id, [Text(f"{display_name(me)} confirmed: you report to them now.")])]
    notices += left_behind(before, asker, me, f": they report to {display_name(me)} now")
    return Outcome([Text(f"Confirmed: {who} reports to you now.")], notices, closed)
