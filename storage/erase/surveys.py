"""Pulse surveys: their invitations go, surveys they sent pass to an admin, and every round's
groups lose them (the group of their org is renamed)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy import select as subquery
from sqlmodel import col, select

from storage.erase.context import Erasing, plural
from storage.models import Disclosure, Person, Survey, SurveyInvite, SurveyResponse, SurveyRound

# What a pulse group named for an erased manager ("Zelda's org") is called from then on.
FORMER_ORG = "a former manager's org"
_WHOLE = "all"  # the key of a round's group for the whole audience (bot.pulse.flow.EVERYONE)


class SurveyRows(Erasing):
    """Their invitations go; what they sent passes to an admin; rounds' groups lose them."""

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
        entries = await self._scrub_ledger()
        self.erasure.note(
            "disclosure ledger", f"{entries} entries hold a token in place of their id"
        )

    async def _scrub_ledger(self) -> int:
        """Their id in the ledger becomes one token, the same in every entry: the groups shown
        still differ by them, so a later result can't be set against an earlier one that
        held their answers."""
        statement = select(Disclosure).where(Disclosure.tenant_id == self.tenant_id)
        theirs, token = str(self.id), "erased-" + secrets.token_hex(8)
        changed = 0
        for entry in (await self.session.exec(statement)).all():
            if theirs in entry.audience:
                audience = sorted(token if m == theirs else m for m in entry.audience)
                await self.run(
                    update(Disclosure)
                    .where(col(Disclosure.id) == entry.id)
                    .values(audience=audience)
                )
                changed += 1
        return changed

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
            f"{deleted} deleted, with {plural(deleted_rounds, 'round')} and "
            f"{plural(responses, 'response')} (no admin to hand them to)",
        )

    async def _scrub_groups(self, their_org: set[int]) -> int:
        """Takes them out of every round's groups; returns how many rounds changed."""
        statement = select(SurveyRound).where(SurveyRound.tenant_id == self.tenant_id)
        changed = 0
        for survey_round in (await self.session.exec(statement)).all():
            slices, renamed = scrubbed_groups(
                survey_round.slices, self.id, whole_is_their_org=survey_round.survey_id in their_org
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


def scrubbed_groups(
    slices: Mapping[str, Any], person_id: int, *, whole_is_their_org: bool
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
    named_for_them = (set(renamed) | ({_WHOLE} if whole_is_their_org else set())) & slices.keys()
    # The reasons quote the names the round gave its groups when it opened ("Zelda's org").
    their_names = {str(slices[key]["name"]) for key in named_for_them}
    scrubbed: dict[str, Any] = {}
    for key, group in slices.items():
        group = {**group, "members": [m for m in group["members"] if m != person_id]}
        if key in named_for_them:
            group["name"] = FORMER_ORG
        for name in their_names if isinstance(group.get("reason"), str) else ():
            group["reason"] = group["reason"].replace(f"“{name}”", f"“{FORMER_ORG}”")
        scrubbed[renamed.get(key, key)] = group
    return scrubbed, renamed


def _survey_id(survey: Survey) -> int:
    assert survey.id is not None
    return survey.id


def _round_id(survey_round: SurveyRound) -> int:
    assert survey_round.id is not None
    return survey_round.id
