"""What pulse surveys show people, apart from results: `pulse help`, a survey question, and
when things happen."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from bot.core.messages import Card, Choice, Field, Question, Section
from bot.pulse import stats
from bot.pulse.questions import LIKERT_LABELS
from storage.models import Survey, SurveyInvite
from storage.survey_questions import questions_of

PROMPT_PREFIX: Final = "pu_"

PULSE_HELP: tuple[tuple[str, str], ...] = (
    ("pulse send engagement", "a ready-made survey: engagement, wellbeing or meetings"),
    ("… to my org / to team Platform / to everyone", "who gets it (everyone: admins only)"),
    ("… every 2 weeks", "a new round every 1, 2 or 4 weeks"),
    ("… for 5 days", "how long a round stays open (3 days if unsaid)"),
    ("pulse send to my org: likert Goals are clear; text Ideas?", "your own questions"),
    ("question types", "likert (1–5), enps (0–10), choice Q? | a | b, multi Q? | a | b, text"),
    ("pulse results 3 team Platform", "survey 3's results for one team, once it closes"),
)


def pulse_help() -> Card:
    fields = tuple(Field(command, meaning) for command, meaning in PULSE_HELP)
    text = (
        "Answers are anonymous: stored without names, and results are shown only for groups "
        "big enough (5 by default) that no one can be picked out, even by comparing two groups."
    )
    return Card("Pulse surveys", (Section("", fields, text),))


def question_prompt(
    survey: Survey, invite: SurveyInvite, index: int, intro: str | None = None
) -> Question:
    """Question `index` of the survey, with buttons where its kind has them."""
    questions = questions_of(survey)
    question = questions[index]
    kind = question.kind
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
        choices = tuple(Choice(o, o) for o in question.options)
        hint = "Pick one, or type it."
    elif kind == stats.MULTI:
        listed = ", ".join(f"{n} {o}" for n, o in enumerate(question.options, start=1))
        hint = f"Type all that apply, by number or name: {listed}."
    else:
        hint = "Type your answer; skip skips it."
    return Question(
        prompt_id=f"{PROMPT_PREFIX}{invite.id}_{index}",
        text=question.text,
        choices=choices,
        hint=hint,
        position=index + 1,
        total=len(questions),
        intro=intro,
    )


def answered_as(question: Question, value: str) -> str:
    """How an answer reads under its question once the buttons are gone: the button's label."""
    chosen = next((c.label for c in question.choices if c.value == value), None)
    return chosen or value.strip()


def when(instant: datetime) -> str:
    return instant.strftime("%a %-d %b %H:%M UTC")
