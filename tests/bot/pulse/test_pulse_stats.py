"""Behaviour of bot.pulse.stats: eNPS, distributions, means, choices, comments, participation."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.pulse.stats import (
    ENPS,
    LIKERT,
    MULTI,
    SINGLE,
    TEXT,
    Answer,
    Participation,
    enps,
    summarize,
)

FAST = settings(max_examples=200, deadline=None)
OPTIONS = ("Docs", "Tests", "CI")


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([10, 9, 8, 7, 6, 0], 0),  # (2 − 2) / 6
        ([10, 10, 10, 9, 0], 60),  # 80 − 20
        ([7, 8, 7, 8, 8], 0),  # passives only
        ([0, 1, 2, 3, 4, 5, 6], -100),
        ([9, 10, 9], 100),
        ([10, 7, 7], 33),  # 33.3
        ([10, 10, 7], 67),  # 66.7
        ([0, 0, 9], -33),
    ],
)
def test_enps_is_promoters_minus_detractors_in_whole_percent(
    scores: list[int], expected: int
) -> None:
    assert enps(scores) == expected


def test_enps_rounds_half_away_from_zero() -> None:
    assert enps([9] + [7] * 7) == 13  # 12.5
    assert enps([0] + [7] * 7) == -13  # −12.5
    assert enps([10, 10, 10, 0, 0] + [8] * 3) == 13  # (3 − 2) / 8


def test_enps_of_no_scores_is_none() -> None:
    assert enps([]) is None


@pytest.mark.parametrize("bad", [11, -1, True])
def test_enps_rejects_a_score_off_the_scale(bad: int) -> None:
    with pytest.raises(ValueError, match="enps score"):
        enps([9, bad])


@FAST
@given(st.lists(st.integers(0, 10), min_size=1, max_size=60))
def test_enps_matches_exact_decimal_arithmetic(scores: list[int]) -> None:
    promoters = sum(s >= 9 for s in scores)
    detractors = sum(s <= 6 for s in scores)
    exact = Decimal(100 * (promoters - detractors)) / Decimal(len(scores))
    # ROUND_HALF_UP in decimal rounds ties away from zero, for negatives too.
    assert enps(scores) == int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert -100 <= (enps(scores) or 0) <= 100


def test_likert_lists_every_point_of_the_scale_in_order() -> None:
    result = summarize(LIKERT, [5, 4, 4, 2])
    assert list(result.distribution.items()) == [(1, 0), (2, 1), (3, 0), (4, 2), (5, 1)]
    assert result.count == 4
    assert result.mean == 3.75
    assert result.enps is None
    assert result.comments == ()


def test_likert_without_answers_has_empty_buckets_and_no_mean() -> None:
    result = summarize(LIKERT, [])
    assert dict(result.distribution) == {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}
    assert result.count == 0
    assert result.mean is None


def test_enps_question_has_eleven_buckets_a_mean_and_its_score() -> None:
    result = summarize(ENPS, [10, 10, 10, 9, 0])
    assert list(result.distribution) == list(range(11))
    assert result.distribution[10] == 3
    assert result.distribution[9] == 1
    assert result.distribution[0] == 1
    assert sum(result.distribution.values()) == 5
    assert result.mean == 7.8
    assert result.enps == 60


def test_enps_question_without_answers_has_no_score() -> None:
    result = summarize(ENPS, [])
    assert result.enps is None
    assert result.mean is None
    assert set(result.distribution.values()) == {0}


@pytest.mark.parametrize(("kind", "bad"), [(LIKERT, 0), (LIKERT, 6), (LIKERT, "4"), (ENPS, 11)])
def test_scale_questions_reject_values_off_the_scale(kind: str, bad: Answer) -> None:
    with pytest.raises(ValueError, match=f"{kind} score"):
        summarize(kind, [3, bad])


def test_single_choice_counts_in_option_order_with_zero_buckets() -> None:
    result = summarize(SINGLE, ["CI", "Docs", "CI"], OPTIONS)
    assert list(result.distribution.items()) == [("Docs", 1), ("Tests", 0), ("CI", 2)]
    assert result.count == 3
    assert result.mean is None


def test_multi_choice_counts_respondents_choosing_each_option() -> None:
    answers: list[Answer] = [("Docs", "CI"), ["CI"], (), ("Tests", "CI", "CI")]
    result = summarize(MULTI, answers, OPTIONS)
    assert result.count == 4  # an empty choice is still an answer
    assert list(result.distribution.items()) == [("Docs", 1), ("Tests", 1), ("CI", 3)]


@pytest.mark.parametrize(
    ("kind", "answer"),
    [(SINGLE, "Lint"), (SINGLE, 1), (MULTI, ("Docs", "Lint")), (MULTI, "Docs"), (MULTI, 2)],
)
def test_choices_reject_unknown_options(kind: str, answer: Answer) -> None:
    with pytest.raises(ValueError, match="not"):
        summarize(kind, [answer], OPTIONS)


def test_text_keeps_comments_in_the_order_given() -> None:
    result = summarize(TEXT, ["More focus time", "", "Fewer meetings"])
    assert result.comments == ("More focus time", "", "Fewer meetings")
    assert result.count == 3
    assert dict(result.distribution) == {}


def test_text_rejects_a_non_text_answer() -> None:
    with pytest.raises(ValueError, match="not a text answer"):
        summarize(TEXT, ["ok", 3])


def test_unknown_kind_and_misplaced_or_repeated_options_are_rejected() -> None:
    with pytest.raises(ValueError, match="unknown question kind"):
        summarize("stars", [])
    with pytest.raises(ValueError, match="no options"):
        summarize(LIKERT, [], ("a", "b"))
    with pytest.raises(ValueError, match="options repeat"):
        summarize(SINGLE, [], ("a", "a"))


def test_results_cannot_be_changed_after_the_fact() -> None:
    result = summarize(LIKERT, [3])
    with pytest.raises(TypeError):
        result.distribution[3] = 99  # type: ignore[index]


@pytest.mark.parametrize(
    ("responded", "invited", "rate", "text"),
    [
        (6, 8, 75, "6 of 8 answered (75 %)"),
        (1, 8, 13, "1 of 8 answered (13 %)"),  # 12.5 rounds up
        (1, 3, 33, "1 of 3 answered (33 %)"),
        (8, 8, 100, "8 of 8 answered (100 %)"),
        (0, 8, 0, "0 of 8 answered (0 %)"),
        (0, 0, None, "0 of 0 answered"),
    ],
)
def test_participation_reads_as_a_sentence(
    responded: int, invited: int, rate: int | None, text: str
) -> None:
    participation = Participation(responded, invited)
    assert participation.rate == rate
    assert participation.text == text


@pytest.mark.parametrize(("responded", "invited"), [(9, 8), (-1, 8), (0, -1)])
def test_participation_rejects_impossible_counts(responded: int, invited: int) -> None:
    with pytest.raises(ValueError, match="not possible"):
        Participation(responded, invited)
