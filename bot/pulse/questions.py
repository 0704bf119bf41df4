"""A pulse survey's questions: the bank, reading custom ones typed in chat, reading answers,
and showing one question's results. Pure: no database, no sending."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.core.i18n import N_, catalog, fixed, translate
from bot.core.limits import TOO_LONG, too_long
from bot.core.messages import Field, Section
from bot.core.whole_numbers import whole_number
from bot.pulse import stats
from storage.survey_questions import QuestionKind, SurveyQuestion

MAX_QUESTIONS = 10
MAX_OPTIONS = 10
SEND_USAGE = N_(
    "pulse send engagement to team Platform (or: to everyone, to my org; add every 2 weeks, "
    "for 5 days), or your own questions after a colon: pulse send to my org: likert Our "
    "goals are clear; enps How likely are you to recommend us?; choice Best day? | Mon | Fri; "
    "multi Which helped? | docs | pairing; text Anything else?"
)
LIKERT_LABELS = (
    N_("Strongly disagree"),
    N_("Disagree"),
    N_("Neutral"),
    N_("Agree"),
    N_("Strongly agree"),
)

# The small bank of ready-made surveys. Stored as written (in English) when sent, and asked and
# shown in each reader's language (`bank_words`).
BANK: dict[str, tuple[str, tuple[SurveyQuestion, ...]]] = {
    "engagement": (
        N_("Engagement"),
        (
            SurveyQuestion(
                stats.ENPS, N_("How likely are you to recommend working here to a friend?")
            ),
            SurveyQuestion(stats.LIKERT, N_("I know what is expected of me at work.")),
            SurveyQuestion(stats.LIKERT, N_("I have the chance to learn and grow here.")),
            SurveyQuestion(stats.TEXT, N_("Anything you'd like to add?")),
        ),
    ),
    "wellbeing": (
        N_("Wellbeing"),
        (
            SurveyQuestion(stats.LIKERT, N_("My workload is manageable.")),
            SurveyQuestion(
                stats.SINGLE,
                N_("How was your week?"),
                (N_("Great"), N_("Good"), N_("Okay"), N_("Rough")),
            ),
            SurveyQuestion(stats.TEXT, N_("What would make next week better?")),
        ),
    ),
    "meetings": (
        N_("Meetings"),
        (
            SurveyQuestion(stats.LIKERT, N_("Our meetings are a good use of my time.")),
            SurveyQuestion(
                stats.MULTI,
                N_("Which meetings helped you this week?"),
                (N_("Stand-up"), N_("Planning"), "1:1", N_("Retro"), N_("None")),
            ),
            SurveyQuestion(stats.TEXT, N_("Which meeting would you drop?")),
        ),
    ),
}
# The bank's words: only these are translated where a survey is asked or shown; the words an
# admin typed are theirs, and are shown as typed.
BANK_WORDS = frozenset(
    word
    for title, questions in BANK.values()
    for word in (title, *(q.text for q in questions), *(o for q in questions for o in q.options))
)
_KIND_WORDS: dict[str, QuestionKind] = {
    "likert": stats.LIKERT,
    "scale": stats.LIKERT,
    "enps": stats.ENPS,
    "nps": stats.ENPS,
    "choice": stats.SINGLE,
    "single": stats.SINGLE,
    "multi": stats.MULTI,
    "multiple": stats.MULTI,
    "text": stats.TEXT,
}
_QUESTIONS_COLON = re.compile(r"(?<!\d):|:(?!\d)")

_, ngettext = catalog("bot.pulse")


def bank_words(text: str) -> str:
    """A bank survey's title, question or option in the language in force; an admin's own
    words as they typed them."""
    return _(text) if text in BANK_WORDS else text


def usage() -> str:
    """How `pulse send` is typed, in the language in force."""
    return _(SEND_USAGE)


class PulseError(Exception):
    """A survey that can't be sent, in words for the person sending it."""


def split_questions(args: str) -> tuple[str, str, str]:
    """The options before the first colon, and the questions after it; a colon inside a time
    (10:30) is not that colon."""
    found = _QUESTIONS_COLON.search(args)
    if found is None:
        return args, "", ""
    return args[: found.start()], ":", args[found.end() :]


def custom_questions(text: str) -> list[SurveyQuestion]:
    questions = []
    for part in [p.strip() for p in text.split(";") if p.strip()]:
        word, _space, rest = part.partition(" ")
        kind = _KIND_WORDS.get(word.lower())
        if kind is None:
            raise PulseError(
                _(
                    "Start each question with its type (likert, enps, choice, multi or text): "
                    "“{question}”."
                ).format(question=part[:60])
            )
        pieces = [p.strip() for p in rest.split("|")]
        question_text = pieces[0][:300]
        if not question_text:
            raise PulseError(_("A {kind} question needs its text.").format(kind=word))
        options: list[str] = []
        if kind in (stats.SINGLE, stats.MULTI):
            options = [p[:80] for p in pieces[1:] if p]
            if not 2 <= len(options) <= MAX_OPTIONS or len(set(options)) != len(options):
                raise PulseError(
                    _(
                        "“{question}” needs 2 to {most} different options: "
                        "choice Best day? | Mon | Fri"
                    ).format(question=pieces[0][:60], most=MAX_OPTIONS)
                )
        elif len(pieces) > 1:
            raise PulseError(
                _("Only choice and multi questions have options (“{question}”).").format(
                    question=part[:60]
                )
            )
        question = SurveyQuestion(kind, question_text, tuple(options))
        questions.append(question)
    if not questions:
        raise PulseError(_("Which questions? {usage}").format(usage=usage()))
    if len(questions) > MAX_QUESTIONS:
        raise PulseError(_("Keep it short: at most {most} questions.").format(most=MAX_QUESTIONS))
    return questions


def read_answer(question: SurveyQuestion, text: str) -> Any:
    """A typed or clicked answer as the value stored; None for a skipped question."""
    said = " ".join(text.split())
    kind = question.kind
    if said.lower() in ("skip", "pass", "-"):
        return None
    if kind in (stats.LIKERT, stats.ENPS):
        top = 5 if kind == stats.LIKERT else 10
        bottom = 1 if kind == stats.LIKERT else 0
        number = whole_number(said.split(" ", 1)[0], top)
        if number is None or number < bottom:
            raise PulseError(
                _("Pick a number from {bottom} to {top} (or skip).").format(bottom=bottom, top=top)
            )
        return number
    options = question.options
    shown = ", ".join(bank_words(o) for o in options)
    if kind == stats.SINGLE:
        chosen = _option(said, options)
        if chosen is None:
            raise PulseError(_("Pick one of: {options}.").format(options=shown))
        return chosen
    if kind == stats.MULTI:
        picked: list[str] = []
        for part in [p.strip() for p in re.split(r"[,;]", said) if p.strip()]:
            chosen = _option(part, options)
            if chosen is None:
                raise PulseError(
                    _("“{answer}” isn't one of: {options}.").format(answer=part[:40], options=shown)
                )
            if chosen not in picked:
                picked.append(chosen)
        if not picked:
            raise PulseError(_("Type all that apply: {options}.").format(options=shown))
        return [o for o in options if o in picked]
    if too_long(said):
        raise PulseError(translate(TOO_LONG))
    return said


def _option(said: str, options: Sequence[str]) -> str | None:
    """The option `said` picks: by number, by its name, or by its name as it was shown."""
    number = whole_number(said, len(options))
    if number:
        return options[number - 1]
    wanted = said.lower()
    return next((o for o in options if wanted in (o.lower(), bank_words(o).lower())), None)


def question_section(question: SurveyQuestion, result: stats.QuestionResult) -> Section:
    kind = question.kind
    fields: list[Field] = []
    if kind == stats.ENPS:
        text = f"eNPS {result.enps:+d}" if result.enps is not None else _("No answers.")
        fields = [Field(str(b), _bar(n, result.count)) for b, n in result.distribution.items()]
    elif kind == stats.LIKERT:
        text = (
            _("Average {average} of 5").format(average=fixed(result.mean, 1))
            if result.mean is not None
            else _("No answers.")
        )
        fields = [
            Field(f"{b} {_(LIKERT_LABELS[int(b) - 1])}", _bar(n, result.count))
            for b, n in result.distribution.items()
        ]
    elif kind in (stats.SINGLE, stats.MULTI):
        text = ngettext("{count} answered", "{count} answered", result.count).format(
            count=result.count
        )
        fields = [
            Field(bank_words(str(b)), _bar(n, result.count)) for b, n in result.distribution.items()
        ]
    else:
        text = "\n".join(f"“{c}”" for c in result.comments if c) or _("No comments.")
    return Section(bank_words(question.text), tuple(fields), text)


def _bar(count: int, total: int) -> str:
    share = round(100 * count / total) if total else 0
    return f"{'█' * round(share / 10)}{'░' * (10 - round(share / 10))} {count} ({share} %)"
