"""Peers: `review peers @a @b @c` by the person reviewed names them; their manager approves
(`review peers @ana approve`) or chooses others (`review peers @ana choose @x @y @z`); the
peers are
then asked (`review peer @ana` opens their form)."""

from __future__ import annotations

from bot.core.commands import Context
from bot.core.i18n import catalog, speaking_to
from bot.core.messages import Text
from bot.core.outcome import Notice, Outcome
from bot.core.words import listed
from bot.org import mentions as org_mentions
from bot.org.tree import display_name
from bot.privacy.feedback_answers import ANONYMOUS_MINIMUM
from storage.models import Person, Review, ReviewCycle

MOST_PEERS = 10
APPROVE, CHOOSE = "approve", "choose"

_, ngettext = catalog("bot.reviews")


async def find(ctx: Context, words: list[str]) -> list[Person] | str:
    """The people the words name, once each (bot.org.mentions); a sentence for a word that
    names no one active."""
    found: list[Person] = []
    try:
        for word in words:
            person = await org_mentions.find_person(ctx, word)
            if person.id not in {p.id for p in found}:
                found.append(person)
    except org_mentions.OrgError as error:
        return str(error)
    return found


async def _cycle_of(ctx: Context, subject: Person) -> ReviewCycle | None:
    """The latest open cycle that reviews `subject` and asks peers."""
    for review in reversed(await ctx.store.reviews.about_me(ctx.tenant.id, subject.id or 0)):
        cycle = await ctx.store.reviews.cycle(ctx.tenant.id, review.cycle_id)
        if cycle is not None and "peer" in cycle.kinds:
            return cycle
    return None


async def peers(ctx: Context, args: str) -> Outcome:
    words = args.split()
    if not words:
        return _say(_("Name your peers: review peers @a @b @c"))
    verb = words[1].lower() if len(words) > 1 else ""
    if verb in (APPROVE, CHOOSE):
        # A manager about one of their reports: approve what they named, or choose others.
        named = await find(ctx, [words[0], *words[2:]])
        if isinstance(named, str):
            return _say(named)
        subject = named[0]
        if subject.manager_id != ctx.person.id:
            return _say(
                _("Only {name}'s manager approves or chooses their peers.").format(
                    name=display_name(subject)
                )
            )
        if verb == APPROVE and len(words) > 2:
            return _say(
                _("Say review peers {email} approve, with no one else named.").format(
                    email=subject.email
                )
            )
        return await _decide(ctx, subject, named[1:], verb == APPROVE)
    named = await find(ctx, words)
    if isinstance(named, str):
        return _say(named)
    return await _nominate(ctx, named)


async def _nominate(ctx: Context, named: list[Person]) -> Outcome:
    me = ctx.person
    cycle = await _cycle_of(ctx, me)
    if cycle is None:
        return _say(_("No open review cycle asks for peers to review you."))
    problem = _problem(me, named)
    if problem:
        return _say(problem)
    reviews = await ctx.store.reviews.about(cycle.id or 0, me.id or 0)
    if any(r.kind == "peer" and r.status in ("draft", "submitted") for r in reviews):
        return _say(_("Your peers have started answering: ask your manager to change them."))
    await ctx.store.reviews.drop_peers(cycle.id or 0, me.id or 0)
    for peer in named:
        _add(ctx, cycle, me, peer, "nominated")
    names = listed([display_name(p) for p in named], _("and"))
    manager = await ctx.store.person(ctx.tenant.id, me.manager_id or 0)
    if manager is None:
        for review in await ctx.store.reviews.about(cycle.id or 0, me.id or 0):
            if review.kind == "peer":
                review.status = "pending"
                ctx.store.keep(review)
        return _say(
            _("Asked {names} to review you (you have no manager to approve them).").format(
                names=names
            ),
            _asked(ctx, me, named),
        )
    with speaking_to(manager, ctx.tenant):
        told = Text(
            _(
                "{name} named {names} as peers to review them. Approve with review peers "
                "{email} approve, or choose others: review peers {email} choose @x @y @z"
            ).format(
                name=display_name(me),
                names=listed([display_name(p) for p in named], _("and")),
                email=me.email,
            )
        )
    return _say(
        _("Named {names}. {manager} approves them next.").format(
            names=names, manager=display_name(manager)
        ),
        [Notice(manager.id or 0, [told])],
    )


async def _decide(ctx: Context, subject: Person, others: list[Person], approve: bool) -> Outcome:
    cycle = await _cycle_of(ctx, subject)
    who = display_name(subject)
    if cycle is None:
        return _say(_("No open review cycle asks for peers to review {name}.").format(name=who))
    reviews = [
        r for r in await ctx.store.reviews.about(cycle.id or 0, subject.id or 0) if r.kind == "peer"
    ]
    if others:
        problem = _problem(subject, others)
        if problem:
            return _say(problem)
        await ctx.store.reviews.drop_peers(cycle.id or 0, subject.id or 0)
        for peer in others:
            _add(ctx, cycle, subject, peer, "pending")
        chosen = others
    elif approve:
        waiting = [r for r in reviews if r.status == "nominated"]
        if not waiting:
            return _say(_("{name} has no peers waiting for approval.").format(name=who))
        for review in waiting:
            review.status = "pending"
            ctx.store.keep(review)
        ids = {r.writer_id for r in waiting}
        chosen = [p for p in await ctx.store.people(ctx.tenant.id) if p.id in ids]
    else:
        return _say(
            _("Name the peers you choose: review peers {email} choose @x @y @z").format(
                email=subject.email
            )
        )
    chosen_names = [display_name(p) for p in chosen]
    with speaking_to(subject, ctx.tenant):
        told = Text(
            _("{name} chose {names} to review you.").format(
                name=display_name(ctx.person), names=listed(chosen_names, _("and"))
            )
        )
    notices = [Notice(subject.id or 0, [told]), *_asked(ctx, subject, chosen)]
    names = listed(chosen_names, _("and"))
    return _say(_("{names} will review {name}.").format(names=names, name=who), notices)


def _problem(subject: Person, named: list[Person]) -> str:
    if any(p.id == subject.id for p in named):
        return _("Peers review someone else: leave the person reviewed out.")
    if len(named) < ANONYMOUS_MINIMUM:
        return _(
            "Name at least {least} peers: fewer answers than that aren't shown without names."
        ).format(least=ANONYMOUS_MINIMUM)
    if len(named) > MOST_PEERS:
        return _("{most} peers at most.").format(most=MOST_PEERS)
    return ""


def _add(ctx: Context, cycle: ReviewCycle, subject: Person, peer: Person, status: str) -> None:
    ctx.store.keep(
        Review(
            tenant_id=ctx.tenant.id,
            cycle_id=cycle.id or 0,
            subject_id=subject.id or 0,
            writer_id=peer.id,
            kind="peer",
            status=status,
            created_at=ctx.now,
        )
    )


def _asked(ctx: Context, subject: Person, chosen: list[Person]) -> list[Notice]:
    """Each peer asked, in their language."""
    notices = []
    for peer in chosen:
        with speaking_to(peer, ctx.tenant):
            text = _(
                "Please review {name} as a peer: review peer {email} opens the questions."
            ).format(name=display_name(subject), email=subject.email)
        notices.append(Notice(peer.id or 0, [Text(text)]))
    return notices


def _say(text: str, notices: list[Notice] | None = None) -> Outcome:
    return Outcome([Text(text)], notices or [])
