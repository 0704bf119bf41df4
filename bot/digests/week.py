"""What a team's week was, from the digest's rows: the objectives' progress week by week, the
key results that turned at risk or off track, who was due and who checked in, and the wins
they shared.

"This week" is the seven days up to `now`, and "last week" how things stood at its start,
rebuilt from the key-result history (bot.goals.history).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from statistics import fmean

from bot.core.messages import Field
from bot.goals.history import GoalHistory
from bot.goals.progress import alignment_tree, progress, status_from_confidence
from storage.digest import DigestRows, KeyResultRow, Member, ObjectiveRow, Run

WEEK = timedelta(days=7)
SHOWN_WINS = 5
WIN_CHARS = 200
# Worse is higher: only a move up this scale "turned" a key result.
SEVERITY = {"no status": 0, "on track": 0, "at risk": 1, "off track": 2}
_NO_WINS = {"", "none", "no", "nothing", "nope", "n/a", "na", "-"}
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Quarter:
    label: str  # "2026-Q4", as Objective.period names it
    start: datetime


def quarter_of(now: datetime) -> Quarter:
    moment = now.astimezone(UTC)
    number = (moment.month - 1) // 3 + 1
    start = datetime(moment.year, 3 * number - 2, 1, tzinfo=UTC)
    return Quarter(f"{moment.year}-Q{number}", start)


class Weeks:
    """Instants a week apart up to `now`: the last `charted` reach back to the quarter's
    start, for the chart, and there are at least two, for the change since a week ago."""

    def __init__(self, quarter: Quarter, now: datetime):
        self.charted = (now - quarter.start) // WEEK + 1
        back = max(self.charted, 2) - 1
        self.instants = [now - WEEK * weeks for weeks in range(back, -1, -1)]


class Goals:
    """The objectives' progress at each of the weeks' instants (0..1), and now and a week ago
    in whole percents."""

    def __init__(self, objectives: Sequence[ObjectiveRow], weekly: Mapping[int, Sequence[float]]):
        self.objectives = objectives
        self.weekly = weekly
        self.now = {i: percent(shares[-1]) for i, shares in weekly.items()}
        self.then = {i: percent(shares[-2]) for i, shares in weekly.items()}
        # The change is between the averages as each week's digest shows them.
        self.average = _half_up(_average(self.now))
        self.change = self.average - _half_up(_average(self.then))


@dataclass(frozen=True)
class Turned:
    kr: KeyResultRow
    before: str
    after: str
    confidence: int | None
    share: float  # progress now, 0..1


def turned_at_risk(
    key_results: Sequence[KeyResultRow], history: GoalHistory, now: datetime
) -> list[Turned]:
    """Active key results whose status got worse this week and is now at risk or off track,
    comparing the confidence a week ago with today's (ups and downs in between don't count)."""
    turned = []
    for kr in key_results:
        if not kr.active:
            continue
        confidence = history.confidence(kr, now)
        before = status_from_confidence(history.confidence(kr, now - WEEK))
        after = status_from_confidence(confidence)
        if SEVERITY[after] > SEVERITY[before]:
            share = progress(kr.kind, kr.start, kr.target, history.value(kr, now))
            turned.append(Turned(kr, before, after, confidence, share))
    return sorted(turned, key=lambda t: (-SEVERITY[t.after], t.kr.id or 0))


def participation(
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


def wins(
    rows: DigestRows, done: Sequence[Run], people: Mapping[int, Member], now: datetime
) -> list[Field]:
    """The first few wins of the check-ins submitted this week, earliest submitted first."""
    runs = {run.id: run for run in done}
    shared = []
    for answer in rows.answers:
        run = runs.get(answer.run_id)
        if run is None or not _during_week(run, now) or answer.skipped:
            continue
        name = name_of(people[run.person_id])
        when = run.submitted_at or run.period_start
        shared.append((when, name.lower(), name, answer.text or ""))
    shared.sort(key=lambda item: (item[0], item[1]))
    found: list[Field] = []
    # In order, so that only the few shown are tidied (a whole org has thousands).
    for _, _, name, text in shared:
        line = _one_line(text)
        if line.lower().rstrip(".!") not in _NO_WINS:
            found.append(Field(name, line))
        if len(found) == SHOWN_WINS:
            break
    return found


def in_reading_order(objectives: Sequence[ObjectiveRow]) -> list[ObjectiveRow]:
    """Top-level objectives first, then what aligns to them, so a cut list keeps the roots."""
    rows = sorted(alignment_tree(objectives), key=lambda row: row.depth)
    by_id: dict[int | None, ObjectiveRow] = {o.id: o for o in objectives}
    return [by_id[row.objective.id] for row in rows]


def percent(fraction: float) -> int:
    return round(fraction * 100)


def name_of(member: Member) -> str:
    return member.name or member.email


def _average(shares: Mapping[int, float]) -> float:
    return fmean(shares.values()) if shares else 0.0


def _half_up(number: float) -> int:
    return math.floor(number + 0.5)


def _one_line(text: str) -> str:
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= WIN_CHARS else text[: WIN_CHARS - 1].rstrip() + "…"
