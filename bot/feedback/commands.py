"""`feedback …`: ask for feedback, give it unasked, read what I owe and got, share a request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core.commands import CommandRow, Context, HelpLine, SlashCommand
from bot.core.i18n import N_
from bot.core.outcome import Outcome
from bot.feedback.cards import feedback_help
from bot.feedback.flow import FeedbackFlow


def flow_of(ctx: Context) -> FeedbackFlow:
    return FeedbackFlow(ctx.store, ctx.tenant, ctx.person, ctx.now, ctx.platform)


def _with_flow(
    step: Callable[[FeedbackFlow, str], Awaitable[Outcome]],
) -> Callable[[Context, str], Awaitable[Outcome]]:
    async def handler(ctx: Context, args: str) -> Outcome:
        return await step(flow_of(ctx), args)

    return handler


async def _help(_ctx: Context, _args: str) -> Outcome:
    return Outcome([feedback_help()])


async def _inbox(flow: FeedbackFlow, args: str) -> Outcome:
    if args.strip():
        return await flow.inbox_answers(args)
    return await flow.inbox_outcome()


SLASH = SlashCommand(
    "feedback",
    "Ask for or give feedback",
    "request @person from @a @b [anonymous] | give @person | inbox | help",
    escape=True,
)

COMMANDS = (
    CommandRow("feedback", "help", _help, default=True),
    CommandRow(
        "feedback",
        "request",
        _with_flow(FeedbackFlow.request),
        (
            HelpLine(
                "feedback request @ana from @ben @cy",
                N_("ask for feedback (add: anonymous, due friday)"),
            ),
        ),
        long=True,
    ),
    CommandRow(
        "feedback",
        "give",
        _with_flow(FeedbackFlow.give),
        (HelpLine("feedback give @ana", N_("tell someone something, unasked")),),
    ),
    CommandRow(
        "feedback",
        "inbox",
        _with_flow(_inbox),
        (HelpLine("feedback inbox", N_("feedback you owe and feedback you got")),),
    ),
    CommandRow(
        "feedback",
        "share",
        _with_flow(FeedbackFlow.share),
        (HelpLine("feedback share 12", N_("let the person request 12 is about read its answers")),),
    ),
)
