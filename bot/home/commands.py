"""`home` and `help`: where I stand, and what I can type."""

from __future__ import annotations

from bot.checkins.flow import CheckinFlow
from bot.core.commands import CommandRow, Context, HelpLine
from bot.core.messages import Card
from bot.core.outcome import Outcome
from bot.feedback.flow import FeedbackFlow
from bot.goals.cards import goals_card
from bot.home.cards import help_card, home_card
from bot.pulse.flow import PulseFlow
from bot.team.views import TeamView
from storage.settings import settings_of


async def show_help(ctx: Context, _args: str) -> Outcome:
    return Outcome([help_card(ctx.commands.help_lines())])


async def home_of(ctx: Context) -> Card:
    """My home: this period's check-in, what I owe, my team (managers), my goals."""
    flow = CheckinFlow(ctx.store, ctx.person, settings_of(ctx.tenant), ctx.now)
    status = await flow.status_line()
    objectives = await ctx.store.objectives(ctx.tenant.id)
    key_results = await ctx.store.all_key_results(ctx.tenant.id)
    feedback = FeedbackFlow(ctx.store, ctx.tenant, ctx.person, ctx.now, ctx.platform)
    pulse = PulseFlow(ctx.store, ctx.tenant, ctx.person, ctx.now)
    owed = [*await feedback.owed(), *await pulse.owed()]
    team = await TeamView(ctx.store, ctx.tenant, ctx.person, ctx.now).summary()
    return home_card(status, goals_card(objectives, key_results, ctx.person.id), owed, team)


async def _home(ctx: Context, _args: str) -> Outcome:
    return Outcome([await home_of(ctx)])


COMMANDS = (
    CommandRow(
        "home",
        "",
        _home,
        (HelpLine("home", "your check-in, what's waiting for you, your team and goals"),),
    ),
    CommandRow("help", "", show_help, (HelpLine("help", "this list"),)),
)
