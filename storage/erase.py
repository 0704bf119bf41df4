"""Erasing a person (SPEC 2.6): what is theirs is deleted, what is the org's loses their name.

It all runs in the caller's unit of work, so a failure anywhere changes nothing. Bulk
statements throughout: years of check-ins are a few statements, not a loop over rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Delete, Update, delete, func, update
from sqlalchemy import select as subquery
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.org.tree import first_name
from storage.models import (
    WEEKLY_BLOCKERS,
    Answer,
    CheckinRun,
    DigestSubscription,
    FeedbackAnswer,
    FeedbackInvite,
    FeedbackRequest,
    KeyResult,
    KeyResultChange,
    Objective,
    PendingPrompt,
    Person,
    PlatformIdentity,
    ScheduledJob,
    SlackInstallation,
    Survey,
    SurveyInvite,
    SurveyResponse,
    SurveyRound,
    Tenant,
)

# What a pulse group named for an erased manager ("Zelda's org") is called from then on.
FORMER_ORG = "a former manager's org"
_WHOLE = "all"  # the key of a round's group for the whole audience (bot.pulse.flow.EVERYONE)


@dataclass(frozen=True)
class JobKinds:
    """What the subject of each kind of scheduled job is. ScheduledJob.subject_id is a bare
    number, so the wiring that knows the kinds says which are a person's."""

    person: tuple[str, ...]
    feedback_request: tuple[str, ...]
    survey: tuple[str, ...]
    survey_round: tuple[str, ...]
    # A channel's digest subscription: kept when its maker is erased, and its jobs with it.
    subscription: tuple[str, ...] = ()


class AmbiguousEmail(LookupError):
    """Emails are unique per org only as typed: two people may differ in case alone."""


@dataclass
class Erasure:
    """What erasing one person did, a line per kind of row."""

    tenant_id: str
    email: str
    lines: list[str] = field(default_factory=list)

    def note(self, what: str, outcome: str) -> None:
        self.lines.append(f"{what}: {outcome}")


async def person_to_erase(session: AsyncSession, tenant_id: str, email: str) -> Person | None:
    """The person with this email in this org, whatever its case; None if there is none."""
    wanted = email.strip()
    statement = (
        select(Person)
        .where(Person.tenant_id == tenant_id, func.lower(Person.email) == wanted.lower())
        # Concurrent rows pointing at this person wait for the erase, then fail their FK.
        .with_for_update()
    )
    found = (await session.exec(statement)).all()
    exact = [p for p in found if p.email == wanted]
    if len(found) > 1 and len(exact) != 1:
        listed = ", ".join(sorted(p.email for p in found))
        raise AmbiguousEmail(f"{len(found)} people match {wanted}: {listed}; give it exactly")
    return exact[0] if exact else (found[0] if found else None)


async def erase_person(session: AsyncSession, person: Person, kinds: JobKinds) -> Erasure:
    """Deletes or anonymises every row about `person`, then the person; says what it did."""
    erasing = _Erasing(session, person, kinds)
    await erasing.checkins()
    await erasing.feedback()
    await erasing.surveys()
    await erasing.goals()
    await erasing.reports()
    await erasing.accounts()
    await erasing.settings()
    await erasing.run(delete(Person).where(col(Person.id) == erasing.id))
    erasing.erasure.note(
        "anonymous feedback and pulse answers",
        "kept; nothing in them says who gave them, so none can be traced to anyone",
    )
    return erasing.erasure


class _Erasing:
    def __init__(self, session: AsyncSession, person: Person, kinds: JobKinds) -> None:
        assert person.id is not None
        self.session, self.person, self.kinds = session, person, kinds
        self.id, self.tenant_id = person.id, person.tenant_id
        self.erasure = Erasure(person.tenant_id, person.email)

    async def run(self, statement: Delete | Update) -> int:
        result = await self.session.exec(statement)
        return int(result.rowcount)

    def _jobs(self, kinds: Sequence[str], subjects: Any) -> Delete:
        return delete(ScheduledJob).where(
            col(ScheduledJob.tenant_id) == self.tenant_id,
            col(ScheduledJob.kind).in_(kinds),
            col(ScheduledJob.subject_id).in_(subjects),
        )

    async def settings(self) -> None:
        """Org settings that name people by id (managers reading blockers weekly)."""
        tenant = await self.session.get(Tenant, self.tenant_id)
        if tenant is None:
            return
        weekly = tenant.settings.get(WEEKLY_BLOCKERS)
        if isinstance(weekly, list) and self.id in weekly:
            remaining = [i for i in weekly if i != self.id]
            tenant.settings = {**tenant.settings, WEEKLY_BLOCKERS: remaining}
            self.session.add(tenant)

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
            f"{deleted} deleted, with {_count(invites, 'invitation')} "
            f"and {_count(answers, 'answer')}",
        )
        note("feedback invitations to them", f"{asked} deleted")
        note("feedback they gave with their name", f"{given} deleted")

    async def surveys(self) -> None:
        invites = await self.run(delete(SurveyInvite).where(col(SurveyInvite.person_id) == self.id))
        self.erasure.note("pulse survey invitations to them", f"{invites} deleted")
        statement = select(Survey).where(Survey.tenant_id == self.tenant_id)
        surveys = (await self.session.exec(statement)).all()
        sent = [_survey_id(s) for s in surveys if s.creator_id == self.id]
        # Only they can send to their org, and it is gone once their reports move up.
        their_org = {_survey_id(s) for s in surveys if s.audience.get("manager") == self.id}
        admin = await self._admin() if sent else None
        if not sent:
            self.erasure.note("pulse surveys they sent", "none")
        elif admin is None:
            await self._delete_surveys(sent)
            their_org -= set(sent)
        else:
            await self.run(
                update(Survey).where(col(Survey.id).in_(sent)).values(creator_id=admin.id)
            )
            self.erasure.note(
                "pulse surveys they sent", f"{len(sent)} kept, now sent by {admin.email} (an admin)"
            )
        if their_org:
            await self.run(
                update(Survey)
                .where(col(Survey.id).in_(their_org))
                .values(status="stopped", audience={"kind": "org", "manager": None})
            )
            await self.run(self._jobs(self.kinds.survey, their_org))
            self.erasure.note(
                "pulse surveys to their org", f"{len(their_org)} stopped; past results kept"
            )
        rounds = await self._scrub_groups(their_org)
        self.erasure.note("pulse survey rounds", f"{rounds} no longer list them in their groups")

    async def _admin(self) -> Person | None:
        statement = (
            select(Person)
            .where(
                Person.tenant_id == self.tenant_id,
                col(Person.is_admin).is_(True),
                col(Person.active).is_(True),
                col(Person.id) != self.id,
            )
            .order_by(col(Person.id))
        )
        return (await self.session.exec(statement)).first()

    async def _delete_surveys(self, survey_ids: Sequence[int]) -> None:
        rounds = subquery(col(SurveyRound.id)).where(col(SurveyRound.survey_id).in_(survey_ids))
        responses = await self.run(
            delete(SurveyResponse).where(col(SurveyResponse.round_id).in_(rounds))
        )
        await self.run(delete(SurveyInvite).where(col(SurveyInvite.round_id).in_(rounds)))
        await self.run(self._jobs(self.kinds.survey_round, rounds))
        deleted_rounds = await self.run(
            delete(SurveyRound).where(col(SurveyRound.survey_id).in_(survey_ids))
        )
        await self.run(self._jobs(self.kinds.survey, survey_ids))
        deleted = await self.run(delete(Survey).where(col(Survey.id).in_(survey_ids)))
        self.erasure.note(
            "pulse surveys they sent",
            f"{deleted} deleted, with {_count(deleted_rounds, 'round')} and "
            f"{_count(responses, 'response')} (no admin to hand them to)",
        )

    async def _scrub_groups(self, their_org: set[int]) -> int:
        """Takes them out of every round's groups; returns how many rounds changed."""
        statement = select(SurveyRound).where(SurveyRound.tenant_id == self.tenant_id)
        changed = 0
        for survey_round in (await self.session.exec(statement)).all():
            slices, renamed = scrubbed_groups(
                survey_round.slices,
                self.id,
                f"{first_name(self.person)}'s org",
                whole_is_their_org=survey_round.survey_id in their_org,
            )
            if slices == survey_round.slices:
                continue
            changed += 1
            await self.run(
                update(SurveyRound)
                .where(col(SurveyRound.id) == survey_round.id)
                .values(slices=slices)
            )
            if renamed:
                await self._rename_in_responses(_round_id(survey_round), renamed)
        return changed

    async def _rename_in_responses(self, round_id: int, renamed: Mapping[str, str]) -> None:
        statement = select(SurveyResponse).where(SurveyResponse.round_id == round_id)
        for response in (await self.session.exec(statement)).all():
            if renamed.keys() & set(response.slices):
                await self.run(
                    update(SurveyResponse)
                    .where(col(SurveyResponse.id) == response.id)
                    .values(slices=[renamed.get(s, s) for s in response.slices])
                )

    async def goals(self) -> None:
        mine = self._in_tenant
        subscribed = await self.run(
            update(DigestSubscription)
            .where(mine(DigestSubscription), col(DigestSubscription.created_by) == self.id)
            .values(created_by=None)
        )
        if subscribed:
            self.erasure.note(
                "channel digest subscriptions they made", f"{subscribed} kept, with no maker"
            )
        authored = await self.run(
            update(KeyResultChange)
            .where(mine(KeyResultChange), col(KeyResultChange.author_id) == self.id)
            .values(author_id=None)
        )
        key_results = await self.run(
            update(KeyResult)
            .where(mine(KeyResult), col(KeyResult.owner_id) == self.id)
            .values(owner_id=None)
        )
        objectives = await self.run(
            update(Objective)
            .where(mine(Objective), col(Objective.owner_id) == self.id)
            .values(owner_id=None)
        )
        note = self.erasure.note
        note("key result changes they made", f"{authored} kept, without their name")
        note("key results they owned", f"{key_results} kept, now without an owner")
        note("objectives they owned", f"{objectives} kept, now without an owner")

    def _in_tenant(self, table: Any) -> ColumnElement[bool]:
        return col(table.tenant_id) == self.tenant_id

    async def reports(self) -> None:
        """Their reports move up to their own manager, so the tree stays connected."""
        manager_id = self.person.manager_id if self.person.manager_id != self.id else None
        theirs = (self._in_tenant(Person), col(Person.manager_id) == self.id)
        if manager_id is not None:
            # In a loop (their manager reports to them), that manager ends up at the top.
            await self.run(
                update(Person).where(*theirs, col(Person.id) == manager_id).values(manager_id=None)
            )
        moved = await self.run(update(Person).where(*theirs).values(manager_id=manager_id))
        manager = await self.session.get(Person, manager_id) if manager_id else None
        to = f"now report to {manager.email}" if manager else "now have no manager"
        self.erasure.note("people who reported to them", f"{moved} {to}" if moved else "none")

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


def scrubbed_groups(
    slices: Mapping[str, Any], person_id: int, their_org: str, *, whole_is_their_org: bool
) -> tuple[dict[str, Any], dict[str, str]]:
    """A round's groups without the person: out of every member list, and the group of their
    org renamed, under a key without their id. Also the keys renamed (old: new), for the
    responses that name them. A hidden group's reason quotes the names, so it follows."""
    renamed: dict[str, str] = {}
    if f"org:{person_id}" in slices:
        new_key, n = "org:former", 1
        while new_key in slices:
            n += 1
            new_key = f"org:former-{n}"
        renamed[f"org:{person_id}"] = new_key
    named_for_them = set(renamed) | ({_WHOLE} if whole_is_their_org else set())
    scrubbed: dict[str, Any] = {}
    for key, group in slices.items():
        group = {**group, "members": [m for m in group["members"] if m != person_id]}
        if key in named_for_them:
            group["name"] = FORMER_ORG
        if isinstance(group.get("reason"), str) and named_for_them:
            group["reason"] = group["reason"].replace(f"“{their_org}”", f"“{FORMER_ORG}”")
        scrubbed[renamed.get(key, key)] = group
    return scrubbed, renamed


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _survey_id(survey: Survey) -> int:
    assert survey.id is not None
    return survey.id


def _round_id(survey_round: SurveyRound) -> int:
    assert survey_round.id is not None
    return survey_round.id
