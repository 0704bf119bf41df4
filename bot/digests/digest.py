"""The weekly goal digest (SPEC 2.5): a team's objectives with progress bars and the change
since last week, key results that turned at risk or off track, top wins, who checked in, and a
chart of the quarter. Never blockers: only the wins answers are loaded at all.

"This week" is the seven days up to `now`, and "last week" how things stood at its start,
rebuilt from the key-result history (bot.goals.history). It is meant for a channel: a one-line
summary, and a card with the details.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from statistics import fmean

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.messages import Card, Chart, Field, Section
from bot.digests.charts import line_chart
from bot.goals.history import GoalHistory
from bot.goals.progress import alignment_tree, progress, progress_bar, status_from_confidence
from storage.digest import DigestRows, KeyResultRow, Member, ObjectiveRow, Run, load_digest_rows

WINS_KEY = "wins"  # the closing question whose answers may be shared (bot/checkins/questions.py)
WEEK = timedelta(days=7)
SHOWN_OBJECTIVES = 10  # Slack shows up to ten fields side by side
SHOWN_AT_RISK = 10
SHOWN_WINS = 5
WIN_CHARS = 200
CHART_SERIES = 5  # more objectives than this are charted as their average
# Worse is higher: only a move up this scale "turned" a key result.
_SEVERITY = {"no status": 0, "on track": 0, "at risk": 1, "off track": 2}
_NO_WINS = {"", "none", "no", "nothing", "nope", "n/a", "na", "-"}
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Digest:
    """`summary` is one line (Slack posts it and threads the card under it); `card` is all."""

    summary: str
    card: Card


@dataclass(frozen=True)
class Quarter:
    label: str  # "2026-Q4", as Objective.period names it
    start: datetime


def quarter_of(now: datetime) -> Quarter:
    moment = now.astimezone(UTC)
    number = (moment.month - 1) // 3 + 1
    start = datetime(moment.year, 3 * number - 2, 1, tzinfo=UTC)
    return Quarter(f"{moment.year}-Q{number}", start)


async def build_digest(
    session: AsyncSession, tenant_id: str, team: str | None, now: datetime
) -> Digest:
    """The digest of `team` (Person.team; None for the whole org) for the week up to `now`."""
    quarter = quarter_of(now)
    rows = await load_digest_rows(
        session,
        tenant_id,
        team,
        quarter=quarter.label,
        since=min(quarter.start, now - WEEK),
        week_start=now - WEEK,
        now=now,
        answer_key=WINS_KEY,
    )
    return shape_digest(rows, team, quarter, now)


def shape_digest(rows: DigestRows, team: str | None, quarter: Quarter, now: datetime) -> Digest:
    name = team if team is not None else "Everyone"
    history = GoalHistory(rows.objectives, rows.key_results, rows.changes)
    weeks = _Weeks(quarter, now)
    goals = _Goals(_in_reading_order(rows.objectives), history.progress_at(weeks.instants))
    people = {member.id: member for member in rows.people}
    turned = _turned_at_risk(rows.key_results, history, now)
    due, done = _participation(rows.runs, people, now)
    card = Card(
        f"{name}: weekly digest",
        (
            _objectives_section(goals),
            _at_risk_section(turned, people),
            _wins_section(_wins(rows, done, people, now)),
            Section("Check-ins", text=_checked_in(len(done), due) + "."),
        ),
        footer=f"The week to {_day(now, year=True)}. Blockers go to managers only, never here.",
        chart=_chart(goals, weeks, quarter) if goals.objectives else None,
    )
    headlines = (
        _objectives_summary(goals, quarter),
        _checked_in(len(done), due),
        _turned_summary(turned),
    )
    return Digest(f"{name} this week: " + ", ".join(h for h in headlines if h), card)


# -- the parts ------------------------------------------------------------------------------


class _Weeks:
    """Instants a week apart up to `now`: the last `charted` reach back to the quarter's
    start, for the chart, and there are at least two, for the change since a week ago."""

    def __init__(self, quarter: Quarter, now: datetime):
        self.charted = (now - quarter.start) // WEEK + 1
        back = max(self.charted, 2) - 1
        self.instants = [now - WEEK * weeks for weeks in range(back, -1, -1)]


class _Goals:
    """The objectives' progress at each of the weeks' instants (0..1), and now and a week ago
    in whole percents."""

    def __init__(self, objectives: Sequence[ObjectiveRow], weekly: Mapping[int, Sequence[float]]):
        self.objectives = objectives
        self.weekly = weekly
        self.now = {i: _percent(shares[-1]) for i, shares in weekly.items()}
        self.then = {i: _percent(shares[-2]) for i, shares in weekly.items()}
        # The change is between the averages as each week's digest shows them.
        self.average = _half_up(_average(self.now))
        self.change = self.average - _half_up(_average(self.then))


@dataclass(frozen=True)
class _Turned:
    kr: KeyResultRow
    before: str
    after: str
    confidence: int | None
    share: float  # progress now, 0..1


def _turned_at_risk(
    key_results: Sequence[KeyResultRow], history: GoalHistory, now: datetime
) -> list[_Turned]:
    """Active key results whose status got worse this week and is now at risk or off track,
    comparing the confidence a week ago with today's (ups and downs in between don't count)."""
    turned = []
    for kr in key_results:
        if not kr.active:
            continue
        confidence = history.confidence(kr, now)
        before = status_from_confidence(history.confidence(kr, now - WEEK))
        after = status_from_confidence(confidence)
        if _SEVERITY[after] > _SEVERITY[before]:
            share = progress(kr.kind, kr.start, kr.target, history.value(kr, now))
            turned.append(_Turned(kr, before, after, confidence, share))
    return sorted(turned, key=lambda t: (-_SEVERITY[t.after], t.kr.id or 0))


def _participation(
    runs: Sequence[Run], people: Mapping[int, Member], now: datetime
) -> tuple[int, list[Run]]:
    """How many were due (active, not paused, not skipping this one) and each one's check-in of
    the week: the latest run begun, if submitted, or else the latest submitted during the week.
    So a run begun just before a Monday digest (a Monday cadence east of the org's time zone, or
    the same minute) doesn't hide the answer given last week. Someone who hasn't started is due."""
    latest: dict[int, Run] = {}
    answered: dict[int, Run] = {}
    for run in runs:
        member = people.get(run.person_id)
        if member is None or not member.active:
            continue
        chosen = [latest]
        if run.status == "submitted" and _during_week(run, now):
            chosen.append(answered)
        for best in chosen:
            before = best.get(run.person_id)
            if before is None or run.period_start > before.period_start:
                best[run.person_id] = run
    today = now.date().isoformat()
    due = 0
    done = []
    for member in people.values():
        started = latest.get(member.id)
        if started is not None and started.status == "submitted":
            done.append(started)
        elif member.id in answered:
            done.append(answered[member.id])
        elif (
            not member.active
            or (started is not None and started.status == "skipped")
            or (member.paused_until is not None and member.paused_until >= today and not started)
        ):
            continue
        due += 1
    return due, done


def _during_week(run: Run, now: datetime) -> bool:
    return run.submitted_at is not None and now - WEEK < run.submitted_at <= now


def _wins(
    rows: DigestRows, done: Sequence[Run], people: Mapping[int, Member], now: datetime
) -> list[Field]:
    """The first few wins of the check-ins submitted this week, earliest submitted first."""
    runs = {run.id: run for run in done}
    shared = []
    for answer in rows.answers:
        run = runs.get(answer.run_id)
        if run is None or not _during_week(run, now) or answer.skipped:
            continue
        name = _name(people[run.person_id])
        when = run.submitted_at or run.period_start
        shared.append((when, name.lower(), name, answer.text or ""))
    shared.sort(key=lambda item: (item[0], item[1]))
    wins: list[Field] = []
    # In order, so that only the few shown are tidied (a whole org has thousands).
    for _, _, name, text in shared:
        line = _one_line(text)
        if line.lower().rstrip(".!") not in _NO_WINS:
            wins.append(Field(name, line))
        if len(wins) == SHOWN_WINS:
            break
    return wins


def _objectives_section(goals: _Goals) -> Section:
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


def _at_risk_section(turned: Sequence[_Turned], people: Mapping[int, Member]) -> Section:
    title = "Turned at risk or off track"
    if not turned:
        return Section(title, text="No key result turned at risk or off track this week.")
    fields = []
    for item in turned[:SHOWN_AT_RISK]:
        was = "first rated" if item.before == "no status" else f"was {item.before}"
        parts = [
            f"{item.after} ({was})",
            f"confidence {item.confidence}/10",
            f"{_percent(item.share)}% done",
        ]
        owner = people.get(item.kr.owner_id or 0)
        if owner is not None:
            parts.append(_name(owner))
        fields.append(Field(item.kr.title, " · ".join(parts)))
    more = len(turned) - SHOWN_AT_RISK
    return Section(title, tuple(fields), f"And {more} more." if more > 0 else "")


def _wins_section(wins: Sequence[Field]) -> Section:
    if not wins:
        return Section("Top wins", text="No wins shared yet this week.")
    return Section("Top wins", tuple(wins))


def _chart(goals: _Goals, weeks: _Weeks, quarter: Quarter) -> Chart:
    """Weekly points back from `now` to the quarter's start: each objective, or their average
    when there are more than CHART_SERIES."""
    charted = slice(-weeks.charted, None)
    labels = [_day(when) for when in weeks.instants[charted]]
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


# -- words ----------------------------------------------------------------------------------


def _objectives_summary(goals: _Goals, quarter: Quarter) -> str:
    count = len(goals.objectives)
    if not count:
        return f"no objectives for {quarter.label}"
    change = "no change" if goals.change == 0 else _signed(goals.change)
    noun = "objective" if count == 1 else "objectives"
    return f"{count} {noun}, avg {goals.average}% ({change})"


def _turned_summary(turned: Sequence[_Turned]) -> str:
    if not turned:
        return ""
    statuses = sorted({t.after for t in turned}, key=_SEVERITY.__getitem__)
    noun = "key result" if len(turned) == 1 else "key results"
    return f"{len(turned)} {noun} turned {' or '.join(statuses)}"


def _checked_in(done: int, due: int) -> str:
    return f"{done} of {due} checked in" if due else "no check-ins due"


def _in_reading_order(objectives: Sequence[ObjectiveRow]) -> list[ObjectiveRow]:
    """Top-level objectives first, then what aligns to them, so a cut list keeps the roots."""
    rows = sorted(alignment_tree(objectives), key=lambda row: row.depth)
    by_id: dict[int | None, ObjectiveRow] = {o.id: o for o in objectives}
    return [by_id[row.objective.id] for row in rows]


def _average(shares: Mapping[int, float]) -> float:
    return fmean(shares.values()) if shares else 0.0


def _percent(fraction: float) -> int:
    return round(fraction * 100)


def _half_up(number: float) -> int:
    return math.floor(number + 0.5)


def _bar(percent: int) -> str:
    return progress_bar(percent / 100)


def _points(change: int) -> str:
    if change == 0:
        return "no change"
    return f"{_signed(change)} {'pt' if abs(change) == 1 else 'pts'}"


def _signed(number: int) -> str:
    return f"+{number}" if number > 0 else f"−{-number}"


def _day(when: datetime, *, year: bool = False) -> str:
    moment = when.astimezone(UTC)
    return f"{moment.day} {moment:%b}" + (f" {moment.year}" if year else "")


def _one_line(text: str) -> str:
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= WIN_CHARS else text[: WIN_CHARS - 1].rstrip() + "…"


def _name(member: Member) -> str:
    return member.name or member.email
