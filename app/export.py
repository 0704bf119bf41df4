"""`checkin-bot export`: the org's people, goals with history, and check-ins, as JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.goals import progress, rollup, status_from_confidence
from storage.db import Database
from storage.repository import Store


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


async def export_org(database: Database, tenant_id: str, now: datetime) -> dict[str, Any]:
    async with database.session() as session:
        store = Store(session)
        tenant = await store.tenant(tenant_id)
        if tenant is None:
            raise LookupError(f"no org called {tenant_id!r} in this database")
        people = await store.people(tenant_id)
        objectives = await store.objectives(tenant_id)
        key_results = await store.all_key_results(tenant_id)
        changes = await store.changes(tenant_id)
        runs = await store.runs(tenant_id)
        identities = await store.identities(tenant_id)
        answers = await store.all_answers(tenant_id)

    email = {p.id: p.email for p in people}
    accounts: dict[int, list[dict[str, Any]]] = {}
    for identity in identities:
        accounts.setdefault(identity.person_id, []).append(
            {
                "platform": identity.platform,
                "user": identity.external_user_id,
                "reachable": identity.reachable,
            }
        )
    objective_key = {o.id: o.key for o in objectives}
    run_label = {r.id: r.period_label for r in runs}
    totals = rollup(objectives, key_results)
    history: dict[int, list[dict[str, Any]]] = {}
    for change in changes:
        history.setdefault(change.key_result_id, []).append(
            {
                "field": change.field,
                "old": change.old_value,
                "new": change.new_value,
                "at": _iso(change.changed_at),
                "by": email.get(change.author_id),
                "source": change.source,
                "checkin_period": run_label.get(change.checkin_run_id),
            }
        )
    answers_by_run: dict[int, list[dict[str, Any]]] = {}
    for answer in answers:
        answers_by_run.setdefault(answer.run_id, []).append(
            {
                "question": answer.question_key,
                "number": answer.number,
                "text": answer.text,
                "skipped": answer.skipped,
                "answered_at": _iso(answer.answered_at),
            }
        )

    def key_result(kr: Any) -> dict[str, Any]:
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
            "active": kr.active,
            "status": status_from_confidence(kr.confidence),
            "progress": round(progress(kr.kind, kr.start, kr.target, kr.current), 4),
            "history": history.get(kr.id, []),
        }

    return {
        "org": {"id": tenant.id, "name": tenant.name, "platform": tenant.platform},
        "exported_at": now.isoformat(),
        "people": [
            {
                "email": p.email,
                "name": p.name,
                "manager": email.get(p.manager_id),
                "team": p.team,
                "timezone": p.timezone,
                "checkin_days": p.checkin_days,
                "checkin_time": p.checkin_time,
                "cadence_weeks": p.cadence_weeks,
                "admin": p.is_admin,
                "active": p.active,
                "accounts": accounts.get(p.id or 0, []),
            }
            for p in people
        ],
        "objectives": [
            {
                "id": o.key,
                "title": o.title,
                "period": o.period,
                "level": o.level,
                "team": o.team,
                "owner": email.get(o.owner_id),
                "parent": objective_key.get(o.parent_id),
                "weight": o.weight,
                "progress": round(totals.get(o.id or 0, 0.0), 4),
                "key_results": [key_result(kr) for kr in key_results if kr.objective_id == o.id],
            }
            for o in objectives
        ],
        "checkins": [
            {
                "person": email.get(r.person_id),
                "period": r.period_label,
                "period_start": _iso(r.period_start),
                "period_end": _iso(r.period_end),
                "status": r.status,
                "submitted_at": _iso(r.submitted_at),
                "answers": answers_by_run.get(r.id or 0, []),
            }
            for r in runs
        ],
    }
