"""A manager's commands: the team's week and goals, and how blockers reach them."""

from __future__ import annotations

from bot.core.commands import CommandRow, Context, HelpLine
from bot.core.i18n import N_, catalog
from bot.core.messages import Text
from bot.core.outcome import Outcome
from bot.team.views import TeamView

_, ngettext = catalog("bot.team")


async def _week(ctx: Context, _args: str) -> Outcome:
    return Outcome([await TeamView(ctx.store, ctx.tenant, ctx.person, ctx.now).week()])


async def _goals(ctx: Context, _args: str) -> Outcome:
    return Outcome([await TeamView(ctx.store, ctx.tenant, ctx.person, ctx.now).goals()])


async def _blocker_alerts(ctx: Context, args: str) -> Outcome:
    """A manager chooses: blockers in a DM as they come (now), or in the weekly view."""
    choice = args.strip().lower()
    if choice not in ("now", "weekly"):
        said = _("Say checkin blockers now (a DM as each is reported) or weekly.")
        return Outcome([Text(said)])
    ctx.person.weekly_blockers = choice == "weekly"
    ctx.store.keep(ctx.person)
    if choice == "weekly":
        reply = _("Your team's blockers will wait for checkin team; no more DMs for them.")
    else:
        reply = _("You'll get a DM as soon as someone on your team reports a blocker.")
    return Outcome([Text(reply)])


COMMANDS = (
    CommandRow(
        "checkin",
        "team",
        _week,
        (
            HelpLine(
                "checkin team / goals team",
                N_("managers: the team's week (status, blockers) and goals"),
            ),
        ),
        audience="managers",
    ),
    CommandRow("goals", "team", _goals, audience="managers"),
    CommandRow(
        "checkin",
        "blockers",
        _blocker_alerts,
        (
            HelpLine(
                "checkin blockers weekly / now",
                N_("managers: your team's blockers in checkin team only, or a DM as each comes"),
            ),
        ),
        audience="managers",
    ),
)
