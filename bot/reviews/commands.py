"""`review …`: performance review cycles written from the record.

An admin starts a cycle; each person writes a self review on top of their record of the
period, names peers whom their manager approves, and their manager writes theirs on top of the
same record, the self review and the peers' answers, then shares it; the person acknowledges it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core.commands import CommandRow, Context, HelpLine
from bot.core.i18n import N_, catalog
from bot.core.messages import Text
from bot.core.outcome import Outcome
from bot.reviews import cycles, peers, sharing, templates, writing
from storage.models import Person

_, ngettext = catalog("bot.reviews")


def _about(
    handler: Callable[[Context, Person], Awaitable[Outcome]], usage: str
) -> Callable[[Context, str], Awaitable[Outcome]]:
    """A command about one person, named by a mention, an email or @name."""

    async def run(ctx: Context, args: str) -> Outcome:
        words = args.split()
        if len(words) != 1:
            return Outcome([Text(_("Whom? {usage}").format(usage=usage))])
        found = await peers.find(ctx, words)
        if isinstance(found, str):
            return Outcome([Text(found)])
        return await handler(ctx, found[0])

    return run


async def _help(_ctx: Context, _args: str) -> Outcome:
    lines = [f"{h.example}: {h.said}" for row in COMMANDS for h in row.help]
    return Outcome([Text(_("Reviews:") + "\n" + "\n".join(lines))])


COMMANDS = (
    CommandRow(
        "review",
        "status",
        cycles.status,
        (
            HelpLine(
                "review status", N_("where each review stands (admins, managers: their people)")
            ),
        ),
        default=True,
    ),
    CommandRow(
        "review",
        "start",
        cycles.start,
        (
            HelpLine(
                'review start "H2 2026" from 2026-07-01 to 2026-12-31 self manager peer due '
                "2026-12-20",
                N_("admins: a review cycle (for team X, anonymous peers: optional)"),
            ),
        ),
        long=True,
    ),
    CommandRow(
        "review",
        "self",
        writing.write_self,
        (HelpLine("review self", N_("your record of the period, and your self review")),),
    ),
    CommandRow(
        "review",
        "peers",
        peers.peers,
        (
            HelpLine(
                "review peers @a @b @c",
                N_("name your peers; managers: review peers @ana approve (or choose @x @y @z)"),
            ),
        ),
        long=True,
    ),
    CommandRow(
        "review",
        "peer",
        _about(writing.write_peer, "review peer @ana"),
        (HelpLine("review peer @ana", N_("your review of Ana as her peer")),),
    ),
    CommandRow(
        "review",
        "manager",
        _about(writing.write_manager, "review manager @ana"),
        (
            HelpLine(
                "review manager @ana / review share @ana",
                N_("managers: Ana's record, self review and peers, and yours / share it with her"),
            ),
        ),
    ),
    CommandRow("review", "share", _about(sharing.share, "review share @ana")),
    CommandRow(
        "review",
        "ack",
        sharing.acknowledge,
        (HelpLine("review ack [comment]", N_("you read the review shared with you")),),
        long=True,
    ),
    CommandRow(
        "review",
        "template",
        templates.template,
        (
            HelpLine(
                'review template / review template add rating "Impact" for self manager',
                N_("the questions a new cycle asks; admins: add, remove KEY, reset"),
            ),
        ),
        long=True,
    ),
    CommandRow("review", "help", _help),
)
