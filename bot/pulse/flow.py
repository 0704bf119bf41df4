"""Pulse surveys: sending a survey to an audience, answering it in a DM, and its results.

Anonymity (SPEC 2.4): a response is stored with no person, no time and a random id, carrying
only which of the round's groups (of k or more people when the round opened) its respondent
belongs to. The link from a person to their answers exists only while they answer (the
invitation's draft) and is cleared on submit; after that the invitation only says "answered",
for the reminder. Results are computed once, when the round closes, over every group at once
(`bot.privacy.pulse_slices.choose_slices`), so no group under k is shown and no two shown results
can be subtracted to reveal one; until then only participation is shown.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from bot.checkins.cadence import CadenceError, local_to_utc, parse_time, read_day
from bot.checkins.flow import person_cadence
from bot.core.messages import Card, Chart, Choice, Field, Message, Question, Section, Text
from bot.core.outcome import Notice, Outcome
from bot.core.whole_numbers import whole_number
from bot.digests.charts import line_chart
from bot.org.tree import display_name, first_name, org_of
from bot.privacy.pulse_slices import DEFAULT_K, TOO_FEW, Slice, choose_slices, effective_k
from bot.pulse import stats
from bot.pulse.questions import (
    BANK,
    LIKERT_LABELS,
    SEND_USAGE,
    PulseError,
    custom_questions,
    question_section,
    read_answer,
    split_questions,
)
from storage.jobs import upsert_job
from storage.models import Person, Survey, SurveyInvite, SurveyResponse, SurveyRound, Tenant
from storage.pulse import PulseStore
from storage.repository import Store

PULSE_ROUND = "pulse_round"
PULSE_REMINDER = "pulse_reminder"
PULSE_CLOSE = "pulse_close"
PROMPT_PREFIX = "pu_"
EVERYONE = "all"

_EVERY = re.compile(r"\bevery\s+(\d+)\s+weeks?\b|\bweekly\b", re.IGNORECASE)
_ON = re.compile(r"\bon\s+(\S+)(?:\s+at\s+(\d{1,2}:\d{2}))?", re.IGNORECASE)
_FOR_DAYS = re.compile(r"\bfor\s+(\d+)\s+days?\b", re.IGNORECASE)


@dataclass(frozen=True)
class Audience:
    description: str
    spec: dict[str, Any]


class PulseFlow:
    """One person's side of pulse surveys, in one unit of work."""

    def __init__(self, store: Store, tenant: Tenant, person: Person, now: datetime) -> None:
        self.store = store
        self.pulse = PulseStore(store.session)
        self.tenant = tenant
        self.person = person
        self.now = now

    # -- sending -------------------------------------------------------------------------------

    async def send(self, args: str) -> Outcome:
        people = await self._people()
        try:
            args, start = self._start(args)
            title, questions, audience, every, days = self._parse_send(args, people)
        except PulseError as error:
            return Outcome([Text(str(error))])
        survey = Survey(
            tenant_id=self.tenant.id,
            creator_id=_id(self.person),
            title=title,
            questions=questions,
            audience=audience.spec,
            every_weeks=every,
            open_days=days,
            created_at=self.now,
        )
        self.store.session.add(survey)
        await self.store.session.flush()
        session, tenant = self.store.session, self.tenant.id
        if start is not None:
            await upsert_job(session, tenant, PULSE_ROUND, _id(survey), start)
            members = len(_audience_members(survey.audience, people))
            repeat = f", then every {every} weeks" if every else ""
            reply = (
                f"Scheduled “{title}” (survey {survey.id}) for {audience.description} "
                f"({members} people now): the first round opens {_when(start)}{repeat}."
            )
            return Outcome([Text(reply)])
        survey_round, notices = await self.open_round(survey)
        if every:
            following = self.now + timedelta(weeks=every)
            await upsert_job(session, tenant, PULSE_ROUND, _id(survey), following)
        members = len(notices)
        k = self.k()
        note = ""
        if members < k:
            note = (
                f" Heads-up: with {members} people, fewer than {k}, no result can be shown "
                "without risking someone's anonymity; you'll see participation only."
            )
        reachable = await self.store.reachable_people(self.tenant.id)
        unreachable = sum(1 for notice in notices if notice.person_id not in reachable)
        if unreachable:
            note += (
                f" {unreachable} of them can't be reached yet: they'll be asked the first time "
                "they message me."
            )
        repeat = f", again every {every} weeks" if every else ""
        reply = (
            f"Sent “{title}” (survey {survey.id}) to {audience.description}: {members} people, "
            f"open until {_when(survey_round.closes_at)}{repeat}. Results once it closes: "
            f"pulse results {survey.id}.{note}"
        )
        return Outcome([Text(reply)], notices)

    async def open_round(self, survey: Survey) -> tuple[SurveyRound, list[Notice]]:
        """A new round: its groups fixed, everyone in the audience asked the first question."""
        people = await self._people()
        audience = _audience_members(survey.audience, people)
        rounds = await self.pulse.rounds(survey)
        k = self.k()
        survey_round = SurveyRound(
            tenant_id=survey.tenant_id,
            survey_id=_id(survey),
            number=len(rounds) + 1,
            opened_at=self.now,
            closes_at=self.now + timedelta(days=survey.open_days),
            k=k,
            slices=_slices(survey.audience, audience, people, k),
        )
        self.store.session.add(survey_round)
        await self.store.session.flush()
        invites = [
            SurveyInvite(tenant_id=survey.tenant_id, round_id=_id(survey_round), person_id=member)
            for member in sorted(audience)
        ]
        self.store.session.add_all(invites)
        await self.store.session.flush()
        creator = people.get(survey.creator_id)
        who = display_name(creator) if creator else "Your team"
        intro = (
            f"{who} is running a quick pulse survey: “{survey.title}”, "
            f"{len(survey.questions)} questions. Answers are anonymous: stored without your "
            "name, and shown only for groups big enough that no one can be picked out."
        )
        notices = [Notice(i.person_id, self._ask(survey, i, 0, intro)) for i in invites]
        session, tenant = self.store.session, self.tenant.id
        halfway = self.now + (survey_round.closes_at - self.now) / 2
        await upsert_job(session, tenant, PULSE_REMINDER, _id(survey_round), halfway)
        await upsert_job(session, tenant, PULSE_CLOSE, _id(survey_round), survey_round.closes_at)
        return survey_round, notices

    def k(self) -> int:
        """The org's anonymity threshold: default 5, never below 3."""
        try:
            return effective_k(int(self.tenant.settings.get("pulse_k", DEFAULT_K)))
        except (TypeError, ValueError):
            return DEFAULT_K

    # -- answering -----------------------------------------------------------------------------

    async def waiting(self) -> SurveyInvite | None:
        return await self.pulse.answering(self.tenant.id, _id(self.person))

    async def owed(self) -> list[Field]:
        """Open surveys waiting for this person's answers, one line each."""
        lines = []
        for invite in await self.pulse.owed_by(self.tenant.id, _id(self.person)):
            survey_round, survey = await self._round_of(invite)
            if survey_round is not None and survey is not None:
                closes = _when(survey_round.closes_at)
                lines.append(Field(f"Pulse survey “{survey.title}”", f"closes {closes}"))
        return lines

    async def invite_for_prompt(self, prompt_id: str) -> SurveyInvite | None:
        number = whole_number(prompt_id.removeprefix(PROMPT_PREFIX).split("_", 1)[0])
        if number is None:
            return None
        invite = await self.pulse.invite(self.tenant.id, number)
        return invite if invite is not None and invite.person_id == self.person.id else None

    async def start(self, invite: SurveyInvite) -> list[Message]:
        """Ask (again) the question this invitation is at."""
        survey_round, survey = await self._round_of(invite)
        if survey_round is None or survey is None or survey_round.status != "open":
            return [Text("That survey has closed. Thank you all the same!")]
        return self._ask(survey, invite, invite.asking or 0, f"A pulse survey: “{survey.title}”.")

    async def choose(self, prompt_id: str, value: str) -> Outcome:
        """A button on a survey question."""
        invite = await self.invite_for_prompt(prompt_id)
        index = whole_number(prompt_id.removeprefix(PROMPT_PREFIX).split("_", 1)[-1])
        if invite is None or index is None:
            return Outcome([Text("That button isn't for you, or it has expired.")])
        if invite.answered:
            return Outcome([Text("You've answered this survey already. Thank you!")])
        if index != invite.asking:
            return Outcome([Text("That question has been answered already.")])
        return await self.answer(invite, value)

    async def answer(self, invite: SurveyInvite, text: str) -> Outcome:
        survey_round, survey = await self._round_of(invite)
        if survey_round is None or survey is None or survey_round.status != "open":
            invite.asking = None
            self.store.session.add(invite)
            return Outcome([Text("That survey has closed. Thank you all the same!")])
        index = invite.asking or 0
        question = survey.questions[index]
        try:
            value = read_answer(question, text)
        except PulseError as error:
            return Outcome([Text(str(error)), *self._ask(survey, invite, index)])
        invite.draft = {**invite.draft, question["key"]: value}
        if index + 1 < len(survey.questions):
            return Outcome(self._ask(survey, invite, index + 1))
        return await self._submit(survey, survey_round, invite)

    async def _submit(
        self, survey: Survey, survey_round: SurveyRound, invite: SurveyInvite
    ) -> Outcome:
        answers = {key: value for key, value in invite.draft.items() if value is not None}
        groups = [
            slice_id
            for slice_id, group in survey_round.slices.items()
            if invite.person_id in group["members"] and not group.get("too_small")
        ]
        response = SurveyResponse(
            id="sr_" + secrets.token_urlsafe(12),
            tenant_id=survey.tenant_id,
            round_id=_id(survey_round),
            answers=answers,
            slices=groups,
        )
        invite.answered, invite.asking, invite.asked_at, invite.draft = True, None, None, {}
        self.store.session.add_all([response, invite])
        await self.store.session.flush()
        notices: list[Notice] = []
        if all(i.answered for i in await self.pulse.invites(survey_round)):
            notices = await self.close(survey_round)
        thanks = "Thanks! Your answers are stored without your name."
        return Outcome([Text(thanks)], notices)

    # -- reminders and the close -------------------------------------------------------------------

    async def remind(self, survey_round: SurveyRound) -> list[Notice]:
        """One nudge, to those who haven't answered."""
        survey = await self.pulse.survey(self.tenant.id, survey_round.survey_id)
        if survey is None or survey_round.status != "open":
            return []
        notices = []
        for invite in await self.pulse.invites(survey_round):
            if invite.answered or invite.reminded:
                continue
            invite.reminded = True
            intro = (
                f"A reminder: the pulse survey “{survey.title}” closes "
                f"{_when(survey_round.closes_at)}. It takes a minute, and it's anonymous."
            )
            notices.append(
                Notice(invite.person_id, self._ask(survey, invite, invite.asking or 0, intro))
            )
        return notices

    async def close(self, survey_round: SurveyRound) -> list[Notice]:
        """Fix which groups may be shown, once, over every group at once; tell the sender."""
        if survey_round.status != "open":
            return []
        survey = await self.pulse.survey(self.tenant.id, survey_round.survey_id)
        responses = await self.pulse.responses(survey_round)
        order = [
            slice_id
            for slice_id in _in_order(survey_round.slices)
            if not survey_round.slices[slice_id].get("too_small")
        ]
        candidates = [
            Slice(
                survey_round.slices[slice_id]["name"],
                frozenset(r.id for r in responses if slice_id in r.slices),
            )
            for slice_id in order
        ]
        # Named for people (the reasons quote them); matched back by position.
        decided = dict(zip(order, choose_slices(candidates, survey_round.k), strict=True))
        survey_round.slices = {
            slice_id: {
                **group,
                "shown": slice_id in decided and decided[slice_id].shown,
                "reason": decided[slice_id].reason if slice_id in decided else TOO_FEW,
            }
            for slice_id, group in survey_round.slices.items()
        }
        survey_round.status = "closed"
        for invite in await self.pulse.invites(survey_round):
            invite.asking, invite.draft = None, {}
            self.store.session.add(invite)
        self.store.session.add(survey_round)
        await self.pulse.rewrite_round(survey_round)
        if survey is None:
            return []
        text = (
            f"The pulse survey “{survey.title}” (round {survey_round.number}) has closed: "
            f"{len(responses)} answered. See the results: pulse results {survey.id}"
        )
        return [Notice(survey.creator_id, [Text(text)])]

    # -- results -------------------------------------------------------------------------------

    async def results(self, args: str) -> Outcome:
        words = args.split()
        surveys = list(await self.pulse.surveys(self.tenant.id))
        people = await self._people()
        survey = None
        if words and words[0].isdecimal():  # a survey's number, or no survey at all
            number = whole_number(words[0])
            survey = next((s for s in surveys if s.id == number), None)
            words = words[1:]
        else:
            survey = next((s for s in surveys if may_see_results(self.person, s, people)), None)
        if survey is None:
            return Outcome([Text("No survey results to show you. pulse send starts one.")])
        if not may_see_results(self.person, survey, people):
            return Outcome(
                [Text("Results are for admins, the sender, and managers of those asked.")]
            )
        team = " ".join(words).removeprefix("team ").strip()
        rounds = await self.pulse.rounds(survey)
        if not rounds:
            return Outcome(
                [Text(f"“{survey.title}” hasn't opened yet: results show once a round closes.")]
            )
        latest = rounds[-1]
        if team:
            slice_id = _slice_for(latest, team, survey.audience)
        else:  # the biggest group this viewer may see: everyone, or their own org
            slice_id = next(
                (
                    g
                    for g in _in_order(latest.slices)
                    if may_see_group(self.person, latest.slices[g], survey, people)
                ),
                EVERYONE,
            )
        if slice_id is None:
            known = ", ".join(g["name"] for g in latest.slices.values() if g.get("kind") == "team")
            hint = f" Teams in this survey: {known}." if known else ""
            return Outcome([Text(f"No group called {team[:40]} in “{survey.title}”.{hint}")])
        if not may_see_group(self.person, latest.slices[slice_id], survey, people):
            return Outcome([Text("Those results are outside what you may see.")])
        return Outcome([await self._results_card(survey, rounds, slice_id)])

    async def _results_card(
        self, survey: Survey, rounds: Sequence[SurveyRound], slice_id: str
    ) -> Card:
        latest = rounds[-1]
        group = latest.slices[slice_id]
        invited = len(group["members"])
        responses = [r for r in await self.pulse.responses(latest) if slice_id in r.slices]
        participation = stats.Participation(min(len(responses), invited), invited).text
        title = f"{survey.title}: {group['name']}, round {latest.number}"
        if latest.status == "open":
            text = (
                f"{participation}. Results show when the survey closes {_when(latest.closes_at)}."
            )
            return Card(title, (Section("", text=text),))
        if not group.get("shown"):
            reason = group.get("reason") or TOO_FEW
            return Card(title, (Section("", text=f"{participation}. {_sentence(reason)}"),))
        sections = [Section("", text=participation)]
        for question, result in question_results(survey, responses):
            sections.append(question_section(question, result))
        chart = await self._trend(survey, rounds, slice_id)
        return Card(title, tuple(sections), chart=chart)

    async def _trend(
        self, survey: Survey, rounds: Sequence[SurveyRound], slice_id: str
    ) -> Chart | None:
        """eNPS (or the first scale question's mean) per closed round, for this group."""
        question = next(
            (q for q in survey.questions if q["kind"] == stats.ENPS),
            next((q for q in survey.questions if q["kind"] == stats.LIKERT), None),
        )
        if question is None:
            return None
        labels: list[str] = []
        points: list[float | None] = []
        for survey_round in rounds:
            if survey_round.status != "closed":
                continue
            labels.append(survey_round.opened_at.strftime("%-d %b"))
            group = survey_round.slices.get(slice_id)
            if not group or not group.get("shown"):
                points.append(None)
                continue
            values = [
                r.answers[question["key"]]
                for r in await self.pulse.responses(survey_round)
                if slice_id in r.slices and question["key"] in r.answers
            ]
            result = stats.summarize(question["kind"], values)
            points.append(result.enps if question["kind"] == stats.ENPS else result.mean)
        if question["kind"] == stats.ENPS:
            name, low, high = "eNPS", -100.0, 100.0
        else:
            name, low, high = "Average (1–5)", 1.0, 5.0
        title = f"{name} by round: {survey.title}"
        return line_chart(title, labels, [(name, points)], y_min=low, y_max=high)

    # -- helpers ---------------------------------------------------------------------------------

    def _ask(
        self, survey: Survey, invite: SurveyInvite, index: int, intro: str | None = None
    ) -> list[Message]:
        invite.asking, invite.asked_at = index, self.now
        self.store.session.add(invite)
        question = survey.questions[index]
        kind = question["kind"]
        choices: tuple[Choice, ...] = ()
        hint = None
        if kind == stats.LIKERT:
            choices = tuple(
                Choice(f"{n} {label}", str(n)) for n, label in enumerate(LIKERT_LABELS, start=1)
            )
            hint = "Pick one, or type 1 (strongly disagree) to 5 (strongly agree)."
        elif kind == stats.ENPS:
            choices = tuple(Choice(str(n), str(n)) for n in range(11))
            hint = "0 = not at all likely, 10 = extremely likely."
        elif kind == stats.SINGLE:
            choices = tuple(Choice(o, o) for o in question["options"])
            hint = "Pick one, or type it."
        elif kind == stats.MULTI:
            listed = ", ".join(f"{n} {o}" for n, o in enumerate(question["options"], start=1))
            hint = f"Type all that apply, by number or name: {listed}."
        else:
            hint = "Type your answer; skip skips it."
        return [
            Question(
                prompt_id=f"{PROMPT_PREFIX}{invite.id}_{index}",
                text=question["text"],
                choices=choices,
                hint=hint,
                position=index + 1,
                total=len(survey.questions),
                intro=intro,
            )
        ]

    def _start(self, args: str) -> tuple[str, datetime | None]:
        """`on 2026-12-07 [at 09:00]` or `on monday [at 09:00]`, in the sender's time zone:
        when the first round opens; None for now."""
        head, colon, rest = split_questions(args)
        found = _ON.search(head)
        if found is None:
            return args, None
        zone = person_cadence(self.person, self.tenant.settings).zone
        today = self.now.astimezone(zone).date()
        day = read_day(found.group(1), today)
        if day is None:
            raise PulseError(
                f"I can't read the date {found.group(1)[:20]}: try 2026-12-07 or monday."
            )
        try:
            at = parse_time(found.group(2)) if found.group(2) else time(9, 0)
        except CadenceError as error:
            raise PulseError(str(error)) from None
        start = local_to_utc(day, at, zone)
        if start <= self.now:
            raise PulseError(f"{_when(start)} has passed: pick a later time, or leave out on.")
        if start > self.now + timedelta(days=90):
            raise PulseError("Schedule the first round within the next 90 days.")
        remaining = head[: found.start()] + head[found.end() :]
        return remaining + colon + rest, start

    def _parse_send(
        self, args: str, people: Mapping[int, Person]
    ) -> tuple[str, list[dict[str, Any]], Audience, int | None, int]:
        head, colon, custom = split_questions(args)
        every_match = _EVERY.search(head)
        every = None
        if every_match:
            every = whole_number(every_match.group(1) or "1")
            if every not in (1, 2, 4):
                raise PulseError("A survey can repeat every 1, 2 or 4 weeks.")
        days_match = _FOR_DAYS.search(head)
        days = whole_number(days_match.group(1)) if days_match else 3
        if days is None or not 1 <= days <= 14:
            raise PulseError("A round stays open between 1 and 14 days.")
        head = _FOR_DAYS.sub(" ", _EVERY.sub(" ", head))
        before, *after = re.split(r"(?i)\bto\b", head, maxsplit=1)
        words = before.split()
        target = after[0] if after else ("everyone" if self.person.is_admin else "my org")
        audience = self._audience(target.strip(), people)
        if colon:
            questions = custom_questions(custom)
            title = words[0].title() if words else f"Pulse {self.now:%-d %b}"
        else:
            name = words[0].lower() if words else ""
            if name not in BANK:
                raise PulseError(
                    f"Which survey? From the bank: {', '.join(BANK)}; or your own. {SEND_USAGE}"
                )
            title, bank = BANK[name]
            questions = [dict(q) for q in bank]
        for number, question in enumerate(questions, start=1):
            question["key"] = f"q{number}"
        return title, questions, audience, every, days

    def _audience(self, target: str, people: Mapping[int, Person]) -> Audience:
        words = target.lower().split()
        mine = org_of(_id(self.person), people)
        if not self.person.is_admin and not mine:
            raise PulseError("Admins and managers can send pulse surveys.")
        if words in (["everyone"], ["all"], ["everybody"]):
            if not self.person.is_admin:
                raise PulseError("Only admins can ask everyone; try: to my org.")
            return Audience("everyone", {"kind": "everyone"})
        if words in (["my", "org"], ["my", "team"], ["my", "reports"]):
            if not mine:
                raise PulseError("No one reports to you, so you have no org to ask.")
            return Audience(
                f"{first_name(self.person)}'s org", {"kind": "org", "manager": _id(self.person)}
            )
        if words and words[0] == "team":
            name = target.split(None, 1)[1].strip() if len(words) > 1 else ""
            members = {
                i for i, p in people.items() if p.active and (p.team or "").lower() == name.lower()
            }
            if not members:
                raise PulseError(f"No one is in a team called {name[:40]}.")
            if not self.person.is_admin and not members <= mine:
                raise PulseError(f"Team {name[:40]} isn't all in your org; ask an admin.")
            team = next(people[i].team for i in members)
            return Audience(f"team {team}", {"kind": "team", "team": team})
        raise PulseError(f"Send it to whom? {SEND_USAGE}")

    async def _round_of(self, invite: SurveyInvite) -> tuple[SurveyRound | None, Survey | None]:
        survey_round = await self.pulse.round(self.tenant.id, invite.round_id)
        if survey_round is None:
            return None, None
        return survey_round, await self.pulse.survey(self.tenant.id, survey_round.survey_id)

    async def _people(self) -> dict[int, Person]:
        return {_id(p): p for p in await self.store.people(self.tenant.id)}


def may_see_results(viewer: Person, survey: Survey, people: Mapping[int, Person]) -> bool:
    """Whether any of a survey's results may be for this person: admins, the sender, and
    managers (which groups, `may_see_group` says)."""
    if viewer.is_admin or survey.creator_id == viewer.id:
        return True
    return bool(org_of(_id(viewer), people))


def may_see_group(
    viewer: Person, group: Mapping[str, Any], survey: Survey, people: Mapping[int, Person]
) -> bool:
    """Admins see every group; the sender the whole audience; a manager any group whose
    members all report to them."""
    if viewer.is_admin:
        return True
    if survey.creator_id == viewer.id and group.get("kind") == EVERYONE:
        return True
    mine = org_of(_id(viewer), people)
    return bool(mine) and set(group["members"]) <= mine


def question_results(
    survey: Survey, responses: Sequence[SurveyResponse]
) -> list[tuple[dict[str, Any], stats.QuestionResult]]:
    """Each question's numbers over these responses (one group's, already allowed)."""
    results = []
    for question in survey.questions:
        values = [r.answers[question["key"]] for r in responses if question["key"] in r.answers]
        results.append(
            (question, stats.summarize(question["kind"], values, question.get("options", ())))
        )
    return results


def _audience_members(audience: Mapping[str, Any], people: Mapping[int, Person]) -> set[int]:
    active = {i for i, p in people.items() if p.active}
    if audience.get("kind") == "team":
        team = str(audience.get("team", "")).lower()
        return {i for i in active if (people[i].team or "").lower() == team}
    if audience.get("kind") == "org":
        return org_of(int(audience["manager"]), people) & active
    return active


def _slices(
    spec: Mapping[str, Any], audience: set[int], people: Mapping[int, Person], k: int
) -> dict[str, Any]:
    """The groups results may be asked for, with their members: the whole audience, each team
    and each manager's org within it."""
    groups: dict[str, Any] = {
        EVERYONE: {
            "name": _audience_name(spec, people),
            "kind": EVERYONE,
            "members": sorted(audience),
        }
    }
    teams: dict[str, set[int]] = {}
    for member in audience:
        if people[member].team:
            teams.setdefault(str(people[member].team), set()).add(member)
    for team, members in sorted(teams.items()):
        if members != audience:
            groups[f"team:{team}"] = _group(f"team {team}", "team", members, k)
    managers = {people[m].manager_id for m in audience}
    for manager_id in sorted(m for m in managers if m is not None):
        members = org_of(manager_id, people) & audience
        if members != audience and manager_id in people:
            name = f"{first_name(people[manager_id])}'s org"
            groups[f"org:{manager_id}"] = _group(name, "org", members, k)
    return groups


def _group(name: str, kind: str, members: set[int], k: int) -> dict[str, Any]:
    """A group results could be asked for. One under k can never be shown: responses don't
    record membership of it at all, and its page says why it shows nothing."""
    group: dict[str, Any] = {"name": name, "kind": kind, "members": sorted(members)}
    if len(members) < k:
        group["too_small"] = True
    return group


def _audience_name(spec: Mapping[str, Any], people: Mapping[int, Person]) -> str:
    if spec.get("kind") == "team":
        return f"team {spec.get('team')}"
    if spec.get("kind") == "org" and int(spec["manager"]) in people:
        return f"{first_name(people[int(spec['manager'])])}'s org"
    return "everyone"


def _in_order(groups: Mapping[str, Any]) -> list[str]:
    """The whole audience first, then bigger groups before smaller: what matters most is
    never hidden because of a detail."""
    return sorted(groups, key=lambda g: (g != EVERYONE, -len(groups[g]["members"]), g))


def _slice_for(survey_round: SurveyRound, team: str, spec: Mapping[str, Any]) -> str | None:
    wanted = team.lower()
    for slice_id, group in survey_round.slices.items():
        if group["name"].lower() in (wanted, f"team {wanted}"):
            return slice_id
    if spec.get("kind") == "team" and str(spec.get("team", "")).lower() == wanted:
        return EVERYONE
    return None


def _sentence(reason: str) -> str:
    reason = reason.strip()
    return reason[0].upper() + reason[1:] + ("" if reason.endswith(".") else ".")


def _when(instant: datetime) -> str:
    return instant.strftime("%a %-d %b %H:%M UTC")


def _id(row: Person | Survey | SurveyRound) -> int:
    assert row.id is not None
    return row.id
