"""The export's goals: objectives with their progress, and their key results with every change
made to them (who, when, from a check-in or an import)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.export.entries import Emails, Entry, iso
from bot.goals.progress import objective_grade, progress, rollup, status_from_confidence
from storage.models import CheckinRun, KeyResult, KeyResultChange, Objective


def objective_entries(
    objectives: Sequence[Objective],
    key_results: Sequence[KeyResult],
    changes: Sequence[KeyResultChange],
    runs: Sequence[CheckinRun],
    email: Emails,
) -> list[Entry]:
    objective_key = {o.id: o.key for o in objectives}
    totals = rollup(objectives, key_results)
    history = _history(changes, runs, email)
    return [
        {
            "id": o.key,
            "number": o.id,  # as chat names it: #12
            "title": o.title,
            "period": o.period,
            "level": o.level,
            "team": o.team,
            "owner": email.get(o.owner_id),
            "parent": objective_key.get(o.parent_id),
            "weight": o.weight,
            "progress": round(totals.get(o.id or 0, 0.0), 4),
            "archived": o.archived,
            "closed_at": iso(o.closed_at) if o.closed_at else None,
            "grade": objective_grade(o, key_results),
            "learned": o.learned,
            "carried_from": objective_key.get(o.carried_from_id),
            "key_results": [
                _key_result(kr, history, email) for kr in key_results if kr.objective_id == o.id
            ],
        }
        for o in objectives
    ]


def _history(
    changes: Sequence[KeyResultChange], runs: Sequence[CheckinRun], email: Emails
) -> dict[int | None, list[Entry]]:
    """Each key result's changes, oldest first, by the key result's id."""
    run_label = {r.id: r.period_label for r in runs}
    history: dict[int | None, list[Entry]] = {}
    for change in changes:
        history.setdefault(change.key_result_id, []).append(
            {
                "field": change.field,
                "old": change.old_value,
                "new": change.new_value,
                "at": iso(change.changed_at),
                "by": email.get(change.author_id),
                "source": change.source,
                "checkin_period": run_label.get(change.checkin_run_id),
            }
        )
    return history


def _key_result(kr: KeyResult, history: Mapping[int | None, list[Entry]], email: Emails) -> Entry:
    return {
        "id": kr.key,
        "title": kr.title,
        "owner": email.get(kr.owner_id),
        "metric": kr.kind,
        "start": kr.start,
        "target": kr.target,
        "current": kr.current,
        "unit": kr.unit,
        "weight": kr.weight,
        "confidence": kr.confidence,
        "grade": kr.grade,
        "active": kr.active,
        "status": status_from_confidence(kr.confidence),
        "progress": round(progress(kr.kind, kr.start, kr.target, kr.current), 4),
        "history": history.get(kr.id, []),
    }
