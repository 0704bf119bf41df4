"""`review share @ana`: a manager shares their submitted review with the person reviewed, with
the peers' answers as that person may read them (unnamed, three or more at once); `review ack
[comment]`: the person tells their manager they read it."""

from __future__ import annotations

from bot.core.commands import Context
from bot.core.i18n import catalog, speaking_to
from bot.core.messages import Message, Text
from bot.core.outcome import Notice, Outcome
from bot.org.tree import display_name
from bot.reviews.writing import answers_card, mine, peers_card
from storage.models import Person

MAX_COMMENT = 2000

_, ngettext = catalog("bot.reviews")


async def share(ctx: Context, subject: Person) -> Outcome:
    found = await mine(ctx, "manager", subject)
    who = display_name(subject)
    if found is None:
        return _say(_("You aren't asked to review {name}.").format(name=who))
    review, cycle = found
    if review.status != "submitted":
        return _say(
            _("Submit your review of {name} first: review manager {email}").format(
                name=who, email=subject.email
            )
        )
    if review.shared_at is not None:
        return _say(_("You shared it with {name} already.").format(name=who))
    review.shared_at = ctx.now
    ctx.store.keep(review)
    reviews = await ctx.store.reviews.about(cycle.id or 0, subject.id or 0)
    people = await ctx.store.people_by_id(ctx.tenant.id)
    with speaking_to(subject, ctx.tenant):
        title = _("{manager}'s review of you for “{cycle}”").format(
            manager=display_name(ctx.person), cycle=cycle.name
        )
        shared: list[Message] = [answers_card(title, cycle, "manager", review.answers)]
        shared.extend(peers_card(cycle, reviews, people, named=False))
        shared.append(
            Text(_("review ack, with a comment if you like, tells your manager you read it."))
        )
    said = _("Shared your review with {name}.").format(name=who)
    return _say(said, [Notice(subject.id or 0, shared)])


async def acknowledge(ctx: Context, args: str) -> Outcome:
    comment = " ".join(args.split())
    if len(comment) > MAX_COMMENT:
        return _say(
            _("That's {length} characters; a comment fits in {most}.").format(
                length=len(comment), most=MAX_COMMENT
            )
        )
    reviews = await ctx.store.reviews.about_me(ctx.tenant.id, ctx.person.id or 0)
    shared = [r for r in reviews if r.kind == "manager" and r.shared_at and not r.acknowledged_at]
    if not shared:
        return _say(_("No review shared with you is waiting for an answer."))
    review = shared[-1]
    review.acknowledged_at, review.comment = ctx.now, comment
    ctx.store.keep(review)
    writer = await ctx.store.person(ctx.tenant.id, review.writer_id or 0)
    notices = []
    if writer is not None and writer.id is not None:
        name = display_name(ctx.person)
        with speaking_to(writer, ctx.tenant):
            told = (
                _("{name} read and acknowledged your review. They said: {comment}")
                if comment
                else _("{name} read and acknowledged your review.")
            ).format(name=name, comment=comment)
        notices.append(Notice(writer.id, [Text(told)]))
    return _say(_("Thanks: your manager knows you read it."), notices)


def _say(text: str, notices: list[Notice] | None = None) -> Outcome:
    return Outcome([Text(text)], notices or [])
