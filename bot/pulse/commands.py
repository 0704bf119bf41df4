"""`pulse …`: send an anonymous pulse survey, and read its results once a round has closed."""

from __future__ import annotations

from bot.core.commands import CommandRow, Context, HelpLine, SlashCommand
from bot.core.i18n import N_
from bot.core.outcome import Outcome
from bot.pulse.cards import pulse_help
from bot.pulse.flow import PulseFlow


def flow_of(ctx: Context) -> PulseFlow:
    return PulseFlow(ctx.store, ctx.tenant, ctx.person, ctx.now)


async def _help(_ctx: Context, _args: str) -> Outcome:
    return Outcome([pulse_help()])


async def _send(ctx: Context, args: str) -> Outcome:
    return await flow_of(ctx).send(args)


async def _results(ctx: Context, args: str) -> Outcome:
    return await flow_of(ctx).results(args)


SLASH = SlashCommand("pulse", "Anonymous pulse surveys", "send | results [survey] [team] | help")

COMMANDS = (
    CommandRow("pulse", "help", _help, default=True),
    CommandRow(
        "pulse",
        "send",
        _send,
        (
            HelpLine(
                "pulse send engagement to my org",
                N_("an anonymous pulse survey (admins and managers)"),
            ),
        ),
        audience="admins and managers",
        long=True,
    ),
    CommandRow(
        "pulse",
        "results",
        _results,
        (HelpLine("pulse results", N_("a survey's results, once it has closed")),),
    ),
)
