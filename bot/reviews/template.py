"""A review's questions: the template a cycle copies as it starts. By default ratings from 1 to
5 on four competencies, and two questions in words; each says who answers it (self, manager,
peer). As a form, each question is a field; a last one says whether to submit or keep a draft."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.core.i18n import N_, catalog
from bot.core.messages import Choice, Form, FormField

_, ngettext = catalog("bot.reviews")

KINDS = ("self", "manager", "peer")
ALL = list(KINDS)
# A rating's value is its number; its label, "3 solid", is said in the reader's language.
_RATING_WORDS = (N_("needs work"), N_("growing"), N_("solid"), N_("strong"), N_("outstanding"))
RATINGS = tuple(Choice(f"{n} {word}", str(n)) for n, word in enumerate(_RATING_WORDS, start=1))
DEFAULT_QUESTIONS: tuple[dict[str, Any], ...] = tuple(
    {"key": key, "text": text, "kind": kind, "for": ALL}
    for key, text, kind in (
        ("delivery", N_("Delivery: gets the right things done"), "rating"),
        ("collaboration", N_("Collaboration: works well with others"), "rating"),
        ("craft", N_("Craft: the quality of the work"), "rating"),
        ("growth", N_("Growth: learns, and helps others learn"), "rating"),
        ("went_well", N_("What went well?"), "text"),
        ("to_grow", N_("What to grow next?"), "text"),
    )
)
_DEFAULTS = {(str(q["key"]), str(q["text"])) for q in DEFAULT_QUESTIONS}
STATE = "_state"  # the form's last field: submit, or keep a draft
SUBMIT, DRAFT = "submit", "draft"
MAX_ANSWER = 3000


def ratings() -> tuple[Choice, ...]:
    """The ratings, labelled in the language in force."""
    return tuple(Choice(f"{n} {_(word)}", str(n)) for n, word in enumerate(_RATING_WORDS, start=1))


def question_text(question: Mapping[str, Any]) -> str:
    """A question as the reader reads it: a default question in their language, an org's own
    question in the org's words."""
    key, text = str(question["key"]), str(question["text"])
    return _(text) if (key, text) in _DEFAULTS else text


def questions_for(questions: Sequence[Mapping[str, Any]], kind: str) -> list[Mapping[str, Any]]:
    return [q for q in questions if kind in q.get("for", ALL)]


def review_form(
    form_id: str,
    title: str,
    questions: Sequence[Mapping[str, Any]],
    kind: str,
    answers: Mapping[str, Any],
) -> Form:
    """The questions for `kind`, filled with what was saved, and the submit-or-draft choice."""
    fields = []
    for question in questions_for(questions, kind):
        key, text = str(question["key"]), question_text(question)
        saved = str(answers.get(key, ""))
        if question.get("kind") == "rating":
            fields.append(FormField(key, text, "choice", ratings(), saved, optional=True))
        else:
            fields.append(FormField(key, text, initial=saved))
    fields.append(
        FormField(
            STATE,
            _("Submit now, or keep it as a draft to finish later?"),
            "choice",
            (Choice(_("Keep as a draft"), DRAFT), Choice(_("Submit"), SUBMIT)),
            DRAFT,
            optional=False,
        )
    )
    return Form(form_id, title, tuple(fields), _("Save"))


def read_answers(
    questions: Sequence[Mapping[str, Any]], kind: str, values: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """(answers, errors at their fields). A rating is 1 to 5; words fit in MAX_ANSWER."""
    answers: dict[str, str] = {}
    errors: dict[str, str] = {}
    for question in questions_for(questions, kind):
        key = str(question["key"])
        value = (
            " ".join(str(values.get(key, "")).split())
            if question.get("kind") == "rating"
            else str(values.get(key, "")).strip()
        )
        if not value:
            continue
        if question.get("kind") == "rating" and value not in {c.value for c in RATINGS}:
            errors[key] = _("A rating from 1 to 5.")
        elif len(value) > MAX_ANSWER:
            errors[key] = _("That's {length} characters; an answer fits in {most}.").format(
                length=len(value), most=MAX_ANSWER
            )
        else:
            answers[key] = value
    return answers, errors


def missing(
    questions: Sequence[Mapping[str, Any]], kind: str, answers: Mapping[str, str]
) -> list[str]:
    """The keys of questions not answered: a review is submitted whole."""
    return [str(q["key"]) for q in questions_for(questions, kind) if not answers.get(str(q["key"]))]
