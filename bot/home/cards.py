"""Neutral cards the engine shows: the check-in summary, my goals, help."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.checkins import questions as q
from bot.checkins.cadence import friendly_day
from bot.core.messages import Card, Field, Section
from bot.goals.progress import (
    alignment_tree,
    format_value,
    progress,
    progress_bar,
    rollup,
    status_from_confidence,
)
from storage.models import Answer, CheckinRun, KeyResult, KeyResultChange, Objective

MOOD_WORDS = {1: "😞 1/5", 2: "🙁 2/5", 3: "😐 3/5", 4: "🙂 4/5", 5: "😀 5/5"}


def summary_card(
    run: CheckinRun,
    answers: Mapping[str, Answer],
    key_results: Mapping[int, KeyResult],
    changes: Sequence[KeyResultChange],
) -> Card:
    first_value: dict[int, float | None] = {}
    for change in changes:
        if change.field == "value":
            first_value.setdefault(change.key_result_id, change.old_value)
    kr_fields = []
    closing = []
    for question in run.questions:
        answer = answers.get(question["key"])
        if question["kind"] == q.KR_VALUE:
            kr = key_results.get(question["kr_id"])
            if kr is not None:
                kr_fields.append(Field(kr.title, _kr_line(kr, answer, first_value)))
        elif question["kind"] == q.FREE_TEXT:
            closing.append(Field(question["text"], _text_answer(answer)))
        elif question["kind"] == q.MOOD:
            mood = answer.number if answer is not None and not answer.skipped else None
            closing.append(Field("Mood", MOOD_WORDS.get(int(mood), "—") if mood else "skipped"))
    sections = []
    if kr_fields:
        sections.append(Section("Key results", tuple(kr_fields)))
    sections.append(Section("Your answers", tuple(closing)))
    return Card(
        title=f"✅ Check-in saved for the week of {friendly_day(run.period_label)}",
        sections=tuple(sections),
        footer="Type checkin edit to change anything until the next check-in opens.",
    )


def _kr_line(kr: KeyResult, answer: Answer | None, first_value: Mapping[int, float | None]) -> str:
    now = format_value(kr.kind, kr.current, kr.unit)
    if answer is None or answer.skipped:
        moved = f"{now} (skipped)"
    elif kr.id is not None and kr.id in first_value:
        moved = f"{format_value(kr.kind, first_value[kr.id], kr.unit)} → {now}"
    else:
        moved = f"{now} (no change)"
    share = round(progress(kr.kind, kr.start, kr.target, kr.current) * 100)
    confidence = f"confidence {kr.confidence}/10" if kr.confidence is not None else "no confidence"
    return f"{moved} · {share}% · {confidence}, {status_from_confidence(kr.confidence)}"


def _text_answer(answer: Answer | None) -> str:
    if answer is None or answer.skipped:
        return "skipped"
    return answer.text or "none"


def goals_card(
    objectives: Sequence[Objective],
    key_results: Sequence[KeyResult],
    owner_id: int | None,
    include: set[int | None] | None = None,
) -> Card:
    """My goals: the objectives I own or hold key results in (and any in `include`), with
    their aligned parents."""
    mine_ids: set[int | None] = set(include or ())
    if owner_id is not None:
        mine_ids |= {o.id for o in objectives if o.owner_id == owner_id}
        mine_ids |= {kr.objective_id for kr in key_results if kr.owner_id == owner_id and kr.active}
    if not mine_ids:
        return Card(
            "Your goals",
            (Section("", text="You own no goals yet. Ask your admin to import them."),),
        )
    by_id = {o.id: o for o in objectives}
    shown: set[int | None] = set()
    for objective_id in mine_ids:
        node = by_id.get(objective_id)
        while node is not None and node.id not in shown:
            shown.add(node.id)
            node = by_id.get(node.parent_id) if node.parent_id else None
    visible = [o for o in objectives if o.id in shown]
    totals = rollup(visible, key_results)
    sections = []
    for row in alignment_tree(visible):
        objective: Any = row.objective
        indent = "  " * row.depth
        share = totals.get(objective.id, 0.0)
        bar = f"{progress_bar(share)} {round(share * 100)}%"
        title = f"{indent}{objective.title} ({objective.period}) {bar}"
        fields = tuple(
            Field(f"{indent}  {kr.title}", _kr_status(kr))
            for kr in key_results
            if kr.objective_id == objective.id and kr.active
        )
        sections.append(Section(title, fields))
    return Card("Your goals", tuple(sections), footer="Type checkin now to update them.")


def _kr_status(kr: KeyResult) -> str:
    share = round(progress(kr.kind, kr.start, kr.target, kr.current) * 100)
    value = format_value(kr.kind, kr.current, kr.unit)
    target = format_value(kr.kind, kr.target, kr.unit)
    reached = value if kr.kind == "binary" else f"{value} of {target}"
    return f"{reached} · {share}% · {status_from_confidence(kr.confidence)}"


def home_card(
    status: str, goals: Card, owed: Sequence[Field] = (), team: str | None = None
) -> Card:
    """My home: this period's check-in, what I owe, my team (managers), then my goals."""
    sections = [Section("This period", text=status)]
    if owed:
        sections.append(Section("Waiting for you", tuple(owed)))
    if team:
        sections.append(Section("Your team", text=team))
    return Card("Your check-ins and goals", (*sections, *goals.sections), footer=goals.footer)


HELP_ROWS: tuple[tuple[str, str], ...] = (
    ("checkin now", "start this period's check-in (or the next one early)"),
    ("checkin edit", "go over this period's answers again"),
    ("checkin skip", "skip this period's check-in"),
    ("checkin pause 2026-12-31", "no check-ins until that day"),
    ("checkin resume", "check-ins again"),
    ("checkin schedule mon,thu 09:30", "your days and time (add: every 2 weeks)"),
    ("checkin reminders off", "no reminder nudges (on to undo)"),
    ("goals", "your goals and how they're going"),
    ("checkin team / goals team", "managers: the team's week (status, blockers) and goals"),
    ("feedback request @ana from @ben @cy", "ask for feedback (add: anonymous, due friday)"),
    ("feedback give @ana", "tell someone something, unasked"),
    ("feedback inbox", "feedback you owe and feedback you got"),
    ("pulse send engagement to my org", "an anonymous pulse survey (admins and managers)"),
    ("pulse results", "a survey's results, once it has closed"),
    ("home", "your check-in, what's waiting for you, your team and goals"),
    ("help", "this list"),
)


FEEDBACK_HELP: tuple[tuple[str, str], ...] = (
    ("feedback request @ana from @ben @cy @dee", "ask three people for feedback on Ana"),
    ("… anonymous", "answers without names, shown once three have answered"),
    ("… due friday", "when answers are due (a date like 2026-12-04 works too); a week if unsaid"),
    ("feedback request me from @ben", "feedback on yourself"),
    ("feedback give @ana", "feedback Ana didn't ask for, with your name"),
    ("feedback inbox", "what you owe, what you asked for, what you got"),
    ("feedback share 12", "let the person request 12 is about read its answers"),
)


PULSE_HELP: tuple[tuple[str, str], ...] = (
    ("pulse send engagement", "a ready-made survey: engagement, wellbeing or meetings"),
    ("… to my org / to team Platform / to everyone", "who gets it (everyone: admins only)"),
    ("… every 2 weeks", "a new round every 1, 2 or 4 weeks"),
    ("… for 5 days", "how long a round stays open (3 days if unsaid)"),
    ("pulse send to my org: likert Goals are clear; text Ideas?", "your own questions"),
    ("question types", "likert (1–5), enps (0–10), choice Q? | a | b, multi Q? | a | b, text"),
    ("pulse results 3 team Platform", "survey 3's results for one team, once it closes"),
)


def pulse_help() -> Card:
    fields = tuple(Field(command, meaning) for command, meaning in PULSE_HELP)
    text = (
        "Answers are anonymous: stored without names, and results are shown only for groups "
        "big enough (5 by default) that no one can be picked out, even by comparing two groups."
    )
    return Card("Pulse surveys", (Section("", fields, text),))


def feedback_help() -> Card:
    fields = tuple(Field(command, meaning) for command, meaning in FEEDBACK_HELP)
    text = (
        "You can ask about yourself, and managers about the people who report to them, "
        "directly or further down. Admins can ask about anyone."
    )
    return Card("Feedback", (Section("", fields, text),))


def help_card(note: str | None = None) -> Card:
    fields = tuple(Field(command, meaning) for command, meaning in HELP_ROWS)
    text = note or ""
    return Card(
        "What I can do",
        (Section("", fields, text),),
        footer="While a check-in question is waiting, just type your answer.",
    )
