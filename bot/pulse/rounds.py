"""A survey round's life: it opens (its groups fixed, everyone asked), reminds once halfway,
and closes, where the groups that may be shown are decided once, over every group at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from bot.core.i18n import catalog
from bot.core.messages import Text
from bot.core.outcome import Notice
from bot.notify.policy import Kind
from bot.org.tree import display_name
from bot.privacy.pulse_groups import EVERYONE, decide_groups, round_groups, shown_audiences
from bot.pulse.audience import audience_members
from bot.pulse.cards import when
from bot.pulse.questions import bank_words
from bot.pulse.unit import PulseUnit, id_of
from storage.held import SURVEY_ROUND, about
from storage.models import Survey, SurveyInvite, SurveyRound
from storage.survey_questions import questions_of

PULSE_ROUND: Final = "pulse_round"
PULSE_REMINDER: Final = "pulse_reminder"
PULSE_CLOSE: Final = "pulse_close"

_, ngettext = catalog("bot.pulse")


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
        count = len(questions_of(survey))
        notices = []
        for invite in invites:
            # Each person is asked in their own language.
            with unit.speaking_to(people.get(invite.person_id)):
                who = display_name(creator) if creator else _("Your team")
                intro = ngettext(
                    "{who} is running a quick pulse survey: “{title}”, {count} questions. Answers "
                    "are anonymous: stored without your name, and shown only for groups big "
                    "enough that no one can be picked out.",
                    "{who} is running a quick pulse survey: “{title}”, {count} questions. Answers "
                    "are anonymous: stored without your name, and shown only for groups big "
                    "enough that no one can be picked out.",
                    count,
                ).format(who=who, title=bank_words(survey.title), count=count)
                asked = unit.ask(survey, invite, 0, intro)
                notices.append(Notice(invite.person_id, asked, purpose=_about(survey_round)))
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
        to_remind = await unit.pulse.to_remind(survey_round)
        people = await unit.people_among([invite.person_id for invite in to_remind])
        for invite in to_remind:
            invite.reminded = True
            # Each reminder in its reader's language.
            with unit.speaking_to(people.get(invite.person_id)):
                intro = _(
                    "A reminder: the pulse survey “{title}” closes {when}. It takes a minute, and "
                    "it's anonymous."
                ).format(title=bank_words(survey.title), when=when(survey_round.closes_at))
                asked = unit.ask(survey, invite, invite.asking or 0, intro)
            reminder = (Kind.PULSE_REMINDERS.value,)
            notices.append(Notice(invite.person_id, asked, reminder, _about(survey_round)))
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
        creator = (
            unit.person
            if unit.person.id == survey.creator_id
            else await unit.store.person(unit.tenant.id, survey.creator_id)
        )
        # Told in the sender's language, whoever's answer closed the round.
        with unit.speaking_to(creator):
            title = bank_words(survey.title)
            if whole.get("shown"):
                text = ngettext(
                    "The pulse survey “{title}” (round {round}) has closed: {count} answered. "
                    "See the results: pulse results {survey}",
                    "The pulse survey “{title}” (round {round}) has closed: {count} answered. "
                    "See the results: pulse results {survey}",
                    len(responses),
                )
            else:
                text = _(
                    "The pulse survey “{title}” (round {round}) has closed. See the results: "
                    "pulse results {survey}"
                )
            said = text.format(
                title=title, round=survey_round.number, count=len(responses), survey=survey.id
            )
        return [Notice(survey.creator_id, [Text(said)])]


def _about(survey_round: SurveyRound) -> str:
    """What an invitee's question is for: once the round closes, a held one isn't sent."""
    return about(SURVEY_ROUND, survey_round.id)
