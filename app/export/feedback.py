"""The export's feedback: each request as the viewer may see it (`bot.privacy.visibility`).
Anonymous answers go out as their requester sees them: with no giver and no time."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from app.export.entries import Emails, Entry, iso
from bot.privacy.visibility import GIVER, REQUESTER, SUBJECT, FeedbackView, feedback_view
from storage.feedback import FeedbackStore
from storage.models import FeedbackAnswer, FeedbackInvite, FeedbackRequest, Person

Feedback = tuple[FeedbackRequest, Sequence[FeedbackInvite], Sequence[FeedbackAnswer]]


async def load_feedback(session: AsyncSession, tenant_id: str) -> list[Feedback]:
    """Every request with its invitations and answers, in three statements."""
    store = FeedbackStore(session)
    requests = await store.all_requests(tenant_id)
    invites: dict[int, list[FeedbackInvite]] = {}
    for invite in await store.all_invites(tenant_id):
        invites.setdefault(invite.request_id, []).append(invite)
    answers: dict[int, list[FeedbackAnswer]] = {}
    for answer in await store.all_answers(tenant_id):
        answers.setdefault(answer.request_id, []).append(answer)
    return [(r, invites.get(r.id or 0, []), answers.get(r.id or 0, [])) for r in requests]


def feedback_entries(
    feedback: Sequence[Feedback], email: Emails, viewer: Person | None
) -> list[Entry]:
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
    email: Emails,
    view: FeedbackView,
    viewer_id: int | None,
) -> Entry:
    """A request as `view` sees it (`bot.privacy.visibility.feedback_view`). As its requester:
    anonymous answers only once released, with no giver and no time; and for an anonymous request,
    not who has answered either (once it closed, not even how many)."""
    entry: Entry = {
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
        # A closed anonymous request forgot who answered, and how many: null, not 0.
        forgotten = request.anonymous and request.status != "open"
        entry["answered"] = None if forgotten else sum(1 for i in invites if i.answered)
    if request.anonymous:
        shown = [] if view == GIVER else [a for a in answers if a.released]
        entry["answers"] = [{"answers": a.answers} for a in shown]
        return entry
    if view == GIVER:
        answers = [a for a in answers if a.giver_id == viewer_id]
    elif view == SUBJECT:
        answers = [a for a in answers if a.released]
    entry["answers"] = [
        {"giver": email.get(a.giver_id), "at": iso(a.created_at), "answers": a.answers}
        for a in answers
    ]
    return entry
