"""A survey round's life: it opens (its groups fixed, everyone asked), reminds once halfway,
and closes, where the groups that may be shown are decided once, over every group at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from bot.core.messages import Text
from bot.core.outcome import Notice
from bot.org.tree import display_name
from bot.privacy.pulse_groups import EVERYONE, decide_groups, round_groups, shown_audiences
from bot.pulse.audience import audience_members
from bot.pulse.cards import when
from bot.pulse.unit import PulseUnit, id_of
from storage.models import Survey, SurveyInvite, SurveyRound
from storage.survey_questions import questions_of

PULSE_ROUND: Final = "pulse_round"
PULSE_REMINDER: Final = "pulse_reminder"
PULSE_CLOSE: Final = "pulse_close"


class Rounds:
    def __init__(self, unit: PulseUnit) -> None:
        self.unit = unit

    async def open_round(self, survey: Survey) -> tuple[SurveyRound, list[Notice]]:
        """A new round: its groups fixed, everyone in the audience asked the first question."""
        unit = self.unit
        people = await unit.people()
        audience = audience_members(survey.audience, people)
        rounds = await unit.pulse.rounds(survey)
        k = unit.k()
        survey_round = SurveyRound(
            tenant_id=survey.tenant_id,
            survey_id=id_of(survey),
            number=len(rounds) + 1,
            opened_at=unit.now,
            closes_at=unit.now + timedelta(days=survey.open_days),
            k=k,
            slices=round_groups(survey.audience, audience, people, k),
        )
        await unit.store.save([survey_round])
        invites = [
            SurveyInvite(tenant_id=survey.tenant_id, round_id=id_of(survey_round), person_id=member)
            for member in sorted(audience)
        ]
        await unit.store.save(invites)
        creator = people.get(survey.creator_id)
        who = display_name(creator) if creator else "Your team"
        intro = (
            f"{who} is running a quick pulse survey: “{survey.title}”, "
            f"{len(questions_of(survey))} questions. Answers are anonymous: stored without your "
            "name, and shown only for groups big enough that no one can be picked out."
        )
        notices = [Notice(i.person_id, unit.ask(survey, i, 0, intro)) for i in invites]
        store, tenant = unit.store, unit.tenant.id
        halfway = unit.now + (survey_round.closes_at - unit.now) / 2
        await store.plan(tenant, PULSE_REMINDER, id_of(survey_round), halfway)
        await store.plan(tenant, PULSE_CLOSE, id_of(survey_round), survey_round.closes_at)
        return survey_round, notices

    async def remind(self, survey_round: SurveyRound) -> list[Notice]:
        """One nudge, to those who haven't answered: none once the round is due to close (a
        scheduler that was away runs both at once), nor once it has closed."""
        unit = self.unit
        if survey_round.closes_at <= unit.now or not await unit.pulse.hold_open(survey_round):
            return []
        survey = await unit.pulse.survey(unit.tenant.id, survey_round.survey_id)
        if survey is None:
            return []
        notices = []
        for invite in await unit.pulse.to_remind(survey_round):
            invite.reminded = True
            intro = (
                f"A reminder: the pulse survey “{survey.title}” closes "
                f"{when(survey_round.closes_at)}. It takes a minute, and it's anonymous."
            )
            notices.append(
                Notice(invite.person_id, unit.ask(survey, invite, invite.asking or 0, intro))
            )
        return notices

    async def close(self, survey_round: SurveyRound) -> list[Notice]:
        """Fix which groups may be shown, once, over every group at once; tell the sender.

        In turn with anything else on this round (a second close finds it closed), sealed
        before the count (no answer lands after it), and decided with the org's ledger held
        until the end: a round closing at the same moment waits, then sees these groups."""
        unit = self.unit
        if not await unit.pulse.hold_open(survey_round):
            return []
        survey = await unit.pulse.survey(unit.tenant.id, survey_round.survey_id)
        responses = await unit.pulse.seal_round(survey_round)
        history = await unit.shown_before(survey, lock=True) if survey is not None else []
        survey_round.slices = decide_groups(survey_round.slices, responses, survey_round.k, history)
        survey_round.status = "closed"
        unit.store.keep(survey_round)
        if survey is None:
            return []
        questions = [q.identity for q in questions_of(survey)]
        shown = shown_audiences(survey_round.slices)
        await unit.pulse.disclose(unit.tenant.id, questions, shown, unit.now)
        whole = survey_round.slices[EVERYONE]
        answered = f": {len(responses)} answered" if whole.get("shown") else ""
        text = (
            f"The pulse survey “{survey.title}” (round {survey_round.number}) has closed"
            f"{answered}. See the results: pulse results {survey.id}"
        )
        return [Notice(survey.creator_id, [Text(text)])]
