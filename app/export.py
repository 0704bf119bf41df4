"""`checkin-bot export`: the org's people, goals with history, check-ins, feedback and survey
aggregates, as JSON. Anonymous feedback goes out as its requester sees it, and surveys only as
the aggregates their rounds allowed.

With a viewer, only what that person may see in the bot (`bot.privacy.visibility`); without one, the
operator's export: everything (whoever runs it on the server holds the database anyway)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.goals.progress import progress, rollup, status_from_confidence
from bot.privacy.pulse_slices import TOO_FEW
from bot.privacy.visibility import (
    GIVER,
    REQUESTER,
    SUBJECT,
    FeedbackView,
    feedback_view,
    people_seen,
)
from bot.pulse.flow import may_see_group, question_results
from storage.db import Database
from storage.feedback import FeedbackStore
from storage.models import (
    FeedbackAnswer,
    FeedbackInvite,
    FeedbackRequest,
    Person,
    Survey,
    SurveyResponse,
    SurveyRound,
)
from storage.pulse import PulseStore
from storage.repository import Store


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


async def export_org(
    database: Database, tenant_id: str, now: datetime, viewer_email: str | None = None
) -> dict[str, Any]:
    """The org's data; with `viewer_email`, only what that person may see.

    A fixed number of queries, however many people, requests and rounds there are.
    """
    async with database.session() as session:
        store = Store(session)
        tenant = await store.tenant(tenant_id)
        if tenant is None:
            raise LookupError(f"no org called {tenant_id!r} in this database")
        people = await store.people(tenant_id)
        viewer = None if viewer_email is None else _viewer(people, viewer_email, tenant_id)
        objectives = await store.objectives(tenant_id)
        key_results = await store.all_key_results(tenant_id)
        changes = await store.changes(tenant_id)
        runs = await store.runs(tenant_id)
        identities = await store.identities(tenant_id)
        answers = await store.all_answers(tenant_id)
        feedback = await _feedback(session, tenant_id)
        surveys = await _surveys(session, tenant_id)

    email = {p.id: p.email for p in people}
    by_id = {p.id: p for p in people if p.id is not None}
    seen = set(by_id) if viewer is None else people_seen(viewer, by_id)
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
        "viewer": None if viewer is None else viewer.email,
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
            if p.id in seen
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
            if r.person_id in seen
        ],
        "feedback": _feedback_entries(feedback, email, viewer),
        "surveys": _survey_entries(surveys, email, viewer, by_id),
    }


def _viewer(people: Sequence[Person], wanted: str, tenant_id: str) -> Person:
    """The person whose export this is, by email whatever its case; exactly as typed wins
    when two people differ in case alone."""
    wanted = wanted.strip()
    found = [p for p in people if p.email.lower() == wanted.lower()]
    exact = [p for p in found if p.email == wanted]
    if len(found) > 1 and len(exact) != 1:
        listed = ", ".join(sorted(p.email for p in found))
        raise LookupError(f"{len(found)} people match {wanted}: {listed}; give it exactly")
    if not found:
        raise LookupError(f"no one with the email {wanted} in {tenant_id}")
    person = exact[0] if exact else found[0]
    if not person.active:
        raise LookupError(
            f"{person.email} is no longer active in {tenant_id}, so the bot shows them nothing; "
            "leave out --as for the whole org"
        )
    return person


async def _feedback(
    session: AsyncSession, tenant_id: str
) -> list[tuple[FeedbackRequest, Sequence[FeedbackInvite], Sequence[FeedbackAnswer]]]:
    store = FeedbackStore(session)
    requests = await store.all_requests(tenant_id)
    invites: dict[int, list[FeedbackInvite]] = {}
    for invite in await store.all_invites(tenant_id):
        invites.setdefault(invite.request_id, []).append(invite)
    answers: dict[int, list[FeedbackAnswer]] = {}
    for answer in await store.all_answers(tenant_id):
        answers.setdefault(answer.request_id, []).append(answer)
    return [(r, invites.get(r.id or 0, []), answers.get(r.id or 0, [])) for r in requests]


def _feedback_entries(
    feedback: Sequence[tuple[FeedbackRequest, Sequence[FeedbackInvite], Sequence[FeedbackAnswer]]],
    email: Mapping[int | None, str],
    viewer: Person | None,
) -> list[dict[str, Any]]:
    viewer_id = None if viewer is None else viewer.id
    entries = []
    for request, invites, answers in feedback:
        view: FeedbackView | None = REQUESTER
        if viewer is not None:
            view = feedback_view(viewer, request, {i.giver_id for i in invites})
        if view is not None:
            entries.append(_feedback_entry(request, invites, answers, email, view, viewer_id))
    return entries


def _feedback_entry(
    request: FeedbackRequest,
    invites: Sequence[FeedbackInvite],
    answers: Sequence[FeedbackAnswer],
    email: Mapping[int | None, str],
    view: FeedbackView,
    viewer_id: int | None,
) -> dict[str, Any]:
    """A request as `view` sees it (`bot.privacy.visibility.feedback_view`). As its requester:
    anonymous answers only once released, with no giver and no time; and for an anonymous request,
    not who has answered either."""
    entry: dict[str, Any] = {
        "id": request.id,
        "kind": request.kind,
        "requester": email.get(request.requester_id),
        "subject": email.get(request.subject_id),
        "anonymous": request.anonymous,
        "status": request.status,
        "due": request.due_on,
        "seen_as": view,
    }
    if view != GIVER:
        entry["shared_with_subject"] = request.shared_with_subject
    entry["questions"] = request.questions
    if view == REQUESTER:
        entry["givers_asked"] = sorted(email.get(i.giver_id, "") for i in invites)
    if view != GIVER:
        entry["answered"] = sum(1 for i in invites if i.answered)
    if request.anonymous:
        shown = [] if view == GIVER else [a for a in answers if a.released]
        entry["answers"] = [{"answers": a.answers} for a in shown]
        return entry
    if view == GIVER:
        answers = [a for a in answers if a.giver_id == viewer_id]
    elif view == SUBJECT:
        answers = [a for a in answers if a.released]
    entry["answers"] = [
        {"giver": email.get(a.giver_id), "at": _iso(a.created_at), "answers": a.answers}
        for a in answers
    ]
    return entry


async def _surveys(
    session: AsyncSession, tenant_id: str
) -> list[tuple[Survey, list[tuple[SurveyRound, Sequence[SurveyResponse]]]]]:
    store = PulseStore(session)
    responses: dict[int, list[SurveyResponse]] = {}
    for response in await store.all_responses(tenant_id):
        responses.setdefault(response.round_id, []).append(response)
    rounds: dict[int, list[tuple[SurveyRound, Sequence[SurveyResponse]]]] = {}
    for survey_round in await store.all_rounds(tenant_id):
        rounds.setdefault(survey_round.survey_id, []).append(
            (survey_round, responses.get(survey_round.id or 0, []))
        )
    return [(s, rounds.get(s.id or 0, [])) for s in reversed(await store.surveys(tenant_id))]


def _survey_entries(
    surveys: Sequence[tuple[Survey, Sequence[tuple[SurveyRound, Sequence[SurveyResponse]]]]],
    email: Mapping[int | None, str],
    viewer: Person | None,
    people: Mapping[int, Person],
) -> list[dict[str, Any]]:
    """Each survey with the groups the viewer may see, as `pulse results` would show them;
    surveys with none left out."""
    entries = []
    for survey, rounds in surveys:
        seen = []
        for survey_round, responses in rounds:
            slice_ids = [
                slice_id
                for slice_id, group in survey_round.slices.items()
                if viewer is None or may_see_group(viewer, group, survey, people)
            ]
            if slice_ids or viewer is None:
                seen.append((survey_round, responses, slice_ids))
        if seen or viewer is None or viewer.is_admin:
            entries.append(_survey_entry(survey, seen, email))
    return entries


def _survey_entry(
    survey: Survey,
    rounds: Sequence[tuple[SurveyRound, Sequence[SurveyResponse], Sequence[str]]],
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
                    for slice_id in slice_ids
                ],
            }
            for survey_round, responses, slice_ids in rounds
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
