"""The digest in words: its card's sections and chart, and the headlines of its one-line
summary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from statistics import fmean

from bot.core.messages import Chart, Field, Section
from bot.digests.charts import line_chart
from bot.digests.week import SEVERITY, Goals, Quarter, Turned, Weeks, name_of, percent
from bot.goals.progress import progress_bar
from storage.digest import Member

SHOWN_OBJECTIVES = 10  # Slack shows up to ten fields side by side
SHOWN_AT_RISK = 10
CHART_SERIES = 5  # more objectives than this are charted as their average


def objectives_section(goals: Goals) -> Section:
    if not goals.objectives:
        return Section("Objectives", text="No objectives for this quarter yet.")
    fields = []
    for objective in goals.objectives[:SHOWN_OBJECTIVES]:
        now, then = goals.now[objective.id], goals.then[objective.id]
        fields.append(Field(objective.title, f"{_bar(now)} {now}% · {_points(now - then)}"))
    text = f"Average {goals.average}%, {_points(goals.change)} since last week."
    if len(goals.objectives) > SHOWN_OBJECTIVES:
        text += f" The first {SHOWN_OBJECTIVES} of {len(goals.objectives)}:"
    return Section("Objectives", tuple(fields), text)


def at_risk_section(turned: Sequence[Turned], people: Mapping[int, Member]) -> Section:
    title = "Turned at risk or off track"
    if not turned:
        return Section(title, text="No key result turned at risk or off track this week.")
    fields = []
    for item in turned[:SHOWN_AT_RISK]:
        was = "first rated" if item.before == "no status" else f"was {item.before}"
        parts = [
            f"{item.after} ({was})",
            f"confidence {item.confidence}/10",
            f"{percent(item.share)}% done",
        ]
        owner = people.get(item.kr.owner_id or 0)
        if owner is not None:
            parts.append(name_of(owner))
        fields.append(Field(item.kr.title, " · ".join(parts)))
    more = len(turned) - SHOWN_AT_RISK
    return Section(title, tuple(fields), f"And {more} more." if more > 0 else "")


def wins_section(wins: Sequence[Field]) -> Section:
    if not wins:
        return Section("Top wins", text="No wins shared yet this week.")
    return Section("Top wins", tuple(wins))


def chart(goals: Goals, weeks: Weeks, quarter: Quarter) -> Chart:
    """Weekly points back from `now` to the quarter's start: each objective, or their average
    when there are more than CHART_SERIES."""
    charted = slice(-weeks.charted, None)
    labels = [day(when) for when in weeks.instants[charted]]
    objectives = goals.objectives
    if len(objectives) <= CHART_SERIES:
        title = f"Objective progress in {quarter.label} (%)"
        series = [
            (o.title, [100 * share for share in goals.weekly[o.id][charted]]) for o in objectives
        ]
    else:
        title = f"Average progress of {len(objectives)} objectives in {quarter.label} (%)"
        every = zip(*goals.weekly.values(), strict=True)
        series = [("Average", [100 * fmean(shares) for shares in every][charted])]
    return line_chart(title, labels, series, y_min=0, y_max=100)


def objectives_summary(goals: Goals, quarter: Quarter) -> str:
    count = len(goals.objectives)
    if not count:
        return f"no objectives for {quarter.label}"
    change = "no change" if goals.change == 0 else _signed(goals.change)
    noun = "objective" if count == 1 else "objectives"
    return f"{count} {noun}, avg {goals.average}% ({change})"


def turned_summary(turned: Sequence[Turned]) -> str:
    if not turned:
        return ""
    statuses = sorted({t.after for t in turned}, key=SEVERITY.__getitem__)
    noun = "key result" if len(turned) == 1 else "key results"
    return f"{len(turned)} {noun} turned {' or '.join(statuses)}"


def checked_in(done: int, due: int) -> str:
    return f"{done} of {due} checked in" if due else "no check-ins due"


def footer(now: datetime) -> str:
    return f"The week to {day(now, year=True)}. Blockers go to managers only, never here."


def day(when: datetime, *, year: bool = False) -> str:
    moment = when.astimezone(UTC)
    return f"{moment.day} {moment:%b}" + (f" {moment.year}" if year else "")


def _bar(whole_percent: int) -> str:
    return progress_bar(whole_percent / 100)


def _points(change: int) -> str:
    if change == 0:
        return "no change"
    return f"{_signed(change)} {'pt' if abs(change) == 1 else 'pts'}"


def _signed(number: int) -> str:
    return f"+{number}" if number > 0 else f"−{-number}"
