"""`checkin …`: my own check-in and my say over when it comes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.checkins import schedule_commands
from bot.checkins.flow import CheckinFlow
from bot.core.commands import CommandRow, Context, HelpLine, SlashCommand
from bot.core.i18n import N_
from bot.core.messages import Message
from bot.core.outcome import Outcome
from bot.home.commands import show_help
from storage.settings import settings_of

Step = Callable[[CheckinFlow, str], Awaitable[list[Message]]]


def flow_of(ctx: Context) -> CheckinFlow:
    return CheckinFlow(ctx.store, ctx.person, settings_of(ctx.tenant), ctx.now)


def _with_flow(step: Step) -> Callable[[Context, str], Awaitable[Outcome]]:
    async def handler(ctx: Context, args: str) -> Outcome:
        flow = flow_of(ctx)
        return flow.outcome(await step(flow, args))

    return handler


async def _start(flow: CheckinFlow, _args: str) -> list[Message]:
    return await flow.start()


async def _edit(flow: CheckinFlow, _args: str) -> list[Message]:
    return await flow.edit()


async def _skip(flow: CheckinFlow, _args: str) -> list[Message]:
    return await schedule_commands.skip(flow)


async def _resume(flow: CheckinFlow, _args: str) -> list[Message]:
    return await schedule_commands.resume(flow)


SLASH = SlashCommand(
    "checkin",
    "Your weekly check-in",
    "now | edit | skip | pause <date> | resume | schedule <days> <HH:MM> | team | help",
)

COMMANDS = (
    CommandRow(
        "checkin",
        "now",
        _with_flow(_start),
        (HelpLine("checkin now", N_("start this period's check-in (or the next one early)")),),
        default=True,
    ),
    CommandRow(
        "checkin",
        "edit",
        _with_flow(_edit),
        (HelpLine("checkin edit", N_("go over this period's answers again")),),
    ),
    CommandRow(
        "checkin",
        "skip",
        _with_flow(_skip),
        (HelpLine("checkin skip", N_("skip this period's check-in")),),
    ),
    CommandRow(
        "checkin",
        "pause",
        _with_flow(schedule_commands.pause),
        (HelpLine("checkin pause 2026-12-31", N_("no check-ins through that day")),),
    ),
    CommandRow(
        "checkin",
        "resume",
        _with_flow(_resume),
        (HelpLine("checkin resume", N_("check-ins again")),),
    ),
    CommandRow(
        "checkin",
        "schedule",
        _with_flow(schedule_commands.schedule),
        (
            HelpLine(
                "checkin schedule mon,thu 09:30", N_("your days and time (add: every 2 weeks)")
            ),
        ),
    ),
    CommandRow(
        "checkin",
        "reminders",
        _with_flow(schedule_commands.reminders),
        (HelpLine("checkin reminders off", N_("no reminder nudges (on to undo)")),),
    ),
    CommandRow("checkin", "help", show_help),
)
