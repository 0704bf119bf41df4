"""The export's check-ins: each period's status and every answer given in it."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from app.export.entries import Emails, Entry, iso
from storage.models import Answer, CheckinRun


def checkin_entries(
    runs: Sequence[CheckinRun],
    answers: Sequence[Answer],
    seen: Collection[int | None],
    email: Emails,
) -> list[Entry]:
    answers_by_run: dict[int, list[Entry]] = {}
    for answer in answers:
        answers_by_run.setdefault(answer.run_id, []).append(
            {
                "question": answer.question_key,
                "number": answer.number,
                "text": answer.text,
                "skipped": answer.skipped,
                "answered_at": iso(answer.answered_at),
            }
        )
    return [
        {
            "person": email.get(r.person_id),
            "period": r.period_label,
            "period_start": iso(r.period_start),
            "period_end": iso(r.period_end),
            "status": r.status,
            "submitted_at": iso(r.submitted_at),
            "answers": answers_by_run.get(r.id or 0, []),
        }
        for r in runs
        if r.person_id in seen
    ]
