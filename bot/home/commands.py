"""`home` and `help`: where I stand, and what I can type."""

from __future__ import annotations

from bot.checkins.flow import CheckinFlow
from bot.core.commands import CommandRow, Context, HelpLine
from bot.core.i18n import N_, catalog
from bot.core.messages import Card, Field
from bot.core.outcome import Outcome
from bot.feedback.flow import FeedbackFlow
from bot.goals.cards import goals_card
from bot.home.cards import help_card, home_card
from bot.org.tree import display_name
from bot.pulse.flow import PulseFlow
from bot.team.views import TeamView
from storage.settings import settings_of

_, ngettext = catalog("bot.home")

KUDOS_SHOWN = 3  # the latest kudos received, on home


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
    kudos = await _kudos_received(ctx)
    goals = goals_card(objectives, key_results, ctx.person.id)
    return home_card(status, goals, owed, team, kudos)


async def _kudos_received(ctx: Context) -> list[Field]:
    """The latest kudos for me: who gave each (or "someone" once they were erased), and for what."""
    fields = []
    for kudos in await ctx.store.kudos.received_by(ctx.person, limit=KUDOS_SHOWN):
        giver = None
        if kudos.giver_id is not None:
            giver = await ctx.store.person(ctx.tenant.id, kudos.giver_id)
        who = display_name(giver) if giver else _("someone")
        fields.append(Field(_("From {giver}").format(giver=who), kudos.message))
    return fields


async def _home(ctx: Context, _args: str) -> Outcome:
    return Outcome([await home_of(ctx)])


COMMANDS = (
    CommandRow(
        "home",
        "",
        _home,
        (HelpLine("home", N_("your check-in, what's waiting for you, your team and goals")),),
    ),
    CommandRow("help", "", show_help, (HelpLine("help", N_("this list")),)),
)
