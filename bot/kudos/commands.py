"""`kudos …`: praise for colleagues, tied to the company's values.

`kudos @ana @ben for shipping the onboarding flow #customer-first [private]` sends it: each
receiver gets a DM. Admins keep the company's values (`kudos values add …`) and the daily cap.
No kudos to yourself; unknown values get "did you mean"; a day's kudos per giver are capped."""

from __future__ import annotations

import re

from bot.core.commands import CommandRow, Context, HelpLine, SlashCommand
from bot.core.i18n import N_, catalog
from bot.core.messages import Text
from bot.core.outcome import Outcome
from bot.kudos.channel import kudos_channel
from bot.kudos.form import kudos_form
from bot.kudos.giving import Refused, give
from bot.kudos.parsing import KudosError, parse_kudos
from bot.kudos.stats import kudos_stats
from storage.models import KudosValue
from storage.settings import set_settings, settings_of

MAX_DAILY_CAP = 100
# "kudos @ana …", "kudos <@U1> …", "kudos ana@example.com …": the bare command gives kudos.
GIVE = re.compile(r"(?s)(?:<@|<mailto:|@|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+\s).*")
_VALUE = re.compile(r'^"([^"]{1,200})"\s+#([a-z0-9][a-z0-9_-]{0,59})(?:\s+"([^"]{0,500})")?$', re.I)
# Typed as is in every language: the command's words, and an example of an org's own value.
VALUE_EXAMPLE = 'kudos values add "Customer first" #customer-first "We start from the customer"'

_, ngettext = catalog("bot.kudos")


def value_usage() -> str:
    return _("Say it like: {example}").format(example=VALUE_EXAMPLE)


async def _give(ctx: Context, args: str) -> Outcome:
    if not args.strip():
        return Outcome([await kudos_form(ctx)])
    try:
        line = parse_kudos(args)
    except KudosError as error:
        return _say(str(error))
    given = await give(ctx, line)
    return _say(given.text) if isinstance(given, Refused) else given


async def _values(ctx: Context, args: str) -> Outcome:
    words = args.strip()
    if not words:
        values = await ctx.store.kudos.values(ctx.tenant.id)
        if not values:
            return _say(
                _("No company values yet. Admins add them: {example}").format(example=VALUE_EXAMPLE)
            )
        lines = [
            f"#{v.tag}: {v.name}" + (f" ({v.description})" if v.description else "") for v in values
        ]
        return _say(_("The company's values:") + "\n" + "\n".join(lines))
    verb, _space, rest = words.partition(" ")
    if verb.lower() != "add":
        return _say(value_usage())
    if not ctx.person.is_admin:
        return _say(_("Only admins set the company's values."))
    found = _VALUE.match(rest.strip().replace("“", '"').replace("”", '"'))
    if found is None:
        return _say(value_usage())
    name, tag, description = found.group(1).strip(), found.group(2).lower(), found.group(3) or ""
    if tag in {v.tag for v in await ctx.store.kudos.values(ctx.tenant.id)}:
        return _say(_("#{tag} is one of the company's values already.").format(tag=tag))
    value = KudosValue(
        tenant_id=ctx.tenant.id,
        tag=tag,
        name=name,
        description=description.strip(),
        created_at=ctx.now,
    )
    ctx.store.keep(value)
    return _say(
        _("Added the value #{tag}: {name}. Kudos can carry it now.").format(tag=tag, name=name)
    )


async def _cap(ctx: Context, args: str) -> Outcome:
    if not ctx.person.is_admin:
        return _say(_("Only admins set how many kudos one person may give a day."))
    word = args.strip()
    if not word.isdecimal() or not 1 <= int(word) <= MAX_DAILY_CAP:
        return _say(_("Say a number from 1 to {most}: kudos cap 5").format(most=MAX_DAILY_CAP))
    set_settings(ctx.tenant, settings_of(ctx.tenant).but(kudos_daily_cap=int(word)))
    ctx.store.keep(ctx.tenant)
    return _say(_("Each person may give {cap} kudos a day now.").format(cap=word))


async def _help(ctx: Context, _args: str) -> Outcome:
    return _say(
        _(
            "kudos @ana @ben for shipping the onboarding flow #customer-first: praise, by DM to "
            "them (add private at the end to keep it between you).\n"
            "kudos values: the company's values; admins: {example}\n"
            "kudos cap 5: admins: how many kudos one person may give a day.\n"
            "kudos channel: admins, typed in a channel: every kudos that isn't private is "
            "posted there (kudos channel off stops it).\n"
            "kudos stats [team] [quarter]: managers and admins: kudos given and received, per "
            "person and per value."
        ).format(example=VALUE_EXAMPLE)
    )


def _say(text: str) -> Outcome:
    return Outcome([Text(text)])


SLASH = SlashCommand(
    "kudos", "Praise a colleague", "@person [@more] for what they did #value [private]", escape=True
)

COMMANDS = (
    CommandRow(
        "kudos",
        "give",
        _give,
        (
            HelpLine(
                "kudos @ana for shipping it #customer-first",
                N_("praise, with the company's values"),
            ),
        ),
        default=True,
        long=True,
        bare_args=GIVE,
    ),
    CommandRow(
        "kudos",
        "values",
        _values,
        (
            HelpLine(
                "kudos values / kudos cap 5",
                N_(
                    "the company's values (admins: kudos values add …) / admins: a day's kudos each"
                ),
            ),
        ),
        long=True,
    ),
    CommandRow("kudos", "cap", _cap),
    CommandRow(
        "kudos",
        "channel",
        kudos_channel,
        (
            HelpLine(
                "kudos channel / kudos channel off",
                N_("admins, typed in a channel: kudos posted there, or no more"),
            ),
        ),
        audience="channels",
    ),
    CommandRow(
        "kudos",
        "stats",
        kudos_stats,
        (
            HelpLine(
                "kudos stats [team] [2026-Q4]",
                N_("managers and admins: kudos given and received, per person and per value"),
            ),
        ),
        audience="admins and managers",
    ),
    CommandRow("kudos", "help", _help),
)
