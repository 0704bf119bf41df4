"""`pulse results`: a survey's results for one group, as the round's close allowed them, with a
trend over past rounds. Until a round closes only participation is shown."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.core.messages import Card, Chart, Section, Text
from bot.core.outcome import Outcome
from bot.core.whole_numbers import whole_number
from bot.digests.charts import line_chart
from bot.privacy.pulse_groups import EVERYONE, first_group_seen, may_see_group, may_see_results
from bot.privacy.pulse_slices import TOO_FEW
from bot.pulse import stats
from bot.pulse.cards import when
from bot.pulse.questions import question_section
from bot.pulse.unit import PulseUnit
from storage.models import Survey, SurveyResponse, SurveyRound
from storage.survey_questions import SurveyQuestion, questions_of


class Results:
    def __init__(self, unit: PulseUnit) -> None:
        self.unit = unit

    async def show(self, args: str) -> Outcome:
        """`pulse results [survey] [team NAME]`: the latest round, for one group."""
        unit, viewer = self.unit, self.unit.person
        words = args.split()
        surveys = list(await unit.pulse.surveys(unit.tenant.id))
        people = await unit.people()
        survey = None
        if words and words[0].isdecimal():  # a survey's number, or no survey at all
            number = whole_number(words[0])
            survey = next((s for s in surveys if s.id == number), None)
            words = words[1:]
        else:
            survey = next((s for s in surveys if may_see_results(viewer, s, people)), None)
        if survey is None:
            return Outcome([Text("No survey results to show you. pulse send starts one.")])
        if not may_see_results(viewer, survey, people):
            return Outcome(
                [Text("Results are for admins, the sender, and managers of those asked.")]
            )
        team = " ".join(words).removeprefix("team ").strip()
        rounds = await unit.pulse.rounds(survey)
        if not rounds:
            return Outcome(
                [Text(f"“{survey.title}” hasn't opened yet: results show once a round closes.")]
            )
        latest = rounds[-1]
        if team:
            group_id = _group_named(latest, team, survey.audience)
        else:
            group_id = first_group_seen(viewer, latest.slices, survey, people)
        if group_id is None:
            known = ", ".join(g["name"] for g in latest.slices.values() if g.get("kind") == "team")
            hint = f" Teams in this survey: {known}." if known else ""
            return Outcome([Text(f"No group called {team[:40]} in “{survey.title}”.{hint}")])
        if not may_see_group(viewer, latest.slices[group_id], survey, people):
            return Outcome([Text("Those results are outside what you may see.")])
        return Outcome([await self._card(survey, rounds, group_id)])

    async def _card(self, survey: Survey, rounds: Sequence[SurveyRound], group_id: str) -> Card:
        latest = rounds[-1]
        group = latest.slices[group_id]
        invited = len(group["members"])
        responses = [r for r in await self.unit.pulse.responses(latest) if group_id in r.slices]
        participation = stats.Participation(min(len(responses), invited), invited).text
        title = f"{survey.title}: {group['name']}, round {latest.number}"
        if latest.status == "open":
            text = f"{participation}. Results show when the survey closes {when(latest.closes_at)}."
            return Card(title, (Section("", text=text),))
        if not group.get("shown"):
            reason = group.get("reason") or TOO_FEW
            return Card(title, (Section("", text=f"{participation}. {_sentence(reason)}"),))
        sections = [Section("", text=participation)]
        for question, result in question_results(survey, responses):
            sections.append(question_section(question, result))
        chart = await self._trend(survey, rounds, group_id)
        return Card(title, tuple(sections), chart=chart)

    async def _trend(
        self, survey: Survey, rounds: Sequence[SurveyRound], group_id: str
    ) -> Chart | None:
        """eNPS (or the first scale question's mean) per closed round, for this group."""
        questions = questions_of(survey)
        question = next(
            (q for q in questions if q.kind == stats.ENPS),
            next((q for q in questions if q.kind == stats.LIKERT), None),
        )
        if question is None:
            return None
        labels: list[str] = []
        points: list[float | None] = []
        for survey_round in rounds:
            if survey_round.status != "closed":
                continue
            labels.append(survey_round.opened_at.strftime("%-d %b"))
            group = survey_round.slices.get(group_id)
            if not group or not group.get("shown"):
                points.append(None)
                continue
            values = [
                r.answers[question.key]
                for r in await self.unit.pulse.responses(survey_round)
                if group_id in r.slices and question.key in r.answers
            ]
            result = stats.summarize(question.kind, values)
            points.append(result.enps if question.kind == stats.ENPS else result.mean)
        if question.kind == stats.ENPS:
            name, low, high = "eNPS", -100.0, 100.0
        else:
            name, low, high = "Average (1–5)", 1.0, 5.0
        title = f"{name} by round: {survey.title}"
        return line_chart(title, labels, [(name, points)], y_min=low, y_max=high)


def question_results(
    survey: Survey, responses: Sequence[SurveyResponse]
) -> list[tuple[SurveyQuestion, stats.QuestionResult]]:
    """Each question's numbers over these responses (one group's, already allowed)."""
    results = []
    for question in questions_of(survey):
        values = [r.answers[question.key] for r in responses if question.key in r.answers]
        results.append((question, stats.summarize(question.kind, values, question.options)))
    return results


def _group_named(survey_round: SurveyRound, team: str, spec: Mapping[str, Any]) -> str | None:
    """The group `team NAME` means: a team's or an org's by its name, or the whole audience
    when the survey went to that team."""
    wanted = team.lower()
    for group_id, group in survey_round.slices.items():
        if group["name"].lower() in (wanted, f"team {wanted}"):
            return group_id
    if spec.get("kind") == "team" and str(spec.get("team", "")).lower() == wanted:
        return EVERYONE
    return None


def _sentence(reason: str) -> str:
    reason = reason.strip()
    return reason[0].upper() + reason[1:] + ("" if reason.endswith(".") else ".")
