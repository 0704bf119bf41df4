"""The check-in's questions: per key result a value and a confidence, then the org's own set.

A run stores its question list as plain dicts when it opens, so the cursor never shifts when
goals change mid-check-in. Each entry: key, kind, text, and kr_id for key-result questions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from bot.checkins.parsing import MetricSpec
from bot.core.i18n import N_, catalog
from bot.core.messages import Choice, FormField, Question
from bot.goals.progress import format_value, plain_number, target_words
from storage.models import Answer, KeyResult
from storage.settings import OrgSettings

_, ngettext = catalog("bot.checkins")

KR_VALUE = "kr_value"
KR_CONFIDENCE = "kr_confidence"
FREE_TEXT = "text"
MOOD = "mood"

# The org's questions after the key results; an org may replace them in its settings. A run
# keeps their English text; they are translated where they are shown (`question_text`).
DEFAULT_CLOSING_QUESTIONS: tuple[dict[str, str], ...] = (
    {
        "key": "blockers",
        "kind": FREE_TEXT,
        "text": N_("Anything blocking you? (reply none if not)"),
    },
    {
        "key": "wins",
        "kind": FREE_TEXT,
        "text": N_("Wins this week, and your plan for the next one?"),
    },
    {"key": "mood", "kind": MOOD, "text": N_("How are you feeling about work, from 1 to 5?")},
)

CONFIDENCE_CHOICES = tuple(Choice(str(n), str(n)) for n in range(1, 11))
MOOD_CHOICES = (
    Choice("1 😞", "1"),
    Choice("2 🙁", "2"),
    Choice("3 😐", "3"),
    Choice("4 🙂", "4"),
    Choice("5 😀", "5"),
)
# Characters that would cut a one-line update apart, or read as its value.
_UNQUOTABLE = re.compile(r"[,;|:=\n\d]")


def no_change() -> Choice:
    return Choice(_("No change"), "same")


def skip() -> Choice:
    return Choice(_("Skip"), "skip")


def question_text(question: Mapping[str, Any]) -> str:
    """A question's text in the language in force: the default questions are translated, an
    org's own are shown as the org wrote them."""
    text = str(question.get("text", ""))
    return _(text) if text else text


def closing_questions(settings: OrgSettings) -> list[dict[str, Any]]:
    """The org's own questions after the key results, or the default set."""
    configured = [
        {"key": q.key, "kind": q.kind, "text": q.text} for q in settings.checkin_questions
    ]
    return configured or [dict(q) for q in DEFAULT_CLOSING_QUESTIONS]


def build_questions(
    key_results: Sequence[KeyResult], settings: OrgSettings
) -> list[dict[str, Any]]:
    questions: list[dict[str, Any]] = []
    together = several_at_once(key_results)
    for kr in key_results:
        value = {"key": f"kr:{kr.id}:value", "kind": KR_VALUE, "kr_id": kr.id, "text": kr.title}
        questions.append(value | ({"together": together} if together else {}))
        questions.append(
            {
                "key": f"kr:{kr.id}:confidence",
                "kind": KR_CONFIDENCE,
                "kr_id": kr.id,
                "text": kr.title,
            }
        )
    return questions + closing_questions(settings)


def several_at_once(key_results: Sequence[KeyResult]) -> str | None:
    """An example of one reply updating two of these key results, in their own names: "Weekly
    signups 120, NPS 28", written in the language in force when the run opens (it is kept with
    the run). None with fewer than two whose names read cleanly in one."""
    named = [kr for kr in key_results if not _UNQUOTABLE.search(kr.title)][:2]
    if len(named) < 2:
        return None
    return ", ".join(f"{kr.title.strip()} {_example_value(kr)}" for kr in named)


def _example_value(kr: KeyResult) -> str:
    if kr.kind == "binary":
        return _("done")
    value = kr.current if kr.current is not None else kr.start
    return format_value("number" if kr.kind == "currency" else kr.kind, value)


def next_question(
    questions: Sequence[Mapping[str, Any]], answers: Mapping[str, Answer], round_: int
) -> int | None:
    """Index of the first question not yet answered in this round."""
    for index, question in enumerate(questions):
        answer = answers.get(question["key"])
        if answer is None or answer.round < round_:
            return index
    return None


def metric_spec(kr: KeyResult) -> MetricSpec:
    kind = kr.kind if kr.kind in ("number", "percent", "currency", "binary") else "number"
    return MetricSpec(kind=kind, start=kr.start, target=kr.target, current=kr.current, unit=kr.unit)  # type: ignore[arg-type]


def render_question(
    question: Mapping[str, Any],
    prompt_id: str,
    position: int,
    total: int,
    kr: KeyResult | None,
    previous: Answer | None,
) -> Question:
    kind = question["kind"]
    again = _previous_hint(question, previous, kr)
    if kind == KR_VALUE and kr is not None:
        now = format_value(kr.kind, kr.current, kr.unit)
        if kr.kind == "binary":
            text = _("{title}: is it done? (now: {now})").format(title=kr.title, now=now)
            choices: tuple[Choice, ...] = (
                Choice(_("Yes"), "yes"),
                Choice(_("Not yet"), "no"),
                skip(),
            )
            hint = _("Reply yes or no.")
        else:
            goal = target_words(kr.kind, kr.start, kr.target, kr.unit)
            text = _("{title}: what is it now? (was {now}, target {goal})").format(
                title=kr.title, now=now, goal=goal
            )
            choices = (no_change(), skip())
            hint = _("Type a number like 400, 40% or done.")
            if question.get("together"):
                several = _("Several at once work too: {example}.")
                hint += " " + several.format(example=question["together"])
        return _checkin_question(prompt_id, text, choices, _join(hint, again), position, total)
    if kind == KR_CONFIDENCE and kr is not None:
        text = _("{title}: how confident are you of reaching it, from 1 to 10?").format(
            title=kr.title
        )
        choices = CONFIDENCE_CHOICES + ((no_change(),) if kr.confidence is not None else ())
        hint = _("1 = it won't happen, 10 = certain.")
        if kr.confidence is not None:
            hint += " " + _("Last time: {confidence}.").format(confidence=kr.confidence)
        return _checkin_question(prompt_id, text, choices, _join(hint, again), position, total)
    if kind == MOOD:
        choices = (*MOOD_CHOICES, skip())
        return _checkin_question(
            prompt_id, question_text(question), choices, again, position, total
        )
    return _checkin_question(prompt_id, question_text(question), (skip(),), again, position, total)


def _checkin_question(
    prompt_id: str,
    text: str,
    choices: tuple[Choice, ...],
    hint: str | None,
    position: int,
    total: int,
) -> Question:
    """A check-in's questions can all be answered at once in its form."""
    return Question(prompt_id, text, choices, hint, position, total, offers_form=total > 0)


def _previous_hint(
    question: Mapping[str, Any], previous: Answer | None, kr: KeyResult | None
) -> str | None:
    """In an edit round, show what was said before; 'same' keeps it."""
    if previous is None:
        return None
    if previous.skipped:
        said = _("skipped")
    elif question["kind"] == KR_VALUE and kr is not None:
        said = format_value(kr.kind, previous.number, kr.unit)
    elif previous.number is not None:
        said = plain_number(previous.number)
    else:
        said = _shorten(previous.text or _("none"), 120)
    return _("You said: {said}. Reply same to keep it.").format(said=said)


def _join(*parts: str | None) -> str | None:
    kept = [p for p in parts if p]
    return " ".join(kept) if kept else None


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def form_field(
    question: Mapping[str, Any], kr: KeyResult | None, answer: Answer | None
) -> FormField:
    kind = question["kind"]
    if kind == KR_VALUE and kr is not None:
        now = format_value(kr.kind, kr.current, kr.unit)
        label = _("{title} (now {now})").format(title=kr.title, now=now)
        return FormField(question["key"], label, "number", initial="")
    if kind == KR_CONFIDENCE and kr is not None:
        initial = str(kr.confidence) if kr.confidence is not None else ""
        label = _("{title}: confidence 1–10").format(title=kr.title)
        return FormField(question["key"], label, "choice", CONFIDENCE_CHOICES, initial)
    if kind == MOOD:
        mood = answer.number if answer is not None and not answer.skipped else None
        initial = f"{mood:g}" if mood is not None else ""
        text = question_text(question)
        return FormField(question["key"], text, "choice", MOOD_CHOICES, initial)
    initial = answer.text or "" if answer is not None else ""
    return FormField(question["key"], question_text(question), "text", initial=initial)


def answer_words(question: Mapping[str, Any], kr: KeyResult | None, answer: Answer | None) -> str:
    """A stored answer in a few words, named by its question: "NPS 35", "NPS confidence 8/10"."""
    title = kr.title if kr is not None else question_text(question)
    if answer is None:
        return title
    if answer.skipped or answer.number is None:
        return _("{title} skipped").format(title=title) if answer.skipped else title
    if question["kind"] == KR_VALUE and kr is not None:
        return f"{title} {format_value(kr.kind, answer.number, kr.unit)}"
    confidence = plain_number(answer.number)
    if question["kind"] == KR_CONFIDENCE and kr is not None and kr.kind == "binary":
        return _("{title} is done, so its confidence is {confidence}/10").format(
            title=title, confidence=confidence
        )
    if question["kind"] == KR_CONFIDENCE:
        return _("{title} confidence {confidence}/10").format(title=title, confidence=confidence)
    return title
