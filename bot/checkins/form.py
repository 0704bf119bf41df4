"""The whole check-in as one form (a modal or a card, as the platform has it): every answer
validated first, then all stored or none, exactly as the conversation would have stored them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.checkins import questions as q
from bot.checkins.flow import CheckinFlow
from bot.checkins.interpret import Reading, blank, interpret
from bot.checkins.parsing import Invalid
from bot.core.messages import Form
from storage.models import CheckinRun, KeyResult


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
    return Form(form_id=f"f_{run.id}", title="Weekly check-in", fields=tuple(fields))


async def submit_form(
    flow: CheckinFlow, run: CheckinRun, values: Mapping[str, str]
) -> dict[str, str]:
    """Validate every field first; store all or nothing. Returns field -> error."""
    plan: list[tuple[Mapping[str, Any], Reading, KeyResult | None]] = []
    errors: dict[str, str] = {}
    key_results = await flow.run_key_results(run)
    for question in run.questions:
        kr = key_results.get(question.get("kr_id", 0))
        text = (values.get(question["key"]) or "").strip()
        reading = interpret(question, text, kr, None) if text else blank(question, kr)
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
        await flow.claim(run, waiting, "(in the form)")
    for planned_question, reading, planned_kr in plan:
        await flow.recording.record(run, planned_question, reading, planned_kr)
    await flow.recording.submit(run)
    return {}
