"""The one-line goal grammar: titles quoted or not, options in any order, numbers read as
check-in answers are, and any other text refused with a message, never an exception."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.goals.one_line import (
    Measure,
    OneLineError,
    parse_key_result_line,
    parse_objective_line,
)
from bot.goals.periods import PeriodError, Quarter, parse_quarter


@pytest.mark.parametrize(
    ("text", "title", "quarter", "parent", "level", "owner"),
    [
        ('"Grow revenue" for 2027-Q1 under #3', "Grow revenue", "2027-Q1", 3, None, None),
        ("Grow revenue for 2027-Q1 under #3", "Grow revenue", "2027-Q1", 3, None, None),
        ("“Grow revenue” under 3 for q1-2027", "Grow revenue", "2027-Q1", 3, None, None),
        ('"Cy\'s thing" owner cy', "Cy's thing", None, None, None, "cy"),
        ('"Win for good" level company', "Win for good", None, None, "company", None),
        ("Plan for the future", "Plan for the future", None, None, None, None),
    ],
)
def test_an_objective_line(
    text: str,
    title: str,
    quarter: str | None,
    parent: int | None,
    level: str | None,
    owner: str | None,
) -> None:
    line = parse_objective_line(text)
    assert line.title == title
    assert (line.quarter.label if line.quarter else None) == quarter
    assert (line.parent_id, line.level, line.owner) == (parent, level, owner)


@pytest.mark.parametrize(
    ("text", "title", "measure"),
    [
        ('#12 "New MRR" from 10000 to 20000 USD', "New MRR", Measure("currency", 1e4, 2e4, "USD")),
        ("#12 New MRR from $10k to $20k", "New MRR", Measure("currency", 1e4, 2e4, "$")),
        ("12 Churn from 5% to 3%", "Churn", Measure("percent", 5, 3)),
        ('#1 "Latency" from 650 to 300 ms', "Latency", Measure("number", 650, 300, "ms")),
        ('#1 "Go from zero to one" done', "Go from zero to one", Measure("binary", 0, 1)),
        (
            "#1 Signups from 1,200 to 2.5k signups",
            "Signups",
            Measure("number", 1200, 2500, "signups"),
        ),
    ],
)
def test_a_key_result_line(text: str, title: str, measure: Measure) -> None:
    line = parse_key_result_line(text)
    assert (line.title, line.measure) == (title, measure)


@pytest.mark.parametrize(
    "text", ["2027-Q1", "2027 q1", "Q1 2027", "q1-2027", "2027Q1", " 2027-q1 "]
)
def test_quarters_as_people_write_them(text: str) -> None:
    assert parse_quarter(text) == Quarter(2027, 1)


@pytest.mark.parametrize("text", ["2027-Q5", "Q0 2027", "1999-Q1", "next quarter", ""])
def test_what_is_not_a_quarter(text: str) -> None:
    with pytest.raises(PeriodError):
        parse_quarter(text)


@given(st.text(max_size=200))
def test_any_text_is_read_or_refused_with_a_message(text: str) -> None:
    for parse in (parse_objective_line, parse_key_result_line):
        try:
            parse(text)
        except (OneLineError, PeriodError) as error:
            assert str(error)
