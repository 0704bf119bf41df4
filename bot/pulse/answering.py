"""Answering a survey in a DM, by button or typed text, one question after another.

The invitation's draft is the only link from a person to their answers, and it lives only
while they answer: on submit the response is stored with no person, no time and a random id,
carrying only the groups it counts in, and the draft is cleared.
"""

from __future__ import annotations

import secrets

from bot.core.i18n import N_, catalog
from bot.core.messages import Field, Message, Text
from bot.core.outcome import ClosedPrompt, Notice, Outcome
from bot.core.whole_numbers import whole_number
from bot.privacy.pulse_groups import groups_counted
from bot.pulse import stats
from bot.pulse.cards import PROMPT_PREFIX, answered_as, question_prompt, when
from bot.pulse.questions import PulseError, bank_words, read_answer
from bot.pulse.rounds import Rounds
from bot.pulse.unit import PulseUnit, id_of
from storage.models import Survey, SurveyInvite, SurveyResponse, SurveyRound
from storage.survey_questions import questions_of

CLOSED = N_("That survey has closed. Thank you all the same!")
# A comment that says there is nothing to say is stored as no comment, like a skipped one.
NO_COMMENT = frozenset({"none", "no", "nope", "nothing", "n/a", "na", "-", "no comment", "skip"})

_, ngettext = catalog("bot.pulse")


class Answering:
    def __init__(self, unit: PulseUnit, rounds: Rounds) -> None:
        self.unit = unit
        self.rounds = rounds

    async def waiting(self) -> SurveyInvite | None:
        unit = self.unit
        return await unit.pulse.answering(unit.tenant.id, id_of(unit.person))

    async def owed(self) -> list[Field]:
        """Open surveys waiting for this person's answers, one line each."""
        unit = self.unit
        lines = []
        for invite in await unit.pulse.owed_by(unit.tenant.id, id_of(unit.person)):
            survey_round, survey = await unit.round_of(invite)
            if survey_round is not None and survey is not None:
                title = _("Pulse survey “{title}”").format(title=bank_words(survey.title))
                closes = _("closes {when}").format(when=when(survey_round.closes_at))
                lines.append(Field(title, closes))
        return lines

    async def invite_for_prompt(self, prompt_id: str) -> SurveyInvite | None:
        number = whole_number(prompt_id.removeprefix(PROMPT_PREFIX).split("_", 1)[0])
        if number is None:
            return None
        invite = await self.unit.pulse.invite(self.unit.tenant.id, number)
        return invite if invite is not None and invite.person_id == self.unit.person.id else None

    async def start(self, invite: SurveyInvite) -> list[Message]:
        """Ask (again) the question this invitation is at."""
        survey_round, survey = await self.unit.round_of(invite)
        if survey_round is None or survey is None or survey_round.status != "open":
            return [Text(_(CLOSED))]
        intro = _("A pulse survey: “{title}”.").format(title=bank_words(survey.title))
        return self.unit.ask(survey, invite, invite.asking or 0, intro)

    async def choose(self, prompt_id: str, value: str) -> Outcome:
        """A button on a survey question."""
        invite = await self.invite_for_prompt(prompt_id)
        index = whole_number(prompt_id.removeprefix(PROMPT_PREFIX).split("_", 1)[-1])
        if invite is None or index is None:
            return Outcome([Text(_("That button isn't for you, or it has expired."))])
        if invite.answered:
            return Outcome([Text(_("You've answered this survey already. Thank you!"))])
        if index != invite.asking:
            return Outcome([Text(_("That question has been answered already."))])
        return await self.answer(invite, value)

    async def answer(self, invite: SurveyInvite, text: str) -> Outcome:
        unit = self.unit
        survey_round, survey = await unit.round_of(invite)
        if survey_round is None or survey is None or survey_round.status != "open":
            return Outcome([Text(_(CLOSED))])  # nothing to write: the close deleted the invitation
        index = invite.asking or 0
        questions = questions_of(survey)
        question = questions[index]
        try:
            value = read_answer(question, text)
        except PulseError as error:
            return Outcome([Text(str(error)), *unit.ask(survey, invite, index)])
        if question.kind == stats.TEXT and _says_nothing(value):
            value = None
        invite.draft = {**invite.draft, question.key: value}
        if index + 1 < len(questions):
            outcome = Outcome(unit.ask(survey, invite, index + 1))
        else:
            outcome = await self._submit(survey, survey_round, invite)
        # Like a check-in's: the question on screen loses its buttons, and shows the answer.
        shown = question_prompt(survey, invite, index)
        outcome.closed.append(ClosedPrompt(shown.prompt_id, None, shown, answered_as(shown, text)))
        return outcome

    async def _submit(
        self, survey: Survey, survey_round: SurveyRound, invite: SurveyInvite
    ) -> Outcome:
        unit = self.unit
        answers = {key: value for key, value in invite.draft.items() if value is not None}
        response = SurveyResponse(
            id="sr_" + secrets.token_urlsafe(12),
            tenant_id=survey.tenant_id,
            round_id=id_of(survey_round),
            answers=answers,
            slices=groups_counted(survey_round.slices, invite.person_id),
        )
        invite.answered, invite.asking, invite.asked_at, invite.draft = True, None, None, {}
        await unit.store.save([response, invite])
        notices: list[Notice] = []
        if all(i.answered for i in await unit.pulse.invites(survey_round)):
            notices = await self.rounds.close(survey_round)
        thanks = _("Thanks! Your answers are stored without your name.")
        return Outcome([Text(thanks)], notices)


def _says_nothing(comment: object) -> bool:
    return isinstance(comment, str) and comment.lower().strip(" .!") in NO_COMMENT
