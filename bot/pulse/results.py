"""`pulse results`: a survey's results for one group, as the round's close allowed them, with a
trend over past rounds. Until a round closes only participation is shown."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.core.i18n import catalog, day_month
from bot.core.messages import Card, Chart, Section, Text
from bot.core.outcome import Outcome
from bot.core.whole_numbers import whole_number
from bot.digests.charts import line_chart
from bot.privacy.pulse_groups import EVERYONE, first_group_seen, may_see_group, may_see_results
from bot.privacy.said import group_name_said, reason_said
from bot.pulse import stats
from bot.pulse.cards import when
from bot.pulse.questions import bank_words, question_section
from bot.pulse.unit import PulseUnit
from storage.models import Survey, SurveyResponse, SurveyRound
from storage.survey_questions import SurveyQuestion, plain, questions_of

_, ngettext = catalog("bot.pulse")


class Results:
    def __init__(self, unit: PulseUnit) -> None:
        self.unit = unit

    async def show(self, args: str) -> Outcome:
        """`pulse results [survey name or number] [team NAME]`: the latest round, for one
        group."""
        unit, viewer = self.unit, self.unit.person
        people = await unit.people()
        every = await unit.pulse.surveys(unit.tenant.id)
        surveys = [s for s in every if may_see_results(viewer, s, people)]
        survey, rest = pick_survey(args, surveys)
        if survey is None:
            if every and not surveys:
                return Outcome(
                    [Text(_("Results are for admins, the sender, and managers of those asked."))]
                )
            if not surveys:
                return Outcome([Text(_("No survey results to show you. pulse send starts one."))])
            missing = _("No survey {survey} among yours.").format(survey=rest[:40])
            return Outcome([Text(f"{missing} {_listed(surveys)}")])
        team = rest.removeprefix("team ").strip()
        rounds = await unit.pulse.rounds(survey)
        title = bank_words(survey.title)
        if not rounds:
            not_yet = _("“{title}” hasn't opened yet: results show once a round closes.")
            return Outcome([Text(not_yet.format(title=title))])
        latest = rounds[-1]
        if team:
            group_id = _group_named(latest, team, survey.audience)
        else:
            group_id = first_group_seen(viewer, latest.slices, survey, people)
        if group_id is None:
            known = ", ".join(
                group_name_said(g["name"])
                for g in latest.slices.values()
                if g.get("kind") == "team"
            )
            hint = " " + _("Teams in this survey: {teams}.").format(teams=known) if known else ""
            hint += f" {_listed(surveys)}" if len(surveys) > 1 else ""
            if rest.startswith("team "):
                nothing = _("No group called {team} in “{title}”.")
            else:
                nothing = _("No survey or group called {team} in “{title}”.")
            return Outcome([Text(nothing.format(team=team[:40], title=title) + hint)])
        if not may_see_group(viewer, latest.slices[group_id], survey, people):
            return Outcome([Text(_("Those results are outside what you may see."))])
        return Outcome([await self._card(survey, rounds, group_id)])

    async def _card(self, survey: Survey, rounds: Sequence[SurveyRound], group_id: str) -> Card:
        latest = rounds[-1]
        group = latest.slices[group_id]
        invited = len(group["members"])
        title = _("{title}: {group}, round {round}").format(
            title=bank_words(survey.title),
            group=group_name_said(group["name"]),
            round=latest.number,
        )
        if latest.status == "open":
            # Not even how many answered so far: counts can be set against each other too.
            text = _(
                "{count} asked. Results, and how many answered, show when the survey closes "
                "{when}, for groups big enough to keep answers anonymous."
            ).format(count=invited, when=when(latest.closes_at))
            return Card(title, (Section("", text=text),))
        if not group.get("shown"):
            # Neither answers nor how many answered: a count can be set against others too.
            # The reason was written at the close (bot.privacy), in English: said in the
            # reader's language.
            reason = _sentence(reason_said(group.get("reason")))
            hidden = _("{count} asked. {reason}").format(count=invited, reason=reason)
            return Card(title, (Section("", text=hidden),))
        responses = [r for r in await self.unit.pulse.responses(latest) if group_id in r.slices]
        participation = stats.Participation(min(len(responses), invited), invited).text
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
            labels.append(day_month(survey_round.opened_at))
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
            name, low, high = _("Average (1–5)"), 1.0, 5.0
        title = _("{measure} by round: {title}").format(
            measure=name, title=bank_words(survey.title)
        )
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


def pick_survey(args: str, surveys: Sequence[Survey]) -> tuple[Survey | None, str]:
    """The survey `args` starts with (its number, or its title; the newest of that title),
    else the newest one; and the rest of `args`. None when `args` names a survey not listed."""
    words = args.replace("“", " ").replace("”", " ").replace('"', " ").split()
    if words and words[0].lstrip("#").isdecimal():
        number = whole_number(words[0].lstrip("#"))
        found = next((s for s in surveys if s.id == number), None)
        return found, (" ".join(words[1:]) if found else words[0])
    said = " ".join(words).casefold()
    # A bank survey's title as written, or as shown in the language in force.
    titled = [
        (s, name)
        for s in surveys  # newest first
        for name in dict.fromkeys((s.title, bank_words(s.title)))
        if said == plain(name) or said.startswith(plain(name) + " ")
    ]
    if titled:
        survey, name = max(titled, key=lambda pair: (len(pair[1]), pair[0].id or 0))
        return survey, " ".join(words[len(name.split()) :])
    return (surveys[0] if surveys else None), " ".join(words)


def _listed(surveys: Sequence[Survey]) -> str:
    named = ", ".join(f"{s.id} “{bank_words(s.title)}”" for s in surveys[:5])
    return _("Yours: {surveys}. Type pulse results NUMBER or pulse results TITLE.").format(
        surveys=named
    )


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
