"""Giving a kudos, however it was written (a typed line, a form): each receiver gets a DM, the
org's kudos channel a card unless it's private. What stops one is named with the part of it
that is wrong, so that a form can show it at its field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from bot.core.commands import Context
from bot.core.i18n import catalog, speaking_to
from bot.core.messages import Text
from bot.core.outcome import Notice, Outcome
from bot.core.words import listed
from bot.feedback.mentions import Mentions
from bot.feedback.request_command import FeedbackError
from bot.goals.periods import local_now
from bot.kudos.channel import channel_post
from bot.kudos.parsing import KudosLine, unknown_tags
from bot.notify.policy import Kind
from bot.org.tree import display_name
from storage.models import Kudos, Person
from storage.settings import settings_of

DEFAULT_DAILY_CAP = 10

_, ngettext = catalog("bot.kudos")


@dataclass(frozen=True)
class Refused:
    part: str  # who | message | values
    text: str


async def give(ctx: Context, line: KudosLine) -> Outcome | Refused:
    people = await ctx.store.people_by_id(ctx.tenant.id)
    mentions = Mentions(ctx.store, ctx.tenant, ctx.person, ctx.platform, people)
    receivers: list[Person] = []
    try:
        for word in line.receivers:
            found = await mentions.find(word)
            if found.id not in {r.id for r in receivers}:
                receivers.append(found)
    except FeedbackError as error:
        return Refused("who", str(error))
    if any(r.id == ctx.person.id for r in receivers):
        return Refused("who", _("Kudos are for others: leave yourself out, and send it again."))
    values = await ctx.store.kudos.values(ctx.tenant.id)
    known = [value.tag for value in values]
    problems = unknown_tags(line.tags, known)
    if problems:
        if not known:
            problems.append(_("Your org has no values yet: admins add them with kudos values add."))
        return Refused("values", " ".join([*problems, _("Nothing was sent.")]))
    cap = settings_of(ctx.tenant).kudos_daily_cap or DEFAULT_DAILY_CAP
    if await ctx.store.kudos.given_since(ctx.person, _start_of_day(ctx)) >= cap:
        return Refused(
            "message",
            _("You've given {cap} kudos today, the most your org allows a day. Tomorrow!").format(
                cap=cap
            ),
        )
    kudos = Kudos(
        tenant_id=ctx.tenant.id,
        giver_id=ctx.person.id,
        message=line.message,
        tags=list(line.tags),
        private=line.private,
        created_at=ctx.now,
    )
    await ctx.store.kudos.give(kudos, receivers)
    names = listed([display_name(r) for r in receivers])
    giver = display_name(ctx.person)
    notices = []
    for receiver in receivers:
        with speaking_to(receiver, ctx.tenant):
            told = _("🎉 Kudos from {giver}: {message}").format(giver=giver, message=line.message)
        notices.append(Notice(receiver.id or 0, [Text(told)], (Kind.KUDOS.value,)))
    if line.private:
        sent = _("Kudos sent to {names}. It stays between you.").format(names=names)
    else:
        sent = _("Kudos sent to {names}.").format(names=names)
    tagged = [v for tag in line.tags for v in values if v.tag == tag]
    posts = [] if line.private else channel_post(ctx, receivers, line.message, tagged)
    return Outcome([Text(sent)], notices=notices, posts=posts)


def _start_of_day(ctx: Context) -> datetime:
    """Midnight today in the giver's own zone: their day's kudos count from then."""
    local = local_now(ctx.person, ctx.tenant, ctx.now)
    return datetime.combine(local.date(), time(0), local.tzinfo)
