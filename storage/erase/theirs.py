"""What is the person's goes: their check-ins, feedback by or about them, their accounts."""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy import select as subquery
from sqlmodel import col, select

from storage.erase.context import Erasing, plural
from storage.models import (
    Answer,
    CheckinRun,
    FeedbackAnswer,
    FeedbackInvite,
    FeedbackRequest,
    HeldMessage,
    KeyResultChange,
    PendingPrompt,
    PlatformIdentity,
    SlackInstallation,
)


class TheirRows(Erasing):
    """Their own rows: deleted."""

    async def checkins(self) -> None:
        runs = subquery(col(CheckinRun.id)).where(col(CheckinRun.person_id) == self.id)
        # A key result keeps its history; the change just no longer points at the check-in.
        await self.run(
            update(KeyResultChange)
            .where(col(KeyResultChange.checkin_run_id).in_(runs))
            .values(checkin_run_id=None)
        )
        answers = await self.run(delete(Answer).where(col(Answer.run_id).in_(runs)))
        prompts = await self.run(delete(PendingPrompt).where(col(PendingPrompt.run_id).in_(runs)))
        deleted = await self.run(delete(CheckinRun).where(col(CheckinRun.person_id) == self.id))
        jobs = await self.run(self._jobs(self.kinds.person, [self.id]))
        note = self.erasure.note
        note("check-ins", f"{deleted} deleted")
        note("check-in answers", f"{answers} deleted")
        note("check-in questions sent", f"{prompts} deleted")
        note("scheduled check-in prompts and reminders", f"{jobs} deleted")

    async def held(self) -> None:
        """What their quiet hours held back for them: never sent now."""
        held = await self.run(delete(HeldMessage).where(col(HeldMessage.person_id) == self.id))
        self.erasure.note("messages waiting for their quiet hours to end", f"{held} deleted")

    async def feedback(self) -> None:
        requests = subquery(col(FeedbackRequest.id)).where(
            col(FeedbackRequest.tenant_id) == self.tenant_id,
            (col(FeedbackRequest.requester_id) == self.id)
            | (col(FeedbackRequest.subject_id) == self.id),
        )
        answers = await self.run(
            delete(FeedbackAnswer).where(col(FeedbackAnswer.request_id).in_(requests))
        )
        invites = await self.run(
            delete(FeedbackInvite).where(col(FeedbackInvite.request_id).in_(requests))
        )
        await self.run(self._jobs(self.kinds.feedback_request, requests))
        deleted = await self.run(
            delete(FeedbackRequest).where(col(FeedbackRequest.id).in_(requests))
        )
        asked = await self.run(
            delete(FeedbackInvite).where(col(FeedbackInvite.giver_id) == self.id)
        )
        given = await self.run(
            delete(FeedbackAnswer).where(col(FeedbackAnswer.giver_id) == self.id)
        )
        note = self.erasure.note
        note(
            "feedback requests by or about them",
            f"{deleted} deleted, with {plural(invites, 'invitation')} "
            f"and {plural(answers, 'answer')}",
        )
        note("feedback invitations to them", f"{asked} deleted")
        note("feedback they gave with their name", f"{given} deleted")

    async def accounts(self) -> None:
        statement = select(PlatformIdentity).where(PlatformIdentity.person_id == self.id)
        identities = (await self.session.exec(statement)).all()
        slack_ids = [i.external_user_id for i in identities if i.platform == "slack"]
        installs = await self.run(
            update(SlackInstallation)
            .where(
                self._in_tenant(SlackInstallation),
                col(SlackInstallation.installer_user_id).in_(slack_ids),
            )
            .values(installer_user_id=None)
        )
        deleted = await self.run(
            delete(PlatformIdentity).where(col(PlatformIdentity.person_id) == self.id)
        )
        self.erasure.note("platform accounts", f"{deleted} deleted")
        if installs:
            self.erasure.note("Slack installations", f"{installs} no longer name them as installer")
