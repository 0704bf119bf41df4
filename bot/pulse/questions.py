"""A pulse survey's questions: the bank, reading custom ones typed in chat, reading answers,
and showing one question's results. Pure: no database, no sending."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.core.limits import TOO_LONG, too_long
from bot.core.messages import Field, Section
from bot.core.whole_numbers import whole_number
from bot.pulse import stats
from storage.survey_questions import QuestionKind, SurveyQuestion

MAX_QUESTIONS = 10
MAX_OPTIONS = 10
SEND_USAGE = (
    "pulse send engagement to team Platform (or: to everyone, to my org; add every 2 weeks, "
    "for 5 days), or your own questions after a colon: pulse send to my org: likert Our "
    "goals are clear; enps How likely are you to recommend us?; choice Best day? | Mon | Fri; "
    "multi Which helped? | docs | pairing; text Anything else?"
)
LIKERT_LABELS = ("Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree")

# The small bank of ready-made surveys.
BANK: dict[str, tuple[str, tuple[SurveyQuestion, ...]]] = {
    "engagement": (
        "Engagement",
        (
            SurveyQuestion(stats.ENPS, "How likely are you to recommend working here to a friend?"),
            SurveyQuestion(stats.LIKERT, "I know what is expected of me at work."),
            SurveyQuestion(stats.LIKERT, "I have the chance to learn and grow here."),
            SurveyQuestion(stats.TEXT, "Anything you'd like to add?"),
        ),
    ),
    "wellbeing": (
        "Wellbeing",
        (
            SurveyQuestion(stats.LIKERT, "My workload is manageable."),
            SurveyQuestion(stats.SINGLE, "How was your week?", ("Great", "Good", "Okay", "Rough")),
            SurveyQuestion(stats.TEXT, "What would make next week better?"),
        ),
    ),
    "meetings": (
        "Meetings",
        (
            SurveyQuestion(stats.LIKERT, "Our meetings are a good use of my time."),
            SurveyQuestion(
                stats.MULTI,
                "Which meetings helped you this week?",
                ("Stand-up", "Planning", "1:1", "Retro", "None"),
            ),
            SurveyQuestion(stats.TEXT, "Which meeting would you drop?"),
        ),
    ),
}
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
        word, _, rest = part.partition(" ")
        kind = _KIND_WORDS.get(word.lower())
        if kind is None:
            raise PulseError(
                f"Start each question with its type (likert, enps, choice, multi or text): "
                f"“{part[:60]}”."
            )
        pieces = [p.strip() for p in rest.split("|")]
        question_text = pieces[0][:300]
        if not question_text:
            raise PulseError(f"A {word} question needs its text.")
        options: list[str] = []
        if kind in (stats.SINGLE, stats.MULTI):
            options = [p[:80] for p in pieces[1:] if p]
            if not 2 <= len(options) <= MAX_OPTIONS or len(set(options)) != len(options):
                raise PulseError(
                    f"“{pieces[0][:60]}” needs 2 to {MAX_OPTIONS} different options: "
                    "choice Best day? | Mon | Fri"
                )
        elif len(pieces) > 1:
            raise PulseError(f"Only choice and multi questions have options (“{part[:60]}”).")
        question = SurveyQuestion(kind, question_text, tuple(options))
        questions.append(question)
    if not questions:
        raise PulseError(f"Which questions? {SEND_USAGE}")
    if len(questions) > MAX_QUESTIONS:
        raise PulseError(f"Keep it short: at most {MAX_QUESTIONS} questions.")
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
            raise PulseError(f"Pick a number from {bottom} to {top} (or skip).")
        return number
    if kind == stats.SINGLE:
        options = question.options
        chosen = _option(said, options)
        if chosen is None:
            raise PulseError(f"Pick one of: {', '.join(options)}.")
        return chosen
    if kind == stats.MULTI:
        options = question.options
        picked: list[str] = []
        for part in [p.strip() for p in re.split(r"[,;]", said) if p.strip()]:
            chosen = _option(part, options)
            if chosen is None:
                raise PulseError(f"“{part[:40]}” isn't one of: {', '.join(options)}.")
            if chosen not in picked:
                picked.append(chosen)
        if not picked:
            raise PulseError(f"Type all that apply: {', '.join(options)}.")
        return [o for o in options if o in picked]
    if too_long(said):
        raise PulseError(TOO_LONG)
    return said


def _option(said: str, options: Sequence[str]) -> str | None:
    number = whole_number(said, len(options))
    if number:
        return options[number - 1]
    return next((o for o in options if o.lower() == said.lower()), None)


def question_section(question: SurveyQuestion, result: stats.QuestionResult) -> Section:
    kind = question.kind
    fields: list[Field] = []
    if kind == stats.ENPS:
        text = f"eNPS {result.enps:+d}" if result.enps is not None else "No answers."
        fields = [Field(str(b), _bar(n, result.count)) for b, n in result.distribution.items()]
    elif kind == stats.LIKERT:
        text = f"Average {result.mean:.1f} of 5" if result.mean is not None else "No answers."
        fields = [
            Field(f"{b} {LIKERT_LABELS[int(b) - 1]}", _bar(n, result.count))
            for b, n in result.distribution.items()
        ]
    elif kind in (stats.SINGLE, stats.MULTI):
        text = f"{result.count} answered"
        fields = [Field(str(b), _bar(n, result.count)) for b, n in result.distribution.items()]
    else:
        text = "\n".join(f"“{c}”" for c in result.comments if c) or "No comments."
    return Section(question.text, tuple(fields), text)


def _bar(count: int, total: int) -> str:
    share = round(100 * count / total) if total else 0
    return f"{'█' * round(share / 10)}{'░' * (10 - round(share / 10))} {count} ({share} %)"
