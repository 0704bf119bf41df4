"""A pulse survey's questions: typed when read, the same JSON when written back, a malformed
entry skipped or read safely, never an error."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.pulse.questions import BANK
from storage.models import Survey
from storage.survey_questions import (
    CHOICE_KINDS,
    KINDS,
    SurveyQuestion,
    questions_of,
    read_questions,
)

# Entries as sent surveys store them: kind, text, options for choice kinds only, then the key.
STORED: list[tuple[dict[str, Any], SurveyQuestion]] = [
    (
        {"kind": "likert", "text": "Goals are clear", "key": "q1"},
        SurveyQuestion("likert", "Goals are clear", key="q1"),
    ),
    (
        {"kind": "enps", "text": "Recommend us?", "key": "q2"},
        SurveyQuestion("enps", "Recommend us?", key="q2"),
    ),
    (
        {"kind": "single", "text": "Best day?", "options": ["Mon", "Fri"], "key": "q3"},
        SurveyQuestion("single", "Best day?", ("Mon", "Fri"), "q3"),
    ),
    (
        {"kind": "multi", "text": "Which helped?", "options": ["docs", "pairing"], "key": "q4"},
        SurveyQuestion("multi", "Which helped?", ("docs", "pairing"), "q4"),
    ),
    (
        {"kind": "text", "text": "Anything else?", "key": "q5"},
        SurveyQuestion("text", "Anything else?", key="q5"),
    ),
    # The bank's questions, as its dicts were before they were numbered.
    (
        {"kind": "enps", "text": "How likely are you to recommend working here to a friend?"},
        BANK["engagement"][1][0],
    ),
    (
        {
            "kind": "single",
            "text": "How was your week?",
            "options": ["Great", "Good", "Okay", "Rough"],
        },
        BANK["wellbeing"][1][1],
    ),
    (
        {
            "kind": "multi",
            "text": "Which meetings helped you this week?",
            "options": ["Stand-up", "Planning", "1:1", "Retro", "None"],
        },
        BANK["meetings"][1][1],
    ),
    ({"kind": "text", "text": "Which meeting would you drop?"}, BANK["meetings"][1][2]),
]


@pytest.mark.parametrize(("stored", "typed"), STORED)
def test_a_stored_question_reads_typed_and_writes_back_byte_for_byte(
    stored: dict[str, Any], typed: SurveyQuestion
) -> None:
    assert SurveyQuestion.read(stored) == typed
    assert json.dumps(typed.written()) == json.dumps(stored)


def test_every_kind_is_in_the_table() -> None:
    assert {typed.kind for _, typed in STORED} == set(KINDS)


@pytest.mark.parametrize(
    "question", [q for _, questions in BANK.values() for q in questions], ids=repr
)
def test_a_bank_question_numbered_writes_its_key_last(question: SurveyQuestion) -> None:
    written = replace(question, key="q1").written()
    assert list(written) == ["kind", "text", *(["options"] if question.options else []), "key"]
    assert SurveyQuestion.read(written) == replace(question, key="q1")


def test_a_surveys_questions_read_in_order() -> None:
    survey = Survey(tenant_id="t", creator_id=1, title="S", questions=[s for s, _ in STORED])
    assert questions_of(survey) == tuple(typed for _, typed in STORED)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("likert Goals?", None),
        (None, None),
        ({}, None),
        ({"kind": "bogus", "text": "Q?"}, None),
        ({"kind": "LIKERT", "text": "Q?"}, None),
        ({"kind": ["likert"], "text": "Q?"}, None),
        ({"kind": "likert"}, None),
        ({"kind": "likert", "text": 5}, None),
        ({"kind": "likert", "text": "Q?", "key": 1}, SurveyQuestion("likert", "Q?")),
        # Options only where the kind has them: they would break the likert's results.
        ({"kind": "likert", "text": "Q?", "options": ["a"]}, SurveyQuestion("likert", "Q?")),
        ({"kind": "single", "text": "Q?"}, SurveyQuestion("single", "Q?")),
        ({"kind": "single", "text": "Q?", "options": "a|b"}, SurveyQuestion("single", "Q?")),
        (
            {"kind": "multi", "text": "Q?", "options": ["a", 2, None, "b", "a"], "key": "q1"},
            SurveyQuestion("multi", "Q?", ("a", "b"), "q1"),
        ),
    ],
)
def test_a_malformed_entry_is_skipped_or_read_safely(
    raw: object, expected: SurveyQuestion | None
) -> None:
    assert SurveyQuestion.read(raw) == expected


@pytest.mark.parametrize("raw", [None, "q1", {"kind": "text"}, [None, "x", {"text": "Q?"}]])
def test_a_malformed_list_reads_as_no_questions(raw: object) -> None:
    assert read_questions(raw) == ()


def test_malformed_entries_are_left_out_and_the_rest_kept_in_order() -> None:
    raw = [{"kind": "text", "text": "A?"}, "junk", {"kind": "enps"}, {"kind": "enps", "text": "B?"}]
    assert read_questions(raw) == (SurveyQuestion("text", "A?"), SurveyQuestion("enps", "B?"))


@pytest.mark.parametrize(
    ("kind", "options"), [("likert", ("a",)), ("text", ("a", "b")), ("single", ("a", "a"))]
)
def test_a_question_with_options_it_cant_count_is_not_made(
    kind: Any, options: tuple[str, ...]
) -> None:
    with pytest.raises(ValueError):
        SurveyQuestion(kind, "Q?", options)


questions = st.sampled_from(KINDS).flatmap(
    lambda kind: st.builds(
        SurveyQuestion,
        st.just(kind),
        st.text(),
        st.lists(st.text(), unique=True, max_size=12).map(tuple)
        if kind in CHOICE_KINDS
        else st.just(()),
        st.text(),
    )
)


@given(questions)
def test_a_question_written_reads_back_the_same(question: SurveyQuestion) -> None:
    written = question.written()
    assert SurveyQuestion.read(written) == question
    assert SurveyQuestion.read(json.loads(json.dumps(written))) == question
