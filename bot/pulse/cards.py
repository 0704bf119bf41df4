"""What pulse surveys show people, apart from results: `pulse help`, a survey question, and
when things happen."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from bot.core.i18n import N_, catalog, moment
from bot.core.messages import Card, Choice, Field, Question, Section
from bot.pulse import stats
from bot.pulse.questions import LIKERT_LABELS, bank_words
from storage.models import Survey, SurveyInvite
from storage.survey_questions import questions_of

PROMPT_PREFIX: Final = "pu_"

_, ngettext = catalog("bot.pulse")

# The command as typed (English in every language), and what it means (translated when shown).
PULSE_HELP: tuple[tuple[str, str], ...] = (
    ("pulse send engagement", N_("a ready-made survey: engagement, wellbeing or meetings")),
    ("… to my org / to team Platform / to everyone", N_("who gets it (everyone: admins only)")),
    ("… every 2 weeks", N_("a new round every 1, 2 or 4 weeks")),
    ("… for 5 days", N_("how long a round stays open (3 days if unsaid)")),
    ("pulse send to my org: likert Goals are clear; text Ideas?", N_("your own questions")),
    (
        N_("question types"),
        N_("likert (1–5), enps (0–10), choice Q? | a | b, multi Q? | a | b, text"),
    ),
    ("pulse results 3 team Platform", N_("survey 3's results for one team, once it closes")),
)


def pulse_help() -> Card:
    fields = tuple(Field(_(command), _(meaning)) for command, meaning in PULSE_HELP)
    text = _(
        "Answers are anonymous: stored without names, and results are shown only for groups "
        "big enough (5 by default) that no one can be picked out, even by comparing two groups."
    )
    return Card(_("Pulse surveys"), (Section("", fields, text),))


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
            Choice(f"{n} {_(label)}", str(n)) for n, label in enumerate(LIKERT_LABELS, start=1)
        )
        hint = _("Pick one, or type 1 (strongly disagree) to 5 (strongly agree).")
    elif kind == stats.ENPS:
        choices = tuple(Choice(str(n), str(n)) for n in range(11))
        hint = _("0 = not at all likely, 10 = extremely likely.")
    elif kind == stats.SINGLE:
        choices = tuple(Choice(bank_words(o), o) for o in question.options)
        hint = _("Pick one, or type it.")
    elif kind == stats.MULTI:
        listed = ", ".join(f"{n} {bank_words(o)}" for n, o in enumerate(question.options, start=1))
        hint = _("Type all that apply, by number or name: {options}.").format(options=listed)
    else:
        hint = _("Type your answer; skip skips it.")
    return Question(
        prompt_id=f"{PROMPT_PREFIX}{invite.id}_{index}",
        text=bank_words(question.text),
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
    """ "Mon 2 Mar 10:00 UTC", in the language in force."""
    return moment(instant)
