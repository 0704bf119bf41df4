"""`goals …`: my goals and how they're going."""

from __future__ import annotations

from bot.core.commands import CommandRow, Context, HelpLine, SlashCommand
from bot.core.outcome import Outcome
from bot.goals.cards import goals_card
from bot.home.commands import show_help


async def _mine(ctx: Context, _args: str) -> Outcome:
    objectives = await ctx.store.objectives(ctx.tenant.id)
    key_results = await ctx.store.all_key_results(ctx.tenant.id)
    return Outcome([goals_card(objectives, key_results, ctx.person.id)])


SLASH = SlashCommand("goals", "Your goals and how they're going", "[team | add | update | help]")

COMMANDS = (
    CommandRow(
        "goals",
        "mine",
        _mine,
        (HelpLine("goals", "your goals and how they're going"),),
        default=True,
    ),
    CommandRow("goals", "add", None),
    CommandRow("goals", "update", None),
    CommandRow("goals", "help", show_help),
)
