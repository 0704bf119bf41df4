"""Behaviour of bot.checkins.parsing: free-text check-in answers to values, confidence and mood.

The examples are English; the properties hold in every language, with numbers written as that
language writes them (tests/bot/checkins/test_parsing_languages.py has German and Spanish
examples)."""

import dataclasses
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from babel.numbers import format_decimal, get_decimal_symbol
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.checkins.parsing import (
    Invalid,
    MetricSpec,
    NoChange,
    Parsed,
    Skipped,
    Value,
    parse_confidence,
    parse_kr_value,
    parse_mood,
    parse_multi_update,
    unknown_names,
)
from bot.core.i18n import LANGUAGES, speaking

NUMBER = MetricSpec("number", start=0, target=1000, current=None, unit="signups")
SIGNED = MetricSpec("number", start=-20, target=50, current=10)  # NPS can be negative
PERCENT = MetricSpec("percent", start=10, target=60, current=None)
CURRENCY = MetricSpec("currency", start=0, target=10_000, current=None, unit="$")
BINARY = MetricSpec("binary", start=0, target=1, current=None)
HUGE = MetricSpec("number", start=0, target=1e12, current=None)
ALL_SPECS = [NUMBER, SIGNED, PERCENT, CURRENCY, BINARY]

KEY_RESULTS = [
    ("signups", "Weekly signups", NUMBER),
    ("nps", "NPS", SIGNED),
    ("activation", "Activation rate", PERCENT),
    ("churn", "Churn rate", MetricSpec("percent", start=5, target=2, current=None)),
    ("revenue", "Monthly revenue", CURRENCY),
    ("docs", "Docs pages published", MetricSpec("number", start=0, target=12, current=3)),
    ("launch", "Launch beta", BINARY),
]

FAST = settings(max_examples=200, deadline=None)
PARSED_TYPES = (Value, NoChange, Skipped, Invalid)
QUOTED = re.compile(r"“(.*?)”")
# How each language quotes a person's words back (bot/checkins/locale).
QUOTED_IN = {"en": QUOTED, "de": re.compile(r"„(.*?)“"), "es": QUOTED}
EVERY_LANGUAGE = pytest.mark.parametrize("language", LANGUAGES)


def grouped(literal: str, language: str) -> str:
    """A plain number ("-1234.50") as `language` writes it, its thousands grouped: "-1,234.50"
    in English (as f"{number:,}" writes it), "-1.234,50" in German and Spanish."""
    if language == "en":
        return f"{Decimal(literal):,}"
    places = len(literal.partition(".")[2])
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(Decimal(literal), format=pattern, locale=language)


def with_decimal_mark(literal: str, language: str) -> str:
    """A plain number ("12.5") with `language`'s decimal mark ("12,5" in German)."""
    return literal.replace(".", get_decimal_symbol(language))


def reason_of(result: Parsed) -> str:
    assert isinstance(result, Invalid), result
    return result.reason


# --- parse_kr_value: numbers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("400", 400.0),
        ("400.5", 400.5),
        ("0", 0.0),
        (".5", 0.5),
        ("+12", 12.0),
        ("  400  ", 400.0),
        ("400.", 400.0),
        ("400!", 400.0),
        ("400?!", 400.0),
        ("🎉 400 🎉", 400.0),
        ("🎉400🎉", 400.0),
        ("400 🚀", 400.0),
        ("4️⃣", 4.0),
        ('"400"', 400.0),
        ("approx 400", 400.0),
        ("approx. 400", 400.0),
        ("~400", 400.0),
        ("≈ 400", 400.0),
        ("about 400", 400.0),
        ("around 400", 400.0),
        ("at 400", 400.0),
        ("now 400", 400.0),
        ("we're at 400", 400.0),
        ("still 400", 400.0),
        ("400 signups", 400.0),
        ("400 new signups this week", 400.0),
        ("signups: 400", 400.0),
        ("٤٠٠", 400.0),
        ("４００", 400.0),
    ],
)
def test_reads_a_single_number(text: str, expected: float) -> None:
    assert parse_kr_value(text, NUMBER) == Value(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,250", 1250.0),
        ("12,345,678", 12_345_678.0),
        ("1,250.75", 1250.75),
        ("1\u00a0250", 1250.0),
        ("1\u202f250\u202f000", 1_250_000.0),
    ],
)
def test_thousands_separator_is_one_number(text: str, expected: float) -> None:
    assert parse_kr_value(text, HUGE) == Value(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3.5k", 3500.0),
        ("3.5K", 3500.0),
        ("1.1k", 1100.0),
        ("3.5 k", 3500.0),
        ("2m", 2_000_000.0),
        ("2M", 2_000_000.0),
        ("2 million", 2_000_000.0),
        ("1.2b", 1_200_000_000.0),
        ("1.2bn", 1_200_000_000.0),
        ("1e3", 1000.0),
        ("2.5e2", 250.0),
    ],
)
def test_suffixes_and_scientific_notation_scale_the_number(text: str, expected: float) -> None:
    assert parse_kr_value(text, HUGE) == Value(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("-3", -3.0), ("−5", -5.0), ("-12.5", -12.5), ("about -4", -4.0), ("+7", 7.0), ("-0", 0.0)],
)
def test_negative_numbers_work_when_the_key_result_can_go_negative(
    text: str, expected: float
) -> None:
    assert parse_kr_value(text, SIGNED) == Value(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$3.5k", 3500.0),
        ("€1200", 1200.0),
        ("£40", 40.0),
        ("$ 40", 40.0),
        ("1200€", 1200.0),
        ("3500 USD", 3500.0),
        ("USD 3500", 3500.0),
        ("3,500 eur", 3500.0),
        ("400 dollars", 400.0),
        ("-$0", 0.0),
    ],
)
def test_currency_symbols_and_codes_are_accepted_on_money_key_results(
    text: str, expected: float
) -> None:
    assert parse_kr_value(text, CURRENCY) == Value(expected)


def test_currency_symbol_on_a_number_key_result_is_still_that_number() -> None:
    assert parse_kr_value("$400", NUMBER) == Value(400.0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("40%", 40.0),
        ("40 %", 40.0),
        ("40", 40.0),
        ("40 percent", 40.0),
        ("0.4", 0.4),
        ("0%", 0.0),
        ("100%", 100.0),
        ("12.5%", 12.5),
        ("about 40%", 40.0),
    ],
)
def test_percent_key_results_take_a_percent_sign_or_a_bare_number(
    text: str, expected: float
) -> None:
    assert parse_kr_value(text, PERCENT) == Value(expected)


def test_percent_range_stretches_to_a_start_or_target_above_100() -> None:
    growth = MetricSpec("percent", start=100, target=250, current=None)
    assert parse_kr_value("180%", growth) == Value(180.0)
    assert isinstance(parse_kr_value("251%", growth), Invalid)


def test_percent_range_stretches_to_a_negative_start() -> None:
    margin = MetricSpec("percent", start=-15, target=5, current=None)
    assert parse_kr_value("-10%", margin) == Value(-10.0)
    assert isinstance(parse_kr_value("-16%", margin), Invalid)


# --- parse_kr_value: words -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["done", "Done!", "DONE", "finished", "complete", "completed", "hit it", "✅", "done ✅"],
)
@pytest.mark.parametrize("spec", [NUMBER, PERCENT, CURRENCY, SIGNED])
def test_done_words_mean_the_target(text: str, spec: MetricSpec) -> None:
    assert parse_kr_value(text, spec) == Value(float(spec.target))


def test_hundred_percent_is_just_a_number_not_the_target() -> None:
    assert parse_kr_value("100%", PERCENT) == Value(100.0)


@pytest.mark.parametrize(
    "text",
    [
        "same",
        "Same",
        "SAME",
        "the same",
        "no change",
        "No change.",
        "unchanged",
        "nothing changed",
        "as before",
        "still the same",
        "still N/A",
        "still n/a",
        "=",
        "same 🤷",
    ],
)
@pytest.mark.parametrize("spec", ALL_SPECS)
def test_no_change_words_mean_no_change(text: str, spec: MetricSpec) -> None:
    assert parse_kr_value(text, spec) == NoChange()


@pytest.mark.parametrize("text", ["skip", "Skip!", "pass", "n/a", "N/A", "-", "—", "next"])
@pytest.mark.parametrize("spec", ALL_SPECS)
def test_skip_words_mean_skipped(text: str, spec: MetricSpec) -> None:
    assert parse_kr_value(text, spec) == Skipped()


@pytest.mark.parametrize(
    "text", ["yes", "Y", "y", "done", "Done!", "true", "1", "✅", "✔️", "yep", "finished"]
)
def test_binary_yes_words_are_one(text: str) -> None:
    assert parse_kr_value(text, BINARY) == Value(1.0)


@pytest.mark.parametrize(
    "text", ["no", "N", "n", "not yet", "Not yet.", "false", "0", "❌", "nope"]
)
def test_binary_no_words_are_zero(text: str) -> None:
    assert parse_kr_value(text, BINARY) == Value(0.0)


@pytest.mark.parametrize("text", ["2", "0.5", "-1", "1%", "$1", "40", "maybe", "✅❌"])
def test_binary_rejects_anything_but_yes_or_no(text: str) -> None:
    assert isinstance(parse_kr_value(text, BINARY), Invalid)


# --- parse_kr_value: rejections ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "spec", "fragment"),
    [
        ("", NUMBER, "didn't catch a value"),
        ("   ", NUMBER, "didn't catch a value"),
        ("abc", NUMBER, "couldn't read a number in “abc”"),
        ("😀", NUMBER, "couldn't read a number"),
        ("שלום", NUMBER, "couldn't read a number"),
        ("\u202eabc", NUMBER, "couldn't read a number"),
        ("NaN", NUMBER, "couldn't read a number"),
        ("inf", NUMBER, "couldn't read a number"),
        ("infinity", NUMBER, "couldn't read a number"),
        ("yes", NUMBER, "couldn't read a number"),
        ("400 or 500", NUMBER, "more than one number"),
        ("400-500", NUMBER, "more than one number"),
        ("400 500", NUMBER, "more than one number"),
        ("1.2.3", NUMBER, "more than one number"),
        ("1,2345", NUMBER, "more than one number"),
        ("3,5", NUMBER, "use a dot"),
        ("1e309", NUMBER, "isn't a number I can use"),
        ("1e999999999", NUMBER, "isn't a number I can use"),
        ("5e12", NUMBER, "far too large"),
        ("2000b", NUMBER, "far too large"),
        ("1,000,000,000,001", NUMBER, "far too large"),
        ("maybe 400", NUMBER, "not sure what"),
        ("> 400", NUMBER, "not sure what"),
        ("-3", NUMBER, "can't go below zero"),
        ("−5", CURRENCY, "can't go below zero"),
        ("40%", NUMBER, "is a number, not a percentage"),
        ("40 percent", NUMBER, "is a number, not a percentage"),
        ("40%", CURRENCY, "not a percentage"),
        ("$40", PERCENT, "percentage, not money"),
        ("40 usd", PERCENT, "percentage, not money"),
        ("140%", PERCENT, "from 0 to 100"),
        ("-5%", PERCENT, "from 0 to 100"),
        ("-5", PERCENT, "from 0 to 100"),
        ("7", BINARY, "yes or no"),
    ],
)
def test_unreadable_or_unfit_answers_are_invalid_with_a_hint(
    text: str, spec: MetricSpec, fragment: str
) -> None:
    assert fragment in reason_of(parse_kr_value(text, spec))


@pytest.mark.parametrize(
    ("text", "spec"),
    [("abc", NUMBER), ("400 or 500", NUMBER), ("maybe 400", NUMBER), ("140%", PERCENT)],
)
def test_invalid_reason_suggests_what_works(text: str, spec: MetricSpec) -> None:
    reason = reason_of(parse_kr_value(text, spec))
    assert any(hint in reason for hint in ("Try", "Reply", "send"))


def test_overlong_answer_is_invalid() -> None:
    assert "long" in reason_of(parse_kr_value("1" * 201, NUMBER))


def test_reason_quotes_the_answer_shortened_to_40_characters() -> None:
    text = "this is definitely not a number but it keeps going on and on"
    quoted = QUOTED.findall(reason_of(parse_kr_value(text, NUMBER)))
    assert len(quoted) == 1
    assert len(quoted[0]) <= 40
    assert quoted[0].endswith("…")
    assert text.startswith(quoted[0][:-1])


def test_reason_drops_bidi_controls_from_the_quote() -> None:
    reason = reason_of(parse_kr_value("\u202eabc\u200f", NUMBER))
    assert "\u202e" not in reason
    assert "“abc”" in reason


@pytest.mark.parametrize(
    "text",
    [
        "9" * 10_000,
        "1," * 5_000,
        "1 " * 5_000,
        "a" * 10_000,
        " " * 10_000,
        "😀" * 10_000,
        "\u202e" * 10_000,
        "-" * 10_000,
        "1.1" * 3_000,
        "signups 400, " * 800,
    ],
    ids=[
        "digits",
        "commas",
        "spaced",
        "letters",
        "blank",
        "emoji",
        "rtl",
        "dashes",
        "dots",
        "multi",
    ],
)
@pytest.mark.parametrize(
    "parse",
    [
        pytest.param(lambda text: parse_kr_value(text, NUMBER), id="kr_value"),
        pytest.param(parse_confidence, id="confidence"),
        pytest.param(parse_mood, id="mood"),
        pytest.param(lambda text: parse_multi_update(text, KEY_RESULTS), id="multi"),
    ],
)
def test_very_long_input_is_answered_not_crashed(text: str, parse: Callable[[str], object]) -> None:
    # Speed is measured in bench/, not asserted here; a backtracking regex would hang this test.
    result = parse(text)
    assert result is None or isinstance(result, (Value, NoChange, Skipped, Invalid, dict))


@pytest.mark.parametrize(
    "text",
    [
        ", ".join(["lorem ipsum dolor sit amet"] * 38),
        ", ".join(["a b c d e f g h"] * 60),
        "q" * 999,
        " ".join(["wordy"] * 160),
        "; ".join(["singups 400"] * 19),
    ],
    ids=["prose", "letters", "one_word", "many_words", "fuzzy"],
)
def test_multi_update_at_the_length_limit_is_answered(text: str) -> None:
    result = parse_multi_update(text, KEY_RESULTS * 3)
    if text.startswith("singups"):
        # The same title listed three times can't be told apart: a question, not a guess.
        assert result is not None and all(isinstance(v, Invalid) for v in result.values())
    else:
        assert result is None


def test_results_are_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Value(1.0).number = 2.0  # type: ignore[misc]


# --- parse_kr_value: properties ------------------------------------------------------------


def test_grouped_numbers_are_written_as_each_language_writes_them() -> None:
    assert [grouped("-1234567.50", language) for language in ("en", "de", "es")] == [
        "-1,234,567.50",
        "-1.234.567,50",
        "-1.234.567,50",
    ]
    assert grouped("1250", "en") == f"{1250:,}" and grouped("1250.50", "en") == f"{1250.5:,.2f}"


@EVERY_LANGUAGE
@FAST
@given(st.integers(min_value=0, max_value=10**12))
def test_grouped_integers_round_trip(language: str, number: int) -> None:
    with speaking(language):
        assert parse_kr_value(grouped(str(number), language), HUGE) == Value(float(number))


@EVERY_LANGUAGE
@FAST
@given(st.floats(min_value=0, max_value=1e11, allow_nan=False, allow_infinity=False))
def test_grouped_decimals_round_trip(language: str, number: float) -> None:
    with speaking(language):
        result = parse_kr_value(grouped(f"{number:.2f}", language), HUGE)
    assert isinstance(result, Value)
    assert result.number == pytest.approx(float(f"{number:.2f}"), rel=1e-12)


@EVERY_LANGUAGE
@FAST
@given(st.integers(min_value=0, max_value=10**9))
def test_k_suffix_round_trips(language: str, number: int) -> None:
    with speaking(language):
        result = parse_kr_value(with_decimal_mark(f"{number / 1000}k", language), HUGE)
    assert isinstance(result, Value)
    assert result.number == pytest.approx(number, rel=1e-9)


@EVERY_LANGUAGE
@FAST
@given(st.integers(min_value=-(10**12), max_value=10**12), st.sampled_from(["-", "−"]))
def test_signed_numbers_round_trip(language: str, number: int, minus: str) -> None:
    signed = MetricSpec("number", start=-(10**12), target=10**12, current=None)
    text = grouped(str(number), language).replace("-", minus)
    with speaking(language):
        assert parse_kr_value(text, signed) == Value(float(number))


@EVERY_LANGUAGE
@FAST
@given(st.floats(min_value=0, max_value=100, allow_nan=False), st.sampled_from(["%", " %"]))
def test_any_percent_in_range_round_trips(language: str, number: float, sign: str) -> None:
    with speaking(language):
        assert parse_kr_value(with_decimal_mark(repr(number), language) + sign, PERCENT) == Value(
            number
        )


# Fragments that steer generated text towards the interesting paths of the parser.
ANSWER_LIKE = st.lists(
    st.sampled_from(
        [
            *"0123456789,.-+%$€£kKmMbBe ~:=/",
            *["−", "\u00a0", "😀", "✅", "❌", "🙂", "ש", "ل", "٤", "\u200f", "\u202e", "\u200d"],
            *[
                "done",
                "same",
                "skip",
                "n/a",
                "still",
                "about",
                "usd",
                "signups",
                "percent",
                " and ",
            ],
            # The German and Spanish words and multipliers.
            *["erledigt", "hecho", "keine Änderung", "sin cambios", "überspringen", "saltar"],
            *["ca.", "unos", "Mio", "mil", "Prozent", "por ciento", " und ", " y ", "ja", "sí"],
        ]
    ),
    max_size=15,
).map("".join)


@EVERY_LANGUAGE
@FAST
@given(st.one_of(st.text(), ANSWER_LIKE), st.sampled_from(ALL_SPECS))
def test_never_raises_and_returns_a_result(language: str, text: str, spec: MetricSpec) -> None:
    with speaking(language):
        result = parse_kr_value(text, spec)
    assert isinstance(result, PARSED_TYPES)
    if isinstance(result, Invalid):
        assert 0 < len(result.reason) < 200
        assert all(len(quote) <= 40 for quote in QUOTED_IN[language].findall(result.reason))
    if isinstance(result, Value):
        assert abs(result.number) <= 1e12


@EVERY_LANGUAGE
@FAST
@given(ANSWER_LIKE, st.sampled_from(ALL_SPECS))
def test_values_respect_the_key_result_kind(language: str, text: str, spec: MetricSpec) -> None:
    with speaking(language):
        result = parse_kr_value(text, spec)
    if not isinstance(result, Value):
        return
    if spec.kind == "binary":
        assert result.number in (0.0, 1.0)
    elif spec.kind == "percent":
        assert 0 <= result.number <= 100
    elif spec.start >= 0 and spec.target >= 0:
        assert result.number >= 0


# --- parse_confidence ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7", Value(7.0)),
        ("1", Value(1.0)),
        ("10", Value(10.0)),
        (" 8 ", Value(8.0)),
        ("8!", Value(8.0)),
        ("7/10", Value(7.0)),
        ("7 / 10", Value(7.0)),
        ("7 out of 10", Value(7.0)),
        ("10/10 🚀", Value(10.0)),
        ("same", NoChange()),
        ("no change", NoChange()),
        ("Same.", NoChange()),
        ("skip", Skipped()),
        ("pass", Skipped()),
    ],
)
def test_confidence_reads_whole_numbers_from_1_to_10(text: str, expected: Parsed) -> None:
    assert parse_confidence(text) == expected


@pytest.mark.parametrize(
    "text", ["0", "11", "7.5", "abc", "NaN", "", "-3", "70%", "7/5", "100", "seven", "x" * 300]
)
def test_confidence_outside_1_to_10_is_invalid_with_the_scale(text: str) -> None:
    assert "whole number from 1 (won't happen) to 10 (certain)" in reason_of(parse_confidence(text))


@EVERY_LANGUAGE
@FAST
@given(st.one_of(st.text(), st.integers().map(str), st.floats().map(str), ANSWER_LIKE))
def test_confidence_returns_value_only_for_integers_1_to_10(language: str, text: str) -> None:
    with speaking(language):
        result = parse_confidence(text)
    assert isinstance(result, PARSED_TYPES)
    if isinstance(result, Value):
        assert result.number.is_integer()
        assert 1 <= result.number <= 10
    if isinstance(result, Invalid):
        assert 0 < len(result.reason) < 200


@EVERY_LANGUAGE
@FAST
@given(st.integers(min_value=1, max_value=10))
def test_confidence_accepts_every_integer_1_to_10(language: str, number: int) -> None:
    with speaking(language):
        assert parse_confidence(str(number)) == Value(float(number))


# --- parse_mood ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4", 4.0),
        ("1", 1.0),
        ("5", 5.0),
        ("4/5", 4.0),
        ("4 out of 5", 4.0),
        ("great", 5.0),
        ("Great!", 5.0),
        ("good", 4.0),
        ("ok", 3.0),
        ("OK", 3.0),
        ("okay", 3.0),
        ("fine", 3.0),
        ("meh", 2.0),
        ("bad", 2.0),
        ("awful", 1.0),
        ("terrible", 1.0),
        ("😀", 5.0),
        ("🙂", 4.0),
        ("😐", 3.0),
        ("🙁", 2.0),
        ("😞", 1.0),
        ("great 😀", 5.0),
        ("😞😞", 1.0),
    ],
)
def test_mood_reads_numbers_words_and_faces(text: str, expected: float) -> None:
    assert parse_mood(text) == Value(expected)


def test_mood_skip_is_skipped() -> None:
    assert parse_mood("skip") == Skipped()


@pytest.mark.parametrize(
    "text", ["0", "6", "3.5", "abc", "", "🎉", "good 😞", "😀🙁", "same", "not great", "NaN"]
)
def test_mood_other_answers_are_invalid(text: str) -> None:
    assert "1 (awful) to 5 (great)" in reason_of(parse_mood(text))


@EVERY_LANGUAGE
@FAST
@given(st.one_of(st.text(), st.integers().map(str), ANSWER_LIKE))
def test_mood_returns_value_only_for_integers_1_to_5(language: str, text: str) -> None:
    with speaking(language):
        result = parse_mood(text)
    assert isinstance(result, PARSED_TYPES)
    if isinstance(result, Value):
        assert result.number in (1.0, 2.0, 3.0, 4.0, 5.0)
    if isinstance(result, Invalid):
        assert 0 < len(result.reason) < 200


# --- parse_multi_update --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("signups 400, nps 35", {"signups": Value(400.0), "nps": Value(35.0)}),
        ("signups: 400; NPS = 35", {"signups": Value(400.0), "nps": Value(35.0)}),
        ("revenue $3.5k and churn 2%", {"revenue": Value(3500.0), "churn": Value(2.0)}),
        ("docs done, signups 400", {"docs": Value(12.0), "signups": Value(400.0)}),
        ("signups 1,250, nps 35", {"signups": Value(1250.0), "nps": Value(35.0)}),
        ("signups 1,250,nps 35", {"signups": Value(1250.0), "nps": Value(35.0)}),
        ("signups 400\nnps -5", {"signups": Value(400.0), "nps": Value(-5.0)}),
        ("Weekly signups: 400 | NPS: 35", {"signups": Value(400.0), "nps": Value(35.0)}),
        ("400 signups, 35 nps", {"signups": Value(400.0), "nps": Value(35.0)}),
        (
            "signups ~400, activation about 40%",
            {"signups": Value(400.0), "activation": Value(40.0)},
        ),
        ("signups still 400, nps at 30", {"signups": Value(400.0), "nps": Value(30.0)}),
        ("signups - 400, nps - 30", {"signups": Value(400.0), "nps": Value(30.0)}),
        ("revenue usd 3500, churn 3", {"revenue": Value(3500.0), "churn": Value(3.0)}),
        ("💥 signups 400 🎉, nps 35", {"signups": Value(400.0), "nps": Value(35.0)}),
        ("nps same, signups skip", {"nps": NoChange(), "signups": Skipped()}),
        ("churn: no change, launch ✅", {"churn": NoChange(), "launch": Value(1.0)}),
        ("launch not yet and signups 400", {"launch": Value(0.0), "signups": Value(400.0)}),
        ("signups 400, coffee 3", {"signups": Value(400.0)}),
        ("signups 400 and the weather is nice", {"signups": Value(400.0)}),
    ],
)
def test_multi_update_reads_each_named_key_result(text: str, expected: dict[str, Parsed]) -> None:
    assert parse_multi_update(text, KEY_RESULTS) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("signups 400", "signups"),
        ("Signups 400", "signups"),
        ("signup 400", "signups"),
        ("weekly signups 400", "signups"),
        ("nps 35", "nps"),
        ("activation 40%", "activation"),
        ("activation rate 40%", "activation"),
        ("singups 400", "signups"),
        ("actvation 40%", "activation"),
        ("act 40%", "activation"),
        ("docs 5", "docs"),
    ],
)
def test_multi_update_matches_titles_by_word_or_close_spelling(text: str, key: str) -> None:
    result = parse_multi_update(text, KEY_RESULTS)
    assert result is not None
    assert list(result) == [key]
    assert isinstance(result[key], Value)


@pytest.mark.parametrize(
    "text",
    ["400", "-3", "same", "done", "skip", "", "hello there", "we had a great week", "abc, def"],
)
def test_text_that_is_not_a_multi_update_returns_none(text: str) -> None:
    assert parse_multi_update(text, KEY_RESULTS) is None


@pytest.mark.parametrize(
    ("text", "unknown"),
    [
        ("signups 400, coffee 3", ["coffee"]),
        ("revenue 3500, headcount 12, nps 30", ["headcount"]),
        ("signups 400 and the weather is nice", []),  # no number: prose, not a name
        ("signups 400, nps 35", []),
        ("400", []),
    ],
)
def test_names_given_a_number_that_match_no_key_result_are_reported(
    text: str, unknown: list[str]
) -> None:
    assert unknown_names(text, KEY_RESULTS) == unknown


def test_multi_update_without_key_results_returns_none() -> None:
    assert parse_multi_update("signups 400", []) is None


def test_title_matching_two_key_results_equally_is_invalid_naming_both() -> None:
    result = parse_multi_update("rate 5", KEY_RESULTS)
    assert result is not None
    assert set(result) == {"activation", "churn"}
    reason = reason_of(result["activation"])
    assert "Activation rate" in reason
    assert "Churn rate" in reason
    assert result["churn"] == result["activation"]


def test_explicitly_named_key_result_wins_over_an_ambiguous_mention() -> None:
    result = parse_multi_update("activation 30%, rate 5", KEY_RESULTS)
    assert result is not None
    assert result["activation"] == Value(30.0)
    assert "Churn rate" in reason_of(result["churn"])


def test_key_result_named_twice_is_invalid() -> None:
    result = parse_multi_update("signups 400, signups 500", KEY_RESULTS)
    assert result == {
        "signups": Invalid("You gave two values for “Weekly signups”. Send just one.")
    }


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("signups abc, nps 35", "couldn't read a number in “abc”"),
        ("signups, nps 35", "didn't catch a value"),
        ("signups 40%, nps 35", "not a percentage"),
        ("signups 400 or 500, nps 35", "more than one number"),
        ("signups -4, nps 35", "below zero"),
    ],
)
def test_named_key_result_with_unreadable_value_is_invalid(text: str, fragment: str) -> None:
    result = parse_multi_update(text, KEY_RESULTS)
    assert result is not None
    assert fragment in reason_of(result["signups"])
    assert result["nps"] == Value(35.0)


def test_value_part_is_parsed_against_that_key_results_spec() -> None:
    for key, title, spec in KEY_RESULTS:
        for answer in ["done", "same", "skip", "40", "abc"]:
            result = parse_multi_update(f"{title}: {answer}", KEY_RESULTS)
            assert result == {key: parse_kr_value(answer, spec)}


def test_and_inside_a_title_does_not_split_it() -> None:
    key_results = [
        ("rd", "Research and development hours", NUMBER),
        ("nps", "NPS", SIGNED),
    ]
    result = parse_multi_update("research and development hours 12 and nps 30", key_results)
    assert result == {"rd": Value(12.0), "nps": Value(30.0)}


MULTI_KEY_RESULTS = [
    ("signups", "Weekly signups", HUGE),
    ("nps", "NPS", MetricSpec("number", start=-100, target=100, current=None)),
    ("activation", "Activation rate", PERCENT),
    ("revenue", "Monthly revenue", CURRENCY),
    ("tickets", "Support tickets closed", NUMBER),
]


AND = {"en": " and ", "de": " und ", "es": " y "}


@st.composite
def multi_updates(draw: st.DrawFn, language: str = "en") -> tuple[str, dict[str, Parsed]]:
    """A one-line update of some of MULTI_KEY_RESULTS, its numbers as `language` writes them."""
    chosen = draw(st.lists(st.sampled_from(MULTI_KEY_RESULTS), min_size=1, unique=True))
    separator = draw(st.sampled_from([", ", ",", "; ", "\n", " and ", " | ", AND[language]]))
    parts: list[str] = []
    expected: dict[str, Parsed] = {}
    for key, title, spec in chosen:
        if spec.kind == "percent":
            number = draw(st.integers(min_value=0, max_value=100))
            value = f"{number}{draw(st.sampled_from(['%', ' %', '']))}"
        elif spec.start < 0:
            number = draw(st.integers(min_value=-100, max_value=100))
            value = str(number)
        else:
            number = draw(st.integers(min_value=0, max_value=10**9))
            value = f"{draw(st.sampled_from(['', '$'])) if spec.kind == 'currency' else ''}"
            value += draw(st.sampled_from([grouped(str(number), language), str(number)]))
        name = draw(st.sampled_from([title, title.lower(), title.upper()]))
        layout = draw(st.sampled_from(["{name} {value}", "{name}: {value}", "{name} = {value}"]))
        parts.append(layout.format(name=name, value=value))
        expected[key] = Value(float(number))
    return separator.join(parts), expected


@EVERY_LANGUAGE
@FAST
@given(st.data())
def test_multi_update_returns_exactly_the_named_key_results(
    language: str, data: st.DataObject
) -> None:
    text, expected = data.draw(multi_updates(language))
    with speaking(language):
        assert parse_multi_update(text, MULTI_KEY_RESULTS) == expected


@EVERY_LANGUAGE
@FAST
@given(st.one_of(st.text(), ANSWER_LIKE, st.text(alphabet="signups nps 0123456789,.;:=-and")))
def test_multi_update_never_raises(language: str, text: str) -> None:
    with speaking(language):
        result = parse_multi_update(text, KEY_RESULTS)
    assert result is None or all(isinstance(value, PARSED_TYPES) for value in result.values())
    if result is not None:
        assert set(result) <= {key for key, _, _ in KEY_RESULTS}
        for value in result.values():
            assert not isinstance(value, Invalid) or 0 < len(value.reason) < 200
