"""`my manager is @ana`: Ben asks, Ana confirms or declines, Ben hears which.

The ask is a row (Person.manager_asked_id), so it waits through restarts and a reply days later.
Ana's question carries a prompt id naming both of them; her answer is taken with a
compare-and-set on the ask, so a double click, or a click on an ask replaced or withdrawn since,
changes nothing.
"""

from __future__ import annotations

from typing import Final

from bot.core.commands import Context
from bot.core.i18n import N_, catalog, speaking_to
from bot.core.messages import Choice, Message, Question, Text
from bot.core.outcome import ClosedPrompt, Notice, Outcome
from bot.core.whole_numbers import whole_number
from bot.org.changes import left_behind, why_not_manager
from bot.org.tree import display_name
from storage.models import Person

_, ngettext = catalog("bot.org")

PROMPT_PREFIX: Final = "mgr_"
CONFIRM, DECLINE = "confirm", "decline"
LABELS = {CONFIRM: N_("Confirm"), DECLINE: N_("Decline")}
EXPIRED = N_("That button isn't for you, or it has expired.")


def choices() -> tuple[Choice, Choice]:
    """Confirm and Decline, in the language in force (the values stay the words matched)."""
    return Choice(_(LABELS[CONFIRM]), CONFIRM), Choice(_(LABELS[DECLINE]), DECLINE)


def ask_question(asker: Person, manager: Person) -> Question:
    """The question the manager asked gets: buttons, and the typed way for where there are none."""
    return Question(
        prompt_id=f"{PROMPT_PREFIX}{asker.id}_{manager.id}",
        text=_("{asker} says you are their manager. Are you?").format(asker=_named(asker)),
        choices=choices(),
        hint=_("Or type: my reports confirm {email} (or decline).").format(email=asker.email),
    )


def _named(person: Person) -> str:
    return f"{person.name} ({person.email})" if person.name else person.email


def read_prompt(prompt_id: str) -> tuple[int, int] | None:
    """(asker id, manager id) from an ask's prompt id; None for anything else."""
    asker, _sep, manager = prompt_id.removeprefix(PROMPT_PREFIX).partition("_")
    ids = whole_number(asker), whole_number(manager)
    return (ids[0], ids[1]) if ids[0] is not None and ids[1] is not None else None


async def ask(ctx: Context, manager: Person) -> Outcome:
    """The person acting asks `manager` to confirm; an earlier ask is replaced."""
    me = ctx.person
    refusal = await why_not_manager(ctx, me, manager)
    if refusal is not None:
        return Outcome([Text(refusal)])
    if me.manager_id == manager.id:
        already = _("{manager} is your manager already.")
        return Outcome([Text(already.format(manager=display_name(manager)))])
    earlier = me.manager_asked_id
    me.manager_asked_id = manager.id
    ctx.store.keep(me)
    name = display_name(manager)
    reply = _(
        "Asked {manager} to confirm they're your manager. I'll tell you when they answer."
    ).format(manager=name)
    if earlier is not None and earlier != manager.id:
        withdrawn = await ctx.store.person(ctx.tenant.id, earlier)
        if withdrawn is not None:
            reply += " " + _("Your request to {earlier} is withdrawn.").format(
                earlier=display_name(withdrawn)
            )
    if not any(i.reachable for i in await ctx.store.identities_of(manager)):
        reply += " " + _(
            "{manager} can't be reached yet: they'll find your request with my reports when "
            "they first write to me."
        ).format(manager=name)
    assert manager.id is not None
    with speaking_to(manager, ctx.tenant):
        question = ask_question(me, manager)
    return Outcome([Text(reply)], [Notice(manager.id, [question])])


async def choose(ctx: Context, prompt_id: str, value: str) -> Outcome:
    """A click on Confirm or Decline: only the manager asked may answer."""
    ids = read_prompt(prompt_id)
    if ids is None or value not in (CONFIRM, DECLINE):
        return Outcome([Text(_(EXPIRED))])
    asker_id, manager_id = ids
    if manager_id != ctx.person.id:
        manager = await ctx.store.person(ctx.tenant.id, manager_id)
        if manager is None:
            return Outcome([Text(_(EXPIRED))])
        whose = _("That question is for {manager} to answer. Nothing changed.")
        return Outcome([Text(whose.format(manager=display_name(manager)))])
    asker = await ctx.store.person(ctx.tenant.id, asker_id)
    if asker is None or not asker.active:
        return Outcome([Text(_("That request is no longer open. Nothing changed."))])
    return await answer(ctx, asker, value == CONFIRM)


async def answer(ctx: Context, asker: Person, confirm: bool) -> Outcome:
    """The person acting, asked by `asker` to confirm they're their manager, answers."""
    me, who = ctx.person, display_name(asker)
    assert me.id is not None and asker.id is not None
    if asker.manager_asked_id != me.id:
        if asker.manager_id == me.id:
            return Outcome([Text(_("{asker} reports to you already.").format(asker=who))])
        gone = _(
            "{asker} has no request waiting for you: it was withdrawn, replaced or answered. "
            "Nothing changed."
        )
        return Outcome([Text(gone.format(asker=who))])
    if confirm:
        refusal = await why_not_manager(ctx, asker, me)
        if refusal is not None:
            return Outcome([Text(_("{refusal} Nothing changed.").format(refusal=refusal))])
    if not await ctx.store.claim_manager_ask(asker, me.id):
        answered = _("{asker}'s request was answered already. Nothing changed.")
        return Outcome([Text(answered.format(asker=who))])
    question = ask_question(asker, me)
    label = question.choices[0 if confirm else 1].label
    closed = [ClosedPrompt(question.prompt_id, None, question, label)]
    name = display_name(me)
    if not confirm:
        with speaking_to(asker, ctx.tenant):
            told: list[Message] = [
                Text(_("{manager} declined: they aren't your manager.").format(manager=name))
            ]
        return Outcome(
            [Text(_("Declined: {asker} doesn't report to you.").format(asker=who))],
            [Notice(asker.id, told)],
            closed,
        )
    before = await ctx.store.person(ctx.tenant.id, asker.manager_id) if asker.manager_id else None
    asker.manager_id = me.id
    ctx.store.keep(asker)
    with speaking_to(asker, ctx.tenant):
        confirmed = _("{manager} confirmed: you report to them now.").format(manager=name)
    notices = [Notice(asker.id, [Text(confirmed)])]
    notices += left_behind(
        ctx.tenant,
        before,
        asker,
        me,
        lambda: _("{person} no longer reports to you: they report to {manager} now.").format(
            person=who, manager=name
        ),
    )
    return Outcome(
        [Text(_("Confirmed: {asker} reports to you now.").format(asker=who))], notices, closed
    )
