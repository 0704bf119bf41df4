"""The export's pulse surveys: aggregates only, and only for the groups a round's close allowed
to be shown and the viewer may see, as `pulse results` would show them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from app.export.entries import Emails, Entry, iso
from bot.privacy.pulse_groups import may_see_group
from bot.privacy.pulse_slices import TOO_FEW
from bot.pulse.results import question_results
from storage.models import Person, Survey, SurveyResponse, SurveyRound
from storage.pulse import PulseStore
from storage.survey_questions import questions_of

Round = tuple[SurveyRound, Sequence[SurveyResponse]]


async def load_surveys(session: AsyncSession, tenant_id: str) -> list[tuple[Survey, list[Round]]]:
    """Every survey with its rounds and their responses, in three statements."""
    store = PulseStore(session)
    responses: dict[int, list[SurveyResponse]] = {}
    for response in await store.all_responses(tenant_id):
        responses.setdefault(response.round_id, []).append(response)
    rounds: dict[int, list[Round]] = {}
    for survey_round in await store.all_rounds(tenant_id):
        rounds.setdefault(survey_round.survey_id, []).append(
            (survey_round, responses.get(survey_round.id or 0, []))
        )
    return [(s, rounds.get(s.id or 0, [])) for s in reversed(await store.surveys(tenant_id))]


def survey_entries(
    surveys: Sequence[tuple[Survey, Sequence[Round]]],
    email: Emails,
    viewer: Person | None,
    people: Mapping[int, Person],
) -> list[Entry]:
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
    email: Emails,
) -> Entry:
    """Aggregates only, and only for the groups the round's close allowed to be shown."""
    return {
        "id": survey.id,
        "title": survey.title,
        "sent_by": email.get(survey.creator_id),
        "audience": survey.audience,
        "every_weeks": survey.every_weeks,
        "questions": [question.written() for question in questions_of(survey)],
        "rounds": [
            {
                "number": survey_round.number,
                "opened_at": iso(survey_round.opened_at),
                "closes_at": iso(survey_round.closes_at),
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
) -> Entry:
    group = survey_round.slices[slice_id]
    entry: Entry = {
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
            "question": question.text,
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
