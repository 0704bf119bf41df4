"""`kudos …`: praise for colleagues, tied to the company's values.

`kudos @ana @ben for shipping the onboarding flow #customer-first [private]` sends it: each
receiver gets a DM. Admins keep the company's values (`kudos values add …`) and the daily cap.
No kudos to yourself; unknown values get "did you mean"; a day's kudos per giver are capped."""

from __future__ import annotations

import re

from bot.core.commands import CommandRow, Context, HelpLine, SlashCommand
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
VALUE_USAGE = (
    'Say it like: kudos values add "Customer first" #customer-first "We start from the customer"'
)


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
                "No company values yet. Admins add them: "
                + VALUE_USAGE.removeprefix("Say it like: ")
            )
        lines = [
            f"#{v.tag}: {v.name}" + (f" ({v.description})" if v.description else "") for v in values
        ]
        return _say("The company's values:\n" + "\n".join(lines))
    verb, _, rest = words.partition(" ")
    if verb.lower() != "add":
        return _say(VALUE_USAGE)
    if not ctx.person.is_admin:
        return _say("Only admins set the company's values.")
    found = _VALUE.match(rest.strip().replace("“", '"').replace("”", '"'))
    if found is None:
        return _say(VALUE_USAGE)
    name, tag, description = found.group(1).strip(), found.group(2).lower(), found.group(3) or ""
    if tag in {v.tag for v in await ctx.store.kudos.values(ctx.tenant.id)}:
        return _say(f"#{tag} is one of the company's values already.")
    value = KudosValue(
        tenant_id=ctx.tenant.id,
        tag=tag,
        name=name,
        description=description.strip(),
        created_at=ctx.now,
    )
    ctx.store.keep(value)
    return _say(f"Added the value #{tag}: {name}. Kudos can carry it now.")


async def _cap(ctx: Context, args: str) -> Outcome:
    if not ctx.person.is_admin:
        return _say("Only admins set how many kudos one person may give a day.")
    word = args.strip()
    if not word.isdecimal() or not 1 <= int(word) <= MAX_DAILY_CAP:
        return _say(f"Say a number from 1 to {MAX_DAILY_CAP}: kudos cap 5")
    set_settings(ctx.tenant, settings_of(ctx.tenant).but(kudos_daily_cap=int(word)))
    ctx.store.keep(ctx.tenant)
    return _say(f"Each person may give {word} kudos a day now.")


async def _help(ctx: Context, _args: str) -> Outcome:
    return _say(
        "kudos @ana @ben for shipping the onboarding flow #customer-first: praise, by DM to "
        "them (add private at the end to keep it between you).\n"
        "kudos values: the company's values; admins: "
        + VALUE_USAGE.removeprefix("Say it like: ")
        + "\nkudos cap 5: admins: how many kudos one person may give a day."
        + "\nkudos channel: admins, typed in a channel: every kudos that isn't private is "
        "posted there (kudos channel off stops it)."
        + "\nkudos stats [team] [quarter]: managers and admins: kudos given and received, per "
        "person and per value."
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
                "kudos @ana for shipping it #customer-first", "praise, with the company's values"
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
                "the company's values (admins: kudos values add …) / admins: a day's kudos each",
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
                "admins, typed in a channel: kudos posted there, or no more",
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
                "managers and admins: kudos given and received, per person and per value",
            ),
        ),
        audience="admins and managers",
    ),
    CommandRow("kudos", "help", _help),
)
