"""A kudos as people type it: receivers first, then the message with its value tags, and
`private` at the end; unknown tags matched to the org's values."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.kudos.parsing import KudosError, parse_kudos, unknown_tags


def test_receivers_message_tags_and_private() -> None:
    line = parse_kudos(
        "<@U1> <@U2|ben> for shipping the onboarding flow #customer-first #Ownership private"
    )
    assert line.receivers == ("<@U1>", "<@U2|ben>")
    assert line.message == "shipping the onboarding flow #customer-first #Ownership"
    assert line.tags == ("customer-first", "ownership")
    assert line.private


@pytest.mark.parametrize(
    ("text", "receivers", "message"),
    [
        ("ana@example.com thanks for the review", ("ana@example.com",), "thanks for the review"),
        ("@ana @ana for the help", ("@ana",), "the help"),
        ("@ana the privately run retro was great", ("@ana",), "the privately run retro was great"),
    ],
)
def test_forms_people_type(text: str, receivers: tuple[str, ...], message: str) -> None:
    line = parse_kudos(text)
    assert (line.receivers, line.message, line.private) == (receivers, message, False)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Say who it's for first"),
        ("for nothing in particular", "Say who it's for first"),
        ("@ana", "Say what it's for"),
        ("@ana private", "Say what it's for"),
        ("@ana " + "x" * 1001, "a kudos fits in 1000"),
        (" ".join(f"@p{n}" for n in range(21)) + " thanks", "at most 20 people"),
    ],
)
def test_what_cant_be_read_says_what_to_type(text: str, says: str) -> None:
    with pytest.raises(KudosError, match=says):
        parse_kudos(text)


def test_unknown_tags_get_the_closest_value() -> None:
    known = ["customer-first", "ownership", "be-kind"]
    assert unknown_tags(["customer-frist", "ownership", "zzz"], known) == [
        "#customer-frist isn't one of the company's values. Did you mean #customer-first?",
        "#zzz isn't one of the company's values.",
    ]


@given(st.text(max_size=300))
def test_any_text_is_read_or_refused_with_a_message(text: str) -> None:
    try:
        line = parse_kudos(text)
    except KudosError as error:
        assert str(error)
    else:
        assert line.receivers and line.message and len(line.message) <= 1000
