"""`digest …`: a team's weekly goal digest in a channel, or a preview in my DM."""

from __future__ import annotations

from bot.core.commands import CommandRow, Context, HelpLine, SlashCommand
from bot.core.i18n import N_
from bot.core.messages import Text
from bot.core.outcome import Outcome
from bot.digests.channels import DigestChannels
from bot.digests.digest import build_digest


def _channels(ctx: Context) -> DigestChannels:
    return DigestChannels(ctx.store, ctx.tenant, ctx.person, ctx.now)


async def _subscribe(ctx: Context, args: str) -> Outcome:
    return Outcome(list(await _channels(ctx).subscribe(args, ctx.channel)))


async def _unsubscribe(ctx: Context, args: str) -> Outcome:
    return Outcome(list(await _channels(ctx).unsubscribe(args, ctx.channel)))


async def _preview(ctx: Context, args: str) -> Outcome:
    """This week's digest of a team, in my DM: my own team's, or one I manage (admins: any,
    or the whole org with `everyone`)."""
    team, refusal = await _channels(ctx).team_for(args, "now")
    if refusal:
        return Outcome([Text(refusal)])
    digest = await build_digest(ctx.store.session, ctx.tenant.id, team, ctx.now)
    return Outcome([Text(digest.summary), digest.card])


SLASH = SlashCommand(
    "digest", "A weekly goal digest in this channel", "subscribe [team] | unsubscribe | now | help"
)

COMMANDS = (
    CommandRow("digest", "help", None, default=True),
    CommandRow(
        "digest",
        "subscribe",
        _subscribe,
        (
            HelpLine(
                "digest subscribe / digest unsubscribe",
                N_("typed in a channel: your team's goal digest there every Monday, or no more"),
            ),
        ),
        audience="channels",
    ),
    CommandRow("digest", "unsubscribe", _unsubscribe, audience="channels"),
    CommandRow(
        "digest",
        "now",
        _preview,
        (HelpLine("digest now", N_("this week's goal digest of your team, in your DM")),),
    ),
)
