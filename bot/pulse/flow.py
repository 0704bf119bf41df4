"""Pulse surveys: sending a survey to an audience, answering it in a DM, and its results.

Anonymity (SPEC 2.4): a response is stored with no person, no time and a random id, carrying
only which of the round's groups (of k or more people when the round opened) its respondent
belongs to. The link from a person to their answers exists only while they answer (the
invitation's draft) and is cleared on submit; after that the invitation only says "answered",
for the reminder. Results are computed once, when the round closes, over every group at once
(`bot.privacy.pulse_groups.decide_groups`), so no group under k is shown and no two shown
results can be subtracted to reveal one; until then only participation is shown.

`PulseFlow` is what the engine and the scheduler talk to. The work is done in the rooms beside
it: `send_command` reads `pulse send …`, `rounds` opens, reminds and closes a round,
`answering` takes answers, `results` shows them, and `bot.privacy.pulse_groups` says which
groups may be shown and to whom.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.checkins.cadence import person_cadence
from bot.core.i18n import catalog
from bot.core.messages import Field, Message, Text
from bot.core.outcome import Notice, Outcome
from bot.privacy.disclosures import audience_keys, ledger_guard
from bot.privacy.pulse_groups import EVERYONE
from bot.pulse.answering import Answering
from bot.pulse.audience import audience_members
from bot.pulse.cards import PROMPT_PREFIX, when
from bot.pulse.questions import PulseError, bank_words
from bot.pulse.results import Results
from bot.pulse.rounds import PULSE_CLOSE, PULSE_REMINDER, PULSE_ROUND, Rounds
from bot.pulse.send_command import read_send
from bot.pulse.unit import PulseUnit, id_of
from storage.models import Person, Survey, SurveyInvite, SurveyRound, Tenant
from storage.repository import Store
from storage.settings import settings_of

__all__ = ["PROMPT_PREFIX", "PULSE_CLOSE", "PULSE_REMINDER", "PULSE_ROUND", "PulseFlow"]

_, ngettext = catalog("bot.pulse")


class PulseFlow:
    """One person's side of pulse surveys, in one unit of work."""

    def __init__(self, store: Store, tenant: Tenant, person: Person, now: datetime) -> None:
        self.unit = PulseUnit(store, tenant, person, now)
        self.rounds = Rounds(self.unit)
        self.answering = Answering(self.unit, self.rounds)
        self.shown = Results(self.unit)

    # -- sending -------------------------------------------------------------------------------

    async def send(self, args: str) -> Outcome:
        unit = self.unit
        people = await unit.people()
        zone = person_cadence(unit.person, settings_of(unit.tenant)).zone
        try:
            order = read_send(args, unit.person, people, unit.now, zone)
        except PulseError as error:
            return Outcome([Text(str(error))])
        title, audience, every = order.title, order.audience, order.every_weeks
        survey = Survey(
            tenant_id=unit.tenant.id,
            creator_id=id_of(unit.person),
            title=title,
            questions=[question.written() for question in order.questions],
            audience=audience.spec,
            every_weeks=every,
            open_days=order.open_days,
            created_at=unit.now,
        )
        await unit.store.save([survey])
        store, tenant = unit.store, unit.tenant.id
        shown = bank_words(title)
        if order.start is not None:
            await store.plan(tenant, PULSE_ROUND, id_of(survey), order.start)
            members = len(audience_members(survey.audience, people))
            scheduled = ngettext(
                "Scheduled “{title}” (survey {survey}) for {audience} ({count} people now): the "
                "first round opens {when}",
                "Scheduled “{title}” (survey {survey}) for {audience} ({count} people now): the "
                "first round opens {when}",
                members,
            ).format(
                title=shown,
                survey=survey.id,
                audience=audience.description,
                count=members,
                when=when(order.start),
            )
            repeat = (
                ngettext(
                    ", then every {weeks} weeks", ", then every {weeks} weeks", every or 0
                ).format(weeks=every)
                if every
                else ""
            )
            return Outcome([Text(f"{scheduled}{repeat}.")])
        survey_round, notices = await self.rounds.open_round(survey)
        if every:
            following = unit.now + timedelta(weeks=every)
            await store.plan(tenant, PULSE_ROUND, id_of(survey), following)
        members = len(notices)
        k = unit.k()
        note = ""
        if members < k:
            note = " " + ngettext(
                "Heads-up: with {count} people, fewer than {k}, no result, nor how many "
                "answered, can be shown without risking someone's anonymity.",
                "Heads-up: with {count} people, fewer than {k}, no result, nor how many "
                "answered, can be shown without risking someone's anonymity.",
                members,
            ).format(count=members, k=k)
        elif await self._set_against_before(survey, survey_round):
            note = " " + _(
                "Heads-up: these people differ by fewer than {k} from a group already shown "
                "these questions, so the overall results will stay hidden (groups within it "
                "may still show)."
            ).format(k=k)
        reachable = await unit.store.reachable_people(unit.tenant.id)
        unreachable = sum(1 for notice in notices if notice.person_id not in reachable)
        if unreachable:
            note += " " + ngettext(
                "{count} of them can't be reached yet: they'll be asked the first time they "
                "message me.",
                "{count} of them can't be reached yet: they'll be asked the first time they "
                "message me.",
                unreachable,
            ).format(count=unreachable)
        sent = ngettext(
            "Sent “{title}” (survey {survey}) to {audience}: {count} people, open until {when}",
            "Sent “{title}” (survey {survey}) to {audience}: {count} people, open until {when}",
            members,
        ).format(
            title=shown,
            survey=survey.id,
            audience=audience.description,
            count=members,
            when=when(survey_round.closes_at),
        )
        repeat = (
            ngettext(
                ", again every {weeks} weeks", ", again every {weeks} weeks", every or 0
            ).format(weeks=every)
            if every
            else ""
        )
        results = _("Results once it closes: pulse results {survey}.").format(survey=survey.id)
        return Outcome([Text(f"{sent}{repeat}. {results}{note}")], notices)

    async def _set_against_before(self, survey: Survey, survey_round: SurveyRound) -> bool:
        """Whether the whole audience, set against the ledger, could not be shown today."""
        unit = self.unit
        guard = ledger_guard(await unit.shown_before(survey), survey_round.k)
        return guard.why_hidden(audience_keys(survey_round.slices[EVERYONE]["members"])) is not None

    # -- the round, for the scheduler -----------------------------------------------------------

    async def open_round(self, survey: Survey) -> tuple[SurveyRound, list[Notice]]:
        return await self.rounds.open_round(survey)

    async def remind(self, survey_round: SurveyRound) -> list[Notice]:
        return await self.rounds.remind(survey_round)

    async def close(self, survey_round: SurveyRound) -> list[Notice]:
        return await self.rounds.close(survey_round)

    def k(self) -> int:
        return self.unit.k()

    # -- answering ----------------------------------------------------------------------------

    async def waiting(self) -> SurveyInvite | None:
        return await self.answering.waiting()

    async def owed(self) -> list[Field]:
        return await self.answering.owed()

    async def invite_for_prompt(self, prompt_id: str) -> SurveyInvite | None:
        return await self.answering.invite_for_prompt(prompt_id)

    async def start(self, invite: SurveyInvite) -> list[Message]:
        return await self.answering.start(invite)

    async def choose(self, prompt_id: str, value: str) -> Outcome:
        return await self.answering.choose(prompt_id, value)

    async def answer(self, invite: SurveyInvite, text: str) -> Outcome:
        return await self.answering.answer(invite, text)

    # -- results ------------------------------------------------------------------------------

    async def results(self, args: str) -> Outcome:
        return await self.shown.show(args)
