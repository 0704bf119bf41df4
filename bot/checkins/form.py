"""The whole check-in as one form (a modal or a card, as the platform has it): every answer
validated first, then all stored or none, exactly as the conversation would have stored them.

A form is answered once. Its id names the run and the round it was drawn for; submitting starts
a new round, so the same form sent again (a card left live, a second modal) is told apart and
changes nothing. A field left blank keeps the answer already given: a re-rendered card sends
its fields empty, and that is no answer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.checkins import questions as q
from bot.checkins.flow import CheckinFlow
from bot.checkins.interpret import Reading, blank, interpret
from bot.checkins.parsing import Invalid
from bot.core.i18n import N_, catalog
from bot.core.messages import Form, Text
from bot.core.outcome import ClosedForm, Outcome
from bot.core.whole_numbers import whole_number
from storage.models import Answer, CheckinRun, KeyResult

_, ngettext = catalog("bot.checkins")

PREFIX = "f_"
ALREADY_SENT = N_(
    "You've sent this check-in already, so that changed nothing. "
    "Type checkin edit to change your answers."
)
OUT_OF_DATE = N_(
    "That form is out of date: your check-in changed after it was opened, so it changed "
    "nothing. Reply here to carry on, or open the form again."
)


@dataclass(frozen=True)
class FormId:
    run_id: int
    round: int | None  # None in ids made before forms carried their round


def form_id(run: CheckinRun) -> str:
    return f"{PREFIX}{run.id}_{run.round}"


def read_form_id(text: str) -> FormId | None:
    """The run and round a form id names; None for anything that isn't one."""
    if not text.startswith(PREFIX):
        return None
    run_part, separator, round_part = text.removeprefix(PREFIX).partition("_")
    run_id, round_ = whole_number(run_part), whole_number(round_part)
    if run_id is None or (separator and round_ is None):
        return None
    return FormId(run_id, round_)


async def checkin_form(flow: CheckinFlow, run: CheckinRun) -> Form:
    """The check-in as one form, each field filled with this round's answer."""
    answers = await flow.store.answers(run)
    key_results = await flow.run_key_results(run)
    fields = [
        q.form_field(
            question, key_results.get(question.get("kr_id", 0)), answers.get(question["key"])
        )
        for question in run.questions
    ]
    return Form(
        form_id=form_id(run),
        title=_("Weekly check-in"),
        fields=tuple(fields),
        submit_label=_("Submit"),
        fallback=_("open this check-in in a client that shows forms, or reply here."),
    )


async def answer_form(
    flow: CheckinFlow,
    run: CheckinRun,
    sent: FormId,
    values: Mapping[str, str],
    shown: dict[str, Any] | None,
) -> Outcome:
    """A form sent back: stored and closed, sent back to fix, or refused as answered before."""
    if sent.round is not None and sent.round != run.round:
        if run.status != "submitted":
            return flow.outcome([Text(_(OUT_OF_DATE))])
        outcome = flow.outcome([Text(_(ALREADY_SENT))])
        outcome.closed_form = ClosedForm(shown, await flow.summary(run), sent_before=True)
        return outcome
    errors = await submit_form(flow, run, values)
    outcome = flow.outcome([])
    if errors:
        outcome.form_errors = errors  # a form to fix: nothing was stored
    else:
        outcome.closed_form = ClosedForm(shown, await flow.summary(run))
    return outcome


async def submit_form(
    flow: CheckinFlow, run: CheckinRun, values: Mapping[str, str]
) -> dict[str, str]:
    """Validate every field first; store all or nothing. Returns field -> error."""
    plan: list[tuple[Mapping[str, Any], Reading, KeyResult | None]] = []
    errors: dict[str, str] = {}
    key_results = await flow.run_key_results(run)
    answers = await flow.store.answers(run)
    for question in run.questions:
        kr = key_results.get(question.get("kr_id", 0))
        text = (values.get(question["key"]) or "").strip()
        reading = (
            interpret(question, text, kr, None)
            if text
            else _left_blank(question, kr, answers.get(question["key"]))
        )
        if isinstance(reading, Invalid):
            errors[question["key"]] = reading.reason
        else:
            plan.append((question, reading, kr))
    if errors:
        return errors
    run.round += 1  # a form answers every question afresh
    run.status = "open"
    waiting = await flow.store.waiting_prompt(run)
    if waiting is not None:
        await flow.claim(run, waiting, _("(in the form)"))
    for planned_question, reading, planned_kr in plan:
        await flow.recording.record(run, planned_question, reading, planned_kr)
    await flow.recording.submit(run)
    return {}


def _left_blank(
    question: Mapping[str, Any], kr: KeyResult | None, earlier: Answer | None
) -> Reading:
    """A blank field: the earlier answer stands, as if "same" were typed; else no answer."""
    if earlier is None:
        return blank(question, kr)
    return interpret(question, "same", kr, earlier)
