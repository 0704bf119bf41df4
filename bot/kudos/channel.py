"""The org's kudos channel: `kudos channel`, typed by an admin in a channel, has every kudos
that isn't private posted there as a card naming giver, receivers, message and values;
`kudos channel off` stops it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.core.commands import Context
from bot.core.messages import Card, Section, Text
from bot.core.outcome import ChannelPost, Outcome
from bot.core.ports import Phrased
from bot.core.words import listed
from bot.org.tree import display_name
from storage.models import KudosValue, Person
from storage.settings import set_settings, settings_of

_TYPE_IT_THERE = "Type this in the channel that should get the kudos"
IN_A_CHANNEL = Phrased(
    f"{_TYPE_IT_THERE}.",
    words=lambda book: f"{_TYPE_IT_THERE}: {book.channel_command('kudos channel')}.",
)
OFF = ("off", "none", "stop")


async def kudos_channel(ctx: Context, args: str) -> Outcome:
    word = args.strip().lower()
    settings = settings_of(ctx.tenant)
    if not ctx.person.is_admin:
        return Outcome([Text("Only admins choose the kudos channel.")])
    if word in OFF:
        if settings.kudos_channel is None:
            return Outcome([Text("Kudos aren't posted in any channel.")])
        set_settings(ctx.tenant, settings.but(kudos_channel=None))
        ctx.store.keep(ctx.tenant)
        return Outcome([Text("Stopped: kudos go to the people they name only.")])
    if word:
        return Outcome([Text("Say kudos channel, typed in the channel, or kudos channel off.")])
    if not ctx.channel or not ctx.channel.get("key"):
        now = _where(settings.kudos_channel)
        told = [Text(f"Kudos are posted in {now} now.")] if now else []
        return Outcome([*told, IN_A_CHANNEL])
    set_settings(ctx.tenant, settings.but(kudos_channel=dict(ctx.channel)))
    ctx.store.keep(ctx.tenant)
    where = _where(ctx.channel) or "this channel"
    return Outcome(
        [
            Text(
                f"Done: kudos are posted in {where} from now on (never a private one). "
                "kudos channel off stops it."
            )
        ]
    )


def channel_post(
    ctx: Context,
    receivers: Sequence[Person],
    message: str,
    values: Sequence[KudosValue],
) -> list[ChannelPost]:
    """The kudos as a card for the org's kudos channel, if it has one."""
    channel = settings_of(ctx.tenant).kudos_channel
    if channel is None:
        return []
    card = kudos_card(ctx.person, receivers, message, values)
    return [ChannelPost(dict(channel), card, ctx.person.id or 0, "your kudos")]


def kudos_card(
    giver: Person, receivers: Sequence[Person], message: str, values: Sequence[KudosValue]
) -> Card:
    names = listed([display_name(r) for r in receivers])
    sections = [Section("", text=message)]
    if values:
        sections.append(Section("Values", text=" · ".join(f"{v.name} #{v.tag}" for v in values)))
    return Card(f"🎉 {display_name(giver)} to {names}", tuple(sections))


def _where(channel: object) -> str:
    if not isinstance(channel, Mapping):
        return ""
    return str(channel.get("name") or "").strip()  # as the platform shows it: #kudos
