"""The org's kudos channel: `kudos channel`, typed by an admin in a channel, has every kudos
that isn't private posted there as a card naming giver, receivers, message and values;
`kudos channel off` stops it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.core.commands import Context
from bot.core.i18n import catalog, speaking
from bot.core.messages import Card, Section, Text
from bot.core.outcome import ChannelPost, Outcome
from bot.core.ports import Phrased
from bot.core.words import listed
from bot.org.tree import display_name
from storage.models import KudosValue, Person, Tenant
from storage.settings import set_settings, settings_of

OFF = ("off", "none", "stop")

_, ngettext = catalog("bot.kudos")


def in_a_channel() -> Phrased:
    """Where to type `kudos channel`, in the language in force; how a command is typed in a
    channel is the platform's to say."""
    there = _("Type this in the channel that should get the kudos: {command}.")
    return Phrased(
        _("Type this in the channel that should get the kudos."),
        words=lambda book: there.format(command=book.channel_command("kudos channel")),
    )


async def kudos_channel(ctx: Context, args: str) -> Outcome:
    word = args.strip().lower()
    settings = settings_of(ctx.tenant)
    if not ctx.person.is_admin:
        return Outcome([Text(_("Only admins choose the kudos channel."))])
    if word in OFF:
        if settings.kudos_channel is None:
            return Outcome([Text(_("Kudos aren't posted in any channel."))])
        set_settings(ctx.tenant, settings.but(kudos_channel=None))
        ctx.store.keep(ctx.tenant)
        return Outcome([Text(_("Stopped: kudos go to the people they name only."))])
    if word:
        return Outcome([Text(_("Say kudos channel, typed in the channel, or kudos channel off."))])
    if not ctx.channel or not ctx.channel.get("key"):
        now = _where(settings.kudos_channel)
        told = [Text(_("Kudos are posted in {channel} now.").format(channel=now))] if now else []
        return Outcome([*told, in_a_channel()])
    set_settings(ctx.tenant, settings.but(kudos_channel=dict(ctx.channel)))
    ctx.store.keep(ctx.tenant)
    where = _where(ctx.channel) or _("this channel")
    done = _(
        "Done: kudos are posted in {channel} from now on (never a private one). "
        "kudos channel off stops it."
    ).format(channel=where)
    return Outcome([Text(done)])


def channel_post(
    ctx: Context,
    receivers: Sequence[Person],
    message: str,
    values: Sequence[KudosValue],
) -> list[ChannelPost]:
    """The kudos as a card for the org's kudos channel, if it has one, in the org's language."""
    channel = settings_of(ctx.tenant).kudos_channel
    if channel is None:
        return []
    with speaking(org_language(ctx.tenant)):
        card = kudos_card(ctx.person, receivers, message, values)
    return [ChannelPost(dict(channel), card, ctx.person.id or 0, _("your kudos"))]


def kudos_card(
    giver: Person, receivers: Sequence[Person], message: str, values: Sequence[KudosValue]
) -> Card:
    """The kudos as a card, in the language in force; the values are the org's words."""
    names = listed([display_name(r) for r in receivers])
    sections = [Section("", text=message)]
    if values:
        tagged = " · ".join(f"{v.name} #{v.tag}" for v in values)
        sections.append(Section(_("Values"), text=tagged))
    title = _("🎉 {giver} to {receivers}").format(giver=display_name(giver), receivers=names)
    return Card(title, tuple(sections))


def org_language(tenant: Tenant) -> str | None:
    """The language the org's channels are written in (`settings language`), if it chose one."""
    chosen = tenant.settings.get("language")
    return chosen if isinstance(chosen, str) else None


def _where(channel: object) -> str:
    if not isinstance(channel, Mapping):
        return ""
    return str(channel.get("name") or "").strip()  # as the platform shows it: #kudos
