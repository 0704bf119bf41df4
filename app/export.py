"""`checkin-bot export`: the org's people, goals with history, check-ins, feedback and survey
aggregates, as JSON. Anonymous feedback goes out as its requester sees it, and surveys only as
the aggregates their rounds allowed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.anonymity import TOO_FEW
from bot.goals import progress, rollup, status_from_confidence
from bot.pulse import question_results
from storage.db import Database
from storage.feedback import FeedbackStore
from storage.models import (
    FeedbackAnswer,
    FeedbackInvite,
    FeedbackRequest,
    Survey,
    SurveyResponse,
    SurveyRound,
)
from storage.pulse import PulseStore
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
        feedback = await _feedback(session, tenant_id)
        surveys = await _surveys(session, tenant_id)

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
        "feedback": [_feedback_entry(*entry, email) for entry in feedback],
        "surveys": [_survey_entry(survey, rounds, email) for survey, rounds in surveys],
    }


async def _feedback(
    session: AsyncSession, tenant_id: str
) -> list[tuple[FeedbackRequest, Sequence[FeedbackInvite], Sequence[FeedbackAnswer]]]:
    store = FeedbackStore(session)
    return [
        (request, await store.invites_of(request), await store.answers(request))
        for request in await store.all_requests(tenant_id)
    ]


def _feedback_entry(
    request: FeedbackRequest,
    invites: Sequence[FeedbackInvite],
    answers: Sequence[FeedbackAnswer],
    email: Mapping[int | None, str],
) -> dict[str, Any]:
    """A request as its requester may see it: anonymous answers only once released, with
    no giver and no time; and for an anonymous request, not who has answered either."""
    entry: dict[str, Any] = {
        "id": request.id,
        "kind": request.kind,
        "requester": email.get(request.requester_id),
        "subject": email.get(request.subject_id),
        "anonymous": request.anonymous,
        "status": request.status,
        "due": request.due_on,
        "shared_with_subject": request.shared_with_subject,
        "questions": request.questions,
        "givers_asked": sorted(email.get(i.giver_id, "") for i in invites),
        "answered": sum(1 for i in invites if i.answered),
    }
    if request.anonymous:
        entry["answers"] = [{"answers": a.answers} for a in answers if a.released]
    else:
        entry["answers"] = [
            {"giver": email.get(a.giver_id), "at": _iso(a.created_at), "answers": a.answers}
            for a in answers
        ]
    return entry


async def _surveys(
    session: AsyncSession, tenant_id: str
) -> list[tuple[Survey, list[tuple[SurveyRound, Sequence[SurveyResponse]]]]]:
    store = PulseStore(session)
    found = []
    for survey in reversed(await store.surveys(tenant_id)):
        rounds = [(r, await store.responses(r)) for r in await store.rounds(survey)]
        found.append((survey, rounds))
    return found


def _survey_entry(
    survey: Survey,
    rounds: Sequence[tuple[SurveyRound, Sequence[SurveyResponse]]],
    email: Mapping[int | None, str],
) -> dict[str, Any]:
    """Aggregates only, and only for the groups the round's close allowed to be shown."""
    return {
        "id": survey.id,
        "title": survey.title,
        "sent_by": email.get(survey.creator_id),
        "audience": survey.audience,
        "every_weeks": survey.every_weeks,
        "questions": survey.questions,
        "rounds": [
            {
                "number": survey_round.number,
                "opened_at": _iso(survey_round.opened_at),
                "closes_at": _iso(survey_round.closes_at),
                "status": survey_round.status,
                "k": survey_round.k,
                "groups": [
                    _group_entry(survey, survey_round, slice_id, responses)
                    for slice_id in survey_round.slices
                ],
            }
            for survey_round, responses in rounds
        ],
    }


def _group_entry(
    survey: Survey,
    survey_round: SurveyRound,
    slice_id: str,
    responses: Sequence[SurveyResponse],
) -> dict[str, Any]:
    group = survey_round.slices[slice_id]
    entry: dict[str, Any] = {
        "name": group["name"],
        "invited": len(group["members"]),
        "shown": bool(group.get("shown")),
    }
    if survey_round.status != "closed":
        entry["note"] = "results are shown once the round closes"
        return entry
    if not group.get("shown"):
        entry["note"] = group.get("reason") or TOO_FEW
        return entry
    mine = [r for r in responses if slice_id in r.slices]
    entry["responded"] = len(mine)
    entry["questions"] = [
        {
            "question": question["text"],
            "kind": result.kind,
            "count": result.count,
            "distribution": {str(b): n for b, n in result.distribution.items()},
            "mean": None if result.mean is None else round(result.mean, 2),
            "enps": result.enps,
            "comments": list(result.comments),
        }
        for question, result in question_results(survey, mine)
    ]
    return entry
